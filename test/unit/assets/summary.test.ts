import { expect } from "chai";
import { RestorePlan } from "../../../automation/assets/plan";
import { describeEntry, planView, progressLine, renderApplied, renderBatch, renderPlan, renderVersions, shouldReport, versionRows } from "../../../automation/assets/summary";
import { jobProgress } from "../../../automation/assets/batch";
import { m, v } from "../../support/object-versions";

const now = new Date("2026-11-25T12:00:00Z");
const applied = { copied: 0, undeleted: 0, hidden: 0, writes: 0, changed: [] as string[], changedCount: 0, failed: [] as Array<{ key: string; error: string }>, skipped: 0, elapsedMs: 0 };

describe("assets/summary", () => {
  it("renders a plan with counts, samples and the write total", () => {
    const plan = new RestorePlan("assets", "characters/", now, { deleteNew: false }, 2);
    plan.add({ action: "copy", key: "characters/a b.png", source: v("v1", 1), current: v("v2", 2) });
    for (const k of ["x", "y", "z"]) plan.add({ action: "unchanged", key: k, reason: "current" });
    plan.add({ action: "keep-new", key: "characters/new.png", current: v("n", 3) });
    const text = renderPlan(planView(plan));
    expect(text).to.contain("Restore plan for s3://assets/characters/ to 2026-11-25T12:00:00.000Z: 5 key(s) examined, 1 write(s).");
    expect(text).to.match(/1 {2}copy back/).and.to.contain('"characters/a b.png"');
    expect(text).to.match(/3 {2}unchanged/).and.to.contain('"x", "y", … 1 more');
    expect(text).to.contain("add --delete-new");
    expect(text).not.to.contain("undelete");
  });
  it("says when there is nothing to write, and when nothing was found", () => {
    const plan = new RestorePlan("assets", "", now, { deleteNew: true });
    expect(renderPlan(planView(plan))).to.contain("No key under this prefix");
    plan.add({ action: "unchanged", key: "k", reason: "current" });
    expect(renderPlan(planView(plan))).to.contain("Nothing to write");
  });
  it("renders the apply result, with failures and the advice to re-run", () => {
    expect(renderApplied({ ...applied, copied: 2, undeleted: 1, writes: 4, elapsedMs: 65_000 })).to.equal("Applied in 1m05s: 2 copied back, 1 undeleted, 0 hidden (4 write(s)).");
    const failed = renderApplied({ ...applied, failed: [{ key: "k", error: "AccessDenied" }], skipped: 3 });
    expect(failed).to.contain('"k": AccessDenied').and.to.contain("3 not attempted").and.to.contain("Run the same command again");
  });
  it("draws a progress line and reports at 10 % steps, at the end, and after a quiet while", () => {
    expect(progressLine("restoring", 5, 10, 3_000, 10)).to.equal("restoring [#####-----] 5/10 (50%), 3s elapsed");
    const reported = [...Array(100).keys()].map((i) => i + 1).filter((d) => shouldReport(d, 100, 0));
    expect(reported).to.deep.equal([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(shouldReport(7, 100, 2_500)).to.equal(true);
  });
  it("lists versions newest first with delete markers marked", () => {
    const rows = versionRows([{ ...m("m1", 30), isLatest: true }, v("null", 10)]);
    expect(rows[0]).to.deep.include({ versionId: "m1", kind: "delete-marker", size: null, isLatest: true });
    const text = renderVersions("b", "k", rows);
    expect(text.split("\n")[0]).to.equal("s3://b/k, newest first:");
    expect(text).to.contain("delete marker").and.to.contain("latest").and.to.contain("null");
    expect(renderVersions("b", "k", [])).to.contain("no versions");
  });
  it("names the keys changed since the plan, and warns that a re-run would overwrite them", () => {
    const keys = [...Array(12).keys()].map((i) => `k${i}`);
    const text = renderApplied({ ...applied, copied: 1, writes: 1, changed: keys, changedCount: 12 });
    expect(text).to.contain("12 key(s) changed since the plan").and.to.contain('"k9"').and.to.contain("… 2 more").and.to.contain("would plan them anew and overwrite those writes");
    expect(text).not.to.contain("failed");
  });
  it("renders each Batch Operations job with its counts, reasons and report", () => {
    const ok = { ...jobProgress("j1", { Status: "Complete", ProgressSummary: { TotalNumberOfTasks: 3, NumberOfTasksSucceeded: 3, NumberOfTasksFailed: 0 } }), manifest: "s3://r/m.csv", copies: 3, reportPrefix: "s3://r/p/job-j1/" };
    expect(renderBatch({ jobs: [ok] })).to.equal("S3 Batch Operations job j1: Complete, 3 of 3 copies made, 0 failed; completion report under s3://r/p/job-j1/");
    const failed = { ...jobProgress("j2", { Status: "Failed", FailureReasons: [{ FailureCode: "AccessDenied", FailureReason: "role can't read the manifest" }] }), manifest: "", copies: 5, reportPrefix: "s3://r/p/job-j2/" };
    expect(renderBatch({ jobs: [ok, failed] })).to.contain("job j2: AccessDenied: role can't read the manifest").and.to.contain("run restore-prefix again");
    expect(renderBatch({ jobs: [] })).to.contain("No copy needed");
  });
  it("describes entries for questions and results", () => {
    expect(describeEntry(v("a", 1))).to.equal("version a (2026-11-25T12:00:01.000Z, 10 bytes)");
    expect(describeEntry(m("d", 2))).to.equal("delete marker d (2026-11-25T12:00:02.000Z)");
  });
});
