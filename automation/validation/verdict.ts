import type { Check } from "../restore/verify";
import { formatDuration } from "../output";
import { redactText } from "../../contracts/redact";
import type { ValidationAnswer } from "../../contracts/validation-exchange";

/**
 * The judgement of a validation: what running the hook came to (it answered, or it
 * failed to), and what that comes to in the drill report: the validator's checks beside
 * the built-in ones, one overall check that says whether the validator answered and
 * what, the data RPO, and a note for the validation step. Pure.
 *
 * The overall check passes only when the validator said `pass`, gave at least one check
 * and every check is ok: a `pass` with a failed check is a validator bug, and a `pass`
 * with no checks proves nothing, so neither lets a drill pass.
 */

/**
 * Why a hook gave no answer, for a reason the operator must be able to tell apart: a
 * crash is a bug in the validator, a timeout may be a slow CHECKDB, malformed output is
 * a contract mismatch, an invoke failure is AWS or permissions.
 */
export type HookFailure = "crash" | "timeout" | "malformed" | "invoke" | "aborted";

/** What running a hook came to, whichever kind of hook it was (command-hook.ts, lambda-hook.ts). */
export type HookOutcome = { kind: "answered"; answer: ValidationAnswer } | { kind: "failed"; failure: HookFailure; message: string };

export function answered(answer: ValidationAnswer): HookOutcome {
  return { kind: "answered", answer };
}

export function failed(failure: HookFailure, message: string): HookOutcome {
  return { kind: "failed", failure, message };
}

export interface ValidationSummary {
  /** The hook that ran, as the report names it. */
  hook: string;
  passed: boolean;
  /** The overall `validation` check first, then one per check of the answer. */
  checks: Check[];
  /** The newest data the validator found (ISO-8601 UTC). */
  dataTime?: string;
  /** Recovery point time − newest data, seconds; negative when the data is newer than the recorded point (see dataRpoSeconds). */
  dataRpoSeconds?: number;
  durationMs: number;
  /** One sentence for the validation step's record. */
  note: string;
}

export interface SummaryContext {
  /** How the hook is named in the report, e.g. `command:/opt/validate` (see describeHook). */
  hook: string;
  recoveryPointTime: Date;
  durationMs: number;
}

export const VALIDATION_CHECK_ID = "validation";
const ANSWER_CHECK_PREFIX = "validation-";

const FAILURE_TEXT = {
  crash: "crashed",
  timeout: "timed out",
  malformed: "malformed answer",
  invoke: "not invoked",
  aborted: "interrupted",
} as const;

export function summarizeValidation(outcome: HookOutcome, context: SummaryContext): ValidationSummary {
  const took = formatDuration(context.durationMs);
  const overall = (ok: boolean, actual: string): Check => ({
    id: VALIDATION_CHECK_ID,
    name: `data validated by ${context.hook}`,
    status: ok ? "pass" : "fail",
    expected: "pass",
    actual: redactText(actual),
  });
  if (outcome.kind === "failed") {
    const text = `${FAILURE_TEXT[outcome.failure]}: ${outcome.message}`;
    return { hook: context.hook, passed: false, checks: [overall(false, text)], durationMs: context.durationMs, note: redactText(`${context.hook}: ${text} (after ${took})`) };
  }
  const { answer } = outcome;
  const failedChecks = answer.checks.filter((c) => !c.ok);
  let verdict: { ok: boolean; actual: string };
  if (answer.status === "fail") {
    verdict = { ok: false, actual: `fail (${failedChecks.length} of ${answer.checks.length} checks failed)` };
  } else if (answer.checks.length === 0) {
    verdict = { ok: false, actual: "pass with no checks, which proves nothing" };
  } else if (failedChecks.length > 0) {
    verdict = { ok: false, actual: `pass, but ${failedChecks.length} of its ${answer.checks.length} checks failed (${failedChecks.map((c) => c.name).join(", ")})` };
  } else {
    verdict = { ok: true, actual: `pass (${answer.checks.length} checks)` };
  }
  const checks = [overall(verdict.ok, verdict.actual), ...answerChecks(answer.checks)];
  const summary: ValidationSummary = {
    hook: context.hook,
    passed: verdict.ok,
    checks,
    durationMs: context.durationMs,
    note: redactText(`${context.hook} answered ${verdict.actual} in ${took}`),
  };
  if (answer.dataTime !== undefined) {
    summary.dataTime = answer.dataTime;
    summary.dataRpoSeconds = dataRpoSeconds(context.recoveryPointTime, new Date(answer.dataTime));
  }
  return summary;
}

/**
 * Seconds between the recovery point and the newest data found in the restore: the data
 * a real incident would lose beyond the point itself. Signed, not clamped: a snapshot's
 * time is when it started (rows written while it ran are in it) and a latest-restorable
 * point is resolved by RDS after it was recorded, so newer data is possible and shown.
 */
export function dataRpoSeconds(recoveryPointTime: Date, dataTime: Date): number {
  return Math.round((recoveryPointTime.getTime() - dataTime.getTime()) / 1000);
}

/** The answer's checks as report checks, with stable ids unique within the report. */
function answerChecks(checks: ReadonlyArray<{ name: string; expected: string; actual: string; ok: boolean }>): Check[] {
  const used = new Set<string>();
  return checks.map((c) => {
    const base = `${ANSWER_CHECK_PREFIX}${slug(c.name)}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return { id, name: redactText(c.name), status: c.ok ? "pass" : "fail", expected: redactText(c.expected), actual: redactText(c.actual) };
  });
}

function slug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return s === "" ? "check" : s;
}
