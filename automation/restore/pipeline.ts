import type { EC2Client } from "@aws-sdk/client-ec2";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { RDSClient } from "@aws-sdk/client-rds";
import { RESTORE_PROJECT } from "../../contracts/stacks";
import { RestorePurpose, TagKeys } from "../../contracts/tags";
import { Clock } from "../clock";
import { DeployedEnvironment } from "../deployed-environment";
import { OperationError, UsageError } from "../errors";
import { errorMessage } from "../../contracts/text";
import { INTERRUPT_GRACE_MS, InterruptedError, Interruption, InterruptInstaller, WaitKind } from "../interrupt";
import { Output } from "../output";
import { finishInterruptedRun, lockedNow, Recovery } from "../recovery/finish";
import { StackLockedError } from "../recovery/lock";
import { interruptNotice, resumeCommand } from "./interrupt-notice";
import { ConcurrentUpdateError, Stack, Stacks } from "../stacks/port";
import { newRunId, parseRunId } from "./naming";
import { planRestore } from "./plan";
import { describeInstanceFacts } from "./rds-facts";
import { describeRecoverySource } from "./recovery-point";
import type { RecoveryRequest } from "./recovery-request";
import { createRestoreStack, destroyRestoreStack, openRestoreStack, RestoredDatabase, upRestoreStack } from "./restore-stack";
import { RestoreSpec } from "./spec";
import { PIPELINE_STEPS, PipelineStep, StepRecord, StepRecorder } from "./steps";
import { checkValidationRegion, ValidationPlan } from "../validation/plan";
import { checkValidationHook, NO_VALIDATION_NOTE, validateRestoredData } from "../validation/validate";
import type { ValidationSummary } from "../validation/verdict";
import { AssetsProof, describeProof } from "../assets/replica-proof";

export type { PipelineStep } from "./steps";
import { Check, HostResolver, verifyExpectations, verifyRestoredInstance } from "./verify";
import { capitalise } from "../../contracts/text";

/**
 * The one restore pipeline behind `restore` and `drill`:
 *
 *   choose → restore (a stack of its own) → verify → validate (the data) → [assets] → [report] → cleanup
 *
 * The two differ only in their policy (RestorePolicy): what the stack and instance are
 * called, whether the operator is asked before anything is created, and whether the
 * stack is destroyed at the end (a drill) or kept (a cut-over target). Resume, Ctrl-C,
 * step records and error handling are this module's, so they behave the same in both.
 *
 * Whatever happens once the restore stack exists — a failed step, failed checks, Ctrl-C
 * — the policy's cleanup runs after the operation in flight has settled (a stack runs
 * one operation at a time). Bad input is refused before anything is created (UsageError,
 * exit 2) and leaves nothing behind.
 */

export interface RestorePolicy {
  purpose: RestorePurpose;
  /** What the operator calls one run, in messages: `drill` or `restore`. */
  noun: "drill" | "restore";
  stackName(environment: string, id: string): string;
  /** The new instance's identifier (`requested` is the operator's `--target-id`, when the policy takes one). */
  targetIdentifier(source: string, id: string, requested: string | undefined): string;
  /** The question asked before anything is created; undefined: create without asking. */
  question?(spec: RestoreSpec, restoreStack: string): string;
  /** At the end: destroy and remove the stack (unless `keep`), or keep it for cut-over and resume. */
  atEnd: "destroy" | "keep";
  /** Runs after a passed verification, before cleanup (the drill writes its evidence). */
  report?(run: PipelineRun): Promise<string | undefined>;
  /** After validation: the proof that the environment's assets are in its region too (a drill of a standby stack proves its replica). */
  assets?: {
    /** Why there is nothing to prove, or undefined to prove it. */
    skip(): string | undefined;
    prove(spec: RestoreSpec): Promise<AssetsProof>;
  };
}

/** What a restore run needs from the outside, whether it is a drill or a restore for cut-over. */
export interface PipelineDeps {
  stacks: Stacks;
  /** RDS in `region`. */
  rds: RDSClient;
  /** EC2 in `region` (reads of the security groups a restore is placed on). */
  ec2: EC2Client;
  /** Lambda in `region`: the validation hooks (`lambda:`, `bundled`). */
  lambda: LambdaClient;
  /** The region the restore happens in: its AWS calls and the restore stack's provider. */
  region: string;
  clock: Clock;
  random: () => number;
  resolver: HostResolver;
  onInterrupt: InterruptInstaller;
  confirm(question: string): Promise<boolean>;
  output: Output;
  /** How long to wait for the restored instance to be available. */
  verifyTimeoutMs: number;
  /** Pulumi's own output lines (shown with --verbose). */
  onPulumiOutput?: (line: string) => void;
}

