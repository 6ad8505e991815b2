/**
 * Which leftovers `cleanup` removes, pure: restore stacks (project gametracker-restore)
 * and drill-tagged RDS instances that nothing owns any more, older than the age given.
 * Every candidate gets a reason, kept or not, so the plan explains itself.
 *
 * What is never removed: a restore stack any environment's `databaseSource` points at
 * (the API is using it), anything an environment names as its database, anything of
 * unknown age, anything with deletion protection on (it is reported, never forced), and
 * anything younger than the age. A stack old enough to go whose lock is held by a run this
 * host cannot prove dead is left, and says so (`leave`: exit 1, with the command that
 * frees it); a stale lock is cleared first. A stack that was never deployed is as old as
 * the run id in its name says.
 *
 * `--drill <id>` narrows all this to one drill's stack and instance, whatever their age:
 * naming the drill says its run is over (the workflow's last step, after its drill step
 * ended); every other rule still holds.
 */
import { formatDurationSpec } from "../../contracts/duration";
import { formatDuration } from "../output";
import { drillStackName, isDrillStackOf, isRestoreStackOf, PRIMARY_SOURCE } from "../../contracts/stacks";

export interface EnvironmentFact {
  /** The environment stack (`dev`). */
  stack: string;
  /** Its `databaseSource`: `primary` or a restore stack name. */
  source: string;
  /** Its primary instance (the `databaseIdentifier` output), when deployed. */
  primaryIdentifier: string | undefined;
}

export interface InstanceFact {
  identifier: string;
  status: string;
  deletionProtection: boolean;
  createdAt: Date | undefined;
  /** The instance's `gametracker:drill-id` tag. */
  drillId: string | undefined;
  /** The instance's `gametracker:environment` tag. */
  environment: string | undefined;
}

/** A restore stack's lock as cleanup judges it (recovery/lock.ts). */
export type StackLockFact = { state: "free" } | { state: "stale"; note: string } | { state: "held"; sentence: string };

export interface RestoreStackFact {
  name: string;
  lastUpdate: Date | undefined;
  /** When its run started: its spec's record, else the run id in its name. */
  startedAt: Date | undefined;
  lock: StackLockFact;
  resourceCount: number | undefined;
  /** The instance the stack manages: its `identifier` output, else its `restore.targetIdentifier` config. */
  instanceIdentifier: string | undefined;
}

export interface CleanupFacts {
  environments: EnvironmentFact[];
  restoreStacks: RestoreStackFact[];
  /** Every RDS instance in the account and region (not only drill ones: ownership and protection are decided on all). */
  instances: InstanceFact[];
}

export interface CleanupPolicy {
  now: Date;
  olderThanMs: number;
  /** Only this environment's stacks and instances (`--stack`). */
  environment?: string;
  /** Only this drill's stack and instance, whatever their age (`--drill`). */
  drillId?: string;
}

/** `leave`: it would be removed, but something this run must not override holds it. */
export type CleanupAction = "destroy-stack" | "delete-instance" | "keep" | "leave";

export interface CleanupItem {
  kind: "restore-stack" | "drill-instance";
  name: string;
  action: CleanupAction;
  /** One sentence: why it is removed or kept. */
  reason: string;
  /** Age in ms (last update for a stack, creation for an instance), when known. */
  ageMs: number | undefined;
  /** For a stack: the instance its destroy deletes. */
  instance?: string;
}

