import type { AutomatedBackupInfo, SnapshotInfo } from "../aws/rds";

/**
 * What a recovery point is, where its data comes from, and how reports name it. A restore
 * happens in one region, and every copy of the data the environment keeps there is a
 * source:
 *
 * | source    | what RDS restores                                    | recovery points         |
 * | --------- | ---------------------------------------------------- | ----------------------- |
 * | primary   | the live primary's automated backups (its identifier) | time, latest-restorable |
 * | retained  | a deleted instance's retained backups (its resource id) | retained:<id>@…       |
 * | replica   | backups replicated from another region (their ARN)    | replica:…              |
 * | snapshot  | a manual or automated snapshot, or a copy from another region | snapshot:<id or ARN> |
 *
 * The facts below are what rds-facts.ts gathers about those sources; the choice among
 * them is recovery-choice.ts's. Pure.
 */

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

/** Whether these backups were replicated into `region` from another one. */
export function isReplicated(b: AutomatedBackupFact, region: string): boolean {
  return b.sourceRegion !== undefined && b.sourceRegion !== region;
}

/** Whether these are the retained backups of a deleted instance of `region`. */
export function isRetained(b: AutomatedBackupFact, region: string): boolean {
  return b.status === "retained" && !isReplicated(b, region);
}
