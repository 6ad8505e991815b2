import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../../automation/errors";
import { drillReport, DrillReport, renderMarkdown, renderSummary, reportFileNames, rpoSeconds, rtoSeconds } from "../../../automation/drill/report";
import { checkReportDir, fileReportWriter } from "../../../automation/drill/report-files";
import type { PipelineRun } from "../../../automation/restore/pipeline";
import { answered, failed as failedOutcome } from "../../../automation/validation/verdict";
import { summarizeValidation } from "../../../automation/validation/verdict";
import { drillRestoreSpec } from "../../support/restore-spec";

function report(overrides: Partial<DrillReport> = {}): DrillReport {
  return {
    kind: "gametracker-drill-report",
    version: 1,
    drillId: "202611251200abcd",
    environment: "dev",
    restoreStack: "gametracker-restore/dev-drill-202611251200abcd",
    sourceInstance: "gametracker-mssql",
    targetInstance: "gametracker-mssql-drill-202611251200abcd",
    resumed: false,
    outcome: "passed",
    recoveryPoint: {
      label: "snapshot:rds:gametracker-mssql-2026-11-25-03-10",
      kind: "snapshot",
      time: "2026-11-25T03:10:00.000Z",
      snapshotType: "automated",
      source: "snapshot",
      region: "us-east-1",
      from: "automated snapshot rds:gametracker-mssql-2026-11-25-03-10 in us-east-1",
    },
    startedAt: "2026-11-25T12:00:00.000Z",
    verifiedAt: "2026-11-25T12:23:05.000Z",
    finishedAt: "2026-11-25T12:31:00.000Z",
    rpoSeconds: 31800,
    rtoSeconds: 1385,
    steps: [
      { name: "choose", status: "ok", startedAt: "2026-11-25T12:00:00.000Z", durationMs: 1200 },
      { name: "restore", status: "ok", startedAt: "2026-11-25T12:00:01.200Z", durationMs: 1_320_000 },
      { name: "verify", status: "ok", startedAt: "2026-11-25T12:22:01.200Z", durationMs: 63_800 },
      { name: "report", status: "ok", startedAt: "2026-11-25T12:23:05.000Z", durationMs: 20 },
      { name: "cleanup", status: "ok", startedAt: "2026-11-25T12:23:05.020Z", durationMs: 475_980 },
    ],
    checks: [
      { id: "available", name: "instance gametracker-mssql-drill-202611251200abcd is available", status: "pass", expected: "available", actual: "available" },
      { id: "security-groups", name: "on the environment's security groups", status: "pass", expected: "sg-1 | sg-2", actual: "sg-1 | sg-2" },
    ],
    endpoint: { address: "gametracker-mssql-drill-202611251200abcd.abc.us-east-1.rds.amazonaws.com", port: 1433 },
    secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf",
    cleanup: { status: "destroyed", detail: "gametracker-restore/dev-drill-202611251200abcd" },
    ...overrides,
  };
}

