import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { Clock } from "../clock";
import type { RestoredDatabase } from "../restore/restore-stack";
import type { RestoreSpec } from "../restore/spec";
import { validationRequest } from "./contract";
import { describeHook } from "./hook";
import { failed } from "./outcome";
import type { ValidationPlan } from "./plan";
import { runValidation } from "./run";
import { summarizeValidation, ValidationSummary } from "./summary";

/**
 * The pipeline's `validate` step: hand the verified instance to the run's validator and
 * sum up its answer for the report. Never throws for the validator's sake: a validator
 * that could not be run, crashed, timed out or answered badly is a failed summary with
 * the reason, like a `fail` answer, so the report always says what happened.
 */

export interface ValidateDeps {
  lambda: LambdaClient;
  clock: Clock;
  /** Aborted on Ctrl-C: the command hook's process group is killed, the Lambda hook stops waiting. */
  signal?: AbortSignal;
}

export interface ValidateTarget {
  /** The drill's id (a restore's id for `restore`): the request's drillId. */
  runId: string;
  spec: RestoreSpec;
  restored: RestoredDatabase;
}

export const NO_VALIDATION_NOTE = "no data validation: pass --validate-with, or set validationWith in the environment's config";

export async function validateRestoredData(deps: ValidateDeps, plan: ValidationPlan, target: ValidateTarget): Promise<ValidationSummary> {
  const { spec, restored } = target;
  const context = { hook: describeHook(plan.hook), recoveryPointTime: spec.point.time, durationMs: 0 };
  // The validator reads the credentials itself; without the secret's ARN it has nothing to log in with.
  if (restored.secretArn === undefined) {
    return summarizeValidation(failed("invoke", `restored instance ${restored.identifier} reports no master-user secret, which the validator needs to log in`), context);
  }
  if (plan.hook.kind === "bundled" && restored.validatorFunctionName === undefined) {
    return summarizeValidation(failed("invoke", "the restore stack has no validatorFunctionName output, so the bundled validator was not deployed"), context);
  }
  const request = validationRequest({
    drillId: target.runId,
    recoveryPoint: { kind: spec.point.kind, time: spec.point.time, label: spec.point.label },
    region: spec.region,
    endpoint: { address: restored.address, port: restored.port },
    secretArn: restored.secretArn,
    engine: restored.engine ?? spec.point.engine,
    engineVersion: restored.engineVersion ?? spec.point.engineVersion,
  });
  const run = await runValidation(plan.hook, request, {
    lambda: deps.lambda,
    clock: deps.clock,
    timeoutMs: plan.timeoutMs,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(restored.validatorFunctionName !== undefined ? { bundledFunctionName: restored.validatorFunctionName } : {}),
  });
  return summarizeValidation(run.outcome, { ...context, hook: run.hook, durationMs: run.durationMs });
}