export interface PipelineOptions {
  environment: DeployedEnvironment & { stack: string };
  /** The recovery point of a new run; ignored on resume (the stack's spec says it). */
  request: RecoveryRequest;
  /** Continue an interrupted run with this id instead of starting a new one. */
  resumeId?: string;
  instanceClass?: string;
  targetIdentifier?: string;
  /** Keep a drill's stack (`--keep`). */
  keep?: boolean;
  /** The data validation of a new run (validation/plan.ts); a resumed run validates as its spec recorded. */
  validation?: ValidationPlan;
  /**
   * Stop in time to clean up (drill --deadline): `watch` calls its handler once when the time
   * has come, and the run stops the step in flight as a first Ctrl-C does, failing with
   * `reason(step)`. Nothing is left for it to stop once cleanup has begun.
   */
  stopInTime?: { watch: InterruptInstaller; reason(step: PipelineStep | undefined): string };
  /** Told the run's id before anything is created (drill --id-file: the workflow's last step cleans up after this run only). */
  onRunId?(id: string): Promise<void>;
}

export type CleanupStatus = "destroyed" | "kept" | "failed" | "nothing-to-clean" | "pending";

/** What a run did, step by step: the drill's report and the restore's result are made from it. */
export interface PipelineRun {
  id: string;
  purpose: RestorePurpose;
  resumed: boolean;
  /** `<project>/<stack>`. */
  restoreStack: string;
  stackName: string;
  environment: string;
  sourceInstance: string;
  targetInstance: string;
  /** When the run started; a resumed run keeps the first start (RPO and RTO are measured from it). */
  startedAt: Date;
  spec: RestoreSpec | undefined;
  restored: RestoredDatabase | undefined;
  checks: Check[];
  verifiedAt: Date | undefined;
  /** What the validator said (its checks are in `checks` too); undefined when none ran. */
  validation: ValidationSummary | undefined;
  /** The assets proof, when the policy made one. */
  assets?: AssetsProof;
  steps: StepRecord[];
  failedStep: PipelineStep | undefined;
  /** The failure that stopped the run, as one sentence. */
  error: string | undefined;
  failure: unknown;
  /** `stoppedWaiting`: a second Ctrl-C ended the run before its cleanup; `detail` says what continues it. */
  cleanup: { status: CleanupStatus; detail: string; stoppedWaiting?: true };
  /** The operator declined before anything was created. */
  cancelled: boolean;
  /** What a resumed run finished of the interrupted one (a stale lock, pending operations). */
  recovery?: Recovery;
}

/** Opens the stack of an interrupted run and checks it is this environment's run of this kind. Refuses before anything changes. */
async function openResumed(deps: PipelineDeps, policy: RestorePolicy, env: DeployedEnvironment & { stack: string }, id: string): Promise<{ stack: Stack; spec: RestoreSpec }> {
  const stackName = policy.stackName(env.stack, id);
  const opened = await openRestoreStack(deps.stacks, stackName, `${policy.noun} ${id} of environment ${env.stack}`);
  const { spec } = opened;
  const isDrill = policy.purpose === "drill";
  if (spec.purpose !== policy.purpose || spec.environment !== env.stack || (isDrill && spec.drillId !== id)) {
    throw new UsageError(
      `Restore stack ${stackName} is not ${policy.noun} ${id} of environment ${env.stack} (its spec says ${spec.purpose} ${spec.drillId ?? ""} of ${spec.environment}); it can't be resumed as one.`.replace("  ", " "),
    );
  }
  if (spec.region !== deps.region) {
    throw new UsageError(`${capitalise(policy.noun)} ${id} restores in ${spec.region} (its spec says so), but this run works in ${deps.region}; resume it with --region ${spec.region}, or leave --region out.`);
  }
  if (spec.sourceDbInstanceIdentifier !== env.dbInstanceIdentifier) {
    throw new UsageError(`${capitalise(policy.noun)} ${id} restores ${spec.sourceDbInstanceIdentifier}, but environment ${env.stack} now names ${env.dbInstanceIdentifier}; start a new ${policy.noun} instead of resuming.`);
  }
  if (isDrill) {
    const existing = await describeInstanceFacts(deps.rds, spec.targetIdentifier);
    if (existing !== undefined && existing.tags[TagKeys.drillId] !== id) {
      throw new UsageError(
        `DB instance ${spec.targetIdentifier} exists but is not tagged ${TagKeys.drillId}=${id}; it is not this drill's instance, so the drill can't be resumed — remove it or start a new drill.`,
      );
    }
  }
  return opened;
}

