import type { Refuse } from "../contracts/validation-config";

/**
 * The two kinds of failure an operator must tell apart at 3 a.m.: "you asked for
 * something wrong" (exit 2, nothing was changed) and "the thing you asked for did not
 * work" (exit 1). Every message is one sentence: what, which value, what to do.
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad usage or input, detected before anything was created or changed. Exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode = ExitCode.usage;
}

/** The driver's answer to a bad flag or value that a shared parser (contracts/) refuses: exit 2. */
export const usageRefusal: Refuse = (_key, message) => new UsageError(message);

/** A check or an operation failed. Exit 1. */
export class OperationError extends Error {
  override readonly name = "OperationError";
  readonly exitCode = ExitCode.failed;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The exit code for any thrown value: our own errors carry one, anything else is a failure. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError) return ExitCode.usage;
  return ExitCode.failed;
}

/**
 * What caused an error, one line each (`caused by: <name>: <message>`), for `--verbose`. An
 * error that carries the full text of what went wrong (`detail`: a failed Pulumi run's
 * output) prints that instead of descending further: its cause is the same text again.
 */
export function causeChain(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    const detail = (current as { detail?: unknown }).detail;
    if (typeof detail === "string" && detail !== "") {
      lines.push(`full output of ${current.name}:`, detail.trimEnd());
      break;
    }
    const cause: unknown = current.cause;
    if (cause === undefined) break;
    lines.push(`caused by: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`);
    current = cause;
  }
  return lines;
}
