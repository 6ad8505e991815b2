/** Real processes for the tests of what a killed run leaves: one that runs, one that ran and was killed. */
import { ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { ProcessIdentity, processIdentity } from "../../automation/host-process";

/** A process that waits until it is killed; `stop` SIGKILLs it and waits for its exit (the parent reaps it). */
export async function runningProcess(): Promise<{ child: ChildProcess; identity: ProcessIdentity; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 60000)"], { stdio: "ignore" });
  await once(child, "spawn");
  const identity = processIdentity(child.pid!);
  return {
    child,
    identity,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** The identity of a process that ran on this host and was killed (its start time recorded, so a reused pid still reads as gone). */
export async function killedProcess(): Promise<ProcessIdentity> {
  const p = await runningProcess();
  await p.stop();
  return p.identity;
}
