import { RESTORE_PROJECT, restoreStackName } from "../../contracts/stacks";
import { Environment } from "../environment";
import { OperationError, UsageError } from "../errors";
import { Stack } from "../stacks/port";
import { newRunId, parseRunId, restoreTargetIdentifier } from "./naming";
import { planRestore } from "./plan";
import { RestoreSpec } from "./program-config";
import { RecoveryRequest } from "./recovery-point";
import { RestoreRunDeps } from "./run-deps";
import { openRestoreStack, prepareRestoreStack, RestoredDatabase, upRestoreStack } from "./restore-stack";
import { Check, verifyExpectations, verifyRestoredInstance } from "./verify";

/**
 * A restore meant for cut-over: the same choose → restore → verify as a drill, but the
 * instance is kept with the primary's full hardening and nothing is cleaned up. A failure
 * leaves the stack in place, so `--resume <id>` continues it instead of starting over.
 */
export interface RestoreDeps extends RestoreRunDeps {
  confirm: (question: string) => Promise<boolean>;
}

export interface RestoreOptions {
  environment: Environment & { stack: string };
  request: RecoveryRequest;
  targetIdentifier?: string;
  instanceClass?: string;
  resumeId?: string;
}

export interface RestoreResult {
  restoreId: string;
  restoreStack: string;
  /** What `cutover --to` takes. */
  stackName: string;
  targetInstance: string;
  recoveryPoint: { label: string; time: string };
  endpoint: { address: string; port: number | undefined } | undefined;
  secretArn: string | undefined;
  checks: Check[];
  passed: boolean;
  resumed: boolean;
  cancelled?: boolean;
}

export async function runRestore(deps: RestoreDeps, options: RestoreOptions): Promise<RestoreResult> {
  const env = options.environment;
  const now = deps.clock.now();
  let restoreId: string;
  let spec: RestoreSpec;
  let stack: Stack | undefined;
  const resumed = options.resumeId !== undefined;
  if (resumed) {
    restoreId = parseRunId(options.resumeId!);
    const opened = await openRestoreStack(deps.stacks, restoreStackName(env.stack, restoreId), `restore ${restoreId} of environment ${env.stack}`);
    if (opened.spec.purpose !== "cutover" || opened.spec.environment !== env.stack) {
      throw new UsageError(`Restore stack ${opened.stack.id.stack} is not a cut-over restore of environment ${env.stack}; it can't be resumed by restore.`);
    }
    spec = opened.spec;
    stack = opened.stack;
  } else {
    restoreId = newRunId(now, deps.random);
    spec = await planRestore({
      rds: deps.rds,
      environment: env,
      request: options.request,
      purpose: "cutover",
      targetIdentifier: options.targetIdentifier ?? restoreTargetIdentifier(env.dbInstanceIdentifier),
      ...(options.instanceClass !== undefined ? { instanceClass: options.instanceClass } : {}),
      now,
      random: deps.random,
    });
  }
  const stackName = restoreStackName(env.stack, restoreId);
  const result: RestoreResult = {
    restoreId,
    restoreStack: `${RESTORE_PROJECT}/${stackName}`,
    stackName,
    targetInstance: spec.targetIdentifier,
    recoveryPoint: { label: spec.point.label, time: spec.point.time.toISOString() },
    endpoint: undefined,
    secretArn: undefined,
    checks: [],
    passed: false,
    resumed,
  };

  if (!resumed) {
    const question =
      `Restore ${spec.sourceDbInstanceIdentifier} from ${spec.point.label} (${spec.point.time.toISOString()}) to a new instance ${spec.targetIdentifier}` +
      ` (${spec.instanceClass ?? "default class"}, subnet group ${spec.dbSubnetGroupName}, security groups ${spec.securityGroupIds.join(", ")}) in stack ${result.restoreStack}? It is billed until deleted.`;
    if (!(await deps.confirm(question))) return { ...result, cancelled: true };
  }

  deps.output.progress(`restore ${restoreId}: pulumi up ${result.restoreStack} (an RDS restore takes 10–40 minutes; if interrupted, continue with --resume ${restoreId})`);
  let restored: RestoredDatabase;
  try {
    stack ??= await prepareRestoreStack(deps.stacks, stackName, spec);
    restored = await upRestoreStack(stack, deps.onPulumiOutput);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new OperationError(
      `Restore stack ${result.restoreStack} failed: ${error instanceof Error ? error.message : String(error)} — continue with restore --stack ${env.stack} --resume ${restoreId}, or remove it with gametracker-dr cleanup.`,
      { cause: error },
    );
  }
  result.endpoint = { address: restored.address, port: restored.port };
  result.secretArn = restored.secretArn;
  const verification = await verifyRestoredInstance(
    { rds: deps.rds, clock: deps.clock, random: deps.random, resolver: deps.resolver, timeoutMs: deps.verifyTimeoutMs, onProgress: (m) => deps.output.progress(m) },
    verifyExpectations(spec, restored),
  );
  result.checks = verification.checks;
  result.passed = verification.passed;
  return result;
}
