import type { AutomatedBackupInfo, SnapshotInfo } from "../aws/rds";
import { UsageError } from "../errors";
import { formatDuration } from "../output";
import { parseRdsArn } from "../../contracts/aws-names";

/**
 * Which recovery point a restore uses: a pure decision over facts gathered from AWS
 * (rds-facts.ts), the operator's request and "now". Every refusal happens here,
 * before anything is created, as one sentence naming the value and the valid range.
 *
 * A restore happens in one region, and every copy of the data the environment keeps
 * there is a source:
 *
 * | source    | what RDS restores                                    | recovery points         |
 * | --------- | ---------------------------------------------------- | ----------------------- |
 * | primary   | the live primary's automated backups (its identifier) | time, latest-restorable |
 * | retained  | a deleted instance's retained backups (its resource id) | retained:<id>@…       |
 * | replica   | backups replicated from another region (their ARN)    | replica:…              |
 * | snapshot  | a manual or automated snapshot, or a copy from another region | snapshot:<id or ARN> |
 *
 * `time:`, `latest-restorable` and `--random-within` use the region's point-in-time
 * source: the live primary; when it is gone, its newest retained backups; in a standby
 * region, the replicated backups. `latest` is the newest point of every source.
 */

export type RecoveryRequest =
  /** The newest recovery point of every source in the region. */
  | { kind: "latest" }
  /** A snapshot by identifier, or by ARN (`arn` set: a copy named from anywhere). */
  | { kind: "snapshot"; snapshotIdentifier: string; arn?: { region: string; text: string } }
  | { kind: "time"; time: Date; text: string }
  | { kind: "latest-restorable" }
  /** A uniformly random point of the restore window within the last `withinMs` (drills). */
  | { kind: "random-within"; withinMs: number; text: string }
  /** The retained automated backups of a deleted instance, by its resource id. */
  | { kind: "retained"; dbiResourceId: string; at: RequestedTime }
  /** The automated backups replicated into the region. */
  | { kind: "replica"; at: RequestedTime };

/** A point of a point-in-time source: its latest restorable time, or a time the operator typed. */
export type RequestedTime = "latest" | { time: Date; text: string };

/** A DB snapshot as the recovery-point choice sees it: the shared snapshot model, whose tags it never reads. */
export type SnapshotFact = Omit<SnapshotInfo, "tags">;

/** An automated backup as the choice sees it (retained or replicated; a live instance's are its window). */
export type AutomatedBackupFact = AutomatedBackupInfo;

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
  /** The region the restore happens in; every fact below is of this region. */
  region: string;
  /** The environment's database identifier (the primary's, also when it is gone or lives in another region). */
  instanceIdentifier: string;
  /** The engine the environment declares (its databaseEngine output), when known: a backup of another engine is refused. */
  expectedEngine?: string | undefined;
  /** The live primary; undefined when it no longer exists, or the environment owns none here (a standby). */
  primary: SourceFacts | undefined;
  /** Automated backups of the identifier in this region: retained ones of deleted instances, replicated ones. */
  backups: AutomatedBackupFact[];
  /** Every snapshot of the identifier in this region, any type and status (copies keep their instance's identifier). */
  snapshots: SnapshotFact[];
  /** The snapshot named by a `snapshot:` request, looked up by id (it may belong to another instance); null when RDS has none. */
  requestedSnapshot?: SnapshotFact | null;
  /** The automated backups named by `retained:<id>`, looked up by resource id; null when RDS has none. */
  requestedBackup?: AutomatedBackupFact | null;
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

/** The automated backups a point-in-time restore reads, as the restore names them to RDS. */
export type PointInTimeSource =
  | { kind: "primary"; instanceIdentifier: string }
  | { kind: "retained"; instanceIdentifier: string; dbiResourceId: string }
  | { kind: "replica"; instanceIdentifier: string; automatedBackupsArn: string; sourceRegion: string };

