import { expect } from "chai";
import { answered, failed } from "../../../automation/validation/verdict";
import { dataRpoSeconds, summarizeValidation, VALIDATION_CHECK_ID } from "../../../automation/validation/verdict";

const context = { hook: "command:/opt/validate", recoveryPointTime: new Date("2026-11-25T09:00:00Z"), durationMs: 42_000 };
const rows = { name: "dbo.Players has at least 1000 rows", expected: ">= 1000 rows", actual: "at least 1000 rows", ok: true };
const fresh = { name: "newest dbo.Matches.endedAt", expected: "a newest date/time value", actual: "2026-11-25T08:58:30.000Z", ok: true };

describe("validation summary (report checks and data RPO)", () => {
  it("passes a pass with every check ok, lists them beside an overall check, and gives the data RPO", () => {
    const summary = summarizeValidation(answered({ status: "pass", checks: [rows, fresh], dataTime: "2026-11-25T08:58:30.000Z" }), context);
    expect(summary).to.deep.equal({
      hook: "command:/opt/validate",
      passed: true,
      checks: [
        { id: VALIDATION_CHECK_ID, name: "data validated by command:/opt/validate", status: "pass", expected: "pass", actual: "pass (2 checks)" },
        { id: "validation-dbo-players-has-at-least-1000-rows", name: rows.name, status: "pass", expected: rows.expected, actual: rows.actual },
        { id: "validation-newest-dbo-matches-endedat", name: fresh.name, status: "pass", expected: fresh.expected, actual: fresh.actual },
      ],
      dataTime: "2026-11-25T08:58:30.000Z",
      dataRpoSeconds: 90,
      durationMs: 42_000,
      note: "command:/opt/validate answered pass (2 checks) in 42s",
    });
  });

  it("fails a fail, and keeps the failed check visible", () => {
    const summary = summarizeValidation(answered({ status: "fail", checks: [{ ...rows, actual: "12 rows", ok: false }, fresh] }), context);
    expect(summary.passed).to.equal(false);
    expect(summary.checks.map((c) => [c.id, c.status, c.actual])).to.deep.equal([
      ["validation", "fail", "fail (1 of 2 checks failed)"],
      ["validation-dbo-players-has-at-least-1000-rows", "fail", "12 rows"],
      ["validation-newest-dbo-matches-endedat", "pass", fresh.actual],
    ]);
    expect(summary).to.not.have.property("dataRpoSeconds");
  });

  it("does not let a pass through when a check failed or when there are no checks", () => {
    const contradicting = summarizeValidation(answered({ status: "pass", checks: [rows, { ...fresh, ok: false }] }), context);
    expect(contradicting.passed).to.equal(false);
    expect(contradicting.checks[0]!.actual).to.equal("pass, but 1 of its 2 checks failed (newest dbo.Matches.endedAt)");
    const empty = summarizeValidation(answered({ status: "pass", checks: [] }), context);
    expect(empty.passed).to.equal(false);
    expect(empty.checks).to.deep.equal([{ id: "validation", name: "data validated by command:/opt/validate", status: "fail", expected: "pass", actual: "pass with no checks, which proves nothing" }]);
  });

  it("says which way a hook failed to answer", () => {
    const cases = [
      [failed("crash", "/opt/validate exited with code 3"), "crashed: /opt/validate exited with code 3"],
      [failed("timeout", "/opt/validate gave no answer within 15m"), "timed out: /opt/validate gave no answer within 15m"],
      [failed("malformed", "/opt/validate: the answer is empty"), "malformed answer: /opt/validate: the answer is empty"],
      [failed("invoke", "Could not invoke Lambda function x: access was denied"), "not invoked: Could not invoke Lambda function x: access was denied"],
      [failed("aborted", "the drill was interrupted"), "interrupted: the drill was interrupted"],
    ] as const;
    for (const [outcome, actual] of cases) {
      const summary = summarizeValidation(outcome, context);
      expect(summary.passed).to.equal(false);
      expect(summary.checks).to.deep.equal([{ id: "validation", name: "data validated by command:/opt/validate", status: "fail", expected: "pass", actual }]);
      expect(summary.note).to.equal(`command:/opt/validate: ${actual} (after 42s)`);
    }
  });

  it("gives every check a unique id, also for repeated or unnamable names", () => {
    const ids = summarizeValidation(answered({ status: "pass", checks: [rows, rows, { ...rows, name: "!!!" }, { ...rows, name: "???" }] }), context).checks.map((c) => c.id);
    expect(ids).to.deep.equal(["validation", "validation-dbo-players-has-at-least-1000-rows", "validation-dbo-players-has-at-least-1000-rows-2", "validation-check", "validation-check-2"]);
  });

  it("redacts secrets a validator put in its checks", () => {
    const summary = summarizeValidation(answered({ status: "fail", checks: [{ name: "login", expected: "ok", actual: "Login failed, password=hunter2", ok: false }] }), context);
    expect(JSON.stringify(summary)).to.not.include("hunter2");
  });

  it("computes the data RPO as recovery point minus newest data, signed", () => {
    const point = new Date("2026-11-25T09:00:00Z");
    expect(dataRpoSeconds(point, new Date("2026-11-25T08:00:00Z"))).to.equal(3600);
    expect(dataRpoSeconds(point, new Date("2026-11-25T08:59:59.600Z"))).to.equal(0);
    expect(dataRpoSeconds(point, new Date("2026-11-25T09:02:00Z")), "data newer than the recorded point (a snapshot still running)").to.equal(-120);
  });
});
