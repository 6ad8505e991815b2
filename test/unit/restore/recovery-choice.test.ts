import { expect } from "chai";
import { UsageError } from "../../../automation/errors";
import { messageOf } from "../../support/expect-error";
import { chooseRecoveryPoint } from "../../../automation/restore/recovery-choice";
import { AutomatedBackupFact, describeRecoverySource, RecoveryFacts, RecoveryPoint, recoverySourceKind, SnapshotFact } from "../../../automation/restore/recovery-point";
import type { RecoveryRequest } from "../../../automation/restore/recovery-request";

const NOW = new Date("2026-11-25T12:00:00Z");
const DAY = 24 * 3600 * 1000;

function snap(identifier: string, createdAt: string, overrides: Partial<SnapshotFact> = {}): SnapshotFact {
  return {
    identifier,
    instanceIdentifier: "gametracker-mssql",
    type: identifier.startsWith("rds:") ? "automated" : "manual",
    status: "available",
    engine: "sqlserver-ex",
    engineVersion: "16.00.4165.4.v1",
    createdAt: new Date(createdAt),
    allocatedStorageGiB: 20,
    encrypted: false,
    kmsKeyId: undefined,
    ...overrides,
  };
}

function facts(overrides: Partial<RecoveryFacts> = {}, primary: Partial<NonNullable<RecoveryFacts["primary"]>> = {}): RecoveryFacts {
  return {
    region: "us-east-1",
    instanceIdentifier: "gametracker-mssql",
    backups: [],
    primary: {
      identifier: "gametracker-mssql",
      engine: "sqlserver-ex",
      engineVersion: "16.00.4165.4.v1",
      allocatedStorageGiB: 30,
      storageEncrypted: false,
      kmsKeyId: undefined,
      earliestRestorableTime: new Date("2026-11-18T03:05:00Z"),
      latestRestorableTime: new Date("2026-11-25T11:55:00Z"),
      ...primary,
    },
    snapshots: [
      snap("rds:gametracker-mssql-2026-11-24-03-10", "2026-11-24T03:10:00Z"),
      snap("gametracker-manual-backup-v1", "2026-11-20T09:00:00Z"),
      snap("rds:gametracker-mssql-2026-11-25-03-10", "2026-11-25T03:10:00Z"),
      snap("manual-in-progress", "2026-11-25T11:00:00Z", { status: "creating" }),
    ],
    ...overrides,
  };
}

const choose = (f: RecoveryFacts, r: RecoveryRequest, random = () => 0.5) => chooseRecoveryPoint(f, r, NOW, random);

const PRIMARY_SOURCE = { kind: "primary", instanceIdentifier: "gametracker-mssql" } as const;
const REPLICA_ARN = "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-7kqzj4";

/** Automated backups of gametracker-mssql: retained after a deletion, or replicated from us-east-1. */
function backup(overrides: Partial<AutomatedBackupFact> = {}): AutomatedBackupFact {
  return {
    instanceIdentifier: "gametracker-mssql",
    dbiResourceId: "db-OLDPRIMARY",
    status: "retained",
    sourceRegion: "us-east-1",
    instanceArn: "arn:aws:rds:us-east-1:123456789012:db:gametracker-mssql",
    arn: undefined,
    engine: "sqlserver-ex",
    engineVersion: "16.00.4165.4.v1",
    allocatedStorageGiB: 25,
    encrypted: false,
    kmsKeyId: undefined,
    earliest: new Date("2026-11-18T03:10:00Z"),
    latest: new Date("2026-11-24T21:14:00Z"),
    instanceCreateTime: new Date("2026-11-01T00:00:00Z"),
    retentionDays: 7,
    ...overrides,
  };
}

const replica = (overrides: Partial<AutomatedBackupFact> = {}) =>
  backup({ status: "replicating", dbiResourceId: "db-LIVEPRIMARY", arn: REPLICA_ARN, earliest: new Date("2026-11-20T00:00:00Z"), latest: new Date("2026-11-25T11:40:00Z"), ...overrides });

