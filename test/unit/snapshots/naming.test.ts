import { expect } from "chai";
import { defaultSnapshotName, utcStamp } from "../../../automation/snapshots/naming";
import { snapshotIdentifierFor } from "../../../automation/snapshots/create";
import { UsageError } from "../../../automation/errors";
import { manualSnapshotQuotaWarning } from "../../../automation/snapshots/quota";
import { SnapshotInfo } from "../../../automation/aws/rds";
import { createdByTool, newestFirst } from "../../../automation/snapshots/model";

describe("snapshot naming", () => {
  it("names a default snapshot <instance>-manual-<UTC yyyyMMddHHmmss>", () => {
    expect(utcStamp(new Date("2026-03-04T05:06:07.890Z"))).to.equal("20260304050607");
    expect(defaultSnapshotName("gametracker-mssql", new Date("2026-03-04T05:06:07Z"))).to.equal("gametracker-mssql-manual-20260304050607");
    // A non-UTC offset in the input must not leak into the name.
    expect(defaultSnapshotName("db", new Date("2026-03-04T23:30:00-02:00"))).to.equal("db-manual-20260305013000");
  });

  it("lowercases like RDS does", () => {
    expect(defaultSnapshotName("GameTracker-MSSQL", new Date("2026-01-01T00:00:00Z"))).to.equal("gametracker-mssql-manual-20260101000000");
  });

  it("turns --name into the stored identifier or a UsageError naming the value", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    expect(snapshotIdentifierFor("db", undefined, now)).to.equal("db-manual-20261125120000");
    expect(snapshotIdentifierFor("db", "Before-Upgrade", now)).to.equal("before-upgrade");
    expect(() => snapshotIdentifierFor("db", "bad_name", now)).to.throw(UsageError, /^Invalid snapshot name "bad_name": it contains "_"/);
  });
});

describe("manual snapshot quota warning", () => {
  it("stays quiet below 80 and warns from 80, saying when the quota is reached", () => {
    expect(manualSnapshotQuotaWarning(79, "eu-west-1")).to.equal(undefined);
    expect(manualSnapshotQuotaWarning(80, "eu-west-1")).to.match(/^eu-west-1 holds 80 manual DB snapshots and is nearing the default quota of 100; prune/);
    expect(manualSnapshotQuotaWarning(100, "eu-west-1")).to.contain("has reached the default quota of 100");
    expect(manualSnapshotQuotaWarning(5, "r", 10, 5)).to.contain("holds 5");
  });
});

describe("snapshot model", () => {
  const s = (identifier: string, at: string | undefined, tags: Record<string, string> = {}): SnapshotInfo => ({
    identifier,
    instanceIdentifier: "db",
    type: "manual",
    status: "available",
    createdAt: at === undefined ? undefined : new Date(at),
    allocatedStorageGiB: 20,
    encrypted: false,
    kmsKeyId: undefined,
    engine: "sqlserver-ex",
    engineVersion: "16",
    tags,
  });

  it("orders newest first, in-progress (no time) first, ties by identifier", () => {
    const sorted = [s("b", "2026-01-01T00:00:00Z"), s("old", "2025-01-01T00:00:00Z"), s("creating", undefined), s("a", "2026-01-01T00:00:00Z")].sort(newestFirst);
    expect(sorted.map((x) => x.identifier)).to.deep.equal(["creating", "a", "b", "old"]);
  });

  it("recognises this tool's snapshots only by the exact tag", () => {
    expect(createdByTool(s("x", undefined, { "created-by": "gametracker-dr" }))).to.equal(true);
    expect(createdByTool(s("x", undefined, { "created-by": "someone" }))).to.equal(false);
    expect(createdByTool(s("x", undefined, {}))).to.equal(false);
  });
});
