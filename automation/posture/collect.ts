import { DBInstance } from "@aws-sdk/client-rds";
import { LifecycleRule, S3Client } from "@aws-sdk/client-s3";
import { readBucketVersioning, readLifecycleRules, readPublicAccessBlock } from "../aws/s3";
import { findSnapshotIn, listAutomatedBackups, listInstanceSnapshots, RdsTarget, requireInstance } from "../aws/rds";
import { UsageError } from "../errors";
import { BucketFacts, InstanceFacts, LifecycleRuleFacts, PostureFacts } from "./facts";

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
  target: { dbInstanceIdentifier: string; bucketName: string | undefined; declaredManualSnapshots: string[]; backupReplicationRegion?: string | undefined; snapshotCopyRegions?: string[] },
  awsIn: (region: string) => RdsTarget = () => aws,
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
  return { instance, snapshots, declared, bucket, region: aws.region, automatedBackups, replication, copies };
}

export function instanceFacts(db: DBInstance): InstanceFacts {
  return {
    identifier: db.DBInstanceIdentifier ?? "",
    status: db.DBInstanceStatus ?? "unknown",
    backupRetentionDays: db.BackupRetentionPeriod ?? 0,
    latestRestorableTime: db.LatestRestorableTime,
    deletionProtection: db.DeletionProtection === true,
    copyTagsToSnapshot: db.CopyTagsToSnapshot === true,
  };
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
  return { name: bucket, versioning, publicAccessBlock, lifecycleRules };
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
