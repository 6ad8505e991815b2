/**
 * Moves an environment's API to another database, declaratively: set the environment
 * stack's `databaseSource`, preview, let the guard judge the preview, confirm, `up`, then
 * read the Lambda's configuration back from AWS. Shared by `cutover` (to a restore stack)
 * and `rollback` (to `primary`). When the stack's preview holds more than the switch (a
 * change RDS defers to its maintenance window, config nobody deployed), those changes are
 * reported as not applied and the switch is previewed, judged and applied as an update
 * targeted at its own resources (scope.ts).
 *
 * Whenever it stops before a successful `up` — bad preview, refusal, no confirmation,
 * a failed or concurrent update — the config is put back, so the stack never holds a
 * switch that was not applied (a later `pulumi up` by someone else would apply it). A
 * process killed in between cannot put it back: the switch is recorded in a stack tag for
 * as long as it is in flight, and the next cut-over or rollback settles it before anything
 * else (switch-in-flight.ts), after finishing what the killed update left in the stack
 * (its lock, its pending operations: recovery/finish.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { RDSClient } from "@aws-sdk/client-rds";
import { Clock } from "../clock";
import { OperationError, UsageError } from "../errors";
import { errorMessage } from "../../contracts/text";
import { Output } from "../output";
import {
  ConcurrentUpdateError,
  plainOutput,
  PlanViolationError,
  PreviewResult,
  Stack,
  StackNotFoundError,
  StackOutputs,
  Stacks,
  StepOp,
} from "../stacks/port";
import { DATABASE_SOURCE_KEY, ENVIRONMENT_PROJECT, EnvironmentOutputNames, PRIMARY_SOURCE } from "../../contracts/stacks";
import { INTERRUPT_GRACE_MS, Interruption, InterruptInstaller } from "../interrupt";
import { readFunctionVariables } from "../aws/lambda";
import { checkDatasource, DatasourceCheck } from "./lambda-datasource";
import { GuardVerdict, judgeCutoverPreview } from "./preview-guard";
import { cutoverScope, describePendingChange, notAppliedLine, PendingChange } from "./scope";
import { primaryTarget, restoreTarget, SourceTarget } from "./target";
import { capitalise } from "../../contracts/text";
import { DEFAULT_RECOVERY_WAIT_MS, finishInterruptedRun, lockedNow } from "../recovery/finish";
import { decodeSwitch, encodeSwitch, settleSwitch, SWITCH_TAG } from "./switch-in-flight";

export interface SwitchDeps {
  stacks: Stacks;
  /** RDS and Lambda in a region: the environment's (its awsRegion output), else the default one. */
  clientsIn(region: string | undefined): { rds: RDSClient; lambda: LambdaClient };
  clock: Clock;
  output: Output;
  confirm(question: string): Promise<boolean>;
  onPulumiOutput?: (line: string) => void;
  /** Ctrl-C / SIGTERM: before the update it puts the config back and stops; during the update it only says to wait. */
  onInterrupt?: InterruptInstaller;
}

export interface SwitchRequest {
  /** The environment stack (`dev`). */
  environment: string;
  /** `primary` or a restore stack of the environment. */
  to: string;
  /** Apply even when the guard objects to the preview. */
  force: boolean;
  /** Preview, print, put the config back: change nothing. */
  previewOnly: boolean;
}

export type SwitchOutcome = "switched" | "already" | "previewed" | "cancelled";

export interface SwitchResult {
  environment: string;
  from: string;
  to: string;
  outcome: SwitchOutcome;
  target: SourceTarget;
  functionName: string;
  /** What the Lambda's configuration says at the end (absent for preview-only and refusals). */
  datasource?: DatasourceCheck;
  preview?: {
    changeSummary: Partial<Record<StepOp, number>>;
    diffText: string;
    verdict: GuardVerdict;
    /** What the environment's full preview would also change and the switch leaves alone (not applied, pending before it). */
    notApplied: PendingChange[];
    /** The URNs the switch's update was targeted at; absent when nothing else was pending and the whole preview was the switch. */
    targets?: string[];
  };
  forced: boolean;
  durationMs: number;
  /** What this run finished of an interrupted one first (a stale lock, pending operations, a switch left in flight). */
  recovered?: string[];
}


