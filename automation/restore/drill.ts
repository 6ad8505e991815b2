import { drillStackName, RESTORE_PROJECT } from "../../contracts/stacks";
import { Environment } from "../environment";
import { OperationError, UsageError } from "../errors";
import { ConcurrentUpdateError, Stack } from "../stacks/port";
import { Interruption, InterruptInstaller } from "./interrupt";
import { drillTargetIdentifier, newRunId, parseRunId } from "./naming";
import { planRestore } from "./plan";
import { RestoreSpec } from "./program-config";
import { describeInstanceFacts } from "./rds-facts";
import { RecoveryRequest } from "./recovery-point";
import { CleanupStatus, DRILL_STEPS, DrillReport, rpoSeconds, rtoSeconds } from "./report";
import { ReportWriter } from "./report-files";
import { RestoreRunDeps } from "./run-deps";
import { destroyRestoreStack, openRestoreStack, prepareRestoreStack, RestoredDatabase, upRestoreStack } from "./restore-stack";
import { StepRecorder } from "./steps";
import { Check, DRILL_ID_TAG, verifyExpectations, verifyRestoredInstance } from "./verify";

/**
 * A restore drill: choose → restore → verify → report → clean up. The restore is its own
 * stack (`<env>-drill-<id>` of project gametracker-restore); the environment stack is
 * only read, and the primary instance and its snapshots only described. Whatever
 * happens after the restore stack exists — a failed step, a failed check, Ctrl-C — the
 * stack is destroyed and removed (unless `--keep`), and the report says which step failed.
 */
export interface DrillDeps extends RestoreRunDeps {
  reportWriter: ReportWriter;
  onInterrupt: InterruptInstaller;
}

export interface DrillOptions {
  environment: Environment & { stack: string };
  /** The recovery point of a new drill; ignored on resume (the stack's config says it). */
  request: RecoveryRequest;
  /** Continue an interrupted drill with this id instead of starting a new one. */
  resumeId?: string;
  keep: boolean;
  reportDir?: string;
  instanceClass?: string;
}

export interface DrillOutcome {
  report: DrillReport;
  files: { json: string; markdown: string } | undefined;
  exitCode: number;
}

/** Opens the stack of an interrupted drill and checks it is this environment's drill. Refuses before anything changes. */
async function openResumedDrill(deps: DrillDeps, environment: string, source: string, drillId: string): Promise<{ stack: Stack; spec: RestoreSpec }> {
  const stackName = drillStackName(environment, drillId);
  const opened = await openRestoreStack(deps.stacks, stackName, `drill ${drillId} of environment ${environment}`);
  const { spec } = opened;
  if (spec.purpose !== "drill" || spec.drillId !== drillId || spec.environment !== environment) {
    throw new UsageError(`Restore stack ${stackName} is not drill ${drillId} of environment ${environment} (its config says ${spec.purpose} ${spec.drillId ?? "-"} of ${spec.environment}); it can't be resumed as one.`);
  }
  if (spec.sourceDbInstanceIdentifier !== source) {
    throw new UsageError(`Drill ${drillId} restores ${spec.sourceDbInstanceIdentifier}, but environment ${environment} now names ${source}; start a new drill instead of resuming.`);
  }
  const existing = await describeInstanceFacts(deps.rds, spec.targetIdentifier);
  if (existing !== undefined && existing.tags[DRILL_ID_TAG] !== drillId) {
    throw new UsageError(`DB instance ${spec.targetIdentifier} exists but is not tagged ${DRILL_ID_TAG}=${drillId}; it is not this drill's instance, so the drill can't be resumed — remove it or start a new drill.`);
  }
  return opened;
}

