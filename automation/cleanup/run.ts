/**
 * `cleanup`: gather → plan (pure, with reasons) → show → confirm → act. Each removal is
 * independent: one that fails is reported and the others still run. Right before an
 * instance is deleted it is read again, so an instance that changed since the plan (now
 * protected, no longer drill-tagged, gone) is skipped rather than deleted. Before a stack
 * is destroyed, what a killed run left in it is finished (recovery/finish.ts): a stale lock
 * cleared, an interrupted create of its instance imported, so that the destroy deletes it.
 * Anything it was asked to remove but had to leave makes it exit 1, naming the command.
 */
import { RDSClient } from "@aws-sdk/client-rds";
import { deleteDisposableInstance, describeInstance } from "../aws/rds";
import { Clock } from "../clock";
import { UsageError } from "../errors";
import { errorMessage } from "../../contracts/text";
import { Output } from "../output";
import { DEFAULT_RECOVERY_WAIT_MS, finishInterruptedRun, lockedNow } from "../recovery/finish";
import { HostFacts } from "../recovery/lock";
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
  /** RDS in another region than `rds`'s (an interrupted create is looked up in its own region). */
  rdsIn?: (region: string) => RDSClient;
  /** This machine (default: the real one), for judging locks. */
  here?: HostFacts;
}

export interface CleanupRequest {
  olderThanMs: number;
  dryRun: boolean;
  environment?: string;
  /** Only this drill's stack and instance, whatever their age. */
  drillId?: string;
}

export type CleanupOutcome = "destroyed" | "deleted" | "kept" | "skipped" | "failed" | "planned" | "left";

export interface CleanupResultItem extends CleanupItem {
  outcome: CleanupOutcome;
  /** Why a planned removal was skipped or failed. */
  detail?: string;
}

export interface CleanupResult {
  olderThanMs: number;
  dryRun: boolean;
  environment: string | undefined;
  drillId?: string;
  cancelled: boolean;
  items: CleanupResultItem[];
}

export async function runCleanup(deps: CleanupDeps, request: CleanupRequest): Promise<CleanupResult> {
  const facts = await gatherCleanupFacts(deps.stacks, deps.rds, ...(deps.here ? [deps.here] : []));
  if (request.environment !== undefined && !facts.environments.some((e) => e.stack === request.environment)) {
    throw new UsageError(
      `Unknown environment stack ${request.environment}: there is no ${ENVIRONMENT_PROJECT}/${request.environment} stack in this Pulumi backend (known: ${facts.environments.map((e) => e.stack).join(", ") || "none"}); check --stack, or leave it out to clean every environment.`,
    );
  }
  const narrowed = { ...(request.environment !== undefined ? { environment: request.environment } : {}), ...(request.drillId !== undefined ? { drillId: request.drillId } : {}) };
  const policy: CleanupPolicy = { now: deps.clock.now(), olderThanMs: request.olderThanMs, ...narrowed };
  const plan = planCleanup(facts, policy);
  const base = { olderThanMs: request.olderThanMs, dryRun: request.dryRun, environment: request.environment, ...(request.drillId !== undefined ? { drillId: request.drillId } : {}) };
  const toRemove = plan.filter((i) => i.action === "destroy-stack" || i.action === "delete-instance");
  const unacted = (i: CleanupItem): CleanupOutcome => (i.action === "keep" ? "kept" : i.action === "leave" ? "left" : "planned");
  const planned = (outcome: (i: CleanupItem) => CleanupOutcome): CleanupResultItem[] => plan.map((i) => ({ ...i, outcome: outcome(i) }));

  if (request.dryRun || toRemove.length === 0) {
    return { ...base, cancelled: false, items: planned(unacted) };
  }
  for (const item of plan) deps.output.progress(`${item.action === "keep" ? "keep   " : item.action === "leave" ? "leave  " : "remove "} ${item.kind} ${item.name}: ${item.reason}`);
  const stacksCount = toRemove.filter((i) => i.kind === "restore-stack").length;
  const instancesCount = toRemove.length - stacksCount;
  const ok = await deps.confirm(`Remove ${stacksCount} restore stack(s) and ${instancesCount} drill instance(s) listed above?`);
  if (!ok) return { ...base, cancelled: true, items: planned(unacted) };

  const items: CleanupResultItem[] = [];
  for (const item of plan) {
    if (item.action === "keep" || item.action === "leave") items.push({ ...item, outcome: unacted(item) });
    else if (item.action === "destroy-stack") items.push(await destroyStack(deps, item, facts.restoreStacks.find((s) => s.name === item.name)?.startedAt));
    else items.push(await deleteInstance(deps, item));
  }
  return { ...base, cancelled: false, items };
}

async function destroyStack(deps: CleanupDeps, item: CleanupItem, startedAt: Date | undefined): Promise<CleanupResultItem> {
  let recovered: string[] = [];
  try {
    deps.output.progress(`destroying restore stack ${item.name}`);
    const stack = await deps.stacks.select({ project: RESTORE_PROJECT, stack: item.name });
    const recovery = await finishInterruptedRun(
      {
        rdsIn: (region) => ({ rds: region === undefined || deps.rdsIn === undefined ? deps.rds : deps.rdsIn(region) }),
        clock: deps.clock,
        waitTimeoutMs: DEFAULT_RECOVERY_WAIT_MS,
        onProgress: (m) => deps.output.progress(m),
        ...(deps.onPulumiOutput ? { onPulumiOutput: deps.onPulumiOutput } : {}),
        ...(deps.here ? { here: deps.here } : {}),
        ...(startedAt !== undefined ? { notBefore: startedAt } : {}),
      },
      stack,
    );
    for (const warning of recovery.warnings) deps.output.warn(warning);
    recovered = recovery.actions;
    try {
      await stack.destroy(deps.onPulumiOutput);
      await stack.remove();
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) throw await lockedNow(stack, deps, error);
      throw error;
    }
    return { ...item, outcome: "destroyed", ...(recovered.length > 0 ? { detail: `first ${recovered.join("; ")}` } : {}) };
  } catch (error) {
    if (error instanceof StackNotFoundError) return { ...item, outcome: "skipped", detail: "the stack was already removed" };
    const done = recovered.length > 0 ? ` (after it ${recovered.join("; ")})` : "";
    return { ...item, outcome: "failed", detail: `${errorMessage(error)}${done}` };
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