export type RecoveryPoint = BackupShape &
  (
    | {
        kind: "snapshot";
        label: string;
        snapshotIdentifier: string;
        snapshotType: string;
        /** When the snapshot was taken: the data it holds is as of this time. */
        time: Date;
        /** For a copy: the region it was copied from. */
        copiedFrom?: string;
      }
    | { kind: "time"; label: string; time: Date; source: PointInTimeSource }
    | {
        kind: "latest-restorable";
        label: string;
        /** The latest restorable time when the point was chosen; RDS resolves the exact point at restore time. */
        time: Date;
        source: PointInTimeSource;
      }
  );

/** Which kind of copy a recovery point came from, for reports and JSON. */
export type RecoverySourceKind = "primary" | "retained" | "replica" | "snapshot" | "snapshot-copy";

const FROM_FORMS =
  "latest, snapshot:<id or ARN>, time:<ISO-8601 with zone>, latest-restorable, retained:<dbi-resource-id>@<ISO-8601 with zone or latest>, replica:latest or replica:<ISO-8601 with zone>";

/** Parses `--from` (and the drill's `--random-within`, already turned into milliseconds). */
export function parseRecoveryRequest(from: string | undefined, randomWithin?: { ms: number; text: string }): RecoveryRequest {
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
  if (value.startsWith("snapshot:")) return parseSnapshotRequest(value);
  if (value.startsWith("time:")) {
    const text = value.slice("time:".length);
    return { kind: "time", time: parseZonedTime(text), text };
  }
  if (value.startsWith("retained:")) return parseRetainedRequest(value);
  if (value.startsWith("replica:")) return { kind: "replica", at: parseRequestedTime(value.slice("replica:".length), value) };
  throw new UsageError(`--from ${JSON.stringify(value)} is not a recovery point; use ${FROM_FORMS}.`);
}

function parseSnapshotRequest(value: string): RecoveryRequest {
  const id = value.slice("snapshot:".length);
  if (id === "") throw new UsageError(`--from ${value} names no snapshot; use snapshot:<snapshot identifier or ARN> (gametracker-dr snapshots list shows them).`);
  if (!id.startsWith("arn:")) return { kind: "snapshot", snapshotIdentifier: id };
  const arn = parseRdsArn(id);
  if (arn === undefined || arn.resourceType !== "snapshot") {
    throw new UsageError(`--from ${value} is not the ARN of a DB snapshot; a snapshot ARN looks like arn:aws:rds:us-west-2:123456789012:snapshot:<name> (gametracker-dr snapshots list --region <region> shows them).`);
  }
  return { kind: "snapshot", snapshotIdentifier: arn.name, arn: { region: arn.region, text: id } };
}

const DBI_RESOURCE_ID = /^db-[A-Za-z0-9]+$/;

function parseRetainedRequest(value: string): RecoveryRequest {
  const rest = value.slice("retained:".length);
  const at = rest.indexOf("@");
  const id = at < 0 ? rest : rest.slice(0, at);
  if (!DBI_RESOURCE_ID.test(id)) {
    throw new UsageError(
      `--from ${value} names no resource id of a deleted instance; use retained:<dbi-resource-id>@<time or latest>, e.g. retained:db-ABCDEFGHIJKLMNOPQRSTUVWXY2@latest (gametracker-dr snapshots list shows the retained backups).`,
    );
  }
  if (at < 0) throw new UsageError(`--from ${value} names no point; add @latest or @<ISO-8601 with zone>, e.g. ${value}@latest.`);
  // RDS shows resource ids in upper case and matches them in any case.
  return { kind: "retained", dbiResourceId: id.toUpperCase().replace(/^DB-/, "db-"), at: parseRequestedTime(rest.slice(at + 1), value) };
}

