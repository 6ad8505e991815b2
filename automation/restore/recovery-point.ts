import type { SnapshotInfo } from "../aws/rds";
import { UsageError } from "../errors";
import { formatDuration } from "../output";

/**
 * Which recovery point a restore uses: a pure decision over facts gathered from AWS
 * (rds-facts.ts), the operator's request and "now". Every refusal happens here,
 * before anything is created, as one sentence naming the value and the valid range.
 */

export type RecoveryRequest =
  /** The newest `available` snapshot of the source, manual or automated. */
  | { kind: "latest" }
  | { kind: "snapshot"; snapshotIdentifier: string }
  | { kind: "time"; time: Date; text: string }
  | { kind: "latest-restorable" }
  /** A uniformly random point of the restore window within the last `withinMs` (drills). */
  | { kind: "random-within"; withinMs: number; text: string };

/** A DB snapshot as the recovery-point choice sees it: the shared snapshot model, whose tags it never reads. */
export type SnapshotFact = Omit<SnapshotInfo, "tags">;

export interface SourceFacts {
  identifier: string;
  engine: string;
  engineVersion: string;
  allocatedStorageGiB: number;
  /** Encryption at rest of the source; a point-in-time restore inherits it (and the key). */
  storageEncrypted: boolean;
  kmsKeyId: string | undefined;
  /** Start of the point-in-time window; undefined when RDS reports none (backups off or just turned on). */
  earliestRestorableTime: Date | undefined;
  /** End of the point-in-time window (lags ~5 min behind now for SQL Server). */
  latestRestorableTime: Date | undefined;
}

export interface RecoveryFacts {
  source: SourceFacts;
  /** Every snapshot of the source instance, any type and status. */
  snapshots: SnapshotFact[];
  /** The snapshot named by a `snapshot:<id>` request, looked up by id (it may belong to another instance); null when RDS has none. */
  requestedSnapshot?: SnapshotFact | null;
}

/**
 * What the backup itself is: engine, version, size and encryption. RDS restores these
 * as they are, so they are what the restored instance is checked against and what its
 * stack declares (a declared encryption differing from the backup's would plan a
 * replacement of the restored instance on the next update).
 */
export interface BackupShape {
  engine: string;
  engineVersion: string;
  /** The restored instance must have at least this much storage. */
  minStorageGiB: number;
  storageEncrypted: boolean;
  kmsKeyId?: string;
}

export type RecoveryPoint = BackupShape &
  (
  | {
      kind: "snapshot";
      label: string;
      snapshotIdentifier: string;
      snapshotType: string;
      /** When the snapshot was taken: the data it holds is as of this time. */
      time: Date;
    }
  | { kind: "time"; label: string; time: Date }
  | {
      kind: "latest-restorable";
      label: string;
      /** The latest restorable time when the point was chosen; RDS resolves the exact point at restore time. */
      time: Date;
    }
  );

const FROM_FORMS = "latest, snapshot:<id>, time:<ISO-8601 with zone> or latest-restorable";

/** Parses `--from` (and the drill's `--random-within`, already turned into milliseconds). */
export function parseRecoveryRequest(
  from: string | undefined,
  randomWithin?: { ms: number; text: string },
): RecoveryRequest {
  if (from !== undefined && randomWithin !== undefined) {
    throw new UsageError(`--from ${from} and --random-within ${randomWithin.text} both choose the recovery point; pass only one of them.`);
  }
  if (randomWithin !== undefined) {
    if (!(randomWithin.ms > 0)) throw new UsageError(`--random-within ${randomWithin.text} must be a positive duration such as 7d or 36h.`);
    return { kind: "random-within", withinMs: randomWithin.ms, text: randomWithin.text };
  }
  const value = (from ?? "latest").trim();
  if (value === "latest") return { kind: "latest" };
  if (value === "latest-restorable") return { kind: "latest-restorable" };
  if (value.startsWith("snapshot:")) {
    const id = value.slice("snapshot:".length);
    if (id === "") throw new UsageError(`--from ${value} names no snapshot; use snapshot:<snapshot identifier> (gametracker-dr snapshots list shows them).`);
    return { kind: "snapshot", snapshotIdentifier: id };
  }
  if (value.startsWith("time:")) {
    const text = value.slice("time:".length);
    return { kind: "time", time: parseZonedTime(text), text };
  }
  throw new UsageError(`--from ${JSON.stringify(value)} is not a recovery point; use ${FROM_FORMS}.`);
}

