/**
 * A crashed machine in the middle of an update, for engine tests that drive the Automation
 * API in-process: SIGKILL to every `pulumi` CLI process this test process started and to
 * their descendants, and to the process group of the stand-in plugin waiting at a hold
 * (plugins run in process groups of their own and would otherwise outlive the engine).
 * What is left is what a killed run leaves: the backend's lock file and the state's
 * pending operations.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import type { Hold } from "./levers";

function processTable(): Array<{ pid: number; ppid: number }> {
  return execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number))
    .map(([pid, ppid]) => ({ pid: pid!, ppid: ppid! }));
}

function descendantsOf(root: number, table: ReturnType<typeof processTable>): number[] {
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const p of table) if (p.ppid === parent) (found.push(p.pid), walk(p.pid));
  };
  walk(root);
  return found;
}

function isPulumiCli(pid: number): boolean {
  try {
    const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? "";
    return /(^|\/)pulumi$/.test(argv0);
  } catch {
    return false;
  }
}

/** The pids of the `pulumi` CLI processes this process started (directly, through the Automation API). */
export function pulumiProcesses(): number[] {
  return descendantsOf(process.pid, processTable()).filter(isPulumiCli);
}

/** SIGKILLs the running `pulumi` processes, their descendants, and the plugin holding at `hold`; returns the CLI pids killed. */
export function killUpdate(hold: Hold): number[] {
  const table = processTable();
  const clis = descendantsOf(process.pid, table).filter(isPulumiCli);
  if (clis.length === 0) throw new Error("no pulumi process is running to be killed");
  const victims = new Set(clis.flatMap((pid) => [pid, ...descendantsOf(pid, table)]));
  for (const pid of victims) signal(pid);
  signal(-hold.pluginPid());
  return clis;
}

function signal(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