export async function runRestorePipeline(deps: PipelineDeps, policy: RestorePolicy, options: PipelineOptions): Promise<PipelineRun> {
  const { clock, output } = deps;
  const env = options.environment;
  const now = clock.now();
  const steps = new StepRecorder(clock);
  const interruption = new Interruption();

  const resumed = options.resumeId !== undefined;
  let id: string;
  let spec: RestoreSpec | undefined;
  let stack: Stack | undefined;
  if (resumed) {
    id = parseRunId(options.resumeId!);
    ({ stack, spec } = await openResumed(deps, policy, env, id));
  } else {
    id = newRunId(now, deps.random);
  }
  await options.onRunId?.(id);
  const stackName = policy.stackName(env.stack, id);
  const restoreStack = `${RESTORE_PROJECT}/${stackName}`;
  const run: PipelineRun = {
    id,
    purpose: policy.purpose,
    resumed,
    restoreStack,
    stackName,
    environment: env.stack,
    sourceInstance: spec?.sourceDbInstanceIdentifier ?? env.dbInstanceIdentifier,
    targetInstance: spec?.targetIdentifier ?? policy.targetIdentifier(env.dbInstanceIdentifier, id, options.targetIdentifier),
    startedAt: spec?.startedAt ?? now,
    spec,
    restored: undefined,
    checks: [],
    verifiedAt: undefined,
    validation: undefined,
    steps: [],
    failedStep: undefined,
    error: undefined,
    failure: undefined,
    cleanup: { status: "pending", detail: "" },
    cancelled: false,
  };
  // Before anything is created (or, on resume, changed): an executable that isn't, a function that doesn't exist.
  const validation = resumed ? spec!.validation : options.validation;
  if (validation !== undefined) await checkValidationHook(validation, deps.lambda);
  const keeps = policy.atEnd === "keep" || options.keep === true;
  // A stack is named only once it exists (a resumed run's does).
  output.progress(
    `${policy.noun} ${id}${resumed ? " (resumed)" : ""}: environment ${env.stack}, source ${run.sourceInstance}${resumed ? `, restore stack ${restoreStack}` : ""}, instance ${run.targetInstance}, region ${deps.region}`,
  );

  // What the run waits for. Cleanup waits for a stack operation or a validator in flight (a
  // stack runs one operation at a time), never for an AWS read or poll: those change nothing.
  let inFlight: Promise<unknown> = Promise.resolve();
  let waiting: { kind: WaitKind; what: string } = { kind: "aws", what: "starting" };
  let creating = false;
  const guarded = <T>(work: Promise<T>, kind: WaitKind, what: string): Promise<T> => {
    waiting = { kind, what };
    if (kind !== "aws") inFlight = work.catch(() => undefined);
    return interruption.race(work);
  };
  const notice = (press: number): string =>
    interruptNotice(press, { noun: policy.noun, id, environment: env.stack, restoreStack, stackExists: stack !== undefined || creating, keeps, waiting });
  const uninstall = deps.onInterrupt((signal) => {
    const press = interruption.trigger(signal);
    output.warn(notice(press));
    return press;
  });
  let cleaningUp = false;
  const unwatch = options.stopInTime?.watch(() => {
    if (interruption.interrupted || cleaningUp) return;
    const reason = new InterruptedError("deadline", options.stopInTime!.reason(steps.current));
    interruption.trigger(reason);
    output.warn(reason.message);
    output.warn(notice(1));
  });

  try {
    try {
      if (resumed) {
        steps.skip("choose", `resumed: recovery point ${spec!.point.label} from the restore stack's spec`);
      } else {
        spec = await steps.run("choose", () =>
          guarded(
            planRestore({
              rds: deps.rds,
              ec2: deps.ec2,
              region: deps.region,
              environment: env,
              request: options.request,
              purpose: policy.purpose,
              targetIdentifier: run.targetInstance,
              ...(policy.purpose === "drill" ? { drillId: id } : {}),
              ...(options.instanceClass !== undefined ? { instanceClass: options.instanceClass } : {}),
              now,
              random: deps.random,
            }),
            "aws",
            "choosing the recovery point",
          ),
        );
        spec = withValidation(spec, validation, env.region);
        run.spec = spec;
        const question = policy.question?.(spec, restoreStack);
        if (question !== undefined && !(await deps.confirm(question))) {
          run.cancelled = true;
          run.cleanup = { status: "nothing-to-clean", detail: "" };
          steps.skip("restore", "cancelled: nothing was created");
          return finish(run, steps);
        }
        output.progress(`recovery point ${spec.point.label} (${spec.point.time.toISOString()}) from ${describeRecoverySource(spec.point, spec.region)}; restoring in ${spec.region}`);
      }
      const chosen = spec!;

      if (interruption.interrupted) throw interruption.reason ?? new InterruptedError();
      creating = true;
      run.restored = await steps.run("restore", () =>
        guarded(
          (async () => {
            stack ??= await createRestoreStack(deps.stacks, stackName, chosen, (created) => {
              stack = created;
              output.progress(`created restore stack ${restoreStack} — if interrupted, continue with ${resumeCommand(policy, env.stack, id)}`);
            });
            const restoring = stack;
            if (resumed) {
              // A killed run left its lock and its interrupted creates: finish those first, so the
              // update below neither meets the lock nor creates the instance a second time.
              run.recovery = await finishInterruptedRun(
                { rdsIn: () => ({ rds: deps.rds }), clock, waitTimeoutMs: deps.verifyTimeoutMs, random: deps.random, notBefore: chosen.startedAt, onProgress: (m) => output.progress(m), ...(deps.onPulumiOutput ? { onPulumiOutput: deps.onPulumiOutput } : {}) },
                restoring,
              );
              for (const warning of run.recovery.warnings) output.warn(warning);
            }
            output.progress(`pulumi up ${restoreStack} (an RDS restore takes 10–40 minutes)`);
            try {
              return await upRestoreStack(restoring, chosen, deps.onPulumiOutput, (m) => output.progress(m), interruption.signal);
            } catch (error) {
              if (error instanceof ConcurrentUpdateError) throw await lockedNow(restoring, {}, error);
              throw error;
            }
          })(),
          "pulumi",
          `the Pulumi update of restore stack ${restoreStack}`,
        ),
      );

      await steps.run("verify", async () => {
        const verification = await guarded(
          verifyRestoredInstance(
            { rds: deps.rds, clock, random: deps.random, resolver: deps.resolver, timeoutMs: deps.verifyTimeoutMs, onProgress: (m) => output.progress(m) },
            verifyExpectations(chosen, run.restored),
          ),
          "aws",
          `instance ${run.targetInstance} to be available`,
        );
        run.checks = verification.checks;
        if (!verification.passed) {
          const failed = run.checks.filter((c) => c.status === "fail");
          throw new OperationError(`${failed.length} of ${run.checks.length} checks failed: ${failed.map((c) => `${c.id} (expected ${c.expected}, got ${c.actual})`).join("; ")}.`);
        }
      });
      run.verifiedAt = clock.now();

      if (validation === undefined) steps.skip("validate", NO_VALIDATION_NOTE);
      else {
        await steps.run("validate", async () => {
          // The validator gets the abort signal: on Ctrl-C it is stopped, and cleanup waits until it has.
          const summary = await guarded(
            validateRestoredData({ lambda: deps.lambda, clock, signal: interruption.signal }, validation, { runId: id, spec: chosen, restored: run.restored! }),
            "validator",
            "the data validator",
          );
          run.validation = summary;
          run.checks = [...run.checks, ...summary.checks];
          if (!summary.passed) throw new OperationError(`data validation failed: ${summary.note}.`);
        });
        steps.note("validate", run.validation!.note);
      }

      const assetsSkip = policy.assets === undefined ? `a ${policy.noun} proves no assets` : policy.assets.skip();
      if (assetsSkip !== undefined) steps.skip("assets", assetsSkip);
      else {
        const proof = await steps.run("assets", async () => {
          const made = await guarded(policy.assets!.prove(chosen), "aws", "the assets proof of the standby region");
          run.assets = made;
          if (!made.passed) throw new OperationError(`the assets of the standby region did not check out: ${describeProof(made)}.`);
          return made;
        });
        steps.note("assets", describeProof(proof));
      }

      if (policy.report === undefined) steps.skip("report", `a ${policy.noun} writes no report`);
      else {
        const note = await steps.run("report", () => guarded(policy.report!(finish(run, steps)), "aws", "the report"));
        if (note !== undefined) steps.note("report", note);
      }
    } catch (error) {
      run.failure = error;
      run.error = errorMessage(error);
    }
    cleaningUp = true;

    if (run.failure instanceof UsageError && stack === undefined) {
      // Bad input, refused before anything was created: nothing to clean up, exit 2.
      throw run.failure;
    }
    // A second Ctrl-C ends the run here: nothing more is started (and nothing waited for past the grace).
    if ((await interruption.settle(inFlight, INTERRUPT_GRACE_MS[waiting.kind])) === "abandoned" || (interruption.abandoned && (stack !== undefined || creating))) {
      steps.skip("cleanup", "the second Ctrl-C stopped waiting");
      run.cleanup = abandoned(policy, run, keeps, waiting.what);
      return finish(run, steps);
    }
    run.cleanup = await cleanUp(deps, policy, steps, stack, run, keeps, interruption);
    return finish(run, steps);
  } finally {
    unwatch?.();
    uninstall();
  }
}