describe("drill report", () => {
  it("RPO is drill start − recovery point; RTO is drill start → verified", () => {
    expect(rpoSeconds(new Date("2026-11-25T03:10:00Z"), new Date("2026-11-25T12:00:00Z"))).to.equal(31800);
    expect(rtoSeconds(new Date("2026-11-25T12:00:00Z"), new Date("2026-11-25T12:23:05Z"))).to.equal(1385);
  });

  it("names the region and the source of the recovery point, from the run's spec", () => {
    const spec = drillRestoreSpec({
      region: "us-west-2",
      point: {
        kind: "latest-restorable",
        label: "replica:latest",
        time: new Date("2026-11-25T11:50:00Z"),
        source: { kind: "replica", instanceIdentifier: "gametracker-mssql", automatedBackupsArn: "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-x", sourceRegion: "us-east-1" },
        engine: "sqlserver-ex",
        engineVersion: "16.00.4165.4.v1",
        minStorageGiB: 20,
        storageEncrypted: false,
      },
    });
    const run = { id: "202611251200abcd", purpose: "drill", resumed: false, restoreStack: "r", stackName: "s", environment: "prod-dr", sourceInstance: "gametracker-mssql", targetInstance: "t", startedAt: spec.startedAt, spec, restored: undefined, checks: [], verifiedAt: undefined, validation: undefined, steps: [], failedStep: undefined, error: undefined, failure: undefined, cleanup: { status: "destroyed", detail: "" }, cancelled: false } satisfies PipelineRun;
    const r = drillReport(run, new Date("2026-11-25T12:30:00Z"));
    expect(r.recoveryPoint).to.deep.equal({
      label: "replica:latest",
      kind: "latest-restorable",
      time: "2026-11-25T11:50:00.000Z",
      source: "replica",
      region: "us-west-2",
      from: "automated backups of gametracker-mssql replicated from us-east-1 to us-west-2",
    });
    expect(r.rpoSeconds).to.equal(600);
    expect(renderSummary(r)).to.contain("recovery point replica:latest (2026-11-25T11:50:00.000Z) from automated backups of gametracker-mssql replicated from us-east-1 to us-west-2;");
  });

  it("names its files after the drill id", () => {
    expect(reportFileNames("202611251200abcd")).to.deep.equal({ json: "drill-202611251200abcd.json", markdown: "drill-202611251200abcd.md" });
  });

  it("renders Markdown for a PR comment: verdict, recovery point, RPO/RTO, steps, checks, cleanup", () => {
    const md = renderMarkdown(report());
    expect(md.split("\n")[0]).to.equal("## Restore drill 202611251200abcd: ✅ passed");
    expect(md).to.contain("| Recovery point | `snapshot:rds:gametracker-mssql-2026-11-25-03-10` (2026-11-25T03:10:00.000Z) |");
    expect(md).to.contain("| Source | automated snapshot rds:gametracker-mssql-2026-11-25-03-10 in us-east-1 |");
    expect(md).to.contain("| Region | `us-east-1` |");
    expect(md).to.contain("| RPO (drill start − recovery point) | 8h50m |");
    expect(md).to.contain("| RTO (drill start → verified) | 23m05s |");
    expect(md).to.contain("| restore | ✅ ok | 2026-11-25T12:00:01.200Z | 22m00s |  |");
    expect(md).to.contain("| Cleanup | restore stack destroyed and removed — gametracker-restore/dev-drill-202611251200abcd |");
    // Pipes inside cells are escaped so the table keeps its columns.
    expect(md).to.contain("| on the environment's security groups | ✅ pass | sg-1 \\| sg-2 | sg-1 \\| sg-2 |");
  });

  it("says which step failed and why", () => {
    const failed = report({
      outcome: "failed",
      failedStep: "verify",
      error: "1 of 9 checks failed: security-groups (expected sg-1, got sg-default).",
      verifiedAt: undefined,
      rtoSeconds: undefined,
    });
    const md = renderMarkdown(failed);
    expect(md.split("\n")[0]).to.equal("## Restore drill 202611251200abcd: ❌ failed at step verify");
    expect(md).to.contain("> 1 of 9 checks failed: security-groups (expected sg-1, got sg-default).");
    expect(md).to.contain("| RTO (drill start → verified) | n/a |");
    const text = renderSummary(failed, { json: "r/drill-202611251200abcd.json", markdown: "r/drill-202611251200abcd.md" });
    expect(text.split("\n")[0]).to.equal("drill 202611251200abcd: FAILED at step verify — 1 of 9 checks failed: security-groups (expected sg-1, got sg-default).");
    expect(text).to.contain("report: r/drill-202611251200abcd.md, r/drill-202611251200abcd.json");
  });

  it("a drill that never chose a point says so instead of inventing RPO", () => {
    const md = renderMarkdown(report({ outcome: "failed", failedStep: "choose", recoveryPoint: undefined, rpoSeconds: undefined, checks: [], cleanup: { status: "nothing-to-clean", detail: "" } }));
    expect(md).to.contain("| Recovery point | not chosen |");
    expect(md).to.contain("| RPO (drill start − recovery point) | n/a |");
    expect(md).to.contain("No checks ran.");
    expect(md).to.contain("| Cleanup | nothing was created |");
  });

  it("writes JSON and Markdown files, redacted, and names the secret only by ARN", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-report-"));
    const leaky = report({ error: "connection failed: jdbc:sqlserver://h:1433;password=hunter2", outcome: "failed", failedStep: "verify" });
    const files = await fileReportWriter.write(path.join(dir, "nested"), leaky);
    expect(files.json).to.equal(path.join(dir, "nested", "drill-202611251200abcd.json"));
    const json = fs.readFileSync(files.json, "utf8");
    const md = fs.readFileSync(files.markdown, "utf8");
    for (const text of [json, md]) {
      expect(text).to.not.contain("hunter2");
      expect(text).to.contain("arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf");
    }
    expect(JSON.parse(json).drillId).to.equal("202611251200abcd");
  });

  it("refuses a --report-dir that is a file, before anything is created", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-report-"));
    const file = path.join(dir, "not-a-dir");
    fs.writeFileSync(file, "x");
    let error: unknown;
    try {
      await checkReportDir(path.join(file, "sub"));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(UsageError);
    expect((error as Error).message).to.contain("is not a directory");
    await checkReportDir(path.join(dir, "does", "not", "exist", "yet"));
  });

  describe("with data validation", () => {
    const spec = drillRestoreSpec();
    const builtIn = { id: "available", name: "instance is available", status: "pass" as const, expected: "available", actual: "available" };
    /** A pipeline run that got as far as validating, with the validator's summary as the pipeline records it. */
    function run(summary: ReturnType<typeof summarizeValidation>): PipelineRun {
      return {
        id: spec.drillId!,
        purpose: "drill",
        resumed: false,
        restoreStack: `gametracker-restore/dev-drill-${spec.drillId}`,
        stackName: `dev-drill-${spec.drillId}`,
        environment: "dev",
        sourceInstance: spec.sourceDbInstanceIdentifier,
        targetInstance: spec.targetIdentifier,
        startedAt: spec.startedAt,
        spec,
        restored: {
          identifier: spec.targetIdentifier,
          arn: undefined,
          address: `${spec.targetIdentifier}.abc.us-east-1.rds.amazonaws.com`,
          port: 1433,
          secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf",
          engine: "sqlserver-ex",
          engineVersion: "16.00.4165.4.v1",
          recoveryPoint: spec.point.label,
          purpose: "drill",
          region: "us-east-1",
        },
        checks: [builtIn, ...summary.checks],
        verifiedAt: new Date(spec.startedAt.getTime() + 1_385_000),
        validation: summary,
        steps: [
          { name: "verify", status: "ok", startedAt: "2026-11-25T12:22:01.200Z", durationMs: 63_800 },
          { name: "validate", status: summary.passed ? "ok" : "failed", startedAt: "2026-11-25T12:23:05.000Z", durationMs: summary.durationMs, note: summary.note },
        ],
        failedStep: summary.passed ? undefined : "validate",
        error: summary.passed ? undefined : `data validation failed: ${summary.note}.`,
        failure: summary.passed ? undefined : new Error("data validation failed"),
        cleanup: { status: "destroyed", detail: "" },
        cancelled: false,
      };
    }
    const hook = "command:/opt/validate";
    const context = { hook, recoveryPointTime: spec.point.time, durationMs: 95_000 };
    const rows = { name: "dbo.Players has at least 1000 rows", expected: ">= 1000 rows", actual: "at least 1000 rows", ok: true };

    it("carries the hook, its verdict and duration, and the data RPO next to the recovery point's RPO", () => {
      // The snapshot is of 03:10:00; the newest row is of 03:08:30.
      const passed = drillReport(run(summarizeValidation(answered({ status: "pass", checks: [rows], dataTime: "2026-11-24T03:08:30.000Z" }), context)), new Date("2026-11-25T12:31:00Z"));
      expect(passed.outcome).to.equal("passed");
      expect(passed.validation).to.deep.equal({ hook, passed: true, durationMs: 95_000, dataTime: "2026-11-24T03:08:30.000Z", dataRpoSeconds: 90 });
      expect(passed.checks.map((c) => c.id)).to.deep.equal(["available", "validation", "validation-dbo-players-has-at-least-1000-rows"]);

      const md = renderMarkdown(passed);
      const facts = md.split("\n").filter((l) => l.startsWith("| RPO") || l.startsWith("| Data") || l.startsWith("| RTO"));
      expect(facts).to.deep.equal([
        "| RPO (drill start − recovery point) | 32h50m |",
        "| Data RPO (recovery point − newest data found) | 1m30s (newest data 2026-11-24T03:08:30.000Z) |",
        "| RTO (drill start → verified) | 23m05s |",
        "| Data validation | command:/opt/validate: passed in 1m35s |",
      ]);
      expect(md).to.contain("| validate | ✅ ok | 2026-11-25T12:23:05.000Z | 1m35s | command:/opt/validate answered pass (1 checks) in 1m35s |");
      expect(md).to.contain("| data validated by command:/opt/validate | ✅ pass | pass | pass (1 checks) |");
      expect(md).to.contain("| dbo.Players has at least 1000 rows | ✅ pass | >= 1000 rows | at least 1000 rows |");

      const text = renderSummary(passed);
      expect(text).to.contain("data validation command:/opt/validate: passed in 1m35s; data RPO 1m30s (newest data 2026-11-24T03:08:30.000Z)");
      expect(text).to.match(/^validate\s+ok\s+1m35s$/m);
      expect(text).to.match(/^dbo\.Players has at least 1000 rows\s+pass\s+>= 1000 rows\s+at least 1000 rows$/m);
    });

    it("shows a data RPO below zero as newer data, and no data RPO without a data time", () => {
      const newer = drillReport(run(summarizeValidation(answered({ status: "pass", checks: [rows], dataTime: "2026-11-24T03:12:00.000Z" }), context)), new Date());
      expect(newer.validation?.dataRpoSeconds).to.equal(-120);
      expect(renderMarkdown(newer)).to.contain("| Data RPO (recovery point − newest data found) | −2m00s (data newer than the recovery point) (newest data 2026-11-24T03:12:00.000Z) |");
      const timeless = drillReport(run(summarizeValidation(answered({ status: "pass", checks: [rows] }), context)), new Date());
      expect(timeless.validation).to.not.have.property("dataRpoSeconds");
      expect(renderMarkdown(timeless)).to.contain("| Data RPO (recovery point − newest data found) | n/a (the validator reported no data time) |");
      expect(renderMarkdown(report())).to.contain("| Data RPO (recovery point − newest data found) | n/a (no data validation) |");
      expect(renderMarkdown(report())).to.contain("| Data validation | none |");
    });

    it("a failed validation fails the report at step validate and says how the validator failed", () => {
      const crashed = drillReport(run(summarizeValidation(failedOutcome("crash", "/opt/validate exited with code 3; stderr: Login failed for user admin"), context)), new Date());
      expect(crashed).to.deep.include({ outcome: "failed", failedStep: "validate" });
      expect(crashed.validation).to.deep.equal({ hook, passed: false, durationMs: 95_000 });
      const md = renderMarkdown(crashed);
      expect(md.split("\n")[0]).to.equal("## Restore drill 202611251200abcd: ❌ failed at step validate");
      expect(md).to.contain("| Data validation | command:/opt/validate: FAILED in 1m35s |");
      expect(md).to.contain("| data validated by command:/opt/validate | ❌ fail | pass | crashed: /opt/validate exited with code 3; stderr: Login failed for user admin |");
    });

    it("never carries a secret a validator echoed: checks, notes and files are redacted, the secret named by ARN only", async () => {
      const leaky = summarizeValidation(
        answered({ status: "fail", checks: [{ name: "login", expected: "connected", actual: "Server=db;User Id=admin;Password=hunter2;", ok: false }] }),
        { ...context, hook: "lambda:validator" },
      );
      const r = drillReport(run(leaky), new Date());
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-report-"));
      const files = await fileReportWriter.write(dir, r);
      for (const text of [JSON.stringify(r), renderMarkdown(r), renderSummary(r), fs.readFileSync(files.json, "utf8"), fs.readFileSync(files.markdown, "utf8")]) {
        expect(text).to.not.contain("hunter2");
        expect(text).to.contain("Password=[redacted]");
      }
      expect(fs.readFileSync(files.json, "utf8")).to.contain("arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf");
    });
  });
});
