import { ChildProcess, spawn } from "node:child_process";
import { constants as fsConstants, promises as fs } from "node:fs";
import { describeTimeout } from "../../contracts/duration";
import { redactText } from "../../contracts/redact";
import { DEFAULT_VALIDATION_TIMEOUT_MS, Refuse } from "../../contracts/validation-config";
import { parseAnswer, ValidationRequest } from "../../contracts/validation-exchange";
import { usageRefusal } from "../errors";
import { answered, failed, HookOutcome } from "./verdict";

/**
 * Runs a local validator: the executable itself (no shell, so nothing in the path or the
 * request is ever interpreted), the request as JSON on stdin, the answer read from stdout.
 * The process runs in its own process group so that a timeout, an oversized answer or an
 * interrupt kills it and everything it started; whatever it left running when it exited
 * is killed too, so a drill leaves nothing behind on the runner.
 */

/** An answer is a few checks; megabytes of stdout mean the validator is dumping data. */
export const DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024;
/** Between SIGTERM and SIGKILL: time for a validator to close its connections. */
export const DEFAULT_KILL_GRACE_MS = 5000;
/** How much of stderr is kept for the failure message (the end, where the error usually is). */
const STDERR_KEPT = 16 * 1024;
const STDERR_SHOWN = 600;

export interface CommandHookOptions {
  timeoutMs?: number;
  maxAnswerBytes?: number;
  killGraceMs?: number;
  /** The validator's environment; default this process's (it may need AWS credentials to read the secret). */
  env?: NodeJS.ProcessEnv;
  /** Aborting (Ctrl-C of the drill) kills the validator's process group. */
  signal?: AbortSignal;
}

/** Before the drill creates anything: is `file` an executable file? */
export async function checkExecutable(file: string, source = "--validate-with", refuse: Refuse = usageRefusal): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    throw refuse(source, `${source} names ${file}, which does not exist; give the path of the validator executable.`);
  }
  if (!stat.isFile()) throw refuse(source, `${source} names ${file}, which is not a file; give the path of the validator executable.`);
  try {
    await fs.access(file, fsConstants.X_OK);
  } catch {
    throw refuse(source, `${source} names ${file}, which is not executable; make it so with chmod +x ${file}.`);
  }
}

type Stop = "timeout" | "too-large" | "aborted";

export function runCommandHook(executable: string, request: ValidationRequest, options: CommandHookOptions = {}): Promise<HookOutcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_VALIDATION_TIMEOUT_MS;
  const maxBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve(failed("aborted", `${executable} was not started: the drill was interrupted`));
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(executable, [], { stdio: ["pipe", "pipe", "pipe"], detached: true, env: options.env ?? process.env });
    } catch (error) {
      resolve(failed("crash", `could not start ${executable}: ${(error as Error).message}`));
      return;
    }
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = "";
    let stop: Stop | undefined;
    let startError: Error | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        // A negative pid signals the whole process group the validator leads.
        process.kill(-child.pid, signal);
      } catch {
        // ESRCH: the group is gone already.
      }
    };
    const terminate = (why: Stop) => {
      if (stop !== undefined) return;
      stop = why;
      killGroup("SIGTERM");
      graceTimer = setTimeout(() => killGroup("SIGKILL"), graceMs);
      graceTimer.unref();
    };
    const timer = setTimeout(() => terminate("timeout"), timeoutMs);
    const onAbort = () => terminate("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });

    const finish = (outcome: HookOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (graceTimer !== undefined) clearTimeout(graceTimer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const withStderr = (message: string) => {
      const tail = stderr.trim().slice(-STDERR_SHOWN).replace(/\s+/g, " ").trim();
      return redactText(tail === "" ? message : `${message}; stderr: ${tail}`);
    };

    child.stdout!.on("data", (chunk: Buffer) => {
      if (stop !== undefined) return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxBytes) {
        terminate("too-large");
        return;
      }
      stdout.push(chunk);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_KEPT);
    });
    // A validator that never reads stdin closes it; the EPIPE that follows is not its failure.
    child.stdin!.on("error", () => {});
    child.stdin!.end(JSON.stringify(request) + "\n");

    child.on("error", (error) => {
      startError = error;
      if (child.pid === undefined) finish(failed("crash", `could not start ${executable}: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    });
    // What the validator started and left behind would keep its pipes open and outlive the drill.
    child.on("exit", () => killGroup("SIGKILL"));
    child.on("close", (code, signal) => {
      if (stop === "aborted") return finish(failed("aborted", withStderr(`${executable} was killed: the drill was interrupted`)));
      if (stop === "timeout") return finish(failed("timeout", withStderr(`${executable} gave no answer within ${describeTimeout(timeoutMs)}; its process group was killed`)));
      if (stop === "too-large") return finish(failed("malformed", withStderr(`${executable} wrote more than ${maxBytes} bytes on stdout, far more than an answer, and was killed`)));
      if (startError !== undefined) return finish(failed("crash", `could not run ${executable}: ${startError.message}`));
      if (signal !== null) return finish(failed("crash", withStderr(`${executable} was killed by ${signal}`)));
      if (code !== 0) return finish(failed("crash", withStderr(`${executable} exited with code ${code}`)));
      const parsed = parseAnswer(Buffer.concat(stdout).toString("utf8"));
      if (!parsed.ok) return finish(failed("malformed", withStderr(`${executable}: ${parsed.reason}`)));
      return finish(answered(parsed.answer));
    });
  });
}
