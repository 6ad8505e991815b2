import { expect } from "chai";
import { UsageError } from "../../../automation/errors";
import { messageOf } from "../../support/expect-error";
import {
  chooseRecoveryPoint,
  parseRecoveryRequest,
  parseZonedTime,
  RecoveryFacts,
  RecoveryRequest,
  SnapshotFact,
} from "../../../automation/restore/recovery-point";

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

function facts(overrides: Partial<RecoveryFacts> = {}, source: Partial<RecoveryFacts["source"]> = {}): RecoveryFacts {
  return {
    source: {
      identifier: "gametracker-mssql",
      engine: "sqlserver-ex",
      engineVersion: "16.00.4165.4.v1",
      allocatedStorageGiB: 30,
      storageEncrypted: false,
      kmsKeyId: undefined,
      earliestRestorableTime: new Date("2026-11-18T03:05:00Z"),
      latestRestorableTime: new Date("2026-11-25T11:55:00Z"),
      ...source,
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

const refusal = (fn: () => unknown): string => messageOf(fn, UsageError);

describe("recovery point: parsing --from", () => {
  it("reads the four forms, latest by default", () => {
    expect(parseRecoveryRequest(undefined)).to.deep.equal({ kind: "latest" });
    expect(parseRecoveryRequest("latest")).to.deep.equal({ kind: "latest" });
    expect(parseRecoveryRequest("latest-restorable")).to.deep.equal({ kind: "latest-restorable" });
    expect(parseRecoveryRequest("snapshot:gametracker-manual-backup-v1")).to.deep.equal({ kind: "snapshot", snapshotIdentifier: "gametracker-manual-backup-v1" });
    expect(parseRecoveryRequest("snapshot:rds:gametracker-mssql-2026-11-24-03-10")).to.deep.equal({ kind: "snapshot", snapshotIdentifier: "rds:gametracker-mssql-2026-11-24-03-10" });
    const time = parseRecoveryRequest("time:2026-11-25T10:30:00+01:00");
    expect(time.kind).to.equal("time");
    expect((time as { time: Date }).time.toISOString()).to.equal("2026-11-25T09:30:00.000Z");
  });

  it("refuses an unknown form, naming the valid ones", () => {
    expect(refusal(() => parseRecoveryRequest("yesterday"))).to.equal(
      '--from "yesterday" is not a recovery point; use latest, snapshot:<id>, time:<ISO-8601 with zone> or latest-restorable.',
    );
    expect(refusal(() => parseRecoveryRequest("snapshot:"))).to.contain("names no snapshot");
  });

  it("refuses a time without a zone, and says how to add one", () => {
    expect(refusal(() => parseRecoveryRequest("time:2026-11-25T09:30:00"))).to.equal(
      "time:2026-11-25T09:30:00 has no time zone; add Z for UTC or an offset such as +02:00 (e.g. time:2026-11-25T09:30:00Z).",
    );
    expect(refusal(() => parseZonedTime("2026-11-25 09:30"))).to.contain("has no time zone");
  });

  it("refuses an unparseable time and an impossible date", () => {
    expect(refusal(() => parseRecoveryRequest("time:last tuesday"))).to.equal(
      "time:last tuesday is not an ISO-8601 time; use for example time:2026-11-25T09:30:00Z.",
    );
    expect(refusal(() => parseZonedTime("2026-02-30T10:00:00Z"))).to.contain("is not a real date and time");
    expect(refusal(() => parseZonedTime("2026-11-25T24:30:00Z"))).to.contain("is not a real date and time");
  });

  it("takes --random-within but not together with --from", () => {
    expect(parseRecoveryRequest(undefined, { ms: 7 * DAY, text: "7d" })).to.deep.equal({ kind: "random-within", withinMs: 7 * DAY, text: "7d" });
    expect(refusal(() => parseRecoveryRequest("latest", { ms: DAY, text: "1d" }))).to.equal(
      "--from latest and --random-within 1d both choose the recovery point; pass only one of them.",
    );
  });
});

describe("recovery point: choosing", () => {
  it("latest = the newest available snapshot of either type (an in-progress one is skipped)", () => {
    const point = choose(facts(), { kind: "latest" });
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

  it("latest picks a manual snapshot when it is the newest", () => {
    const f = facts();
    f.snapshots.push(snap("before-migration", "2026-11-25T08:00:00Z"));
    expect(choose(f, { kind: "latest" })).to.deep.include({ snapshotIdentifier: "before-migration", snapshotType: "manual" });
  });

  it("latest with no available snapshot is refused with what to do", () => {
    const f = facts({ snapshots: [snap("manual-in-progress", "2026-11-25T11:00:00Z", { status: "creating" })] });
    expect(refusal(() => choose(f, { kind: "latest" }))).to.equal(
      "Instance gametracker-mssql has no available snapshot to restore; take one with gametracker-dr snapshots create, or use --from latest-restorable.",
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
      "Snapshot nope does not exist; choose one of gametracker-mssql's available snapshots (newest: rds:gametracker-mssql-2026-11-25-03-10, rds:gametracker-mssql-2026-11-24-03-10, gametracker-manual-backup-v1) — gametracker-dr snapshots list shows them all.",
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
    expect(point).to.deep.include({ kind: "time", label: "time:2026-11-22T09:30:00.000Z", engineVersion: "16.00.4165.4.v1", minStorageGiB: 30 });
  });

  it("accepts both ends of the window", () => {
    const f = facts();
    expect(choose(f, { kind: "time", time: f.source.earliestRestorableTime!, text: "e" }).kind).to.equal("time");
    expect(choose(f, { kind: "time", time: f.source.latestRestorableTime!, text: "l" }).kind).to.equal("time");
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
    expect(point).to.deep.include({ kind: "latest-restorable", label: "latest-restorable" });
    expect(point.time.toISOString()).to.equal("2026-11-25T11:55:00.000Z");
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
