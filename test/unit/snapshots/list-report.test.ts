import { expect } from "chai";
import { SnapshotInfo } from "../../../automation/aws/rds";
import { renderSnapshotList, snapshotList } from "../../../automation/snapshots/list-report";

const NOW = new Date("2026-11-25T12:00:00Z");
const snap = (identifier: string, type: string, at: string | undefined, tags: Record<string, string> = {}, status = "available"): SnapshotInfo => ({
  identifier,
  instanceIdentifier: "gametracker-mssql",
  type,
  status,
  createdAt: at === undefined ? undefined : new Date(at),
  allocatedStorageGiB: 20,
    encrypted: false,
    kmsKeyId: undefined,
  engine: "sqlserver-ex",
  engineVersion: "16.00.4165.4.v1",
  tags,
});

describe("snapshots list report", () => {
  const input = {
    instanceIdentifier: "gametracker-mssql",
    snapshots: [
      snap("rds:gametracker-mssql-2026-11-24-03-00", "automated", "2026-11-24T03:00:00Z"),
      snap("gametracker-manual-backup-v1", "manual", "2026-10-01T00:00:00Z"),
      snap("gametracker-mssql-manual-20261125110000", "manual", "2026-11-25T11:00:00Z", { "created-by": "gametracker-dr" }),
      snap("in-progress", "manual", undefined, { "created-by": "gametracker-dr" }, "creating"),
    ],
    window: { earliest: new Date("2026-11-18T03:00:00Z"), latest: new Date("2026-11-25T11:55:00Z"), earliestSource: "automated-backups" as const },
    declared: ["GameTracker-Manual-Backup-V1"],
    now: NOW,
  };

  it("lists automated and manual snapshots newest first with age, size, version and notes", () => {
    const list = snapshotList(input);
    expect(list.snapshots.map((s) => s.identifier)).to.deep.equal([
      "in-progress",
      "gametracker-mssql-manual-20261125110000",
      "rds:gametracker-mssql-2026-11-24-03-00",
      "gametracker-manual-backup-v1",
    ]);
    const tool = list.snapshots[1]!;
    expect(tool).to.deep.include({ type: "manual", status: "available", createdAt: "2026-11-25T11:00:00.000Z", ageSeconds: 3600, sizeGiB: 20, createdByTool: true, declared: false });
    expect(list.snapshots[3]).to.deep.include({ declared: true, createdByTool: false });
    expect(list.snapshots[0]).to.deep.include({ createdAt: null, ageSeconds: null, status: "creating" });
    expect(list.pointInTimeWindow).to.deep.equal({ earliest: "2026-11-18T03:00:00.000Z", latest: "2026-11-25T11:55:00.000Z", earliestSource: "automated-backups" });
  });

  it("renders a table and the point-in-time window", () => {
    const text = renderSnapshotList(snapshotList(input));
    expect(text).to.contain("Snapshots of gametracker-mssql (4, newest first):");
    expect(text).to.match(/gametracker-mssql-manual-20261125110000\s+manual\s+available\s+2026-11-25T11:00:00Z\s+1h00m\s+20 GiB\s+16\.00\.4165\.4\.v1\s+by gametracker-dr/);
    expect(text).to.match(/gametracker-manual-backup-v1\s+manual.*declared/);
    expect(text).to.contain("Point-in-time window: 2026-11-18T03:00:00Z .. 2026-11-25T11:55:00Z");
    expect(text).not.to.contain("oldest automated snapshot");
  });

  it("says where the earliest time came from when RDS gave no window, and when there is no window at all", () => {
    const fallback = renderSnapshotList(snapshotList({ ...input, window: { ...input.window, earliestSource: "oldest-automated-snapshot" } }));
    expect(fallback).to.contain("(earliest from the oldest automated snapshot)");
    const none = renderSnapshotList(snapshotList({ ...input, snapshots: [], window: { earliest: undefined, latest: undefined, earliestSource: "unknown" } }));
    expect(none).to.equal("Snapshots of gametracker-mssql: none\nPoint-in-time window: none (automated backups are off for gametracker-mssql)");
  });
});
