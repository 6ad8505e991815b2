/**
 * Whose lock holds a stack, and whether it may be cleared: pure. A run killed in the middle
 * of `pulumi up` (SIGKILL, OOM, a runner that died) leaves its DIY backend lock behind, and
 * every later update is refused until someone removes it. The lock is stale only when its
 * holder ran on this host and its process is gone; anything else — a process still running,
 * a holder on another host (whose processes this host cannot see), a backend that does not
 * say who holds it — is refused with one sentence naming who holds it since when and the
 * exact command that removes it.
 */
import { OperationError } from "../errors";
import type { LockHolder, StackLock } from "../stacks/port";

/** What this process knows about the machine it runs on. */
export interface HostFacts {
  hostname: string;
  /** Whether a process with this pid exists on this host. */
  isRunning(pid: number): boolean;
}

export type LockVerdict =
  | { kind: "free" }
  /** Every holder ran here and is gone: clear each, and say so. */
  | { kind: "stale"; holders: LockHolder[] }
  /** A holder that may still run: refuse. */
  | { kind: "live"; holder: LockHolder | undefined; where: "this-host" | "another-host" | "unknown" }
  /** The backend says nothing until an update meets the lock. */
  | { kind: "unknown" };

export function judgeLock(lock: StackLock, here: HostFacts): LockVerdict {
  if (lock.state === "free") return { kind: "free" };
  if (lock.state === "unknown") return { kind: "unknown" };
  if (lock.holders.length === 0) return { kind: "live", holder: undefined, where: "unknown" };
  for (const holder of lock.holders) {
    if (holder.pid === undefined || holder.hostname === undefined) return { kind: "live", holder, where: "unknown" };
    if (holder.hostname !== here.hostname) return { kind: "live", holder, where: "another-host" };
    if (here.isRunning(holder.pid)) return { kind: "live", holder, where: "this-host" };
  }
  return { kind: "stale", holders: [...lock.holders] };
}

/** `2026-12-07T19:22:01Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** What `finishInterruptedRun` says after clearing a stale lock. */
export function staleLockNote(holder: LockHolder): string {
  const taken = holder.since === undefined ? "" : `, taken ${isoSeconds(holder.since)}`;
  return `cleared the stale lock of pid ${holder.pid} on host ${holder.hostname}${taken} (that process is gone)`;
}

/** The one sentence for a lock this tool must not clear; `stack` is the fully qualified name the CLI takes. */
export function lockedSentence(stack: string, verdict: Extract<LockVerdict, { kind: "live" }>): string {
  const cancel = `pulumi cancel --yes -s ${stack}`;
  const { holder } = verdict;
  if (holder === undefined) {
    return `Stack ${stack} has an update in progress (the backend does not say whose); wait for it to finish, or if it was interrupted, run ${cancel} and then this command again — nothing was changed.`;
  }
  const who = `${holder.username ?? "?"}@${holder.hostname ?? "?"} (pid ${holder.pid ?? "?"})`;
  const since = holder.since === undefined ? "" : ` since ${isoSeconds(holder.since)}`;
  if (verdict.where === "this-host") {
    return `Stack ${stack} is locked by an update of ${who}${since} that is still running on this host; wait for it to finish, or stop it and run ${cancel}, then run this command again — nothing was changed.`;
  }
  if (verdict.where === "another-host") {
    return `Stack ${stack} is locked by an update of ${who}${since} on another host, which this tool cannot see; if that run is gone, run ${cancel}, then run this command again — nothing was changed.`;
  }
  return `Stack ${stack} is locked by ${who}${since}, a holder this tool cannot check; if that run is gone, run ${cancel}, then run this command again — nothing was changed.`;
}

/** A stack locked by an update this tool must not interrupt. Exit 1: nothing was changed. */
export class StackLockedError extends OperationError {
  constructor(
    /** The fully qualified stack name. */
    readonly stackName: string,
    readonly verdict: Extract<LockVerdict, { kind: "live" }>,
  ) {
    super(lockedSentence(stackName, verdict));
  }
}