function parseRequestedTime(text: string, whole: string): RequestedTime {
  if (text === "latest") return "latest";
  if (text === "") throw new UsageError(`--from ${whole} names no point; end it with latest or an ISO-8601 time with zone.`);
  return { time: parseZonedTime(text), text };
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
export function recoveryPointLabel(point: { kind: RecoveryPoint["kind"]; time: Date; snapshotIdentifier?: string; source?: PointInTimeSource }): string {
  if (point.kind === "snapshot") return `snapshot:${point.snapshotIdentifier}`;
  const at = point.kind === "latest-restorable" ? "latest" : point.time.toISOString();
  const source = point.source;
  switch (source?.kind ?? "primary") {
    case "primary":
      return point.kind === "latest-restorable" ? "latest-restorable" : `time:${at}`;
    case "retained":
      return `retained:${(source as Extract<PointInTimeSource, { kind: "retained" }>).dbiResourceId}@${at}`;
    case "replica":
      return `replica:${at}`;
  }
}

/** The kind of copy a point came from. Pure. */
export function recoverySourceKind(point: RecoveryPoint): RecoverySourceKind {
  if (point.kind === "snapshot") return point.copiedFrom !== undefined ? "snapshot-copy" : "snapshot";
  return point.source.kind;
}

/** The source of a point in words, for the question, the report and the terminal: where the data comes from. Pure. */
export function describeRecoverySource(point: RecoveryPoint, region: string): string {
  if (point.kind === "snapshot") {
    return point.copiedFrom !== undefined
      ? `copy of ${point.snapshotType} snapshot ${point.snapshotIdentifier} (copied from ${point.copiedFrom}) in ${region}`
      : `${point.snapshotType} snapshot ${point.snapshotIdentifier} in ${region}`;
  }
  const s = point.source;
  switch (s.kind) {
    case "primary":
      return `automated backups of ${s.instanceIdentifier} in ${region}`;
    case "retained":
      return `retained automated backups of deleted instance ${s.instanceIdentifier} (${s.dbiResourceId}) in ${region}`;
    case "replica":
      return `automated backups of ${s.instanceIdentifier} replicated from ${s.sourceRegion} to ${region}`;
  }
}

/** Whether an engine is one of RDS's SQL Server editions (sqlserver-ex, -web, -se, -ee). */
export function isSqlServerEngine(engine: string | undefined): boolean {
  return engine !== undefined && /^sqlserver-/.test(engine);
}

/** The point-in-time window, or undefined when the instance has none. */
export function restoreWindow(source: SourceFacts): { earliest: Date; latest: Date } | undefined {
  return windowOf(source.earliestRestorableTime, source.latestRestorableTime);
}

function windowOf(earliest: Date | undefined, latest: Date | undefined): { earliest: Date; latest: Date } | undefined {
  if (earliest === undefined || latest === undefined || earliest.getTime() > latest.getTime()) return undefined;
  return { earliest, latest };
}

// ---------------------------------------------------------------------------------------
// Point-in-time sources, uniformly: what they restore, their window, their backup shape.

interface PitrCandidate {
  source: PointInTimeSource;
  /** How the source is named in refusals: `gametracker-mssql`, `the retained backups db-… of gametracker-mssql`, … */
  name: string;
  /** Whether `name` takes "are" (backups) or "is" (an instance). */
  plural: boolean;
  window: { earliest: Date; latest: Date } | undefined;
  shape: BackupShape;
}

function primaryCandidate(p: SourceFacts): PitrCandidate {
  return {
    source: { kind: "primary", instanceIdentifier: p.identifier },
    name: p.identifier,
    plural: false,
    window: restoreWindow(p),
    shape: {
      engine: p.engine,
      engineVersion: p.engineVersion,
      minStorageGiB: p.allocatedStorageGiB,
      storageEncrypted: p.storageEncrypted,
      ...(p.storageEncrypted && p.kmsKeyId !== undefined ? { kmsKeyId: p.kmsKeyId } : {}),
    },
  };
}

function backupShape(b: AutomatedBackupFact, fallbackEngine: string | undefined): BackupShape {
  return {
    engine: b.engine ?? fallbackEngine ?? "",
    engineVersion: b.engineVersion ?? "",
    minStorageGiB: b.allocatedStorageGiB ?? 0,
    storageEncrypted: b.encrypted,
    ...(b.encrypted && b.kmsKeyId !== undefined ? { kmsKeyId: b.kmsKeyId } : {}),
  };
}

/** Whether these backups were replicated into `region` from another one. */
export function isReplicated(b: AutomatedBackupFact, region: string): boolean {
  return b.sourceRegion !== undefined && b.sourceRegion !== region;
}

/** Whether these are the retained backups of a deleted instance of `region`. */
export function isRetained(b: AutomatedBackupFact, region: string): boolean {
  return b.status === "retained" && !isReplicated(b, region);
}

function retainedCandidate(b: AutomatedBackupFact, expectedEngine: string | undefined): PitrCandidate {
  return {
    source: { kind: "retained", instanceIdentifier: b.instanceIdentifier, dbiResourceId: b.dbiResourceId ?? "" },
    name: `the retained backups ${b.dbiResourceId} of deleted ${b.instanceIdentifier}`,
    plural: true,
    window: windowOf(b.earliest, b.latest),
    shape: backupShape(b, expectedEngine),
  };
}

function replicaCandidate(b: AutomatedBackupFact, expectedEngine: string | undefined): PitrCandidate {
  return {
    source: { kind: "replica", instanceIdentifier: b.instanceIdentifier, automatedBackupsArn: b.arn ?? "", sourceRegion: b.sourceRegion ?? "" },
    name: `the backups of ${b.instanceIdentifier} replicated from ${b.sourceRegion}`,
    plural: true,
    window: windowOf(b.earliest, b.latest),
    shape: backupShape(b, expectedEngine),
  };
}

const newestLatest = (a: AutomatedBackupFact, b: AutomatedBackupFact) => (b.latest?.getTime() ?? 0) - (a.latest?.getTime() ?? 0);

function retainedOf(facts: RecoveryFacts): AutomatedBackupFact[] {
  return facts.backups.filter((b) => isRetained(b, facts.region) && b.instanceIdentifier === facts.instanceIdentifier && b.dbiResourceId !== undefined).sort(newestLatest);
}

function replicasOf(facts: RecoveryFacts): AutomatedBackupFact[] {
  return facts.backups.filter((b) => isReplicated(b, facts.region) && b.instanceIdentifier === facts.instanceIdentifier && b.arn !== undefined).sort(newestLatest);
}

/**
 * The region's point-in-time source: the live primary; when it is gone, the retained
 * backups of the most recently deleted instance of its name; in a region it does not
 * run in, the backups replicated there. Undefined when the region has none.
 */
function regionPitrSource(facts: RecoveryFacts): PitrCandidate | undefined {
  if (facts.primary !== undefined) return primaryCandidate(facts.primary);
  const retained = retainedOf(facts)[0];
  if (retained !== undefined) return retainedCandidate(retained, facts.expectedEngine);
  const replica = replicasOf(facts)[0];
  return replica === undefined ? undefined : replicaCandidate(replica, facts.expectedEngine);
}

function requireRegionPitrSource(facts: RecoveryFacts, what: string): PitrCandidate {
  const source = regionPitrSource(facts);
  if (source === undefined) {
    throw new UsageError(
      `${what}: ${facts.region} holds no automated backups of ${facts.instanceIdentifier} to restore to a point in time (no live instance, no retained backups of a deleted one, no backups replicated here); use --from latest or --from snapshot:<id>, or gametracker-dr snapshots list --region ${facts.region} to see what there is.`,
    );
  }
  return source;
}

function requireRetained(facts: RecoveryFacts, dbiResourceId: string, text: string): PitrCandidate {
  const found = facts.requestedBackup ?? facts.backups.find((b) => b.dbiResourceId === dbiResourceId) ?? null;
  const known = retainedOf(facts).map((b) => b.dbiResourceId);
  const list = known.length > 0 ? ` (retained here: ${known.join(", ")})` : "";
  if (found === null || isReplicated(found, facts.region)) {
    throw new UsageError(
      `${text}: ${facts.region} has no automated backups with resource id ${dbiResourceId}${list}; check the id with gametracker-dr snapshots list --region ${facts.region}.`,
    );
  }
  if (found.status !== "retained") {
    throw new UsageError(
      `${text}: the automated backups ${dbiResourceId} belong to ${found.instanceIdentifier}, which still exists (status ${found.status}); restore it with --from time:<ISO-8601> or latest-restorable instead.`,
    );
  }
  if (found.instanceIdentifier !== facts.instanceIdentifier) {
    throw new UsageError(
      `${text}: the retained backups ${dbiResourceId} are of ${found.instanceIdentifier}, not of this environment's ${facts.instanceIdentifier}${list}; restore only this environment's own data.`,
    );
  }
  return retainedCandidate(found, facts.expectedEngine);
}

function requireReplica(facts: RecoveryFacts, text: string): PitrCandidate {
  const replica = replicasOf(facts)[0];
  if (replica === undefined) {
    throw new UsageError(
      `${text}: ${facts.region} holds no automated backups of ${facts.instanceIdentifier} replicated from another region; turn replication on with databaseBackupReplicationRegion ${facts.region} on the primary's stack (pulumi up), or restore a snapshot copy with --from snapshot:<ARN>.`,
    );
  }
  return replicaCandidate(replica, facts.expectedEngine);
}

// ---------------------------------------------------------------------------------------
// The choice

export function chooseRecoveryPoint(facts: RecoveryFacts, request: RecoveryRequest, now: Date, random: () => number): RecoveryPoint {
  switch (request.kind) {
    case "latest":
      return chooseLatest(facts);
    case "snapshot":
      return fromSnapshot(requireUsableSnapshot(facts, request.snapshotIdentifier), facts);
    case "latest-restorable":
      return pointOf(requireRegionPitrSource(facts, "latest-restorable"), "latest", now, facts, "latest-restorable");
    case "time":
      return pointOf(requireRegionPitrSource(facts, `time:${request.text}`), { time: request.time, text: request.text }, now, facts, `time:${request.text}`);
    case "retained": {
      const what = `retained:${request.dbiResourceId}@${request.at === "latest" ? "latest" : request.at.text}`;
      return pointOf(requireRetained(facts, request.dbiResourceId, what), request.at, now, facts, what);
    }
    case "replica": {
      const what = `replica:${request.at === "latest" ? "latest" : request.at.text}`;
      return pointOf(requireReplica(facts, what), request.at, now, facts, what);
    }
    case "random-within":
      return chooseRandom(facts, request, now, random);
  }
}

/** A point of a point-in-time source, its window and engine checked. */
function pointOf(candidate: PitrCandidate, at: RequestedTime, now: Date, facts: RecoveryFacts, what: string): RecoveryPoint {
  requireEngine(candidate.shape.engine, candidate.name, candidate.plural, facts, "recovery point");
  const window = candidate.window;
  if (window === undefined) {
    throw new UsageError(`${what}: ${candidate.name} reports no point-in-time restore window (automated backups off or not yet taken); use --from latest or --from snapshot:<id> instead.`);
  }
  if (at === "latest") {
    const time = window.latest;
    return { kind: "latest-restorable", label: recoveryPointLabel({ kind: "latest-restorable", time, source: candidate.source }), time, source: candidate.source, ...candidate.shape };
  }
  const time = at.time;
  const range = `[${iso(window.earliest)}, ${iso(window.latest)}]`;
  if (time.getTime() > now.getTime()) {
    throw new UsageError(`${what} is in the future (now is ${iso(now)}); choose a time inside the restore window ${range}.`);
  }
  if (time.getTime() < window.earliest.getTime()) {
    throw new UsageError(
      `${what} is before the earliest restorable time ${iso(window.earliest)} of ${candidate.name}; choose a time between ${iso(window.earliest)} and ${iso(window.latest)}${retainedHint(facts, candidate, time)}.`,
    );
  }
  if (time.getTime() > window.latest.getTime()) {
    const lag = candidate.source.kind === "primary" ? " (point-in-time restore lags about 5 minutes behind now)" : "";
    throw new UsageError(
      `${what} is after the latest restorable time ${iso(window.latest)} of ${candidate.name}${lag}; choose a time between ${iso(window.earliest)} and ${iso(window.latest)}, or use ${latestForm(candidate.source)}.`,
    );
  }
  return { kind: "time", label: recoveryPointLabel({ kind: "time", time, source: candidate.source }), time, source: candidate.source, ...candidate.shape };
}

/** The `@latest` form of a source, for refusals. */
function latestForm(source: PointInTimeSource): string {
  return recoveryPointLabel({ kind: "latest-restorable", time: new Date(0), source });
}

/** When a time lies before a live primary's window but inside the retained backups of a deleted namesake: say so. */
function retainedHint(facts: RecoveryFacts, candidate: PitrCandidate, time: Date): string {
  if (candidate.source.kind !== "primary") return "";
  const covering = retainedOf(facts).find((b) => b.earliest !== undefined && b.latest !== undefined && b.earliest <= time && time <= b.latest);
  return covering === undefined ? "" : `, or restore the retained backups of the deleted instance of that name: --from retained:${covering.dbiResourceId}@${time.toISOString()}`;
}

/** `latest`: the newest point of every source in the region (a snapshot's creation, a source's latest restorable time). */
function chooseLatest(facts: RecoveryFacts): RecoveryPoint {
  const engineOk = (engine: string | undefined) => isSqlServerEngine(engine) && (facts.expectedEngine === undefined || engine === facts.expectedEngine);
  const snapshot = availableSnapshots(facts).filter((s) => engineOk(s.engine ?? facts.primary?.engine ?? facts.expectedEngine))[0];
  const candidates: PitrCandidate[] = [
    ...(facts.primary !== undefined ? [primaryCandidate(facts.primary)] : []),
    ...retainedOf(facts).map((b) => retainedCandidate(b, facts.expectedEngine)),
    ...replicasOf(facts).map((b) => replicaCandidate(b, facts.expectedEngine)),
  ].filter((c) => c.window !== undefined && engineOk(c.shape.engine));
  const pitr = candidates.sort((a, b) => b.window!.latest.getTime() - a.window!.latest.getTime())[0];
  // A taken snapshot wins a tie: it is a complete copy already.
  if (pitr !== undefined && (snapshot === undefined || pitr.window!.latest.getTime() > snapshot.createdAt!.getTime())) {
    const time = pitr.window!.latest;
    return { kind: "latest-restorable", label: recoveryPointLabel({ kind: "latest-restorable", time, source: pitr.source }), time, source: pitr.source, ...pitr.shape };
  }
  if (snapshot !== undefined) return fromSnapshot(snapshot, facts);
  throw new UsageError(
    `${facts.region} has no recovery point of ${facts.instanceIdentifier}: no available snapshot or copy, no automated backups with a restore window; take a snapshot with gametracker-dr snapshots create, or copy one here with gametracker-dr snapshots copy --to-region ${facts.region}.`,
  );
}

function chooseRandom(facts: RecoveryFacts, request: Extract<RecoveryRequest, { kind: "random-within" }>, now: Date, random: () => number): RecoveryPoint {
  const candidate = regionPitrSource(facts);
  const from = now.getTime() - request.withinMs;
  const window = candidate?.window;
  if (candidate !== undefined && window !== undefined) {
    const start = Math.max(window.earliest.getTime(), from);
    const end = window.latest.getTime();
    if (start <= end) {
      // Whole seconds: RDS accepts second precision and the label stays readable.
      let picked = Math.floor((start + random() * (end - start)) / 1000) * 1000;
      if (picked < start) picked = Math.min(end, Math.ceil(start / 1000) * 1000);
      const time = new Date(picked);
      requireEngine(candidate.shape.engine, candidate.name, candidate.plural, facts, "recovery point");
      return { kind: "time", label: recoveryPointLabel({ kind: "time", time, source: candidate.source }), time, source: candidate.source, ...candidate.shape };
    }
  }
  // No point-in-time window (backups just turned on, or retention 0): fall back to the
  // snapshots taken in the period, so a drill still exercises a real backup.
  const recent = availableSnapshots(facts).filter((s) => s.createdAt!.getTime() >= from);
  if (recent.length === 0) {
    const windowText = window === undefined ? " none" : ` [${iso(window.earliest)}, ${iso(window.latest)}]`;
    throw new UsageError(
      `--random-within ${request.text}: ${facts.instanceIdentifier} has no restorable point in the last ${formatDuration(request.withinMs)} (restore window${windowText}, no available snapshot since ${iso(new Date(from))}); widen the period or use --from latest.`,
    );
  }
  const index = Math.min(recent.length - 1, Math.floor(random() * recent.length));
  return fromSnapshot(recent[index]!, facts);
}

/** The region's `available` snapshots with a creation time, newest first. */
export function availableSnapshots(facts: RecoveryFacts): SnapshotFact[] {
  return facts.snapshots
    .filter((s) => s.status === "available" && s.createdAt !== undefined && isSqlServerEngine(s.engine ?? facts.primary?.engine ?? facts.expectedEngine))
    .sort((a, b) => b.createdAt!.getTime() - a.createdAt!.getTime() || a.identifier.localeCompare(b.identifier));
}

/** Refuses a backup of another engine than SQL Server, or than the environment declares. `subject` names it, `plural` picks the verb. */
function requireEngine(engine: string | undefined, subject: string, plural: boolean, facts: RecoveryFacts, kind: "snapshot" | "recovery point"): void {
  const is = plural ? "are" : "is";
  if (!isSqlServerEngine(engine)) {
    throw new UsageError(`${capitalise(subject)} ${is} of engine ${engine || "unknown"}, not SQL Server (sqlserver-*) like ${facts.instanceIdentifier}; choose a ${kind} of ${facts.instanceIdentifier}.`);
  }
  if (facts.expectedEngine !== undefined && engine !== facts.expectedEngine) {
    throw new UsageError(
      `${capitalise(subject)} ${is} of engine ${engine}, but the environment runs ${facts.expectedEngine} (its databaseEngine output); a restore of another edition would not be the environment's database, so choose a ${kind} of ${facts.instanceIdentifier}.`,
    );
  }
}

function requireUsableSnapshot(facts: RecoveryFacts, id: string): SnapshotFact {
  const snapshot = facts.requestedSnapshot ?? facts.snapshots.find((s) => s.identifier === id) ?? null;
  if (snapshot === null) {
    const known = availableSnapshots(facts)
      .slice(0, 3)
      .map((s) => s.identifier);
    throw new UsageError(
      `Snapshot ${id} does not exist in ${facts.region}; choose one of ${facts.instanceIdentifier}'s available snapshots${known.length ? ` (newest: ${known.join(", ")})` : ""} — gametracker-dr snapshots list --region ${facts.region} shows them all.`,
    );
  }
  requireEngine(snapshot.engine, `snapshot ${id}`, false, facts, "snapshot");
  if (snapshot.status !== "available") {
    throw new UsageError(`Snapshot ${id} is ${snapshot.status}, not available; wait until it is available or choose another snapshot.`);
  }
  if (snapshot.createdAt === undefined) {
    throw new UsageError(`Snapshot ${id} reports no creation time, so its recovery point is unknown; choose another snapshot.`);
  }
  return snapshot;
}

function fromSnapshot(snapshot: SnapshotFact, facts: RecoveryFacts): RecoveryPoint {
  return {
    kind: "snapshot",
    label: `snapshot:${snapshot.identifier}`,
    snapshotIdentifier: snapshot.identifier,
    snapshotType: snapshot.type,
    time: snapshot.createdAt!,
    ...(snapshot.copiedFrom !== undefined ? { copiedFrom: snapshot.copiedFrom } : {}),
    engine: snapshot.engine ?? facts.primary?.engine ?? facts.expectedEngine ?? "",
    engineVersion: snapshot.engineVersion ?? facts.primary?.engineVersion ?? "",
    minStorageGiB: snapshot.allocatedStorageGiB ?? facts.primary?.allocatedStorageGiB ?? 0,
    storageEncrypted: snapshot.encrypted,
    ...(snapshot.encrypted && snapshot.kmsKeyId !== undefined ? { kmsKeyId: snapshot.kmsKeyId } : {}),
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}
