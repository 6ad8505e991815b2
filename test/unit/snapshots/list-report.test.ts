import { expect } from "chai";
import { AutomatedBackupInfo, SnapshotInfo } from "../../../automation/aws/rds";
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
    region: "us-east-1",
    instanceExists: true,
    backups: [] as AutomatedBackupInfo[],
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
    expect(text).to.contain("Snapshots of gametracker-mssql in us-east-1 (4, newest first):");
    expect(text).to.match(/gametracker-mssql-manual-20261125110000\s+manual\s+available\s+2026-11-25T11:00:00Z\s+1h00m\s+20 GiB\s+16\.00\.4165\.4\.v1\s+by gametracker-dr/);
    expect(text).to.match(/gametracker-manual-backup-v1\s+manual.*declared/);
    expect(text).to.contain("Point-in-time window: 2026-11-18T03:00:00Z .. 2026-11-25T11:55:00Z");
    expect(text).not.to.contain("oldest automated snapshot");
  });

  it("says where the earliest time came from when RDS gave no window, and when there is no window at all", () => {
    const fallback = renderSnapshotList(snapshotList({ ...input, window: { ...input.window, earliestSource: "oldest-automated-snapshot" } }));
    expect(fallback).to.contain("(earliest from the oldest automated snapshot)");
    const none = renderSnapshotList(snapshotList({ ...input, snapshots: [], window: { earliest: undefined, latest: undefined, earliestSource: "unknown" } }));
    expect(none).to.equal("Snapshots of gametracker-mssql in us-east-1: none\nPoint-in-time window: none (automated backups are off for gametracker-mssql)");
  });

  it("in a region the instance does not run in: its copies, and the retained and replicated backups a restore there can use", () => {
    const backup = (overrides: Partial<AutomatedBackupInfo>): AutomatedBackupInfo => ({
      instanceIdentifier: "gametracker-mssql",
      dbiResourceId: "db-ABC",
      status: "replicating",
      sourceRegion: "us-east-1",
      instanceArn: undefined,
      arn: "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-1",
      engine: "sqlserver-ex",
      engineVersion: "16.00.4165.4.v1",
      allocatedStorageGiB: 20,
      encrypted: false,
      kmsKeyId: undefined,
      earliest: new Date("2026-11-20T00:00:00Z"),
      latest: new Date("2026-11-25T11:50:00Z"),
      instanceCreateTime: undefined,
      retentionDays: 7,
      ...overrides,
    });
    const list = snapshotList({
      ...input,
      region: "us-west-2",
      instanceExists: false,
      snapshots: [{ ...snap("gametracker-manual-backup-v1", "manual", "2026-10-01T00:00:00Z", { "created-by": "gametracker-dr" }), copiedFrom: "us-east-1" }],
      window: { earliest: undefined, latest: undefined, earliestSource: "unknown" },
      backups: [backup({}), backup({ status: "retained", dbiResourceId: "db-OLD", sourceRegion: "us-west-2", latest: new Date("2026-11-24T00:00:00Z") }), backup({ status: "active", sourceRegion: "us-west-2" })],
    });
    expect(list.snapshots[0]).to.deep.include({ copiedFrom: "us-east-1", createdByTool: true });
    expect(list.automatedBackups.map((b) => [b.kind, b.dbiResourceId, b.from, b.ageSeconds])).to.deep.equal([
      ["replica", "db-ABC", "replica:latest", 600],
      ["retained", "db-OLD", "retained:db-OLD@latest", 129600],
    ]);
    const text = renderSnapshotList(list);
    expect(text).to.contain("Snapshots of gametracker-mssql in us-west-2 (1, newest first):");
    expect(text).to.match(/gametracker-manual-backup-v1\s+manual.*by gametracker-dr, copy from us-east-1/);
    expect(text).to.contain("Point-in-time window: none (gametracker-mssql does not run in us-west-2)");
    expect(text).to.match(/replica from us-east-1\s+replicating\s+2026-11-20T00:00:00Z\s+2026-11-25T11:50:00Z\s+10m00s\s+replica:latest/);
    expect(text).to.match(/retained \(db-OLD\)\s+retained.*retained:db-OLD@latest/);
  });
});
