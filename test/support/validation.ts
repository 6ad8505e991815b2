/** Shared fixtures of the validation tests: one request, a way to read a failed outcome, validator executables and their processes. */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { validationRequest, ValidationRequest } from "../../contracts/validation-exchange";
import type { HookFailure, HookOutcome } from "../../automation/validation/verdict";

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

/** A validator executable: a shell script in `dir` with `body`, made executable. */
export function validatorScript(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** Alive and not a zombie (a killed child may wait a moment for init to reap it). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Waits up to a second for a process to be gone. */
export async function eventuallyGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !isRunning(pid);
}

/** A drill's steps (name, status) when its validator failed: verified, validation failed, no report, cleaned up. */
export const STEPS_FAILED_AT_VALIDATE: ReadonlyArray<readonly [string, string]> = [
  ["choose", "ok"],
  ["restore", "ok"],
  ["verify", "ok"],
  ["validate", "failed"],
  ["assets", "skipped"],
  ["report", "skipped"],
  ["cleanup", "ok"],
];
