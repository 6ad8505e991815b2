import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../../automation/errors";
import { drillReport, DrillReport, renderMarkdown, renderSummary, reportFileNames, rpoSeconds, rtoSeconds } from "../../../automation/drill/report";
import { PipelineRun } from "../../../automation/restore/pipeline";
import { drillRestoreSpec } from "../../support/restore-spec";
import { checkReportDir, fileReportWriter } from "../../../automation/drill/report-files";

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
    const run = { id: "202611251200abcd", purpose: "drill", resumed: false, restoreStack: "r", stackName: "s", environment: "prod-dr", sourceInstance: "gametracker-mssql", targetInstance: "t", startedAt: spec.startedAt, spec, restored: undefined, checks: [], verifiedAt: undefined, steps: [], failedStep: undefined, error: undefined, failure: undefined, cleanup: { status: "destroyed", detail: "" }, cancelled: false } satisfies PipelineRun;
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
});
