import { UsageError } from "../errors";
import { formatDuration } from "../output";
import {
  AutomatedBackupFact,
  BackupShape,
  isReplicated,
  isRetained,
  isSqlServerEngine,
  PointInTimeSource,
  RecoveryFacts,
  RecoveryPoint,
  recoveryPointLabel,
  SnapshotFact,
  SourceFacts,
} from "./recovery-point";
import type { RecoveryRequest, RequestedTime } from "./recovery-request";
import { capitalise } from "../../contracts/text";

/**
 * Which recovery point a restore uses: a pure decision over facts gathered from AWS
 * (rds-facts.ts), the operator's request (recovery-request.ts) and "now". Every refusal
 * happens here, before anything is created, as one sentence naming the value and the
 * valid range.
 *
 * `time:`, `latest-restorable` and `--random-within` use the region's point-in-time
 * source: the live primary; when it is gone, its newest retained backups; in a standby
 * region, the replicated backups. `latest` is the newest point of every source.
 */

// ---------------------------------------------------------------------------------------
// Point-in-time sources, uniformly: what they restore, their window, their backup shape.

/** The point-in-time window between two times RDS reported; undefined when either is missing or they are out of order. */
function windowBetween(earliest: Date | undefined, latest: Date | undefined): { earliest: Date; latest: Date } | undefined {
  if (earliest === undefined || latest === undefined || earliest.getTime() > latest.getTime()) return undefined;
  return { earliest, latest };
}

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
    window: windowBetween(p.earliestRestorableTime, p.latestRestorableTime),
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

function retainedCandidate(b: AutomatedBackupFact, expectedEngine: string | undefined): PitrCandidate {
  return {
    source: { kind: "retained", instanceIdentifier: b.instanceIdentifier, dbiResourceId: b.dbiResourceId ?? "" },
    name: `the retained backups ${b.dbiResourceId} of deleted ${b.instanceIdentifier}`,
    plural: true,
    window: windowBetween(b.earliest, b.latest),
    shape: backupShape(b, expectedEngine),
  };
}

function replicaCandidate(b: AutomatedBackupFact, expectedEngine: string | undefined): PitrCandidate {
  return {
    source: { kind: "replica", instanceIdentifier: b.instanceIdentifier, automatedBackupsArn: b.arn ?? "", sourceRegion: b.sourceRegion ?? "" },
    name: `the backups of ${b.instanceIdentifier} replicated from ${b.sourceRegion}`,
    plural: true,
    window: windowBetween(b.earliest, b.latest),
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

function iso(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}
