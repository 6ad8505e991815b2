/** Shared fixtures of the validation tests: one request, and a way to read a failed outcome. */
import { expect } from "chai";
import { validationRequest, ValidationRequest } from "../../automation/validation/contract";
import type { HookFailure, HookOutcome } from "../../automation/validation/outcome";

/** A drill's request for a restored instance; `endpoint` overridable for a server the test controls. */
export function sampleRequest(endpoint: { address: string; port: number } = { address: "gametracker-mssql-d7f3a.abc123xyz.us-east-1.rds.amazonaws.com", port: 1433 }, secretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf"): ValidationRequest {
  return validationRequest({
    drillId: "202611251200k3x9",
    recoveryPoint: { kind: "snapshot", time: new Date("2026-11-25T09:00:00Z"), label: "rds:gametracker-mssql-2026-11-25-09-00" },
    region: "us-east-1",
    endpoint,
    secretArn,
    engine: "sqlserver-ex",
    engineVersion: "16.00.4185.3.v1",
  });
}

/** The failure of an outcome that must have failed. */
export function failureOf(outcome: HookOutcome): { failure: HookFailure; message: string } {
  if (outcome.kind !== "failed") expect.fail(`expected a failed outcome, got ${JSON.stringify(outcome)}`);
  return outcome;
}
