/**
 * What the drill and a data validator say to each other: one JSON request in, one JSON
 * answer out, the same for a local command, a Lambda function and the bundled SQL
 * validator. The request names where the credentials live (the secret's ARN), never the
 * credentials themselves, so it can be logged, stored in a report or sent to a
 * third-party hook without leaking anything.
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