/** Everything the validation found, for the apply phase. */
interface Validated {
  envStack: Stack;
  envId: { project: string; stack: string };
  verb: string;
  /** The raw `databaseSource` (undefined: unset, the program's default `primary`). */
  configured: string | undefined;
  from: string;
  functionName: string;
  target: SourceTarget;
  expected: { host: string; port?: number };
  /** Lambda in the environment's region, where its API runs. */
  lambda: LambdaClient;
  /** An interrupted switch to the same target was finished in AWS only: apply the stack even if the config already says so. */
  mustApply: boolean;
  /** A preview found a switch in flight that it leaves for the next real run: its record must stay as it is. */
  keepsInFlight: boolean;
  result(outcome: SwitchOutcome, extra?: Partial<SwitchResult>): SwitchResult;
}

/** Runs the switch; throws UsageError for bad input (nothing changed) and OperationError for a failed step. */
export async function switchDatabaseSource(deps: SwitchDeps, request: SwitchRequest): Promise<SwitchResult> {
  const v = await validate(deps, request);
  // Already there: config and the Lambda both say so.
  if (v.from === request.to && !v.mustApply) {
    const now = checkDatasource(v.functionName, await readFunctionVariables(v.lambda, v.functionName), v.expected);
    if (now.ok) return v.result("already", { datasource: now });
    if (!now.ok) deps.output.warn(`${request.environment}'s ${DATABASE_SOURCE_KEY} is already ${request.to}, but ${now.message} Continuing so the stack is applied.`);
  }
  const interruption = new Interruption();
  const phase = { applying: false };
  const uninstall = deps.onInterrupt?.((signal) => {
    deps.output.warn(switchInterruptNotice(interruption.trigger(signal), phase.applying, { environment: request.environment, from: v.from, to: request.to }));
  });
  // The preview's update plan: the up applies what the operator reviewed, or refuses what
  // changed since (a DIY backend's preview takes no lock, so another update may land between).
  const planDir = request.previewOnly ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "gametracker-dr-cutover-"));
  try {
    return await apply(deps, request, v, interruption, phase, planDir && path.join(planDir, "update-plan.json"));
  } finally {
    uninstall?.();
    if (planDir !== undefined) fs.rmSync(planDir, { recursive: true, force: true });
  }
}