export async function runDrill(deps: DrillDeps, options: DrillOptions): Promise<DrillOutcome> {
  const { clock, output } = deps;
  const env = options.environment;
  const startedAt = clock.now();
  const steps = new StepRecorder(clock);
  const interruption = new Interruption();

  let drillId: string;
  let spec: RestoreSpec | undefined;
  let stack: Stack | undefined;
  const resumed = options.resumeId !== undefined;
  if (resumed) {
    drillId = parseRunId(options.resumeId!);
    const opened = await openResumedDrill(deps, env.stack, env.dbInstanceIdentifier, drillId);
    spec = opened.spec;
    stack = opened.stack;
  } else {
    drillId = newRunId(startedAt, deps.random);
  }
  const stackName = drillStackName(env.stack, drillId);
  const targetIdentifier = spec?.targetIdentifier ?? drillTargetIdentifier(env.dbInstanceIdentifier, drillId);
  output.progress(
    `drill ${drillId}${resumed ? " (resumed)" : ""}: environment ${env.stack}, source ${env.dbInstanceIdentifier}, restore stack ${RESTORE_PROJECT}/${stackName}, instance ${targetIdentifier}`,
  );

  // The stack verb or AWS wait in progress; cleanup waits for it, since a stack runs one operation at a time.
  let inFlight: Promise<unknown> = Promise.resolve();
  const guarded = <T>(work: Promise<T>): Promise<T> => {
    inFlight = work.catch(() => undefined);
    return interruption.race(work);
  };
  const uninstall = deps.onInterrupt(() => {
    if (interruption.trigger()) output.warn(`interrupted: stopping drill ${drillId} and cleaning up restore stack ${stackName} (Ctrl-C twice more abandons the cleanup)`);
    else output.warn(`already cleaning up restore stack ${stackName}; if you abandon it, run gametracker-dr cleanup afterwards`);
  });

  let failure: unknown;
  let restored: RestoredDatabase | undefined;
  let checks: Check[] = [];
  let verifiedAt: Date | undefined;
  let files: DrillOutcome["files"];
  const build = (cleanup: DrillReport["cleanup"]): DrillReport => {
    const start = spec?.startedAt ?? startedAt;
    const failedStep = steps.firstFailure;
    const report: DrillReport = {
      kind: "gametracker-drill-report",
      version: 1,
      drillId,
      environment: env.stack,
      restoreStack: `${RESTORE_PROJECT}/${stackName}`,
      sourceInstance: spec?.sourceDbInstanceIdentifier ?? env.dbInstanceIdentifier,
      targetInstance: targetIdentifier,
      resumed,
      outcome: failure === undefined && failedStep === undefined && cleanup.status !== "failed" ? "passed" : "failed",
      startedAt: start.toISOString(),
      finishedAt: clock.now().toISOString(),
      steps: steps.list(DRILL_STEPS),
      checks,
      cleanup,
    };
    if (failedStep !== undefined) report.failedStep = failedStep;
    else if (cleanup.status === "failed") report.failedStep = "cleanup";
    if (failure !== undefined) report.error = failure instanceof Error ? failure.message : String(failure);
    else if (cleanup.status === "failed") report.error = cleanup.detail;
    if (spec !== undefined) {
      report.recoveryPoint = {
        label: spec.point.label,
        kind: spec.point.kind,
        time: spec.point.time.toISOString(),
        ...(spec.point.kind === "snapshot" ? { snapshotType: spec.point.snapshotType } : {}),
      };
      report.rpoSeconds = rpoSeconds(spec.point.time, start);
    }
    if (verifiedAt !== undefined) {
      report.verifiedAt = verifiedAt.toISOString();
      report.rtoSeconds = rtoSeconds(start, verifiedAt);
    }
    if (restored !== undefined) {
      report.endpoint = { address: restored.address, port: restored.port };
      if (restored.secretArn !== undefined) report.secretArn = restored.secretArn;
    }
    return report;
  };

  try {
    if (resumed) {
      steps.skip("choose", `resumed: recovery point ${spec!.point.label} from the restore stack's config`);
    } else {
      spec = await steps.run("choose", () =>
        guarded(
          planRestore({
            rds: deps.rds,
            environment: env,
            request: options.request,
            purpose: "drill",
            targetIdentifier,
            drillId,
            ...(options.instanceClass !== undefined ? { instanceClass: options.instanceClass } : {}),
            now: startedAt,
            random: deps.random,
          }),
        ),
      );
      output.progress(`recovery point ${spec.point.label} (${spec.point.time.toISOString()}); restoring — an interrupted drill continues with --resume ${drillId}`);
    }
    const chosen = spec!;

    restored = await steps.run("restore", () =>
      guarded(
        (async () => {
          stack ??= await prepareRestoreStack(deps.stacks, stackName, chosen, (created) => (stack = created));
          output.progress(`pulumi up ${RESTORE_PROJECT}/${stackName} (an RDS restore takes 10–40 minutes)`);
          return upRestoreStack(stack, deps.onPulumiOutput);
        })(),
      ),
    );

    await steps.run("verify", async () => {
      const verification = await guarded(
        verifyRestoredInstance(
          { rds: deps.rds, clock, random: deps.random, resolver: deps.resolver, timeoutMs: deps.verifyTimeoutMs, onProgress: (m) => output.progress(m) },
          verifyExpectations(chosen, restored),
        ),
      );
      checks = verification.checks;
      if (!verification.passed) {
        const failed = checks.filter((c) => c.status === "fail");
        throw new OperationError(`${failed.length} of ${checks.length} checks failed: ${failed.map((c) => `${c.id} (expected ${c.expected}, got ${c.actual})`).join("; ")}.`);
      }
    });
    verifiedAt = clock.now();

    // Written before the cleanup, so the evidence survives a cleanup that hangs or is killed;
    // rewritten afterwards with the cleanup's result.
    await steps.run("report", () => guarded(writeReport(deps, options.reportDir, build({ status: "pending", detail: "" })).then((f) => void (files = f))));
    if (options.reportDir === undefined) steps.note("report", "no --report-dir: the report is on stdout only");
  } catch (error) {
    failure = error;
  }

  try {
    if (failure instanceof UsageError && stack === undefined) {
      // Bad input, refused before anything was created: no report, exit 2.
      throw failure;
    }
    await inFlight;
    const cleanup = await cleanUp(deps, steps, stack, stackName, drillId, options.keep, failure);
    const report = build(cleanup);
    try {
      files = (await writeReport(deps, options.reportDir, report)) ?? files;
    } catch (error) {
      output.warn(`could not write the drill report to ${options.reportDir}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { report, files, exitCode: report.outcome === "passed" ? 0 : 1 };
  } finally {
    uninstall();
  }
}

async function writeReport(deps: DrillDeps, dir: string | undefined, report: DrillReport): Promise<DrillOutcome["files"]> {
  if (dir === undefined) return undefined;
  return deps.reportWriter.write(dir, report);
}

async function cleanUp(
  deps: DrillDeps,
  steps: StepRecorder,
  stack: Stack | undefined,
  stackName: string,
  drillId: string,
  keep: boolean,
  failure: unknown,
): Promise<{ status: CleanupStatus; detail: string }> {
  if (stack === undefined) {
    steps.skip("cleanup", "nothing was created");
    return { status: "nothing-to-clean", detail: "" };
  }
  if (failure instanceof ConcurrentUpdateError) {
    // Another process holds the stack's lock; fighting it would make things worse.
    steps.skip("cleanup", "another update holds the stack");
    return {
      status: "failed",
      detail: `not attempted: another update is running on ${RESTORE_PROJECT}/${stackName}; when it ends, run gametracker-dr drill --resume ${drillId} or gametracker-dr cleanup`,
    };
  }
  if (keep) {
    steps.skip("cleanup", "--keep");
    return { status: "kept", detail: `${RESTORE_PROJECT}/${stackName} kept; destroy it with gametracker-dr cleanup when done` };
  }
  deps.output.progress(`destroying and removing restore stack ${RESTORE_PROJECT}/${stackName}`);
  try {
    await steps.run("cleanup", () => destroyRestoreStack(stack, deps.onPulumiOutput));
    return { status: "destroyed", detail: `${RESTORE_PROJECT}/${stackName}` };
  } catch (error) {
    return {
      status: "failed",
      detail: `${error instanceof Error ? error.message : String(error)} — the restore stack ${RESTORE_PROJECT}/${stackName} may still hold an RDS instance; run gametracker-dr cleanup`,
    };
  }
}
