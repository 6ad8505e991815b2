/**
 * What the drill and a data validator say to each other: one JSON request in, one JSON
 * answer out, the same for a local command, a Lambda function and the bundled SQL
 * validator; and a reader for each side (the validator reads the request, the drill the
 * answer). The request names where the credentials live (the secret's ARN), never the
 * credentials themselves, so it can be logged, stored in a report or sent to a
 * third-party hook without leaking anything. Pure.
 */

/** The request, exactly as a hook receives it (stdin for a command, the event for a Lambda). */
export interface ValidationRequest {
  drillId: string;
  recoveryPoint: {
    /** `snapshot`, `time` or `latest-restorable` (the recovery point's kind). */
    kind: string;
    /** ISO-8601 UTC: the data should be as of this time. */
    time: string;
    /** What was restored: the recovery point's label (snapshot id or `<instance>@<time>`). */
    source: string;
    /** The region the restore ran in. */
    region: string;
  };
  /** The restored instance. */
  endpoint: { address: string; port: number };
  /** The restored instance's master-user secret (RDS-managed); the hook reads it itself if it needs to. */
  secretArn: string;
  engine: string;
  engineVersion: string;
}

/** One check of an answer. */
export interface AnswerCheck {
  name: string;
  expected: string;
  actual: string;
  ok: boolean;
}

/** The answer a hook writes on stdout (or a function returns). */
export interface ValidationAnswer {
  status: "pass" | "fail";
  checks: AnswerCheck[];
  /** ISO-8601: the newest data the validator found, for the data RPO. */
  dataTime?: string;
}

export interface RequestFacts {
  drillId: string;
  recoveryPoint: { kind: string; time: Date; label: string };
  region: string;
  endpoint: { address: string; port: number | undefined };
  secretArn: string;
  engine: string;
  engineVersion: string;
}

export const DEFAULT_SQLSERVER_PORT = 1433;

/** The request for a restored instance, from what the drill knows about it. Pure. */
export function validationRequest(facts: RequestFacts): ValidationRequest {
  return {
    drillId: facts.drillId,
    recoveryPoint: { kind: facts.recoveryPoint.kind, time: facts.recoveryPoint.time.toISOString(), source: facts.recoveryPoint.label, region: facts.region },
    endpoint: { address: facts.endpoint.address, port: facts.endpoint.port ?? DEFAULT_SQLSERVER_PORT },
    secretArn: facts.secretArn,
    engine: facts.engine,
    engineVersion: facts.engineVersion,
  };
}

/**
 * Reads a request as a validator receives it (the bundled validator's event); the reason
 * when it is not one. Pure. Unknown keys are tolerated so that a newer drill can add
 * fields without breaking deployed validators.
 */
export function parseValidationRequest(value: unknown): { ok: true; request: ValidationRequest } | { ok: false; reason: string } {
  const fail = (reason: string) => ({ ok: false as const, reason });
  if (!isObject(value)) return fail("the request is not a JSON object");
  const { drillId, recoveryPoint, endpoint, secretArn, engine, engineVersion } = value;
  for (const [key, v] of Object.entries({ drillId, secretArn, engine, engineVersion })) {
    if (typeof v !== "string" || v === "") return fail(`${key} must be a non-empty string`);
  }
  if (!isObject(recoveryPoint)) return fail("recoveryPoint must be an object {kind, time, source, region}");
  for (const key of ["kind", "time", "source", "region"]) {
    if (typeof recoveryPoint[key] !== "string") return fail(`recoveryPoint.${key} must be a string`);
  }
  if (Number.isNaN(Date.parse(recoveryPoint.time as string))) return fail("recoveryPoint.time must be an ISO-8601 time");
  if (!isObject(endpoint) || typeof endpoint.address !== "string" || endpoint.address === "") return fail("endpoint.address must be the restored instance's host name");
  if (!Number.isInteger(endpoint.port) || (endpoint.port as number) < 1 || (endpoint.port as number) > 65535) return fail("endpoint.port must be a TCP port (1-65535)");
  return {
    ok: true,
    request: {
      drillId: drillId as string,
      recoveryPoint: { kind: recoveryPoint.kind as string, time: recoveryPoint.time as string, source: recoveryPoint.source as string, region: recoveryPoint.region as string },
      endpoint: { address: endpoint.address, port: endpoint.port as number },
      secretArn: secretArn as string,
      engine: engine as string,
      engineVersion: engineVersion as string,
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------
// The answer

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
  if (!isObject(value)) return refuse(`the answer is ${kindOf(value)}, but it must be an object with status and checks`);
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
  if (!isObject(check)) return `is ${kindOf(check)}, but it must be an object {name, expected, actual, ok}`;
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
