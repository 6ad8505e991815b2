import { DBInstance } from "@aws-sdk/client-rds";
import { LifecycleRule, ReplicationRule, S3Client } from "@aws-sdk/client-s3";
import { headObject, listCurrentObjects, readBucketReplication, readBucketVersioning, readLifecycleRules, readObjectLock, readPublicAccessBlock } from "../aws/s3";
import { findSnapshotIn, listAutomatedBackups, listInstanceSnapshots, RdsTarget, requireInstance } from "../aws/rds";
import { UsageError } from "../errors";
import { runBounded } from "../assets/pool";
import { DEFAULT_REPLICATION_SAMPLE, REPLICATION_SCAN_LIMIT } from "./assets-replication";
import { AssetsReplicationFacts, BucketFacts, InstanceFacts, LifecycleRuleFacts, PendingModification, PostureFacts, ReplicationRuleFacts, SampledObject } from "./facts";

/**
 * The AWS reads behind `check`: read-only (Describe and Get calls only), each a single call, so
 * the check is safe to run against production at any time. The replication region and the
 * copy regions are read through `awsIn` (the same credentials and endpoint, another region).
 */
export interface PostureTarget extends RdsTarget {
  s3: S3Client;
}

export async function collectPostureFacts(
  aws: PostureTarget,
  target: {
    dbInstanceIdentifier: string;
    bucketName: string | undefined;
    declaredManualSnapshots: string[];
    backupReplicationRegion?: string | undefined;
    snapshotCopyRegions?: string[];
    /** The assets bucket's S3 Replication destination (the stack's assetsReplication* outputs). */
    assetsReplication?: { bucket: string; region: string } | undefined;
  },
  awsIn: (region: string) => PostureTarget = () => aws,
  options: { replicationSample?: number } = {},
): Promise<PostureFacts> {
  const instance = instanceFacts(await requireInstance(aws, target.dbInstanceIdentifier));
  const snapshots = await listInstanceSnapshots(aws, target.dbInstanceIdentifier);
  const declared = [];
  for (const identifier of target.declaredManualSnapshots) {
    declared.push({ identifier, snapshot: await findSnapshotIn(aws, snapshots, identifier) });
  }
  const bucket = target.bucketName === undefined ? undefined : await bucketFacts(aws, target.bucketName);
  const automatedBackups = await listAutomatedBackups(aws);
  const replicationRegion = target.backupReplicationRegion;
  const replication =
    replicationRegion === undefined ? undefined : { region: replicationRegion, backups: await listAutomatedBackups(awsIn(replicationRegion), { instanceIdentifier: target.dbInstanceIdentifier }) };
  const copies = [];
  for (const region of target.snapshotCopyRegions ?? []) copies.push({ region, snapshots: await listInstanceSnapshots(awsIn(region), target.dbInstanceIdentifier) });
  const assetsReplication =
    target.assetsReplication !== undefined && target.bucketName !== undefined
      ? await assetsReplicationFacts(aws.s3, target.bucketName, target.assetsReplication, awsIn(target.assetsReplication.region).s3, options.replicationSample ?? DEFAULT_REPLICATION_SAMPLE)
      : undefined;
  return { instance, snapshots, declared, bucket, region: aws.region, automatedBackups, replication, copies, ...(assetsReplication !== undefined ? { assetsReplication } : {}) };
}

/**
 * The source's replication rules, the destination read in its own region (versioning and
 * Object Lock), and the replication status of the `sample` newest current objects (of the
 * first REPLICATION_SCAN_LIMIT listed; one HEAD each, a few at a time).
 */
export async function assetsReplicationFacts(source: S3Client, bucket: string, expected: { bucket: string; region: string }, destination: S3Client, sample: number): Promise<AssetsReplicationFacts> {
  const configuration = await readBucketReplication(source, bucket);
  const versioning = await readBucketVersioning(destination, expected.bucket);
  const objectLock = versioning === undefined ? undefined : await readObjectLock(destination, expected.bucket);
  const listed = await listCurrentObjects(source, bucket, REPLICATION_SCAN_LIMIT);
  const newest = [...listed.objects].sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || a.key.localeCompare(b.key)).slice(0, sample);
  const objects: SampledObject[] = new Array(newest.length);
  await runBounded(
    newest.map((o, i) => ({ o, i })),
    4,
    async ({ o, i }) => {
      const head = await headObject(source, bucket, o.key);
      const facts = head.kind === "version" ? head.facts : undefined;
      objects[i] = { key: o.key, versionId: facts?.versionId, lastModified: o.lastModified, status: facts?.replicationStatus };
    },
  );
  return {
    expected,
    rules: (configuration?.Rules ?? []).map(ruleFacts),
    destination: { versioning, objectLock },
    sample: { objects: objects.filter((o) => o !== undefined), scanned: listed.objects.length, truncated: listed.truncated },
  };
}