/** Checks everything before the first change. */
async function validate(deps: SwitchDeps, request: SwitchRequest): Promise<Validated> {
  const started = deps.clock.now().getTime();
  const { environment, to } = request;
  const envId = { project: ENVIRONMENT_PROJECT, stack: environment };
  const verb = to === PRIMARY_SOURCE ? "roll back" : "cut over";
  let envStack: Stack;
  try {
    envStack = await deps.stacks.select(envId);
  } catch (error) {
    if (error instanceof StackNotFoundError) {
      throw new UsageError(`Unknown environment stack ${environment}: there is no ${ENVIRONMENT_PROJECT}/${environment} stack in this Pulumi backend; check --stack and PULUMI_BACKEND_URL (pulumi stack ls).`);
    }
    throw error;
  }
  const envOutputs = await envStack.outputs();
  const functionName = stringOutput(envOutputs, EnvironmentOutputNames.apiFunctionName);
  if (functionName === undefined) {
    throw new UsageError(`Stack ${environment} has no ${EnvironmentOutputNames.apiFunctionName} output (has it been deployed with pulumi up?), so there is no API to ${verb}.`);
  }
  const envRegion = stringOutput(envOutputs, EnvironmentOutputNames.awsRegion);
  const { rds, lambda } = deps.clientsIn(envRegion);

  // What a killed cut-over, rollback or `pulumi up` left: its lock and pending operations, then a switch in flight.
  // A preview changes nothing: it only says what the next real run will settle.
  const recovered: string[] = [];
  let mustApply = false;
  // Read beside the recovery below (a CLI call each); awaited where it is used.
  const tags = envStack.getTags();
  tags.catch(() => undefined);
  if (request.previewOnly) {
    const inFlight = decodeSwitch((await tags)[SWITCH_TAG]);
    if (inFlight !== undefined) deps.output.warn(`a switch of ${DATABASE_SOURCE_KEY} from ${inFlight.from} to ${inFlight.to} was interrupted; the next cutover or rollback settles it first`);
  } else {
    const recovery = await finishInterruptedRun(
      {
        rdsIn: (region) => ({ rds: deps.clientsIn(region ?? envRegion).rds }),
        clock: deps.clock,
        waitTimeoutMs: DEFAULT_RECOVERY_WAIT_MS,
        onProgress: (m) => deps.output.progress(m),
        ...(deps.onPulumiOutput ? { onPulumiOutput: deps.onPulumiOutput } : {}),
      },
      envStack,
    );
    for (const warning of recovery.warnings) deps.output.warn(warning);
    recovered.push(...recovery.actions);
    const inFlight = decodeSwitch((await tags)[SWITCH_TAG]);
    if (inFlight !== undefined) {
      const reached = inFlight.host !== undefined && checkDatasource(functionName, await readFunctionVariables(lambda, functionName), { host: inFlight.host }).ok;
      const settled = settleSwitch(inFlight, await envStack.getConfig(DATABASE_SOURCE_KEY), reached);
      if (settled.action === "finish" && settled.setConfig !== undefined) await envStack.setConfig(DATABASE_SOURCE_KEY, settled.setConfig);
      if (settled.action === "undo" && settled.restore !== undefined) {
        if (settled.restore.value === null) await envStack.removeConfig(DATABASE_SOURCE_KEY);
        else await envStack.setConfig(DATABASE_SOURCE_KEY, settled.restore.value);
      }
      await envStack.removeTags([SWITCH_TAG]);
      mustApply = settled.action === "finish";
      recovered.push(settled.note);
      deps.output.progress(`${environment}: ${settled.note}`);
    }
  }

  const configured = await envStack.getConfig(DATABASE_SOURCE_KEY);
  const from = configured ?? PRIMARY_SOURCE;
  if (to === PRIMARY_SOURCE && stringOutput(envOutputs, EnvironmentOutputNames.databaseRole) === "standby") {
    throw new UsageError(
      `Stack ${environment} is a standby (databaseRole standby) and owns no primary to roll back to; to move the API back to the home region, point clients at that region's environment again, or cut this stack over to another of its restore stacks.`,
    );
  }
  const target = to === PRIMARY_SOURCE ? primaryTarget(environment, envOutputs) : await restoreTarget(deps.stacks, rds, environment, to, envRegion);
  const primaryId = stringOutput(envOutputs, EnvironmentOutputNames.databaseIdentifier);
  if (to !== PRIMARY_SOURCE && primaryId !== undefined && !target.identifier.startsWith(`${primaryId}-`)) {
    // The environment program grants the API the secrets of <primary>-* only; it would refuse this in the preview.
    throw new UsageError(
      `Restore stack ${to}'s instance ${target.identifier} is not named ${primaryId}-<suffix>, and the API may only read the credentials of instances named so; restore again with a --target-id starting with ${primaryId}-.`,
    );
  }
  return {
    envStack,
    envId,
    verb,
    configured,
    from,
    functionName,
    target,
    expected: { host: target.address, ...(target.port !== undefined ? { port: target.port } : {}) },
    lambda,
    mustApply,
    keepsInFlight: request.previewOnly && decodeSwitch((await tags)[SWITCH_TAG]) !== undefined,
    result: (outcome, extra = {}) => ({
      environment,
      from,
      to,
      outcome,
      target,
      functionName,
      forced: false,
      durationMs: deps.clock.now().getTime() - started,
      ...(recovered.length > 0 ? { recovered } : {}),
      ...extra,
    }),
  };
}

