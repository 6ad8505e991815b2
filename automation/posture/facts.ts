import type { AutomatedBackupInfo, SnapshotInfo } from "../aws/rds";
import type { ObjectLockSettings, VersioningStatus } from "../aws/s3";

/**
 * What `check` knows about a live environment: read from AWS by `collect.ts`, judged by
 * the pure `evaluate.ts`. Plain data, so the judgement is tested with literal facts and
 * fixed times (moto can't produce a lagging restore point or a day-old snapshot).
 */
export interface InstanceFacts {
  identifier: string;
  status: string;
  /** BackupRetentionPeriod; 0 means automated backups are off. */
  backupRetentionDays: number;
  latestRestorableTime: Date | undefined;
  deletionProtection: boolean;
  copyTagsToSnapshot: boolean;
  /** What RDS holds for the maintenance window (PendingModifiedValues), setting by setting. */
  pendingModifications: PendingModification[];
  /** PreferredMaintenanceWindow, `ddd:hh24:mi-ddd:hh24:mi` UTC. */
  maintenanceWindow: string | undefined;
}

/** One setting RDS has not applied yet: its current value and the one waiting. */
export interface PendingModification {
  /** The PendingModifiedValues field (`DBInstanceClass`). */
  setting: string;
  current: string | undefined;
  pending: string;
}

export interface DeclaredSnapshotFact {
  identifier: string;
  /** The snapshot RDS has under that identifier, if any. */
  snapshot: SnapshotInfo | undefined;
}

export interface PublicAccessBlockFacts {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

export interface LifecycleRuleFacts {
  id: string | undefined;
  enabled: boolean;
  /** The rule's prefix filter ("" for the whole bucket); undefined for tag/size filters. */
  prefix: string | undefined;
  noncurrentExpirationDays: number | undefined;
  noncurrentTransitions: number;
}

export interface BucketFacts {
  name: string;
  /** S3's versioning status; `Disabled` when versioning was never turned on. */
  versioning: "Enabled" | "Suspended" | "Disabled";
  /** The bucket's own public-access block; every flag false when it has none. */
  publicAccessBlock: PublicAccessBlockFacts;
  lifecycleRules: LifecycleRuleFacts[];
  /** The bucket's Object Lock (mode and default retention); undefined when it has none. */
  objectLock?: ObjectLockSettings | undefined;
}

/** The one replication rule of the source bucket, as S3 answers it. */
export interface ReplicationRuleFacts {
  id: string | undefined;
  enabled: boolean;
  /** The destination bucket's name (from its ARN). */
  destinationBucket: string | undefined;
  deleteMarkers: boolean;
  /** SSE-KMS objects are selected and re-encrypted with this key; undefined: SSE-KMS objects are not replicated. */
  replicaKmsKeyId: string | undefined;
  timeControl: boolean;
}

export interface SampledObject {
  key: string;
  versionId: string | undefined;
  lastModified: Date;
  /** `x-amz-replication-status`; undefined when S3 does not replicate it (written before replication, or not eligible). */
  status: string | undefined;
}

/** A primary's assets replication: its rule, its destination as that region answers, and the status of its newest objects. */
export interface AssetsReplicationFacts {
  /** The destination the stack configures (assetsReplicationBucket / -Region). */
  expected: { bucket: string; region: string };
  /** The source's replication rules; empty when it has no configuration. */
  rules: ReplicationRuleFacts[];
  /** The destination as its region answers: undefined versioning when there is no such bucket. */
  destination: { versioning: VersioningStatus | undefined; objectLock: ObjectLockSettings | undefined };
  /** The newest current objects of the source (of the first `scanned` listed), newest first. */
  sample: { objects: SampledObject[]; scanned: number; truncated: boolean };
}

export interface PostureFacts {
  instance: InstanceFacts;
  /** Every snapshot of the instance, automated and manual. */
  snapshots: SnapshotInfo[];
  /** The manual snapshots the environment's config declares, looked up by identifier. */
  declared: DeclaredSnapshotFact[];
  /** Undefined when no bucket is known (no --bucket and no stack output): its checks are skipped. */
  bucket: BucketFacts | undefined;
  /** The region the instance is in (where `retainedBackups` were read). */
  region: string;
  /** Every automated backup of the region: the retained ones of deleted instances of this database are reported. */
  automatedBackups: AutomatedBackupInfo[];
  /** Replication configured (the stack's backupReplicationRegion): what that region holds of the instance's backups. */
  replication: { region: string; backups: AutomatedBackupInfo[] } | undefined;
  /** The regions expected to hold snapshot copies (databaseSnapshotCopyRegions), with the instance's snapshots there. */
  copies: Array<{ region: string; snapshots: SnapshotInfo[] }>;
  /** The assets bucket's replication to the standby region, when the stack configures one. */
  assetsReplication?: AssetsReplicationFacts | undefined;
}
