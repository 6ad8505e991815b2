import { expect } from "chai";
import { ANSWER_LIMITS, parseAnswer } from "../../../contracts/validation-exchange";
import { parseValidationRequest, validationRequest } from "../../../contracts/validation-exchange";

const check = { name: "dbo.Players has at least 1000 rows", expected: ">= 1000 rows", actual: "at least 1000 rows", ok: true };
const text = (value: unknown) => JSON.stringify(value);
const reasonOf = (input: string) => {
  const parsed = parseAnswer(input);
  if (parsed.ok) return expect.fail(`expected a refusal of ${input}`);
  return parsed.reason;
};

describe("validation answer parser", () => {
  it("reads a pass, a fail and a data time (normalized to UTC)", () => {
    expect(parseAnswer(text({ status: "pass", checks: [check], dataTime: "2026-11-25T10:58:30+02:00" }))).to.deep.equal({
      ok: true,
      answer: { status: "pass", checks: [check], dataTime: "2026-11-25T08:58:30.000Z" },
    });
    expect(parseAnswer(`\n  ${text({ status: "fail", checks: [{ ...check, ok: false }] })}\n`)).to.deep.equal({ ok: true, answer: { status: "fail", checks: [{ ...check, ok: false }] } });
    expect(parseAnswer(text({ status: "pass", checks: [] }))).to.deep.equal({ ok: true, answer: { status: "pass", checks: [] } });
  });

  it("refuses what is not one JSON object", () => {
    expect(reasonOf("")).to.equal("the answer is empty; the validator must print one JSON object");
    expect(reasonOf("connecting...\n{}")).to.match(/^the answer is not JSON \(.+\); the validator must print one JSON object and nothing else on stdout$/);
    expect(reasonOf(text(text({ status: "pass", checks: [check] })))).to.equal("the answer is a JSON string, not an object; return the object itself, not its serialization");
    expect(reasonOf("[]")).to.equal("the answer is an array, but it must be an object with status and checks");
    expect(reasonOf("null")).to.equal("the answer is null, but it must be an object with status and checks");
  });

  it("refuses a wrong status, checks that are not a list, and misspelt keys", () => {
    expect(reasonOf(text({ status: "ok", checks: [] }))).to.equal('status is "ok", but it must be "pass" or "fail"');
    expect(reasonOf(text({ checks: [] }))).to.equal('status is undefined, but it must be "pass" or "fail"');
    expect(reasonOf(text({ status: "pass" }))).to.equal("checks is missing, but it must be an array of {name, expected, actual, ok}");
    expect(reasonOf(text({ status: "pass", checks: [], datatime: "2026-11-25T09:00:00Z" }))).to.equal("the answer has unknown key(s) datatime; the keys are status, checks, dataTime");
  });

  it("refuses a check with a missing, mistyped or extra field, naming its index", () => {
    expect(reasonOf(text({ status: "pass", checks: [check, { ...check, actual: 1000 }] }))).to.equal("checks[1] actual is number 1000, but it must be a string");
    expect(reasonOf(text({ status: "pass", checks: [{ ...check, ok: "true" }] }))).to.equal('checks[0] ok is string "true", but it must be true or false');
    expect(reasonOf(text({ status: "pass", checks: [{ ...check, passed: true }] }))).to.equal("checks[0] has unknown key(s) passed; the keys are name, expected, actual, ok");
    expect(reasonOf(text({ status: "pass", checks: [{ ...check, name: "  " }] }))).to.equal("checks[0] name is empty");
    expect(reasonOf(text({ status: "pass", checks: ["rows ok"] }))).to.equal('checks[0] is string "rows ok", but it must be an object {name, expected, actual, ok}');
    const { expected: _dropped, ...withoutExpected } = check;
    expect(reasonOf(text({ status: "pass", checks: [withoutExpected] }))).to.equal("checks[0] expected is missing, but it must be a string");
  });

  it("refuses a data time without a zone or that is no time at all", () => {
    for (const dataTime of ["2026-11-25T09:00:00", "2026-11-25", "yesterday", "2026-13-45T09:00:00Z", 1764061200]) {
      expect(reasonOf(text({ status: "pass", checks: [check], dataTime }))).to.match(/^dataTime is .+, but it must be an ISO-8601 time with a zone, e\.g\. 2026-11-25T09:30:00Z$/);
    }
  });

  it("refuses answers too big for a report", () => {
    const many = Array.from({ length: ANSWER_LIMITS.checks + 1 }, (_, i) => ({ ...check, name: `c${i}` }));
    expect(reasonOf(text({ status: "pass", checks: many }))).to.equal(`checks has ${ANSWER_LIMITS.checks + 1} entries, more than the ${ANSWER_LIMITS.checks} a report can show`);
    expect(reasonOf(text({ status: "pass", checks: [{ ...check, actual: "x".repeat(ANSWER_LIMITS.textLength + 1) }] }))).to.equal(
      `checks[0] actual is ${ANSWER_LIMITS.textLength + 1} characters long, more than ${ANSWER_LIMITS.textLength}`,
    );
  });
});

describe("validation request", () => {
  const facts = {
    drillId: "202611251200k3x9",
    recoveryPoint: { kind: "time", time: new Date("2026-11-25T09:00:00Z"), label: "gametracker-mssql@2026-11-25T09:00:00Z" },
    region: "eu-west-1",
    endpoint: { address: "db.example.rds.amazonaws.com", port: undefined },
    secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf",
    engine: "sqlserver-ex",
    engineVersion: "16.00.4185.3.v1",
  };

  it("carries the recovery point, the endpoint (default port 1433) and the secret's ARN, never a password", () => {
    const request = validationRequest(facts);
    expect(request).to.deep.equal({
      drillId: "202611251200k3x9",
      recoveryPoint: { kind: "time", time: "2026-11-25T09:00:00.000Z", source: "gametracker-mssql@2026-11-25T09:00:00Z", region: "eu-west-1" },
      endpoint: { address: "db.example.rds.amazonaws.com", port: 1433 },
      secretArn: facts.secretArn,
      engine: "sqlserver-ex",
      engineVersion: "16.00.4185.3.v1",
    });
    expect(JSON.stringify(request)).to.not.match(/password/i);
  });

  it("is read back by the validator's parser, which names the first bad field", () => {
    const request = validationRequest(facts);
    expect(parseValidationRequest(JSON.parse(JSON.stringify(request)))).to.deep.equal({ ok: true, request });
    expect(parseValidationRequest({ ...request, extra: 1 })).to.deep.equal({ ok: true, request });
    expect(parseValidationRequest("x")).to.deep.equal({ ok: false, reason: "the request is not a JSON object" });
    expect(parseValidationRequest({ ...request, secretArn: "" })).to.deep.equal({ ok: false, reason: "secretArn must be a non-empty string" });
    expect(parseValidationRequest({ ...request, recoveryPoint: { ...request.recoveryPoint, time: "soon" } })).to.deep.equal({ ok: false, reason: "recoveryPoint.time must be an ISO-8601 time" });
    expect(parseValidationRequest({ ...request, endpoint: { address: "h", port: 70000 } })).to.deep.equal({ ok: false, reason: "endpoint.port must be a TCP port (1-65535)" });
  });
});
