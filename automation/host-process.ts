import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";

/**
 * Whether a process that left something behind (temp files, a lock) still runs on this
 * host. A pid alone is not enough: a killed process's pid is handed to the next process
 * that starts, and a killed child stays a zombie until its parent reaps it. Where the
 * kernel tells a process's start time (Linux /proc), the pid is recorded with it, so a
 * reused pid reads as the other process it now is. Anything unsure reads as alive: what
 * a live process owns must never be taken from it.
 */
export interface ProcessIdentity {
  readonly pid: number;
  /** When it started, in clock ticks since boot (/proc/<pid>/stat field 22); undefined where unknown. */
  readonly startTicks: number | undefined;
}

/** The state and start time of a /proc/<pid>/stat line; undefined if it isn't one. Pure. */
export function parseProcStat(text: string): { state: string; startTicks: number } | undefined {
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const fields = text.slice(close + 1).trim().split(/\s+/);
  // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
  const startTicks = Number(fields[19]);
  if (fields[0] === undefined || !Number.isSafeInteger(startTicks)) return undefined;
  return { state: fields[0], startTicks };
}

function procStat(pid: number): { state: string; startTicks: number } | undefined {
  try {
    return parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/** A running process as a later check will know it (this one by default). */
export function processIdentity(pid = process.pid): ProcessIdentity {
  return { pid, startTicks: procStat(pid)?.startTicks };
}

/** This host, as a short stable tag (a hash of its name), for records that may sit on a directory another host shares. */
export function hostTag(hostname = os.hostname()): string {
  return crypto.createHash("sha256").update(hostname).digest("hex").slice(0, 8);
}

/** True only when `owner` certainly no longer runs on this host: no such pid, a zombie, or the pid now belongs to a process started at another time. */
export function isProcessGone(owner: ProcessIdentity): boolean {
  // 0 and negative pids address process groups: never a record of one process.
  if (!Number.isSafeInteger(owner.pid) || owner.pid <= 0) return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return true;
    // EPERM: it exists and belongs to another user.
  }
  const stat = procStat(owner.pid);
  if (stat === undefined) return false;
  if (stat.state === "Z" || stat.state === "X") return true;
  return owner.startTicks !== undefined && stat.startTicks !== owner.startTicks;
}