/** The home region after the primary was deleted: no live instance, its retained backups and its snapshots. */
const afterDeletion = (overrides: Partial<RecoveryFacts> = {}) =>
  facts({
    primary: undefined,
    backups: [backup()],
    snapshots: [snap("rds:gametracker-mssql-2026-11-24-03-10", "2026-11-24T03:10:00Z"), snap("gametracker-manual-backup-v1", "2026-11-20T09:00:00Z")],
    ...overrides,
  });

/** The standby region: the replicated backups and a copy of the manual snapshot. */
const standbyRegion = (overrides: Partial<RecoveryFacts> = {}) =>
  facts({
    region: "us-west-2",
    primary: undefined,
    backups: [replica()],
    snapshots: [snap("gametracker-manual-backup-v1", "2026-11-20T09:00:00Z", { copiedFrom: "us-east-1" })],
    ...overrides,
  });

const refusal = (fn: () => unknown): string => messageOf(fn, UsageError);

describe("recovery point: choosing", () => {
  it("latest = the newest point of every source: the live primary's latest restorable time beats its snapshots", () => {
    const point = choose(facts(), { kind: "latest" });
    expect(point).to.deep.include({ kind: "latest-restorable", label: "latest-restorable", source: PRIMARY_SOURCE, engineVersion: "16.00.4165.4.v1", minStorageGiB: 30 });
    expect(point.time.toISOString()).to.equal("2026-11-25T11:55:00.000Z");
  });

  it("latest = the newest available snapshot of either type when no source restores to a later time (an in-progress one is skipped)", () => {
    const point = choose(facts({}, { earliestRestorableTime: undefined, latestRestorableTime: undefined }), { kind: "latest" });
    expect(point).to.deep.include({
      kind: "snapshot",
      label: "snapshot:rds:gametracker-mssql-2026-11-25-03-10",
      snapshotIdentifier: "rds:gametracker-mssql-2026-11-25-03-10",
      snapshotType: "automated",
      engine: "sqlserver-ex",
      engineVersion: "16.00.4165.4.v1",
      minStorageGiB: 20,
    });
    expect(point.time.toISOString()).to.equal("2026-11-25T03:10:00.000Z");
  });

  it("latest picks a manual snapshot when it is the newest point", () => {
    const f = facts({}, { latestRestorableTime: new Date("2026-11-25T07:00:00Z") });
    f.snapshots.push(snap("before-migration", "2026-11-25T08:00:00Z"));
    expect(choose(f, { kind: "latest" })).to.deep.include({ snapshotIdentifier: "before-migration", snapshotType: "manual" });
  });

  it("latest after the primary's deletion: its retained backups' last point, or a newer snapshot (the final one)", () => {
    expect(choose(afterDeletion(), { kind: "latest" })).to.deep.include({
      kind: "latest-restorable",
      label: "retained:db-OLDPRIMARY@latest",
      source: { kind: "retained", instanceIdentifier: "gametracker-mssql", dbiResourceId: "db-OLDPRIMARY" },
      minStorageGiB: 25,
    });
    const f = afterDeletion();
    f.snapshots.push(snap("gametracker-mssql-final-20261124-211500", "2026-11-24T21:15:00Z"));
    expect(choose(f, { kind: "latest" })).to.deep.include({ kind: "snapshot", snapshotIdentifier: "gametracker-mssql-final-20261124-211500" });
  });

  it("latest in the standby region: the replica beats the copy, and the copy is used when the replica has no window", () => {
    expect(choose(standbyRegion(), { kind: "latest" })).to.deep.include({ kind: "latest-restorable", label: "replica:latest" });
    const copy = choose(standbyRegion({ backups: [replica({ earliest: undefined, latest: undefined })] }), { kind: "latest" });
    expect(copy).to.deep.include({ kind: "snapshot", snapshotIdentifier: "gametracker-manual-backup-v1", copiedFrom: "us-east-1" });
    expect(recoverySourceKind(copy)).to.equal("snapshot-copy");
  });

  it("latest skips backups of another engine than the environment's, and refuses when the region has nothing, saying how to get something", () => {
    const f = facts({ expectedEngine: "sqlserver-ex" }, { engine: "sqlserver-se" });
    expect(choose(f, { kind: "latest" })).to.deep.include({ kind: "snapshot", snapshotIdentifier: "rds:gametracker-mssql-2026-11-25-03-10" });
    expect(refusal(() => choose(standbyRegion({ backups: [], snapshots: [snap("in-progress", "2026-11-25T11:00:00Z", { status: "creating" })] }), { kind: "latest" }))).to.equal(
      "us-west-2 has no recovery point of gametracker-mssql: no available snapshot or copy, no automated backups with a restore window; take a snapshot with gametracker-dr snapshots create, or copy one here with gametracker-dr snapshots copy --to-region us-west-2.",
    );
  });

  it("snapshot:<id> takes that snapshot, with its own engine version and size", () => {
    const f = facts();
    f.snapshots.push(snap("old-version", "2026-11-01T00:00:00Z", { engineVersion: "15.00.4415.2.v1", allocatedStorageGiB: 25 }));
    expect(choose(f, { kind: "snapshot", snapshotIdentifier: "old-version" })).to.deep.include({
      kind: "snapshot",
      snapshotIdentifier: "old-version",
      engineVersion: "15.00.4415.2.v1",
      minStorageGiB: 25,
    });
  });

  it("snapshot:<id> looked up by id may belong to another instance", () => {
    const other = snap("other-instance-snap", "2026-11-23T00:00:00Z", { instanceIdentifier: "gametracker-mssql-old" });
    expect(choose(facts({ requestedSnapshot: other }), { kind: "snapshot", snapshotIdentifier: "other-instance-snap" })).to.deep.include({
      snapshotIdentifier: "other-instance-snap",
    });
  });

  it("refuses an unknown snapshot, listing the newest available ones", () => {
    expect(refusal(() => choose(facts({ requestedSnapshot: null }), { kind: "snapshot", snapshotIdentifier: "nope" }))).to.equal(
      "Snapshot nope does not exist in us-east-1; choose one of gametracker-mssql's available snapshots (newest: rds:gametracker-mssql-2026-11-25-03-10, rds:gametracker-mssql-2026-11-24-03-10, gametracker-manual-backup-v1) — gametracker-dr snapshots list --region us-east-1 shows them all.",
    );
  });

  it("refuses a snapshot that is not available", () => {
    expect(refusal(() => choose(facts(), { kind: "snapshot", snapshotIdentifier: "manual-in-progress" }))).to.equal(
      "Snapshot manual-in-progress is creating, not available; wait until it is available or choose another snapshot.",
    );
  });

  it("refuses a snapshot of another engine", () => {
    const mysql = snap("mysql-snap", "2026-11-23T00:00:00Z", { engine: "mysql", instanceIdentifier: "some-mysql" });
    expect(refusal(() => choose(facts({ requestedSnapshot: mysql }), { kind: "snapshot", snapshotIdentifier: "mysql-snap" }))).to.equal(
      "Snapshot mysql-snap is of engine mysql, not SQL Server (sqlserver-*) like gametracker-mssql; choose a snapshot of gametracker-mssql.",
    );
  });

  it("time inside the window restores to that time with the source's engine and storage", () => {
    const point = choose(facts(), { kind: "time", time: new Date("2026-11-22T09:30:00Z"), text: "2026-11-22T09:30:00Z" });
    expect(point).to.deep.include({ kind: "time", label: "time:2026-11-22T09:30:00.000Z", source: PRIMARY_SOURCE, engineVersion: "16.00.4165.4.v1", minStorageGiB: 30 });
  });

  it("accepts both ends of the window", () => {
    const f = facts();
    expect(choose(f, { kind: "time", time: f.primary!.earliestRestorableTime!, text: "e" }).kind).to.equal("time");
    expect(choose(f, { kind: "time", time: f.primary!.latestRestorableTime!, text: "l" }).kind).to.equal("time");
  });

  it("refuses a time in the future", () => {
    expect(refusal(() => choose(facts(), { kind: "time", time: new Date("2026-11-26T00:00:00Z"), text: "2026-11-26T00:00:00Z" }))).to.equal(
      "time:2026-11-26T00:00:00Z is in the future (now is 2026-11-25T12:00:00Z); choose a time inside the restore window [2026-11-18T03:05:00Z, 2026-11-25T11:55:00Z].",
    );
  });

  it("refuses a time before the earliest restorable time, naming the range", () => {
    expect(refusal(() => choose(facts(), { kind: "time", time: new Date("2026-11-18T03:04:59Z"), text: "2026-11-18T03:04:59Z" }))).to.equal(
      "time:2026-11-18T03:04:59Z is before the earliest restorable time 2026-11-18T03:05:00Z of gametracker-mssql; choose a time between 2026-11-18T03:05:00Z and 2026-11-25T11:55:00Z.",
    );
  });

  it("refuses a time of the last few minutes (after the latest restorable time)", () => {
    expect(refusal(() => choose(facts(), { kind: "time", time: new Date("2026-11-25T11:58:00Z"), text: "2026-11-25T11:58:00Z" }))).to.contain(
      "is after the latest restorable time 2026-11-25T11:55:00Z of gametracker-mssql (point-in-time restore lags about 5 minutes behind now)",
    );
  });

  it("refuses point-in-time requests when the instance has no restore window", () => {
    const f = facts({}, { earliestRestorableTime: undefined, latestRestorableTime: undefined });
    expect(refusal(() => choose(f, { kind: "latest-restorable" }))).to.equal(
      "latest-restorable: gametracker-mssql reports no point-in-time restore window (automated backups off or not yet taken); use --from latest or --from snapshot:<id> instead.",
    );
    expect(refusal(() => choose(f, { kind: "time", time: new Date("2026-11-22T00:00:00Z"), text: "2026-11-22T00:00:00Z" }))).to.contain("reports no point-in-time restore window");
  });

  it("latest-restorable is the end of the window", () => {
    const point = choose(facts(), { kind: "latest-restorable" });
    expect(point).to.deep.include({ kind: "latest-restorable", label: "latest-restorable", source: PRIMARY_SOURCE });
    expect(point.time.toISOString()).to.equal("2026-11-25T11:55:00.000Z");
  });
});