export function ruleFacts(rule: ReplicationRule): ReplicationRuleFacts {
  return {
    id: rule.ID,
    enabled: rule.Status === "Enabled",
    destinationBucket: /^arn:[^:]+:s3:::(.+)$/.exec(rule.Destination?.Bucket ?? "")?.[1],
    deleteMarkers: rule.DeleteMarkerReplication?.Status === "Enabled",
    replicaKmsKeyId: rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status === "Enabled" ? rule.Destination?.EncryptionConfiguration?.ReplicaKmsKeyID : undefined,
    timeControl: rule.Destination?.ReplicationTime?.Status === "Enabled",
  };
}

export function instanceFacts(db: DBInstance): InstanceFacts {
  return {
    identifier: db.DBInstanceIdentifier ?? "",
    status: db.DBInstanceStatus ?? "unknown",
    backupRetentionDays: db.BackupRetentionPeriod ?? 0,
    latestRestorableTime: db.LatestRestorableTime,
    deletionProtection: db.DeletionProtection === true,
    copyTagsToSnapshot: db.CopyTagsToSnapshot === true,
    pendingModifications: pendingModifications(db),
    maintenanceWindow: db.PreferredMaintenanceWindow,
  };
}

/** Where DescribeDBInstances keeps the current value of each PendingModifiedValues field it has one for. */
const CURRENT: Record<string, (db: DBInstance) => unknown> = {
  DBInstanceClass: (db) => db.DBInstanceClass,
  AllocatedStorage: (db) => db.AllocatedStorage,
  MultiAZ: (db) => db.MultiAZ,
  EngineVersion: (db) => db.EngineVersion,
  BackupRetentionPeriod: (db) => db.BackupRetentionPeriod,
  Iops: (db) => db.Iops,
  StorageType: (db) => db.StorageType,
  StorageThroughput: (db) => db.StorageThroughput,
  LicenseModel: (db) => db.LicenseModel,
  CACertificateIdentifier: (db) => db.CACertificateIdentifier,
  DBInstanceIdentifier: (db) => db.DBInstanceIdentifier,
  DBSubnetGroupName: (db) => db.DBSubnetGroup?.DBSubnetGroupName,
  IAMDatabaseAuthenticationEnabled: (db) => db.IAMDatabaseAuthenticationEnabled,
  Port: (db) => db.Endpoint?.Port ?? db.DbInstancePort,
  MultiTenant: (db) => db.MultiTenant,
  DedicatedLogVolume: (db) => db.DedicatedLogVolume,
  Engine: (db) => db.Engine,
};

/** PendingModifiedValues as plain rows; a pending master password is named, never shown. Pure. */
export function pendingModifications(db: DBInstance): PendingModification[] {
  const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
  return Object.entries(db.PendingModifiedValues ?? {})
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([setting, value]) => {
      if (setting === "MasterUserPassword") return { setting, current: undefined, pending: "(a new master password)" };
      const current = CURRENT[setting]?.(db);
      return { setting, current: current === undefined ? undefined : text(current), pending: text(value) };
    });
}

export async function bucketFacts(aws: { s3: S3Client; region: string }, bucket: string): Promise<BucketFacts> {
  const versioning = await readBucketVersioning(aws.s3, bucket);
  if (versioning === undefined) {
    throw new UsageError(`Unknown bucket "${bucket}": S3 has no bucket by that name for these credentials; check --bucket (or the stack's assetsBucketName output).`);
  }
  const block = await readPublicAccessBlock(aws.s3, bucket);
  const publicAccessBlock = {
    blockPublicAcls: block?.BlockPublicAcls === true,
    ignorePublicAcls: block?.IgnorePublicAcls === true,
    blockPublicPolicy: block?.BlockPublicPolicy === true,
    restrictPublicBuckets: block?.RestrictPublicBuckets === true,
  };
  const lifecycleRules = (await readLifecycleRules(aws.s3, bucket)).map(lifecycleRuleFacts);
  const objectLock = await readObjectLock(aws.s3, bucket);
  return { name: bucket, versioning, publicAccessBlock, lifecycleRules, ...(objectLock !== undefined ? { objectLock } : {}) };
}

export function lifecycleRuleFacts(rule: LifecycleRule): LifecycleRuleFacts {
  const f = rule.Filter;
  const onlyPrefix = f === undefined || (f.Tag === undefined && f.And === undefined && f.ObjectSizeGreaterThan === undefined && f.ObjectSizeLessThan === undefined);
  return {
    id: rule.ID,
    enabled: rule.Status === "Enabled",
    prefix: onlyPrefix ? (f?.Prefix ?? rule.Prefix ?? "") : undefined,
    noncurrentExpirationDays: rule.NoncurrentVersionExpiration?.NoncurrentDays,
    noncurrentTransitions: rule.NoncurrentVersionTransitions?.length ?? 0,
  };
}
