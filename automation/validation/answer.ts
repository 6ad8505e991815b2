import type { AnswerCheck, ValidationAnswer } from "./contract";

/**
 * The strict reader of a validator's answer. Strict because the answer decides whether a
 * drill passes: a misspelt key (`datatime`) or a number where a string belongs is refused
 * with the reason rather than read as "no data time" or coerced, so a broken validator
 * shows as broken instead of as a quiet pass. Pure.
 */

export type ParsedAnswer = { ok: true; answer: ValidationAnswer } | { ok: false; reason: string };

/** Bounds that keep a report readable; a validator that exceeds them is misbehaving. */
export const ANSWER_LIMITS = { checks: 500, textLength: 4096 } as const;

const ANSWER_KEYS = ["status", "checks", "dataTime"];
const CHECK_KEYS = ["name", "expected", "actual", "ok"];
/** ISO-8601 with an explicit zone: a time without one means a different instant on every machine. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Parses the answer's text (a command's stdout, a function's payload). */
export function parseAnswer(text: string): ParsedAnswer {
  const trimmed = text.trim();
  if (trimmed === "") return refuse("the answer is empty; the validator must print one JSON object");
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    const detail = (error as Error).message.replace(/\s+/g, " ").slice(0, 200);
    return refuse(`the answer is not JSON (${detail}); the validator must print one JSON object and nothing else on stdout`);
  }
  return parseAnswerValue(value);
}

export function parseAnswerValue(value: unknown): ParsedAnswer {
  if (typeof value === "string") return refuse("the answer is a JSON string, not an object; return the object itself, not its serialization");
  if (!isRecord(value)) return refuse(`the answer is ${kindOf(value)}, but it must be an object with status and checks`);
  const unknown = Object.keys(value).filter((k) => !ANSWER_KEYS.includes(k));
  if (unknown.length > 0) return refuse(`the answer has unknown key(s) ${unknown.join(", ")}; the keys are ${ANSWER_KEYS.join(", ")}`);
  const { status, checks, dataTime } = value;
  if (status !== "pass" && status !== "fail") return refuse(`status is ${show(status)}, but it must be "pass" or "fail"`);
  if (!Array.isArray(checks)) return refuse(`checks is ${kindOf(checks)}, but it must be an array of {name, expected, actual, ok}`);
  if (checks.length > ANSWER_LIMITS.checks) return refuse(`checks has ${checks.length} entries, more than the ${ANSWER_LIMITS.checks} a report can show`);
  const parsed: AnswerCheck[] = [];
  for (const [index, check] of checks.entries()) {
    const problem = checkProblem(check);
    if (problem !== undefined) return refuse(`checks[${index}] ${problem}`);
    parsed.push(check as AnswerCheck);
  }
  const answer: ValidationAnswer = { status, checks: parsed.map(({ name, expected, actual, ok }) => ({ name, expected, actual, ok })) };
  if (dataTime !== undefined) {
    if (typeof dataTime !== "string" || !ISO_WITH_ZONE.test(dataTime) || Number.isNaN(Date.parse(dataTime))) {
      return refuse(`dataTime is ${show(dataTime)}, but it must be an ISO-8601 time with a zone, e.g. 2026-11-25T09:30:00Z`);
    }
    answer.dataTime = new Date(dataTime).toISOString();
  }
  return { ok: true, answer };
}

function checkProblem(check: unknown): string | undefined {
  if (!isRecord(check)) return `is ${kindOf(check)}, but it must be an object {name, expected, actual, ok}`;
  const unknown = Object.keys(check).filter((k) => !CHECK_KEYS.includes(k));
  if (unknown.length > 0) return `has unknown key(s) ${unknown.join(", ")}; the keys are ${CHECK_KEYS.join(", ")}`;
  for (const key of ["name", "expected", "actual"] as const) {
    const v = check[key];
    if (typeof v !== "string") return `${key} is ${kindOf(v)}, but it must be a string`;
    if (v.length > ANSWER_LIMITS.textLength) return `${key} is ${v.length} characters long, more than ${ANSWER_LIMITS.textLength}`;
  }
  if ((check.name as string).trim() === "") return "name is empty";
  if (typeof check.ok !== "boolean") return `ok is ${kindOf(check.ok)}, but it must be true or false`;
  return undefined;
}

function refuse(reason: string): ParsedAnswer {
  return { ok: false, reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${show(value)}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
