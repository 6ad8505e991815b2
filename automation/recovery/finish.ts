/**
 * Finishes what an interrupted run left in a stack, before the next run touches it: the one
 * home of that job for `restore --resume`, `drill --resume`, `cutover`/`rollback` (the
 * environment stack) and `cleanup` (before it destroys). In that order:
 *
 * 1. the lock: a stale one (its holder ran on this host and is gone) is cleared; any other
 *    is refused with StackLockedError, before anything changes (lock.ts);
 * 2. the pending operations: each is decided (pending.ts) — an interrupted create of the
 *    restored instance is looked up in RDS, imported when it is the stack's, cleared when it
 *    was never made — and all are resolved together, or none when one is refused.
 *
 * It returns what it did, one sentence per action, for the operator and the report.
 */
import * as os from "node:os";
import { DBInstance } from "@aws-sdk/client-rds";
import { describeInstance, RdsReader, tagMap } from "../aws/rds";
import { Clock } from "../clock";
import { OperationError } from "../errors";
import { ConcurrentUpdateError, PendingOperation, Stack } from "../stacks/port";
import { waitFor } from "../wait";
import { HostFacts, judgeLock, LockVerdict, StackLockedError, staleLockNote } from "./lock";
import { decidePending, FoundInstance, lookupFor, PendingDecision } from "./pending";

/** How long a run waits, by default, for an interrupted create that RDS is still carrying out (an RDS restore takes 10–40 minutes). */
export const DEFAULT_RECOVERY_WAIT_MS = 40 * 60_000;

export interface RecoveryDeps {
  /** RDS in a region: a pending create's own region, else (undefined) the run's. */
  rdsIn(region: string | undefined): RdsReader;
  clock: Clock;
  /** How long to wait for an interrupted create that RDS is still carrying out. */
  waitTimeoutMs: number;
  random?: () => number;
  onProgress?: (message: string) => void;
  /** Pulumi's own output lines of the refresh (shown with --verbose). */
  onPulumiOutput?: (line: string) => void;
  /** This machine (default: the real one). */
  here?: HostFacts;
  /** When the interrupted run started (its spec says): an instance created before it is not that run's. */
  notBefore?: Date;
}

export interface Recovery {
  /** What was done, one sentence each ("cleared the stale lock of pid 4242 on host x, taken …"). */
  actions: string[];
  /** What may be left outside every stack. */
  warnings: string[];
}

/** A pending operation this tool will not resolve on its own. Exit 1: nothing was changed. */
export class UnresolvedPendingOperationError extends OperationError {}

export const thisHost: HostFacts = {
  hostname: os.hostname(),
  isRunning(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it exists, under another user.
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
  },
};

export async function finishInterruptedRun(deps: RecoveryDeps, stack: Stack): Promise<Recovery> {
  const recovery: Recovery = { actions: [], warnings: [] };
  const say = (message: string) => {
    recovery.actions.push(message);
    deps.onProgress?.(`${stack.id.stack}: ${message}`);
  };

  // Both are reads: read together (each is a CLI call on the real backend).
  const [lock, pending] = await Promise.all([stack.lockState(), stack.pendingOperations()]);
  const verdict = judgeLock(lock, deps.here ?? thisHost);
  if (verdict.kind === "live") throw new StackLockedError(await stack.qualifiedName(), verdict);
  if (verdict.kind === "stale") {
    for (const holder of verdict.holders) {
      await stack.clearStaleLock(holder);
      say(staleLockNote(holder));
    }
  }

  if (pending.length === 0) return recovery;
  const name = await stack.qualifiedName();
  const decisions: Array<{ op: PendingOperation; decision: PendingDecision }> = [];
  for (const op of pending) {
    const lookup = lookupFor(op);
    const found = lookup === undefined ? undefined : await findInstance(deps.rdsIn(lookup.region), lookup.identifier);
    decisions.push({ op, decision: decidePending(op, found, { stack: name, ...(deps.notBefore !== undefined ? { notBefore: deps.notBefore } : {}) }) });
  }
  const refused = decisions.flatMap(({ decision }) => (decision.action === "refuse" ? [decision.reason] : []));
  if (refused.length > 0) throw new UnresolvedPendingOperationError(refused[0]!);

  for (const { op, decision } of decisions) {
    if (decision.action !== "import" || !decision.waitUntilAvailable) continue;
    const lookup = lookupFor(op)!;
    // Still being created (or modified) at RDS: the next update could not modify it yet.
    await waitFor({
      what: `DB instance ${lookup.identifier}, whose create was interrupted, to be available`,
      clock: deps.clock,
      timeoutMs: deps.waitTimeoutMs,
      ...(deps.random !== undefined ? { random: deps.random } : {}),
      ...(deps.onProgress !== undefined ? { onProgress: deps.onProgress } : {}),
      probe: async () => {
        const now = await describeInstance(deps.rdsIn(lookup.region), lookup.identifier);
        const status = now?.DBInstanceStatus ?? "gone";
        return status === "available" ? { done: true, value: undefined } : { done: false, status };
      },
    });
  }

  try {
    await stack.resolvePendingOperations(
      decisions.map(({ decision }) => (decision as Exclude<PendingDecision, { action: "refuse" }>).resolution),
      deps.onPulumiOutput,
    );
  } catch (error) {
    // An update that took the lock since (or one on a backend that says nothing until it is met).
    if (error instanceof ConcurrentUpdateError) throw await lockedNow(stack, deps, error);
    throw error;
  }
  for (const { decision } of decisions) {
    if (decision.action === "refuse") continue;
    say(decision.note);
    if (decision.action === "clear" && decision.leftBehind !== undefined) recovery.warnings.push(decision.leftBehind);
  }
  return recovery;
}

/** The refusal for a stack an operation found locked: who holds it now, if the backend says. */
export async function lockedNow(stack: Stack, deps: Pick<RecoveryDeps, "here">, cause?: unknown): Promise<Error> {
  let verdict: LockVerdict;
  try {
    verdict = judgeLock(await stack.lockState(), deps.here ?? thisHost);
  } catch {
    verdict = { kind: "unknown" };
  }
  const live: Extract<LockVerdict, { kind: "live" }> = verdict.kind === "live" ? verdict : { kind: "live", holder: undefined, where: "unknown" };
  const error = new StackLockedError(await stack.qualifiedName(), live);
  if (cause !== undefined) Object.defineProperty(error, "cause", { value: cause });
  return error;
}

async function findInstance(rds: RdsReader, identifier: string): Promise<FoundInstance | undefined> {
  const db: DBInstance | undefined = await describeInstance(rds, identifier);
  if (db === undefined) return undefined;
  return {
    identifier: db.DBInstanceIdentifier ?? identifier,
    resourceId: db.DbiResourceId,
    status: db.DBInstanceStatus ?? "unknown",
    tags: tagMap(db.TagList),
    createdAt: db.InstanceCreateTime,
  };
}