/** Switches the config, previews, judges, confirms, applies and checks; every way out before a successful `up` puts the config back. */
async function apply(
  deps: SwitchDeps,
  request: SwitchRequest,
  v: Validated,
  interruption: Interruption,
  phase: { applying: boolean },
  planFile: string | undefined,
): Promise<SwitchResult> {
  const { environment, to } = request;
  const { envStack, from, functionName, expected } = v;
  const changesConfig = from !== to;
  // The switch is recorded as in flight for as long as the config says `to` and no update applied it.
  const recordsSwitch = changesConfig && !v.keepsInFlight;
  const putBack = async (): Promise<string> => {
    if (!changesConfig) return `${DATABASE_SOURCE_KEY} was not changed (still ${from})`;
    if (v.configured === undefined) await envStack.removeConfig(DATABASE_SOURCE_KEY);
    else await envStack.setConfig(DATABASE_SOURCE_KEY, v.configured);
    if (recordsSwitch) await envStack.removeTags([SWITCH_TAG]);
    return `${DATABASE_SOURCE_KEY} is back to ${from}`;
  };
  const interrupted = async (): Promise<never> => {
    const back = await putBack();
    throw new OperationError(`Interrupted before the update of stack ${environment} was applied; nothing was changed (${back}).`);
  };
  /** `work`, unless Ctrl-C comes first: then let it settle, put the config back, and stop. */
  const unlessInterrupted = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await interruption.race(work);
    } catch (error) {
      if (!interruption.interrupted) throw error;
      await work.catch(() => undefined);
      return interrupted();
    }
  };

  if (changesConfig) {
    deps.output.progress(`${environment}: setting ${DATABASE_SOURCE_KEY} = ${to} (was ${from})`);
    // Recorded before the config changes, so a kill from here on is settled by the next switch.
    if (recordsSwitch) await envStack.setTags({ [SWITCH_TAG]: encodeSwitch({ from, to, was: v.configured ?? null, host: v.target.address, at: deps.clock.now().toISOString() }) });
    await envStack.setConfig(DATABASE_SOURCE_KEY, to);
  }

  /** A preview that saves the update plan; any failure puts the config back. */
  const previewSwitch = async (targets: readonly string[] | undefined): Promise<PreviewResult> => {
    try {
      return await unlessInterrupted(
        envStack.preview(deps.onPulumiOutput, { signal: interruption.signal, ...(planFile !== undefined ? { savePlan: planFile } : {}), ...(targets !== undefined ? { targets } : {}) }),
      );
    } catch (error) {
      if (interruption.interrupted) throw error;
      const back = await putBack();
      if (error instanceof ConcurrentUpdateError) throw await lockedNow(envStack, {}, error);
      throw new OperationError(`Preview of stack ${environment} failed, so nothing was applied (${back}): ${errorMessage(error)}`, { cause: error });
    }
  };

  deps.output.progress(`${environment}: previewing the update`);
  let preview = await previewSwitch(undefined);
  // What else the stack would change (a setting RDS defers to its maintenance window, config
  // nobody deployed) stays as it is: the switch is then an update targeted at its own resources,
  // guarded on, planned by and applied as that targeted preview.
  const { targets: switchTargets, notApplied } = cutoverScope(preview);
  let targets: string[] | undefined;
  if (notApplied.length > 0) {
    if (switchTargets.length === 0) {
      const back = await putBack();
      throw new OperationError(`The preview of stack ${environment} changes no API Lambda, so there is nothing to ${v.verb} (${back}); it would change: ${notApplied.map(describePendingChange).join("; ")}.`);
    }
    for (const change of notApplied) deps.output.progress(`${environment}: ${notAppliedLine(to, change)}`);
    deps.output.progress(`${environment}: previewing the update of the API Lambda alone (${switchTargets.length} target${switchTargets.length === 1 ? "" : "s"})`);
    targets = switchTargets;
    preview = await previewSwitch(targets);
  }
  const targeted = targets !== undefined ? { targets } : {};
  const verdict = judgeCutoverPreview(preview);
  const previewed = { changeSummary: preview.changeSummary, diffText: preview.diffText, verdict, notApplied, ...targeted };

  if (v.mustApply && !changesConfig && !request.previewOnly && preview.steps.every((s) => s.op === "same" || s.op === "read")) {
    // An interrupted switch reached AWS and the state: only the stack's outputs may lag behind.
    deps.output.progress(`${environment}: applying (pulumi up) to bring the stack's outputs up to date`);
    await envStack.up(deps.onPulumiOutput, { ...(planFile !== undefined ? { plan: planFile } : {}), ...targeted });
    return v.result("already", { datasource: checkDatasource(functionName, await readFunctionVariables(v.lambda, functionName), expected), preview: previewed });
  }

  if (request.previewOnly) {
    await putBack();
    return v.result("previewed", { preview: previewed });
  }
  for (const line of preview.diffText.trimEnd().split("\n")) deps.output.progress(line);

  if (!verdict.allowed) {
    if (!request.force) {
      const back = await putBack();
      throw new OperationError(
        `Refusing to ${v.verb} ${environment} to ${to}: ${verdict.summary}; nothing was changed (${back}). Review the diff above; if these changes are intended, re-run with --force.`,
      );
    }
    deps.output.warn(`--force: applying although ${verdict.summary}.`);
  }
  const forced = request.force && !verdict.allowed;

  let confirmed: boolean;
  try {
    confirmed = await unlessInterrupted(deps.confirm(`${capitalise(v.verb)} ${environment} from ${from} to ${to} (the API's database becomes ${v.target.address})?`));
  } catch (error) {
    if (!interruption.interrupted) await putBack();
    throw error;
  }
  if (!confirmed) {
    await putBack();
    return v.result("cancelled", { preview: previewed, forced });
  }
  if (interruption.interrupted) return interrupted();

  let stoppedWaiting = false;
  try {
    deps.output.progress(`${environment}: applying (pulumi up)`);
    phase.applying = true;
    // A first Ctrl-C lets the update finish (seconds: the Lambda's configuration); a second cancels it and stops waiting after its grace.
    const updating = envStack.up(deps.onPulumiOutput, { signal: interruption.abandonSignal, ...(planFile !== undefined ? { plan: planFile } : {}), ...targeted });
    updating.catch(() => undefined);
    if ((await interruption.settle(updating, INTERRUPT_GRACE_MS.pulumi)) === "abandoned") {
      stoppedWaiting = true;
      throw new OperationError(`Stopped waiting for the update of stack ${environment}: ${leftUnfinished({ environment, from, to })}.`);
    }
    await updating;
  } catch (error) {
    if (stoppedWaiting) throw error;
    // Cancelled by the second Ctrl-C: the engine stopped after the steps in flight; the config stays where the update was going.
    if (interruption.abandoned) throw new OperationError(`The update of stack ${environment} was cancelled: ${leftUnfinished({ environment, from, to })}.`, { cause: error });
    const back = await putBack();
    let where = "";
    try {
      where = ` ${checkDatasource(functionName, await readFunctionVariables(v.lambda, functionName), expected).message}`;
    } catch {
      // The failure above is what the operator needs; the Lambda read is a courtesy.
    }
    if (error instanceof ConcurrentUpdateError) throw await lockedNow(envStack, {}, error);
    if (error instanceof PlanViolationError) {
      throw new OperationError(
        `Refusing to apply to ${environment} what its preview did not show: the stack, its config or its code changed after the preview (another update?), and the engine stopped at ${error.detail} (${back}).${where} Run gametracker-dr ${to === PRIMARY_SOURCE ? "rollback" : `cutover --to ${to}`} --stack ${environment} again to review the new diff.`,
        { cause: error },
      );
    }
    throw new OperationError(`Update of stack ${environment} failed (${back}):${where} ${errorMessage(error)}`, { cause: error });
  } finally {
    phase.applying = false;
  }
  if (recordsSwitch) await envStack.removeTags([SWITCH_TAG]);

  const after = checkDatasource(functionName, await readFunctionVariables(v.lambda, functionName), expected);
  if (!after.ok) {
    throw new OperationError(
      `Stack ${environment} was updated to ${DATABASE_SOURCE_KEY} = ${to}, but ${after.message} The API may still use its previous database; inspect the function's configuration and run gametracker-dr ${to === PRIMARY_SOURCE ? "cutover" : "rollback"} --stack ${environment} if needed.`,
    );
  }
  return v.result("switched", { datasource: after, preview: previewed, forced });
}