/** The planned spec with the run's validation recorded in it (checked against the restore's region; UsageError before anything is created). */
function withValidation(spec: RestoreSpec, validation: ValidationPlan | undefined, environmentRegion: string | undefined): RestoreSpec {
  if (validation === undefined) return spec;
  checkValidationRegion(validation, spec.region, environmentRegion);
  return { ...spec, validation };
}

function finish(run: PipelineRun, steps: StepRecorder): PipelineRun {
  run.steps = steps.list(PIPELINE_STEPS);
  run.failedStep = steps.firstFailure ?? (run.cleanup.status === "failed" ? "cleanup" : undefined);
  if (run.error === undefined && run.cleanup.status === "failed") run.error = run.cleanup.detail;
  return run;
}

async function cleanUp(
  deps: PipelineDeps,
  policy: RestorePolicy,
  steps: StepRecorder,
  stack: Stack | undefined,
  run: PipelineRun,
  keeps: boolean,
  interruption: Interruption,
): Promise<PipelineRun["cleanup"]> {
  const resume = resumeCommand(policy, run.environment, run.id);
  if (stack === undefined) {
    steps.skip("cleanup", "nothing was created");
    return { status: "nothing-to-clean", detail: "" };
  }
  if (run.failure instanceof ConcurrentUpdateError || run.failure instanceof StackLockedError) {
    // Another process holds the stack's lock; fighting it would make things worse.
    steps.skip("cleanup", "another update holds the stack");
    return { status: "failed", detail: `not attempted: another update is running on ${run.restoreStack}; when it ends, run ${resume} or gametracker-dr cleanup` };
  }
  if (keeps) {
    const why = policy.atEnd === "keep" ? (run.failure === undefined ? "kept for cut-over" : `kept: continue with ${resume}`) : "--keep";
    steps.skip("cleanup", why);
    return { status: "kept", detail: `${run.restoreStack} kept; ${policy.atEnd === "keep" && run.failure === undefined ? `cut over to it with gametracker-dr cutover --stack ${run.environment} --to ${run.stackName}` : "destroy it with gametracker-dr cleanup when done"}` };
  }
  deps.output.progress(`destroying and removing restore stack ${run.restoreStack}`);
  try {
    // After a first Ctrl-C the destroy is what the run waits for; a second one cancels it, and the run stops waiting after its grace.
    const destroying = steps.run("cleanup", () => destroyRestoreStack(stack, deps.onPulumiOutput, interruption.abandonSignal));
    destroying.catch(() => undefined);
    if ((await interruption.settle(destroying, INTERRUPT_GRACE_MS.pulumi)) === "abandoned") return abandoned(policy, run, keeps, `pulumi destroy of ${run.restoreStack}`);
    await destroying;
    return { status: "destroyed", detail: run.restoreStack };
  } catch (error) {
    return {
      status: "failed",
      detail: `${errorMessage(error)} — the restore stack ${run.restoreStack} may still hold an RDS instance; run gametracker-dr cleanup`,
    };
  }
}

/** The cleanup of a run that stopped waiting (second Ctrl-C): its stack is left as a killed run leaves it. */
function abandoned(policy: RestorePolicy, run: PipelineRun, keeps: boolean, what: string): PipelineRun["cleanup"] {
  const detail = `stopped waiting for ${what}: ${run.restoreStack} is left as a killed run leaves it (perhaps locked, with a pending operation, which the next run resolves); continue with ${resumeCommand(policy, run.environment, run.id)}, or remove it with gametracker-dr cleanup`;
  return { status: keeps ? "kept" : "failed", detail, stoppedWaiting: true };
}
