import type { ValidationAnswer } from "./contract";

/**
 * What running a hook came to, whichever kind of hook it was. A hook either answered
 * (and the answer is judged by `summarizeValidation`), or it failed to answer, for a
 * reason the operator must be able to tell apart: a crash is a bug in the validator, a
 * timeout may be a slow CHECKDB, malformed output is a contract mismatch, an invoke
 * failure is AWS or permissions.
 */
export type HookFailure = "crash" | "timeout" | "malformed" | "invoke" | "aborted";

export type HookOutcome = { kind: "answered"; answer: ValidationAnswer } | { kind: "failed"; failure: HookFailure; message: string };

export function answered(answer: ValidationAnswer): HookOutcome {
  return { kind: "answered", answer };
}

export function failed(failure: HookFailure, message: string): HookOutcome {
  return { kind: "failed", failure, message };
}