const ZONED_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO-8601 time with an explicit zone. A time without one is refused rather than
 * read as local time: the operator's laptop and the CI runner disagree on what that is.
 */
export function parseZonedTime(text: string): Date {
  const match = ZONED_ISO.exec(text);
  if (match === null) {
    if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
      throw new UsageError(`time:${text} has no time zone; add Z for UTC or an offset such as +02:00 (e.g. time:${text.replace(" ", "T")}Z).`);
    }
    throw new UsageError(`time:${text} is not an ISO-8601 time; use for example time:2026-11-25T09:30:00Z.`);
  }
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(text);
  const probe = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)));
  const calendarOk =
    !Number.isNaN(date.getTime()) &&
    probe.getUTCFullYear() === Number(y) &&
    probe.getUTCMonth() === Number(mo) - 1 &&
    probe.getUTCDate() === Number(d) &&
    probe.getUTCHours() === Number(h) &&
    probe.getUTCMinutes() === Number(mi) &&
    probe.getUTCSeconds() === Number(s ?? 0);
  if (!calendarOk) throw new UsageError(`time:${text} is not a real date and time; check the day, month and hour.`);
  return date;
}

/** The recovery point's label as stored in tags, stack config and reports. */
export function recoveryPointLabel(point: Pick<RecoveryPoint, "kind" | "time"> & { snapshotIdentifier?: string }): string {
  switch (point.kind) {
    case "snapshot":
      return `snapshot:${point.snapshotIdentifier}`;
    case "time":
      return `time:${point.time.toISOString()}`;
    case "latest-restorable":
      return "latest-restorable";
  }
}

/** Whether an engine is one of RDS's SQL Server editions (sqlserver-ex, -web, -se, -ee). */
export function isSqlServerEngine(engine: string | undefined): boolean {
  return engine !== undefined && /^sqlserver-/.test(engine);
}

/** The point-in-time window, or undefined when the instance has none. */
export function restoreWindow(source: SourceFacts): { earliest: Date; latest: Date } | undefined {
  if (source.earliestRestorableTime === undefined || source.latestRestorableTime === undefined) return undefined;
  if (source.earliestRestorableTime.getTime() > source.latestRestorableTime.getTime()) return undefined;
  return { earliest: source.earliestRestorableTime, latest: source.latestRestorableTime };
}

export function chooseRecoveryPoint(facts: RecoveryFacts, request: RecoveryRequest, now: Date, random: () => number): RecoveryPoint {
  const { source } = facts;
  const pitr = (kind: "time" | "latest-restorable", time: Date): RecoveryPoint => {
    const base = { time, ...shape(source) };
    return kind === "time" ? { kind, label: recoveryPointLabel({ kind, time }), ...base } : { kind, label: "latest-restorable", ...base };
  };
  switch (request.kind) {
    case "latest": {
      const newest = availableSnapshots(facts)[0];
      if (newest === undefined) {
        throw new UsageError(
          `Instance ${source.identifier} has no available snapshot to restore; take one with gametracker-dr snapshots create, or use --from latest-restorable.`,
        );
      }
      return fromSnapshot(newest, source);
    }
    case "snapshot":
      return fromSnapshot(requireUsableSnapshot(facts, request.snapshotIdentifier), source);
    case "latest-restorable": {
      const window = requireWindow(source, "latest-restorable");
      return pitr("latest-restorable", window.latest);
    }
    case "time": {
      const time = request.time;
      if (time.getTime() > now.getTime()) {
        throw new UsageError(
          `time:${request.text} is in the future (now is ${iso(now)}); choose a time inside the restore window${windowText(source)}.`,
        );
      }
      const window = requireWindow(source, `time:${request.text}`);
      if (time.getTime() < window.earliest.getTime()) {
        throw new UsageError(
          `time:${request.text} is before the earliest restorable time ${iso(window.earliest)} of ${source.identifier}; choose a time between ${iso(window.earliest)} and ${iso(window.latest)}.`,
        );
      }
      if (time.getTime() > window.latest.getTime()) {
        throw new UsageError(
          `time:${request.text} is after the latest restorable time ${iso(window.latest)} of ${source.identifier} (point-in-time restore lags about 5 minutes behind now); choose a time between ${iso(window.earliest)} and ${iso(window.latest)}, or use latest-restorable.`,
        );
      }
      return pitr("time", time);
    }
    case "random-within": {
      const window = restoreWindow(source);
      const from = now.getTime() - request.withinMs;
      if (window !== undefined) {
        const start = Math.max(window.earliest.getTime(), from);
        const end = window.latest.getTime();
        if (start <= end) {
          // Whole seconds: RDS accepts second precision and the label stays readable.
          let picked = Math.floor((start + random() * (end - start)) / 1000) * 1000;
          if (picked < start) picked = Math.min(end, Math.ceil(start / 1000) * 1000);
          return pitr("time", new Date(picked));
        }
      }
      // No point-in-time window (backups just turned on, or retention 0): fall back to
      // the snapshots taken in the period, so a drill still exercises a real backup.
      const recent = availableSnapshots(facts).filter((s) => s.createdAt!.getTime() >= from);
      if (recent.length === 0) {
        throw new UsageError(
          `--random-within ${request.text}: ${source.identifier} has no restorable point in the last ${formatDuration(request.withinMs)} (restore window${windowText(source) || " none"}, no available snapshot since ${iso(new Date(from))}); widen the period or use --from latest.`,
        );
      }
      const index = Math.min(recent.length - 1, Math.floor(random() * recent.length));
      return fromSnapshot(recent[index]!, source);
    }
  }
}

