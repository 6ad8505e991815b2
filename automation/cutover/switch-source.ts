/**
 * Moves an environment's API to another database, declaratively: set the environment
 * stack's `database.source`, preview, let the guard judge the preview, confirm, `up`, then
 * read the Lambda's configuration back from AWS. Shared by `cutover` (to a restore stack)
 * and `rollback` (to `primary`).
 *
 * Whenever it stops before a successful `up` — bad preview, refusal, no confirmation,
 * a failed or concurrent update — the config is put back, so the stack never holds a
 * switch that was not applied (a later `pulumi up` by someone else would apply it).
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { RDSClient } from "@aws-sdk/client-rds";
import { Clock } from "../clock";
import { OperationError, UsageError } from "../errors";
import { Output } from "../output";
import {
  ConcurrentUpdateError,
  DATABASE_SOURCE_KEY,
  ENVIRONMENT_PROJECT,
  plainOutput,
  PreviewResult,
  Stack,
  StackNotFoundError,
  StackOutputs,
  Stacks,
  StepOp,
} from "../stacks/port";
import { EnvironmentOutputNames, PRIMARY_SOURCE } from "../../contracts/stacks";
import { checkDatasource, DatasourceCheck, readLambdaVariables } from "./lambda-datasource";
import { GuardVerdict, judgeCutoverPreview } from "./preview-guard";
import { primaryTarget, restoreTarget, SourceTarget } from "./target";

export interface SwitchDeps {
  stacks: Stacks;
  rds: RDSClient;
  lambda: LambdaClient;
  clock: Clock;
  output: Output;
  confirm(question: string): Promise<boolean>;
  onPulumiOutput?: (line: string) => void;
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
  preview?: { changeSummary: Partial<Record<StepOp, number>>; diffText: string; verdict: GuardVerdict };
  forced: boolean;
  durationMs: number;
}

/** Runs the switch; throws UsageError for bad input (nothing changed) and OperationError for a failed step. */
export async function switchDatabaseSource(deps: SwitchDeps, request: SwitchRequest): Promise<SwitchResult> {
  const started = deps.clock.now().getTime();
  const { environment, to } = request;
  const envId = { project: ENVIRONMENT_PROJECT, stack: environment };
  const verb = to === PRIMARY_SOURCE ? "roll back" : "cut over";

  // --- validate: nothing is changed until every check has passed
  let envStack: Stack;
  try {
    envStack = await deps.stacks.select(envId);
  } catch (error) {
    if (error instanceof StackNotFoundError) {
      throw new UsageError(`Unknown environment stack ${environment}: there is no ${ENVIRONMENT_PROJECT}/${environment} stack in this Pulumi backend; check --stack and PULUMI_BACKEND_URL (pulumi stack ls).`);
    }
    throw error;
  }
  const summary = (await deps.stacks.list(ENVIRONMENT_PROJECT)).find((s) => s.name === environment);
  if (summary?.updateInProgress) throw new ConcurrentUpdateError(envId);

  const configured = await envStack.getConfig(DATABASE_SOURCE_KEY);
  const from = configured ?? PRIMARY_SOURCE;
  const envOutputs = await envStack.outputs();
  const functionName = stringOutput(envOutputs, EnvironmentOutputNames.apiFunctionName);
  if (functionName === undefined) {
    throw new UsageError(`Stack ${environment} has no ${EnvironmentOutputNames.apiFunctionName} output (has it been deployed with pulumi up?), so there is no API to ${verb}.`);
  }
  const target = to === PRIMARY_SOURCE ? primaryTarget(environment, envOutputs) : await restoreTarget(deps.stacks, deps.rds, environment, to);
  const primaryId = stringOutput(envOutputs, EnvironmentOutputNames.databaseIdentifier);
  if (to !== PRIMARY_SOURCE && primaryId !== undefined && !target.identifier.startsWith(`${primaryId}-`)) {
    // The environment program grants the API the secrets of <primary>-* only; it would refuse this in the preview.
    throw new UsageError(
      `Restore stack ${to}'s instance ${target.identifier} is not named ${primaryId}-<suffix>, and the API may only read the credentials of instances named so; restore again with a --target-id starting with ${primaryId}-.`,
    );
  }
  const expected = { host: target.address, ...(target.port !== undefined ? { port: target.port } : {}) };
  const result = (outcome: SwitchOutcome, extra: Partial<SwitchResult> = {}): SwitchResult => ({
    environment,
    from,
    to,
    outcome,
    target,
    functionName,
    forced: false,
    durationMs: deps.clock.now().getTime() - started,
    ...extra,
  });

  // Already there: config and the Lambda both say so.
  if (from === to) {
    const now = checkDatasource(functionName, await readLambdaVariables(deps.lambda, functionName), expected);
    if (now.ok && !request.previewOnly) return result("already", { datasource: now });
    if (!now.ok) deps.output.warn(`${environment}'s ${DATABASE_SOURCE_KEY} is already ${to}, but ${now.message} Continuing so the stack is applied.`);
  }

  // --- switch the config; from here on, every way out that does not apply it puts it back
  const changesConfig = from !== to;
  const putBack = async (): Promise<string> => {
    if (!changesConfig) return `${DATABASE_SOURCE_KEY} was not changed (still ${from})`;
    if (configured === undefined) await envStack.removeConfig(DATABASE_SOURCE_KEY);
    else await envStack.setConfig(DATABASE_SOURCE_KEY, configured);
    return `${DATABASE_SOURCE_KEY} is back to ${from}`;
  };
  if (changesConfig) {
    deps.output.progress(`${environment}: setting ${DATABASE_SOURCE_KEY} = ${to} (was ${from})`);
    await envStack.setConfig(DATABASE_SOURCE_KEY, to);
  }

  let preview: PreviewResult;
  try {
    deps.output.progress(`${environment}: previewing the update`);
    preview = await envStack.preview(deps.onPulumiOutput);
  } catch (error) {
    const back = await putBack();
    if (error instanceof ConcurrentUpdateError) throw error;
    throw new OperationError(`Preview of stack ${environment} failed, so nothing was applied (${back}): ${messageOf(error)}`, { cause: error });
  }
  const verdict = judgeCutoverPreview(preview);
  const previewed = { changeSummary: preview.changeSummary, diffText: preview.diffText, verdict };

  if (request.previewOnly) {
    await putBack();
    return result("previewed", { preview: previewed });
  }
  for (const line of preview.diffText.trimEnd().split("\n")) deps.output.progress(line);

  if (!verdict.allowed) {
    if (!request.force) {
      const back = await putBack();
      throw new OperationError(
        `Refusing to ${verb} ${environment} to ${to}: ${verdict.summary}; nothing was changed (${back}). Review the diff above; if these changes are intended, re-run with --force.`,
      );
    }
    deps.output.warn(`--force: applying although ${verdict.summary}.`);
  }

  let confirmed: boolean;
  try {
    confirmed = await deps.confirm(`${capitalise(verb)} ${environment} from ${from} to ${to} (the API's database becomes ${target.address})?`);
  } catch (error) {
    await putBack();
    throw error;
  }
  if (!confirmed) {
    await putBack();
    return result("cancelled", { preview: previewed, forced: request.force && !verdict.allowed });
  }

  try {
    deps.output.progress(`${environment}: applying (pulumi up)`);
    await envStack.up(deps.onPulumiOutput);
  } catch (error) {
    const back = await putBack();
    let where = "";
    try {
      const now = checkDatasource(functionName, await readLambdaVariables(deps.lambda, functionName), expected);
      where = ` ${now.message}`;
    } catch {
      // The failure above is what the operator needs; the Lambda read is a courtesy.
    }
    if (error instanceof ConcurrentUpdateError) throw error;
    throw new OperationError(`Update of stack ${environment} failed (${back}):${where} ${messageOf(error)}`, { cause: error });
  }

  const after = checkDatasource(functionName, await readLambdaVariables(deps.lambda, functionName), expected);
  if (!after.ok) {
    throw new OperationError(
      `Stack ${environment} was updated to ${DATABASE_SOURCE_KEY} = ${to}, but ${after.message} The API may still use its previous database; inspect the function's configuration and run gametracker-dr ${to === PRIMARY_SOURCE ? "cutover" : "rollback"} --stack ${environment} if needed.`,
    );
  }
  return result("switched", { datasource: after, preview: previewed, forced: request.force && !verdict.allowed });
}

function stringOutput(outputs: StackOutputs, key: string): string | undefined {
  const v = plainOutput(outputs, key);
  return typeof v === "string" && v !== "" ? v : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