describe("recovery point: retained backups of a deleted primary", () => {
  const retainedAt = (text: string): RecoveryRequest => ({ kind: "retained", dbiResourceId: "db-OLDPRIMARY", at: { time: new Date(text), text } });

  it("retained:<id>@<time> restores those backups to that time, with their engine, version and size", () => {
    const point = choose(afterDeletion(), retainedAt("2026-11-24T20:00:00Z"));
    expect(point).to.deep.include({
      kind: "time",
      label: "retained:db-OLDPRIMARY@2026-11-24T20:00:00.000Z",
      source: { kind: "retained", instanceIdentifier: "gametracker-mssql", dbiResourceId: "db-OLDPRIMARY" },
      engine: "sqlserver-ex",
      engineVersion: "16.00.4165.4.v1",
      minStorageGiB: 25,
      storageEncrypted: false,
    });
    expect(describeRecoverySource(point, "us-east-1")).to.equal("retained automated backups of deleted instance gametracker-mssql (db-OLDPRIMARY) in us-east-1");
  });

  it("time:, latest-restorable and --random-within use them when the primary is gone", () => {
    const f = afterDeletion();
    expect(choose(f, { kind: "time", time: new Date("2026-11-22T00:00:00Z"), text: "2026-11-22T00:00:00Z" })).to.deep.include({ label: "retained:db-OLDPRIMARY@2026-11-22T00:00:00.000Z" });
    expect(choose(f, { kind: "latest-restorable" })).to.deep.include({ label: "retained:db-OLDPRIMARY@latest" });
    expect(choose(f, { kind: "latest-restorable" }).time.toISOString()).to.equal("2026-11-24T21:14:00.000Z");
    expect(choose(f, { kind: "random-within", withinMs: 7 * DAY, text: "7d" }, () => 0).time.toISOString()).to.equal("2026-11-18T12:00:00.000Z");
    // Of several retained backups of the name (deleted twice), the most recently deleted one.
    f.backups.push(backup({ dbiResourceId: "db-OLDER", latest: new Date("2026-11-10T00:00:00Z") }));
    expect(choose(f, { kind: "latest-restorable" })).to.deep.include({ label: "retained:db-OLDPRIMARY@latest" });
  });

  it("refuses a time outside their window, naming it", () => {
    expect(refusal(() => choose(afterDeletion(), retainedAt("2026-11-24T21:20:00Z")))).to.equal(
      "retained:db-OLDPRIMARY@2026-11-24T21:20:00Z is after the latest restorable time 2026-11-24T21:14:00Z of the retained backups db-OLDPRIMARY of deleted gametracker-mssql; choose a time between 2026-11-18T03:10:00Z and 2026-11-24T21:14:00Z, or use retained:db-OLDPRIMARY@latest.",
    );
    expect(refusal(() => choose(afterDeletion(), retainedAt("2026-11-18T03:00:00Z")))).to.contain("is before the earliest restorable time 2026-11-18T03:10:00Z of the retained backups db-OLDPRIMARY");
    expect(refusal(() => choose(afterDeletion(), retainedAt("2026-11-26T00:00:00Z")))).to.contain("is in the future (now is 2026-11-25T12:00:00Z)");
  });

  it("refuses an unknown resource id (listing the ones there are), a live instance's backups, another database's and another engine's", () => {
    expect(refusal(() => choose(afterDeletion({ requestedBackup: null }), { kind: "retained", dbiResourceId: "db-NOPE", at: "latest" }))).to.equal(
      "retained:db-NOPE@latest: us-east-1 has no automated backups with resource id db-NOPE (retained here: db-OLDPRIMARY); check the id with gametracker-dr snapshots list --region us-east-1.",
    );
    const live = backup({ dbiResourceId: "db-LIVE", status: "active" });
    expect(refusal(() => choose(facts({ backups: [live] }), { kind: "retained", dbiResourceId: "db-LIVE", at: "latest" }))).to.equal(
      "retained:db-LIVE@latest: the automated backups db-LIVE belong to gametracker-mssql, which still exists (status active); restore it with --from time:<ISO-8601> or latest-restorable instead.",
    );
    const other = backup({ dbiResourceId: "db-OTHER", instanceIdentifier: "billing-db" });
    expect(refusal(() => choose(afterDeletion({ requestedBackup: other }), { kind: "retained", dbiResourceId: "db-OTHER", at: "latest" }))).to.contain(
      "the retained backups db-OTHER are of billing-db, not of this environment's gametracker-mssql",
    );
    const mysql = backup({ engine: "mysql" });
    expect(refusal(() => choose(afterDeletion({ backups: [mysql] }), { kind: "retained", dbiResourceId: "db-OLDPRIMARY", at: "latest" }))).to.equal(
      "The retained backups db-OLDPRIMARY of deleted gametracker-mssql are of engine mysql, not SQL Server (sqlserver-*) like gametracker-mssql; choose a recovery point of gametracker-mssql.",
    );
    expect(refusal(() => choose(afterDeletion({ expectedEngine: "sqlserver-se" }), { kind: "retained", dbiResourceId: "db-OLDPRIMARY", at: "latest" }))).to.contain(
      "are of engine sqlserver-ex, but the environment runs sqlserver-se (its databaseEngine output)",
    );
  });

  it("a time before a live primary's window points at the retained backups of a deleted namesake that cover it", () => {
    const f = facts({ backups: [backup()] }, { earliestRestorableTime: new Date("2026-11-25T00:00:00Z") });
    expect(refusal(() => choose(f, { kind: "time", time: new Date("2026-11-24T20:00:00Z"), text: "2026-11-24T20:00:00Z" }))).to.contain(
      ", or restore the retained backups of the deleted instance of that name: --from retained:db-OLDPRIMARY@2026-11-24T20:00:00.000Z.",
    );
  });

  it("refuses point-in-time requests in a region with no point-in-time source at all", () => {
    expect(refusal(() => choose(facts({ primary: undefined }), { kind: "latest-restorable" }))).to.equal(
      "latest-restorable: us-east-1 holds no automated backups of gametracker-mssql to restore to a point in time (no live instance, no retained backups of a deleted one, no backups replicated here); use --from latest or --from snapshot:<id>, or gametracker-dr snapshots list --region us-east-1 to see what there is.",
    );
  });
});