/** The command that switches an environment to `source` (`rollback` for the primary). */
function switchCommand(environment: string, source: string): string {
  return `gametracker-dr ${source === PRIMARY_SOURCE ? "rollback" : `cutover --to ${source}`} --stack ${environment}`;
}

/** What an abandoned update leaves, and the commands that finish or undo it. */
function leftUnfinished(s: { environment: string; from: string; to: string }): string {
  return `${DATABASE_SOURCE_KEY} is ${s.to} and the update may be unfinished (perhaps locked, which the next run resolves) — run ${switchCommand(s.environment, s.to)} to finish it, or ${switchCommand(s.environment, s.from)} to go back`;
}

/** What the operator reads at each Ctrl-C of a cut-over or rollback (interrupt.ts). Pure. */
export function switchInterruptNotice(press: number, applying: boolean, s: { environment: string; from: string; to: string }): string {
  if (applying) {
    if (press === 1) {
      return `interrupted: waiting for the update of stack ${s.environment} to finish (it changes the Lambda's configuration, in seconds); press Ctrl-C again to cancel it (Pulumi stops after the steps in flight) and stop waiting`;
    }
    return `${press === 2 ? `stopping: cancelling the update and not waiting longer than ${INTERRUPT_GRACE_MS.pulumi / 1000} s` : "exiting now"}; ${leftUnfinished(s)}`;
  }
  if (press === 1) return `interrupted: stopping before anything is applied and putting ${DATABASE_SOURCE_KEY} back to ${s.from}`;
  if (press === 2) return `already stopping; putting ${DATABASE_SOURCE_KEY} back to ${s.from}`;
  return `exiting now; if ${DATABASE_SOURCE_KEY} of stack ${s.environment} still says ${s.to}, run ${switchCommand(s.environment, s.from)} to put it back`;
}

function stringOutput(outputs: StackOutputs, key: string): string | undefined {
  const v = plainOutput(outputs, key);
  return typeof v === "string" && v !== "" ? v : undefined;
}
