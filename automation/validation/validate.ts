import type { LambdaClient } from "@aws-sdk/client-lambda";
import { functionExists } from "../aws/lambda";
import type { Clock } from "../clock";
import { UsageError } from "../errors";
import type { RestoredDatabase } from "../restore/restore-stack";
import type { RestoreSpec } from "../restore/spec";
import { describeHook, ValidationHook } from "../../contracts/validation-config";
import { validationRequest, ValidationRequest } from "../../contracts/validation-exchange";
import { checkExecutable, runCommandHook } from "./command-hook";
import { runLambdaHook } from "./lambda-hook";
import type { ValidationPlan } from "./plan";
import { failed, HookOutcome, summarizeValidation, ValidationSummary } from "./verdict";

/**
 * Running the plan's hook: first, before anything is created, a look at whether it can
 * run at all; then the pipeline's `validate` step, as one straight line: build the
 * request for the verified instance, run the hook (a local command or a Lambda
 * function), judge what came back (verdict.ts). The step never throws for the
 * validator's sake: a validator that could not be run, crashed, timed out or answered
 * badly is a failed summary with the reason, like a `fail` answer, so the report always
 * says what happened.
 */

/**
 * Before anything is created: the command must be an executable file and the function
 * must exist, or the drill would fail only after a restore of tens of minutes.
 * UsageError (exit 2) otherwise. The bundled validator is checked when it is deployed.
 */
export async function checkValidationHook(plan: ValidationPlan, lambda: LambdaClient): Promise<void> {
  const { hook } = plan;
  if (hook.kind === "command") await checkExecutable(hook.path, "The validation hook");
  if (hook.kind === "lambda" && !(await functionExists(lambda, hook.functionName))) {
    throw new UsageError(`The validation hook ${describeHook(hook)} names a function that does not exist in this account and region; check the name and --region.`);
  }
}

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

export interface ValidationDeps {
  lambda: LambdaClient;
  clock: Clock;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The deployed bundled validator's function name (the restore stack's output); needed for `bundled`. */
  bundledFunctionName?: string;
}

export interface ValidationRun {
  outcome: HookOutcome;
  durationMs: number;
  /** How the hook is named in the report. */
  hook: string;
}

/**
 * Runs whichever hook it is given, timed with the drill's clock. The bundled validator is
 * a Lambda function once the restore stack has deployed it, so it runs as one, under the
 * name the stack reports.
 */
export async function runValidation(hook: ValidationHook, request: ValidationRequest, deps: ValidationDeps): Promise<ValidationRun> {
  const started = deps.clock.now().getTime();
  const common = { timeoutMs: deps.timeoutMs, ...(deps.signal ? { signal: deps.signal } : {}) };
  let outcome: HookOutcome;
  if (hook.kind === "command") {
    outcome = await runCommandHook(hook.path, request, common);
  } else {
    const functionName = hook.kind === "lambda" ? hook.functionName : deps.bundledFunctionName;
    if (functionName === undefined) throw new Error("runValidation: the bundled validator was asked for, but no deployed function name was given (the restore stack's validator output).");
    outcome = await runLambdaHook(deps.lambda, functionName, request, common);
  }
  return { outcome, durationMs: deps.clock.now().getTime() - started, hook: hook.kind === "bundled" ? `${describeHook(hook)} (Lambda function ${deps.bundledFunctionName})` : describeHook(hook) };
}