/** The source's `available` snapshots with a creation time, newest first. */
export function availableSnapshots(facts: RecoveryFacts): SnapshotFact[] {
  return facts.snapshots
    .filter((s) => s.status === "available" && s.createdAt !== undefined && isSqlServerEngine(s.engine ?? facts.source.engine))
    .sort((a, b) => b.createdAt!.getTime() - a.createdAt!.getTime() || a.identifier.localeCompare(b.identifier));
}

function requireUsableSnapshot(facts: RecoveryFacts, id: string): SnapshotFact {
  const snapshot = facts.requestedSnapshot ?? facts.snapshots.find((s) => s.identifier === id) ?? null;
  if (snapshot === null) {
    const known = availableSnapshots(facts)
      .slice(0, 3)
      .map((s) => s.identifier);
    throw new UsageError(
      `Snapshot ${id} does not exist; choose one of ${facts.source.identifier}'s available snapshots${known.length ? ` (newest: ${known.join(", ")})` : ""} — gametracker-dr snapshots list shows them all.`,
    );
  }
  if (!isSqlServerEngine(snapshot.engine)) {
    throw new UsageError(
      `Snapshot ${id} is of engine ${snapshot.engine ?? "unknown"}, not SQL Server (sqlserver-*) like ${facts.source.identifier}; choose a snapshot of ${facts.source.identifier}.`,
    );
  }
  if (snapshot.status !== "available") {
    throw new UsageError(`Snapshot ${id} is ${snapshot.status}, not available; wait until it is available or choose another snapshot.`);
  }
  if (snapshot.createdAt === undefined) {
    throw new UsageError(`Snapshot ${id} reports no creation time, so its recovery point is unknown; choose another snapshot.`);
  }
  return snapshot;
}

function fromSnapshot(snapshot: SnapshotFact, source: SourceFacts): RecoveryPoint {
  return {
    kind: "snapshot",
    label: `snapshot:${snapshot.identifier}`,
    snapshotIdentifier: snapshot.identifier,
    snapshotType: snapshot.type,
    time: snapshot.createdAt!,
    engine: snapshot.engine ?? source.engine,
    engineVersion: snapshot.engineVersion ?? source.engineVersion,
    minStorageGiB: snapshot.allocatedStorageGiB ?? source.allocatedStorageGiB,
    storageEncrypted: snapshot.encrypted,
    ...(snapshot.encrypted && snapshot.kmsKeyId !== undefined ? { kmsKeyId: snapshot.kmsKeyId } : {}),
  };
}

/** The backup shape of a point-in-time restore: the source instance's. */
function shape(source: SourceFacts): BackupShape {
  return {
    engine: source.engine,
    engineVersion: source.engineVersion,
    minStorageGiB: source.allocatedStorageGiB,
    storageEncrypted: source.storageEncrypted,
    ...(source.storageEncrypted && source.kmsKeyId !== undefined ? { kmsKeyId: source.kmsKeyId } : {}),
  };
}

function requireWindow(source: SourceFacts, what: string): { earliest: Date; latest: Date } {
  const window = restoreWindow(source);
  if (window === undefined) {
    throw new UsageError(
      `${what}: ${source.identifier} reports no point-in-time restore window (automated backups off or not yet taken); use --from latest or --from snapshot:<id> instead.`,
    );
  }
  return window;
}

function windowText(source: SourceFacts): string {
  const window = restoreWindow(source);
  return window === undefined ? "" : ` [${iso(window.earliest)}, ${iso(window.latest)}]`;
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}