describe("recovery point: replicated backups and copies in the standby region", () => {
  it("replica:latest and replica:<time> restore the replicated backups by their ARN", () => {
    const latest = choose(standbyRegion(), { kind: "replica", at: "latest" });
    expect(latest).to.deep.include({
      kind: "latest-restorable",
      label: "replica:latest",
      source: { kind: "replica", instanceIdentifier: "gametracker-mssql", automatedBackupsArn: REPLICA_ARN, sourceRegion: "us-east-1" },
      minStorageGiB: 25,
    });
    expect(latest.time.toISOString()).to.equal("2026-11-25T11:40:00.000Z");
    expect(describeRecoverySource(latest, "us-west-2")).to.equal("automated backups of gametracker-mssql replicated from us-east-1 to us-west-2");
    const at = choose(standbyRegion(), { kind: "replica", at: { time: new Date("2026-11-25T09:00:00Z"), text: "2026-11-25T09:00:00Z" } });
    expect(at).to.deep.include({ kind: "time", label: "replica:2026-11-25T09:00:00.000Z" });
    expect(recoverySourceKind(at)).to.equal("replica");
  });

  it("time: and latest-restorable use the replica where the primary does not run", () => {
    expect(choose(standbyRegion(), { kind: "latest-restorable" })).to.deep.include({ label: "replica:latest" });
    expect(choose(standbyRegion(), { kind: "time", time: new Date("2026-11-21T00:00:00Z"), text: "2026-11-21T00:00:00Z" })).to.deep.include({ label: "replica:2026-11-21T00:00:00.000Z" });
  });

  it("refuses a time outside the replica's window, and a region without replicated backups", () => {
    expect(refusal(() => choose(standbyRegion(), { kind: "replica", at: { time: new Date("2026-11-19T00:00:00Z"), text: "2026-11-19T00:00:00Z" } }))).to.equal(
      "replica:2026-11-19T00:00:00Z is before the earliest restorable time 2026-11-20T00:00:00Z of the backups of gametracker-mssql replicated from us-east-1; choose a time between 2026-11-20T00:00:00Z and 2026-11-25T11:40:00Z.",
    );
    expect(refusal(() => choose(standbyRegion({ backups: [] }), { kind: "replica", at: "latest" }))).to.equal(
      "replica:latest: us-west-2 holds no automated backups of gametracker-mssql replicated from another region; turn replication on with databaseBackupReplicationRegion us-west-2 on the primary's stack (pulumi up), or restore a snapshot copy with --from snapshot:<ARN>.",
    );
    // A retained backup of this region is not a replica.
    expect(refusal(() => choose(standbyRegion({ backups: [backup({ sourceRegion: "us-west-2" })] }), { kind: "replica", at: "latest" }))).to.contain("holds no automated backups of gametracker-mssql replicated");
  });

  it("snapshot:<ARN> of a copy restores it as a snapshot copied from its source region; a copy still being made is refused", () => {
    const f = standbyRegion();
    const point = choose(f, { kind: "snapshot", snapshotIdentifier: "gametracker-manual-backup-v1", arn: { region: "us-west-2", text: "arn:…" } });
    expect(point).to.deep.include({ kind: "snapshot", snapshotIdentifier: "gametracker-manual-backup-v1", copiedFrom: "us-east-1" });
    expect(describeRecoverySource(point as RecoveryPoint, "us-west-2")).to.equal("copy of manual snapshot gametracker-manual-backup-v1 (copied from us-east-1) in us-west-2");
    f.snapshots[0]!.status = "creating";
    expect(refusal(() => choose(f, { kind: "snapshot", snapshotIdentifier: "gametracker-manual-backup-v1" }))).to.equal(
      "Snapshot gametracker-manual-backup-v1 is creating, not available; wait until it is available or choose another snapshot.",
    );
  });
});

