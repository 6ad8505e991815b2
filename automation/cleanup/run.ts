/**
 * `cleanup`: gather → plan (pure, with reasons) → show → confirm → act. Each removal is
 * independent: one that fails is reported and the others still run. Right before an
 * instance is deleted it is read again, so an instance that changed since the plan (now
 * protected, no longer drill-tagged, gone) is skipped rather than deleted.
 */
import { RDSClient } from "@aws-sdk/client-rds";
import { deleteDisposableInstance, describeInstance } from "../aws/rds";
import { Clock } from "../clock";
import { errorMessage, UsageError } from "../errors";
import { Output } from "../output";
import { ConcurrentUpdateError, StackNotFoundError, Stacks } from "../stacks/port";
import { ENVIRONMENT_PROJECT, RESTORE_PROJECT } from "../../contracts/stacks";
import { gatherCleanupFacts, instanceFact } from "./gather";
import { CleanupItem, CleanupPolicy, planCleanup } from "./select";

export interface CleanupDeps {
  stacks: Stacks;
  rds: RDSClient;
  clock: Clock;
  output: Output;
  confirm(question: string): Promise<boolean>;
  onPulumiOutput?: (line: string) => void;
}

export interface CleanupRequest {
  olderThanMs: number;
  dryRun: boolean;
  environment?: string;
}

export type CleanupOutcome = "destroyed" | "deleted" | "kept" | "skipped" | "failed" | "planned";

export interface CleanupResultItem extends CleanupItem {
  outcome: CleanupOutcome;
  /** Why a planned removal was skipped or failed. */
  detail?: string;
}

export interface CleanupResult {
  olderThanMs: number;
  dryRun: boolean;
  environment: string | undefined;
  cancelled: boolean;
  items: CleanupResultItem[];
}

export async function runCleanup(deps: CleanupDeps, request: CleanupRequest): Promise<CleanupResult> {
  const facts = await gatherCleanupFacts(deps.stacks, deps.rds);
  if (request.environment !== undefined && !facts.environments.some((e) => e.stack === request.environment)) {
    throw new UsageError(
      `Unknown environment stack ${request.environment}: there is no ${ENVIRONMENT_PROJECT}/${request.environment} stack in this Pulumi backend (known: ${facts.environments.map((e) => e.stack).join(", ") || "none"}); check --stack, or leave it out to clean every environment.`,
    );
  }
  const policy: CleanupPolicy = { now: deps.clock.now(), olderThanMs: request.olderThanMs, ...(request.environment !== undefined ? { environment: request.environment } : {}) };
  const plan = planCleanup(facts, policy);
  const base = { olderThanMs: request.olderThanMs, dryRun: request.dryRun, environment: request.environment };
  const toRemove = plan.filter((i) => i.action !== "keep");
  const planned = (outcome: (i: CleanupItem) => CleanupOutcome): CleanupResultItem[] => plan.map((i) => ({ ...i, outcome: outcome(i) }));

  if (request.dryRun || toRemove.length === 0) {
    return { ...base, cancelled: false, items: planned((i) => (i.action === "keep" ? "kept" : "planned")) };
  }
  for (const item of plan) deps.output.progress(`${item.action === "keep" ? "keep   " : "remove "} ${item.kind} ${item.name}: ${item.reason}`);
  const stacksCount = toRemove.filter((i) => i.kind === "restore-stack").length;
  const instancesCount = toRemove.length - stacksCount;
  const ok = await deps.confirm(`Remove ${stacksCount} restore stack(s) and ${instancesCount} drill instance(s) listed above?`);
  if (!ok) return { ...base, cancelled: true, items: planned((i) => (i.action === "keep" ? "kept" : "planned")) };

  const items: CleanupResultItem[] = [];
  for (const item of plan) {
    if (item.action === "keep") items.push({ ...item, outcome: "kept" });
    else if (item.action === "destroy-stack") items.push(await destroyStack(deps, item));
    else items.push(await deleteInstance(deps, item));
  }
  return { ...base, cancelled: false, items };
}

async function destroyStack(deps: CleanupDeps, item: CleanupItem): Promise<CleanupResultItem> {
  try {
    deps.output.progress(`destroying restore stack ${item.name}`);
    const stack = await deps.stacks.select({ project: RESTORE_PROJECT, stack: item.name });
    await stack.destroy(deps.onPulumiOutput);
    await stack.remove();
    return { ...item, outcome: "destroyed" };
  } catch (error) {
    if (error instanceof StackNotFoundError) return { ...item, outcome: "skipped", detail: "the stack was already removed" };
    if (error instanceof ConcurrentUpdateError) return { ...item, outcome: "skipped", detail: "an update started in the meantime; left alone" };
    return { ...item, outcome: "failed", detail: errorMessage(error) };
  }
}

async function deleteInstance(deps: CleanupDeps, item: CleanupItem): Promise<CleanupResultItem> {
  try {
    const found = await describeInstance(deps, item.name);
    if (found === undefined) return { ...item, outcome: "skipped", detail: "it is already gone" };
    const now = instanceFact(found);
    if (now.drillId === undefined) return { ...item, outcome: "skipped", detail: "it is no longer drill-tagged" };
    if (now.deletionProtection) return { ...item, outcome: "skipped", detail: "deletion protection was turned on in the meantime" };
    deps.output.progress(`deleting drill instance ${item.name} (no final snapshot)`);
    if (!(await deleteDisposableInstance(deps, item.name))) return { ...item, outcome: "skipped", detail: "it is already gone" };
    return { ...item, outcome: "deleted" };
  } catch (error) {
    return { ...item, outcome: "failed", detail: errorMessage(error) };
  }
}
