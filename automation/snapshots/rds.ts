import {
  CreateDBSnapshotCommand,
  DBInstance,
  DeleteDBSnapshotCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeDBSnapshotsCommandInput,
  RDSClient,
  Tag,
} from "@aws-sdk/client-rds";
import { callAws, isAwsError, rethrowAws } from "../aws/errors";
import { OperationError, UsageError } from "../errors";
import { createdByTool, RestoreWindow, SnapshotInfo, snapshotInfo } from "./model";
import { CREATED_BY_TAG_KEY, CREATED_BY_TAG_VALUE } from "./naming";

/**
 * The RDS calls behind `snapshots` and `check`: thin, each wrapped so that a failure
 * reads as one sentence. The decisions made with what they return live in the pure
 * modules beside this one.
 */
export interface RdsTarget {
  rds: RDSClient;
  region: string;
}

/** The instance, or a UsageError (exit 2) when the identifier names none in this region. */
export async function describeInstance(aws: RdsTarget, identifier: string): Promise<DBInstance> {
  try {
    const result = await aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    const instance = result.DBInstances?.[0];
    if (instance !== undefined) return instance;
  } catch (error) {
    if (!isAwsError(error, "DBInstanceNotFound", "DBInstanceNotFoundFault")) rethrowAws(`read DB instance ${identifier}`, error);
  }
  throw new UsageError(
    `Unknown DB instance "${identifier}" in ${aws.region}: RDS has no instance by that name; check --db-instance (or the stack's databaseIdentifier output) and --region.`,
  );
}

async function describeSnapshots(aws: RdsTarget, what: string, input: DescribeDBSnapshotsCommandInput): Promise<SnapshotInfo[]> {
  const snapshots: SnapshotInfo[] = [];
  let marker: string | undefined;
  do {
    const page = await callAws(`list ${what}`, () =>
      aws.rds.send(new DescribeDBSnapshotsCommand({ ...input, MaxRecords: 100, ...(marker !== undefined ? { Marker: marker } : {}) })),
    );
    snapshots.push(...(page.DBSnapshots ?? []).map(snapshotInfo));
    marker = page.Marker;
  } while (marker);
  return snapshots;
}

/** Every automated and manual snapshot of the instance, in the order RDS returns them. */
export function listInstanceSnapshots(aws: RdsTarget, instanceIdentifier: string): Promise<SnapshotInfo[]> {
  return describeSnapshots(aws, `the snapshots of DB instance ${instanceIdentifier}`, { DBInstanceIdentifier: instanceIdentifier });
}

/** How many manual DB snapshots the region holds (the quota of 100 counts them all, whatever the instance). */
export async function countRegionManualSnapshots(aws: RdsTarget): Promise<number> {
  return (await describeSnapshots(aws, `the manual DB snapshots of ${aws.region}`, { SnapshotType: "manual" })).length;
}

/** The snapshot with this identifier, or undefined when there is none. */
export async function findSnapshot(aws: RdsTarget, identifier: string): Promise<SnapshotInfo | undefined> {
  try {
    const result = await aws.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }));
    const found = result.DBSnapshots?.[0];
    return found === undefined ? undefined : snapshotInfo(found);
  } catch (error) {
    if (isAwsError(error, "DBSnapshotNotFound", "DBSnapshotNotFoundFault")) return undefined;
    return rethrowAws(`read DB snapshot ${identifier}`, error);
  }
}

export async function restoreWindow(aws: RdsTarget, instance: DBInstance, snapshots: SnapshotInfo[]): Promise<RestoreWindow> {
  const identifier = instance.DBInstanceIdentifier!;
  if ((instance.BackupRetentionPeriod ?? 0) === 0) return { earliest: undefined, latest: undefined, earliestSource: "unknown" };
  const backups = await callAws(`read the automated backups of DB instance ${identifier}`, () =>
    aws.rds.send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: identifier })),
  );
  const own = (backups.DBInstanceAutomatedBackups ?? []).filter(
    (b) => b.DbiResourceId === undefined || instance.DbiResourceId === undefined || b.DbiResourceId === instance.DbiResourceId,
  );
  const earliestFromRds = own.map((b) => b.RestoreWindow?.EarliestTime).filter((t): t is Date => t !== undefined);
  if (earliestFromRds.length > 0) {
    return { earliest: new Date(Math.min(...earliestFromRds.map((t) => t.getTime()))), latest: instance.LatestRestorableTime, earliestSource: "automated-backups" };
  }
  const automated = snapshots.filter((s) => s.type === "automated" && s.createdAt !== undefined).map((s) => s.createdAt!.getTime());
  return automated.length > 0
    ? { earliest: new Date(Math.min(...automated)), latest: instance.LatestRestorableTime, earliestSource: "oldest-automated-snapshot" }
    : { earliest: undefined, latest: instance.LatestRestorableTime, earliestSource: "unknown" };
}

/**
 * Starts a manual snapshot tagged `created-by=gametracker-dr`. Passing tags stops RDS
 * from copying the instance's own tags, so when the instance asks for that
 * (CopyTagsToSnapshot) they are copied here.
 */
export async function startSnapshot(aws: RdsTarget, instance: DBInstance, identifier: string): Promise<SnapshotInfo> {
  const tags: Tag[] = (instance.CopyTagsToSnapshot ? (instance.TagList ?? []) : []).filter((t) => t.Key !== CREATED_BY_TAG_KEY);
  tags.push({ Key: CREATED_BY_TAG_KEY, Value: CREATED_BY_TAG_VALUE });
  const created = await callAws(`create DB snapshot ${identifier} of instance ${instance.DBInstanceIdentifier}`, () =>
    aws.rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: instance.DBInstanceIdentifier!, DBSnapshotIdentifier: identifier, Tags: tags })),
  );
  return snapshotInfo(created.DBSnapshot!);
}

/**
 * Deletes a manual snapshot this tool created, and nothing else: the guard repeats the
 * prune plan's rules so that no future caller can delete an automated or hand-made
 * snapshot by mistake. Returns false when the snapshot was already gone.
 */
export async function deleteToolSnapshot(aws: RdsTarget, snapshot: SnapshotInfo): Promise<boolean> {
  if (snapshot.type !== "manual" || !createdByTool(snapshot)) {
    throw new OperationError(
      `Refusing to delete DB snapshot ${snapshot.identifier}: it is ${snapshot.type !== "manual" ? `an ${snapshot.type} snapshot` : "not tagged created-by=gametracker-dr"}; this tool only deletes manual snapshots it created.`,
    );
  }
  try {
    await aws.rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: snapshot.identifier }));
    return true;
  } catch (error) {
    if (isAwsError(error, "DBSnapshotNotFound", "DBSnapshotNotFoundFault")) return false;
    return rethrowAws(`delete DB snapshot ${snapshot.identifier}`, error);
  }
}