describe("recovery point: --random-within", () => {
  const within = (days: number): RecoveryRequest => ({ kind: "random-within", withinMs: days * DAY, text: `${days}d` });

  it("maps random 0 and ~1 onto the ends of the window ∩ the period", () => {
    // window [11-18 03:05, 11-25 11:55] ∩ [11-22 12:00, now] = [11-22 12:00, 11-25 11:55]
    expect(choose(facts(), within(3), () => 0).time.toISOString()).to.equal("2026-11-22T12:00:00.000Z");
    expect(choose(facts(), within(3), () => 0.999999999).time.toISOString()).to.equal("2026-11-25T11:54:59.000Z");
    // A longer period than the window is clipped to the window's start.
    expect(choose(facts(), within(30), () => 0).time.toISOString()).to.equal("2026-11-18T03:05:00.000Z");
  });

  it("is uniform over the interval: the mean of many seeded draws is its middle", () => {
    let seed = 42;
    const lcg = () => ((seed = (seed * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32);
    const start = new Date("2026-11-22T12:00:00Z").getTime();
    const end = new Date("2026-11-25T11:55:00Z").getTime();
    const draws = Array.from({ length: 4000 }, () => choose(facts(), within(3), lcg).time.getTime());
    expect(Math.min(...draws)).to.be.at.least(start);
    expect(Math.max(...draws)).to.be.at.most(end);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(Math.abs(mean - (start + end) / 2) / (end - start)).to.be.below(0.02);
    const quarters = [0, 0, 0, 0];
    for (const d of draws) quarters[Math.min(3, Math.floor(((d - start) / (end - start)) * 4))]! += 1;
    for (const q of quarters) expect(q).to.be.within(850, 1150);
  });

  it("is repeatable with the same seed", () => {
    expect(choose(facts(), within(7), () => 0.25).time.toISOString()).to.equal(choose(facts(), within(7), () => 0.25).time.toISOString());
  });

  it("without a restore window, picks among the snapshots of the period", () => {
    const f = facts({}, { earliestRestorableTime: undefined, latestRestorableTime: undefined });
    expect(choose(f, within(2), () => 0)).to.deep.include({ snapshotIdentifier: "rds:gametracker-mssql-2026-11-25-03-10" });
    expect(choose(f, within(2), () => 0.99)).to.deep.include({ snapshotIdentifier: "rds:gametracker-mssql-2026-11-24-03-10" });
  });

  it("refuses a period with no restorable point", () => {
    const f = facts({}, { earliestRestorableTime: undefined, latestRestorableTime: undefined });
    expect(refusal(() => choose(f, { kind: "random-within", withinMs: 3600 * 1000, text: "1h" }))).to.contain(
      "--random-within 1h: gametracker-mssql has no restorable point in the last 1h00m",
    );
  });
});
