import { restoreStackName } from "../../contracts/stacks";
import { OperationError } from "../errors";
import { table } from "../output";
import { resumeCommand } from "./interrupt-notice";
import { restoreTargetIdentifier } from "./naming";
import { PipelineDeps, PipelineOptions, PipelineRun, RestorePolicy, runRestorePipeline } from "./pipeline";
import { StepRecord } from "./steps";
import { Check } from "./verify";
import { describeRecoverySource, RecoverySourceKind, recoverySourceKind } from "./recovery-point";
import { RestoreSpec } from "./spec";

/**
 * A restore meant for cut-over: the restore pipeline with the cut-over policy — the
 * instance `<source>-restore` (or `--target-id`) in stack `<env>-restore-<id>`, the
 * primary's full hardening, a question before anything is created, and the stack kept
 * at the end: for the cut-over when verified, for `--resume <id>` when a step failed.
 */

export interface RestoreResult {
  restoreId: string;
  restoreStack: string;
  /** What `cutover --to` takes. */
  stackName: string;
  environment: string;
  targetInstance: string;
  region: string | undefined;
  /** The point, which kind of copy it came from (`source`), and where, in words (`from`). */
  recoveryPoint: { label: string; time: string; source: RecoverySourceKind; from: string } | undefined;
  endpoint: { address: string; port: number | undefined } | undefined;
  secretArn: string | undefined;
  steps: StepRecord[];
  checks: Check[];
  passed: boolean;
  resumed: boolean;
  /** What this run finished of an interrupted one (`--resume`): a stale lock cleared, interrupted creates imported or cleared. */
  recovered?: string[];
  cancelled?: boolean;
}

export const CUTOVER_RESTORE_POLICY: RestorePolicy = {
  purpose: "cutover",
  noun: "restore",
  stackName: restoreStackName,
  targetIdentifier: (source, _id, requested) => requested ?? restoreTargetIdentifier(source),
  question: (spec, restoreStack) =>
    `Restore ${spec.sourceDbInstanceIdentifier} from ${spec.point.label} (${spec.point.time.toISOString()}; ${describeRecoverySource(spec.point, spec.region)}) to a new instance ${spec.targetIdentifier}` +
    ` (${spec.instanceClass ?? "default class"}, ${spec.region}, subnet group ${spec.dbSubnetGroupName}, security groups ${spec.securityGroupIds.join(", ")})${spec.validation?.bundled ? ", with the bundled SQL validator beside it," : ""} in stack ${restoreStack}? It is billed until deleted.`,
  atEnd: "keep",
};

/** The restore's result; a failed step other than the checks (verify's, the validator's) is an OperationError that says how to resume. */
export function restoreResult(run: PipelineRun): RestoreResult {
  if (run.failure !== undefined && run.failedStep !== "verify" && run.failedStep !== "validate" && !run.cancelled) {
    const error = (run.error ?? "").replace(/\.$/, "");
    if (run.cleanup.status === "nothing-to-clean") {
      // No restore stack exists, so there is nothing to resume: --resume would be refused.
      throw new OperationError(
        `Restore ${run.id} stopped at step ${run.failedStep ?? "choose"} before anything was created: ${error}; nothing to resume or remove — fix the cause and run gametracker-dr restore again.`,
        { cause: run.failure },
      );
    }
    throw new OperationError(
      `Restore stack ${run.restoreStack} failed at step ${run.failedStep ?? "restore"}: ${error} — ${run.cleanup.stoppedWaiting ? run.cleanup.detail : `continue with ${resumeCommand(CUTOVER_RESTORE_POLICY, run.environment, run.id)}, or remove it with gametracker-dr cleanup`}.`,
      { cause: run.failure },
    );
  }
  return {
    restoreId: run.id,
    restoreStack: run.restoreStack,
    stackName: run.stackName,
    environment: run.environment,
    targetInstance: run.targetInstance,
    region: run.spec?.region,
    recoveryPoint: run.spec === undefined ? undefined : pointSummary(run.spec),
    endpoint: run.restored === undefined ? undefined : { address: run.restored.address, port: run.restored.port },
    secretArn: run.restored?.secretArn,
    steps: run.steps,
    checks: run.checks,
    passed: run.failure === undefined && !run.cancelled,
    resumed: run.resumed,
    ...(run.recovery !== undefined && run.recovery.actions.length > 0 ? { recovered: run.recovery.actions } : {}),
    ...(run.cancelled ? { cancelled: true } : {}),
  };
}

export async function runRestore(deps: PipelineDeps, options: PipelineOptions): Promise<RestoreResult> {
  return restoreResult(await runRestorePipeline(deps, CUTOVER_RESTORE_POLICY, options));
}

/** What the operator reads at the end of a restore. Pure. */
export function renderRestoreResult(result: RestoreResult): string {
  if (result.cancelled) return `cancelled: nothing was created (restore ${result.restoreId} of ${result.recoveryPoint?.label ?? "the recovery point"} not started).`;
  const lines = [
    `restore ${result.restoreId}${result.resumed ? " (resumed)" : ""}: ${result.passed ? "VERIFIED" : "CHECKS FAILED"}`,
    `recovery point ${result.recoveryPoint?.label ?? "n/a"} (${result.recoveryPoint?.time ?? "n/a"})`,
    `source         ${result.recoveryPoint?.from ?? "n/a"}`,
    `instance       ${result.targetInstance}${result.region !== undefined ? ` (${result.region})` : ""}`,
    `endpoint       ${result.endpoint ? `${result.endpoint.address}:${result.endpoint.port ?? "?"}` : "n/a"}`,
    `credentials    ${result.secretArn ?? "n/a"} (Secrets Manager)`,
    `restore stack  ${result.restoreStack}`,
    ...(result.recovered ?? []).map((action, i) => `${i === 0 ? "recovered     " : "              "} ${action}`),
    "",
    table(["check", "result", "expected", "actual"], result.checks.map((c) => [c.name, c.status, c.expected, c.actual])),
    "",
    result.passed
      ? `next: gametracker-dr cutover --stack ${result.environment} --to ${result.stackName} (points the API at this instance)`
      : "the instance is kept for inspection; fix what failed or remove it with gametracker-dr cleanup",
  ];
  return lines.join("\n");
}

function pointSummary(spec: RestoreSpec): NonNullable<RestoreResult["recoveryPoint"]> {
  return { label: spec.point.label, time: spec.point.time.toISOString(), source: recoverySourceKind(spec.point), from: describeRecoverySource(spec.point, spec.region) };
}
