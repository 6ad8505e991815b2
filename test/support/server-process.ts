/** A local server the tests start as a child process (moto, versitygw): started, waited for until it answers, stopped. */
import { spawn, ChildProcess, SpawnOptions } from "node:child_process";

export interface ServerProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns `command` and resolves once `ready()` says it answers; a clear error with its stderr tail if it exits or takes too long. */
export async function startServerProcess(name: string, command: string, args: string[], ready: () => Promise<boolean>, options: { timeoutMs: number; env?: SpawnOptions["env"] }): Promise<ServerProcess> {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], ...(options.env ? { env: options.env } : {}) });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}: ${stderr}`);
    if (await ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not answer within ${options.timeoutMs / 1000} s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