/** The environment a restore or drill stack belongs to, by its name (`dev-drill-7f3a` → `dev`). */
export function environmentOfStack(name: string, environments: readonly string[]): string | undefined {
  const known = environments.find((env) => isRestoreStackOf(env, name) || isDrillStackOf(env, name));
  if (known !== undefined) return known;
  return /^(.+)-(?:restore|drill)-[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.exec(name)?.[1];
}

/** An age for people: `3d4h` from a day on, else `5h02m` / `40s`. */
export function formatAge(ms: number): string {
  const day = 86_400_000;
  if (ms < day) return formatDuration(ms);
  const days = Math.floor(ms / day);
  const hours = Math.floor((ms % day) / 3_600_000);
  return hours === 0 ? `${days}d` : `${days}d${hours}h`;
}

export function planCleanup(facts: CleanupFacts, policy: CleanupPolicy): CleanupItem[] {
  const items: CleanupItem[] = [];
  const now = policy.now.getTime();
  const minAge = formatDurationSpec(policy.olderThanMs);
  const envNames = facts.environments.map((e) => e.stack);
  const instancesById = new Map(facts.instances.map((i) => [i.identifier, i]));
  const stackByName = new Map(facts.restoreStacks.map((s) => [s.name, s]));

  // What the environments are using right now, by stack and by instance.
  const activeStack = new Map<string, string>();
  const usedInstance = new Map<string, string>();
  for (const env of facts.environments) {
    if (env.source !== PRIMARY_SOURCE) {
      activeStack.set(env.source, env.stack);
      const id = stackByName.get(env.source)?.instanceIdentifier;
      if (id !== undefined) usedInstance.set(id, `the active database of environment ${env.stack}`);
    }
    if (env.primaryIdentifier !== undefined) usedInstance.set(env.primaryIdentifier, `the primary database of environment ${env.stack}`);
  }

  for (const stack of [...facts.restoreStacks].sort((a, b) => a.name.localeCompare(b.name))) {
    const environment = environmentOfStack(stack.name, envNames);
    if (policy.environment !== undefined && environment !== policy.environment) continue;
    if (policy.drillId !== undefined && (environment === undefined || stack.name !== drillStackName(environment, policy.drillId))) continue;
    const deployed = stack.lastUpdate !== undefined;
    const since = stack.lastUpdate ?? stack.startedAt;
    const ageMs = since === undefined ? undefined : now - since.getTime();
    const aged = deployed ? "last updated" : "never deployed, started";
    const instance = stack.instanceIdentifier === undefined ? undefined : instancesById.get(stack.instanceIdentifier);
    const item = (action: CleanupAction, reason: string): CleanupItem => ({
      kind: "restore-stack",
      name: stack.name,
      action,
      reason,
      ageMs,
      ...(stack.instanceIdentifier !== undefined ? { instance: stack.instanceIdentifier } : {}),
    });
    const user = activeStack.get(stack.name);
    if (user !== undefined) {
      items.push(item("keep", `environment ${user}'s databaseSource points at it (the API uses it); roll back first with gametracker-dr rollback --stack ${user}`));
    } else if (stack.instanceIdentifier !== undefined && usedInstance.has(stack.instanceIdentifier)) {
      items.push(item("keep", `its instance ${stack.instanceIdentifier} is ${usedInstance.get(stack.instanceIdentifier)}`));
    } else if (ageMs === undefined) {
      items.push(item("keep", "it was never deployed and its name carries no run id, so its age is unknown; remove it by hand with pulumi stack rm if it is abandoned"));
    } else if (policy.drillId === undefined && ageMs < policy.olderThanMs) {
      items.push(item("keep", `younger than ${minAge} (${aged} ${formatAge(ageMs)} ago)`));
    } else if (stack.lock.state === "held") {
      items.push(item("leave", stack.lock.sentence));
    } else if (instance?.deletionProtection === true) {
      items.push(item("keep", `its instance ${instance.identifier} has deletion protection on; cleanup never turns it off: check the instance is not needed, turn protection off, and re-run`));
    } else {
      const what = stack.instanceIdentifier === undefined || instance === undefined ? "it manages no existing instance" : `destroys instance ${instance.identifier}`;
      const lock = stack.lock.state === "stale" ? `; its lock is stale and is cleared first (${stack.lock.note})` : "";
      items.push(item("destroy-stack", `left behind: ${aged} ${formatAge(ageMs)} ago, not in use; ${what}${lock}`));
    }
  }

  const owned = new Set(facts.restoreStacks.map((s) => s.instanceIdentifier).filter((i): i is string => i !== undefined));
  for (const inst of [...facts.instances].sort((a, b) => a.identifier.localeCompare(b.identifier))) {
    if (inst.drillId === undefined || owned.has(inst.identifier)) continue;
    if (policy.environment !== undefined && inst.environment !== policy.environment) continue;
    if (policy.drillId !== undefined && inst.drillId !== policy.drillId) continue;
    const ageMs = inst.createdAt === undefined ? undefined : now - inst.createdAt.getTime();
    const item = (action: CleanupAction, reason: string): CleanupItem => ({ kind: "drill-instance", name: inst.identifier, action, reason, ageMs });
    if (usedInstance.has(inst.identifier)) {
      items.push(item("keep", `it is ${usedInstance.get(inst.identifier)}`));
    } else if (inst.status === "deleting") {
      items.push(item("keep", "it is already being deleted"));
    } else if (ageMs === undefined) {
      items.push(item("keep", "its creation time is unknown, so its age cannot be checked"));
    } else if (policy.drillId === undefined && ageMs < policy.olderThanMs) {
      items.push(item("keep", `younger than ${minAge} (created ${formatAge(ageMs)} ago)`));
    } else if (inst.deletionProtection) {
      items.push(item("keep", "deletion protection is on, which a drill instance never has; cleanup never turns it off: find out why, turn it off, and re-run"));
    } else {
      items.push(item("delete-instance", `drill ${inst.drillId} left it behind without a stack ${formatAge(ageMs)} ago; deleted without a final snapshot (a drill copy of backed-up data)`));
    }
  }
  return items;
}
