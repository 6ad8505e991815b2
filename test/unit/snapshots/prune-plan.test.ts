import { expect } from "chai";
import { SnapshotInfo } from "../../../automation/aws/rds";
import { planPrune, prunePlanJson, PruneInput, renderPrunePlan } from "../../../automation/snapshots/prune-plan";

const NOW = new Date("2026-11-25T12:00:00Z");
const DAY = 86_400_000;
const TOOL = { "created-by": "gametracker-dr" };

function snap(identifier: string, ageDays: number | undefined, options: Partial<SnapshotInfo> = {}): SnapshotInfo {
  return {
    identifier,
    instanceIdentifier: "gametracker-mssql",
    type: "manual",
    status: "available",
    createdAt: ageDays === undefined ? undefined : new Date(NOW.getTime() - ageDays * DAY),
    allocatedStorageGiB: 20,
    encrypted: false,
    kmsKeyId: undefined,
    engine: "sqlserver-ex",
    engineVersion: "16.00.4165.4.v1",
    tags: TOOL,
    ...options,
  };
}

function plan(snapshots: SnapshotInfo[], overrides: Partial<PruneInput> = {}) {
  return planPrune({ snapshots, keepLast: 2, olderThanMs: undefined, now: NOW, declared: [], ...overrides });
}

function reasonsOf(p: ReturnType<typeof plan>) {
  return Object.fromEntries(p.decisions.map((d) => [d.snapshot.identifier, d.action === "delete" ? "DELETE" : d.reasons.join(",")]));
}

describe("prune plan (planPrune)", () => {
  it("keeps the N newest of this tool's snapshots and deletes the older ones", () => {
    const p = plan([snap("t1", 1), snap("t5", 5), snap("t3", 3), snap("t9", 9)], { keepLast: 2 });
    expect(p.delete.map((s) => s.identifier)).to.deep.equal(["t5", "t9"]);
    expect(reasonsOf(p)).to.deep.equal({ t1: "newest,keep-last", t3: "keep-last", t5: "DELETE", t9: "DELETE" });
    expect(p.decisions.map((d) => d.snapshot.identifier)).to.deep.equal(["t1", "t3", "t5", "t9"]);
  });

  it("never deletes automated snapshots, even when they are the oldest", () => {
    const p = plan([snap("t1", 1), snap("rds:gametracker-mssql-2026-10-01-03-00", 60, { type: "automated", tags: TOOL })], { keepLast: 0 });
    expect(p.delete).to.deep.equal([]);
    expect(reasonsOf(p)["rds:gametracker-mssql-2026-10-01-03-00"]).to.equal("automated");
  });

  it("never deletes a manual snapshot this tool did not create (untagged or tagged by someone else)", () => {
    const p = plan([snap("t1", 1), snap("by-hand", 90, { tags: {} }), snap("other-tool", 90, { tags: { "created-by": "terraform" } }), snap("t2", 50)], { keepLast: 1 });
    expect(p.delete.map((s) => s.identifier)).to.deep.equal(["t2"]);
    expect(reasonsOf(p)).to.include({ "by-hand": "untagged", "other-tool": "untagged" });
  });

  it("never deletes a snapshot declared in the environment's config, whatever its case", () => {
    const p = plan([snap("t1", 1), snap("gametracker-manual-backup-v1", 200), snap("t2", 100)], { keepLast: 1, declared: ["GameTracker-Manual-Backup-V1"] });
    expect(p.delete.map((s) => s.identifier)).to.deep.equal(["t2"]);
    expect(reasonsOf(p)["gametracker-manual-backup-v1"]).to.equal("declared");
  });

  it("keeps the newest available manual snapshot even with --keep-last 0", () => {
    const p = plan([snap("t1", 10), snap("t2", 20)], { keepLast: 0 });
    expect(p.delete.map((s) => s.identifier)).to.deep.equal(["t2"]);
    expect(reasonsOf(p).t1).to.equal("newest");
  });

  it("counts the newest among all manual snapshots: a newer hand-made one leaves this tool's newest deletable with --keep-last 0", () => {
    const p = plan([snap("by-hand", 1, { tags: {} }), snap("t1", 10)], { keepLast: 0 });
    expect(reasonsOf(p)).to.deep.equal({ "by-hand": "untagged,newest", t1: "DELETE" });
  });

  it("protects a snapshot still being created and does not let it stand in for the newest available one", () => {
    const p = plan([snap("creating-now", undefined, { status: "creating" }), snap("t1", 3), snap("t2", 40)], { keepLast: 0 });
    expect(reasonsOf(p)).to.deep.equal({ "creating-now": "not-available", t1: "newest", t2: "DELETE" });
  });

  it("with --older-than deletes only snapshots at least that old", () => {
    const p = plan([snap("t1", 1), snap("t2", 10), snap("t3", 29.9), snap("t4", 30), snap("t5", 45)], { keepLast: 1, olderThanMs: 30 * DAY });
    expect(p.delete.map((s) => s.identifier)).to.deep.equal(["t4", "t5"]);
    expect(reasonsOf(p)).to.include({ t1: "newest,keep-last,younger", t2: "younger", t3: "younger" });
  });

  it("lists every reason a snapshot survives", () => {
    const p = plan([snap("decl", 1)], { keepLast: 1, olderThanMs: 30 * DAY, declared: ["decl"] });
    expect(p.decisions[0]!.reasons).to.deep.equal(["declared", "newest", "keep-last", "younger"]);
  });

  it("does not let other snapshots take this tool's keep-last slots", () => {
    const p = plan([snap("by-hand-new", 0.5, { tags: {} }), snap("rds:auto", 0.2, { type: "automated" }), snap("t1", 5), snap("t2", 6), snap("t3", 7)], { keepLast: 2 });
    expect(p.delete.map((s) => s.identifier)).to.deep.equal(["t3"]);
  });

  it("plans nothing for an empty list and rejects a negative or fractional keep-last", () => {
    expect(plan([]).delete).to.deep.equal([]);
    expect(() => plan([], { keepLast: -1 })).to.throw(RangeError);
    expect(() => plan([], { keepLast: 1.5 })).to.throw(RangeError);
  });

  it("renders the plan as a table with actions and reasons, and as JSON", () => {
    const p = plan([snap("t1", 1), snap("t9", 9), snap("rds:auto", 2, { type: "automated" })], { keepLast: 1, olderThanMs: 7 * DAY });
    const text = renderPrunePlan(p, NOW);
    expect(text).to.contain("keep the 1 newest snapshot(s) created by this tool, delete only those older than 7d");
    expect(text).to.match(/DELETE\s+t9\s+manual\s+2026-11-16T12:00:00Z\s+9d|DELETE\s+t9\s+manual\s+2026-11-16T12:00:00Z\s+216h/);
    expect(text).to.match(/keep\s+rds:auto\s+automated.*automated snapshot \(owned by RDS\)/);
    expect(text).to.contain("1 to delete, 2 kept.");
    const json = prunePlanJson(p);
    expect(json.toDelete).to.deep.equal(["t9"]);
    expect(json.olderThan).to.equal("7d");
    expect(json.decisions.find((d) => d.identifier === "t1")!.keptBecause).to.deep.equal(["newest", "keep-last", "younger"]);
  });
});
