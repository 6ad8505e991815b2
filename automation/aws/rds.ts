import {
  CreateDBSnapshotCommand,
  DBInstance,
  DBSnapshot,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeDBSnapshotsCommandInput,
  RDSClient,
  Tag,
} from "@aws-sdk/client-rds";
import { UsageError } from "../errors";
import { normalizeRdsIdentifier } from "../../contracts/aws-names";
import { callAws, isAwsError, rethrowAws } from "./errors";

/**
 * The one edge to RDS. Every RDS call of the driver is here: the reads every command
 * shares (snapshots, check, restore, drill, cutover, cleanup) and the few writes
 * (`snapshots create`/`prune`, cleanup of drill instances), each failure turned into one
 * sentence by callAws/rethrowAws, a missing instance or snapshot answered as undefined,
 * and one model of a DB snapshot. What each command decides with them lives in its own
 * pure modules; this file decides nothing.
 */
export interface RdsReader {
  rds: RDSClient;
}

export interface RdsTarget extends RdsReader {
  region: string;
}

/**
 * A DB snapshot as the decisions (list, prune, check, recovery point) see it: plain data,
 * so the pure functions can be tested with literal values and fixed times.
 */
export interface SnapshotInfo {
  identifier: string;
  instanceIdentifier: string;
  /** `automated` or `manual` (RDS also knows `shared`, `public`, `awsbackup`; kept as given). */
  type: string;
  status: string;
  /** When RDS started the snapshot; undefined while it is being created. */
  createdAt: Date | undefined;
  allocatedStorageGiB: number | undefined;
  engine: string | undefined;
  engineVersion: string | undefined;
  /** Whether the snapshot's storage is encrypted; an instance restored from it is too, with the same key. */
  encrypted: boolean;
  kmsKeyId: string | undefined;
  tags: Record<string, string>;
}

export function snapshotInfo(s: DBSnapshot): SnapshotInfo {
  return {
    identifier: normalizeRdsIdentifier(s.DBSnapshotIdentifier ?? ""),
    instanceIdentifier: s.DBInstanceIdentifier ?? "",
    type: s.SnapshotType ?? "unknown",
    status: s.Status ?? "unknown",
    createdAt: s.SnapshotCreateTime,
    allocatedStorageGiB: s.AllocatedStorage,
    engine: s.Engine,
    engineVersion: s.EngineVersion,
    encrypted: s.Encrypted === true,
    kmsKeyId: s.KmsKeyId,
    tags: tagMap(s.TagList),
  };
}

/** An RDS tag list as a plain record (tags without a key dropped). */
export function tagMap(tags: Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""]));
}

/** The point-in-time restore window of an instance, as far as RDS tells it. */
export interface RestoreWindow {
  earliest: Date | undefined;
  latest: Date | undefined;
  /** Where `earliest` came from: RDS's automated-backups RestoreWindow, or (when RDS gives none) the oldest automated snapshot. */
  earliestSource: "automated-backups" | "oldest-automated-snapshot" | "unknown";
}

/** Whether an error is RDS saying that the DB instance (or snapshot) does not exist. */
export function isNotFound(error: unknown, what: "instance" | "snapshot"): boolean {
  return what === "instance"
    ? isAwsError(error, "DBInstanceNotFound", "DBInstanceNotFoundFault")
    : isAwsError(error, "DBSnapshotNotFound", "DBSnapshotNotFoundFault");
}

/** The instance, or undefined when RDS has none by that identifier. */
export async function describeInstance(aws: RdsReader, identifier: string): Promise<DBInstance | undefined> {
  try {
    const result = await aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    return result.DBInstances?.[0];
  } catch (error) {
    if (isNotFound(error, "instance")) return undefined;
    return rethrowAws(`read DB instance ${identifier}`, error);
  }
}

/**
 * The instance, or a UsageError (exit 2) when the identifier names none in this region:
 * the refusal of every command that is given an instance to act on.
 */
export async function requireInstance(aws: RdsTarget, identifier: string): Promise<DBInstance> {
  const instance = await describeInstance(aws, identifier);
  if (instance !== undefined) return instance;
  throw new UsageError(
    `Unknown DB instance "${identifier}" in ${aws.region}: RDS has no instance by that name; check --db-instance (or the stack's databaseIdentifier output) and --region.`,
  );
}

async function describeSnapshots(aws: RdsReader, what: string, input: DescribeDBSnapshotsCommandInput): Promise<SnapshotInfo[]> {
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

/** Every automated and manual snapshot of the instance (all pages), in the order RDS returns them. */
export function listInstanceSnapshots(aws: RdsReader, instanceIdentifier: string): Promise<SnapshotInfo[]> {
  return describeSnapshots(aws, `the snapshots of DB instance ${instanceIdentifier}`, { DBInstanceIdentifier: instanceIdentifier });
}

/** How many manual DB snapshots the region holds (the quota of 100 counts them all, whatever the instance). */
export async function countRegionManualSnapshots(aws: RdsTarget): Promise<number> {
  return (await describeSnapshots(aws, `the manual DB snapshots of ${aws.region}`, { SnapshotType: "manual" })).length;
}

/** The snapshot with this identifier, whatever instance it belongs to; undefined when there is none. */
export async function findSnapshot(aws: RdsReader, identifier: string): Promise<SnapshotInfo | undefined> {
  try {
    const result = await aws.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }));
    const found = result.DBSnapshots?.[0];
    return found === undefined ? undefined : snapshotInfo(found);
  } catch (error) {
    if (isNotFound(error, "snapshot")) return undefined;
    return rethrowAws(`read DB snapshot ${identifier}`, error);
  }
}

/**
 * The snapshot with this identifier: from `listed` (an instance's snapshots, already read)
 * when it is there, else looked up in RDS, since it may belong to another instance.
 */
export async function findSnapshotIn(aws: RdsReader, listed: SnapshotInfo[], identifier: string): Promise<SnapshotInfo | undefined> {
  const normalized = normalizeRdsIdentifier(identifier);
  return listed.find((s) => s.identifier === normalized) ?? (await findSnapshot(aws, identifier));
}

/**
 * The point-in-time window. RDS reports its start on the instance's automated backups
 * (RestoreWindow.EarliestTime); only the instance's own active ones count, not those
 * retained from a deleted instance of the same name. When RDS reports none (older API
 * answers, some emulators) the oldest available automated snapshot is the best lower
 * bound there is. The end is the instance's LatestRestorableTime.
 */
export async function restoreWindow(aws: RdsReader, instance: DBInstance, snapshots: SnapshotInfo[]): Promise<RestoreWindow> {
  const identifier = instance.DBInstanceIdentifier!;
  if ((instance.BackupRetentionPeriod ?? 0) === 0) return { earliest: undefined, latest: undefined, earliestSource: "unknown" };
  const backups = await callAws(`read the automated backups of DB instance ${identifier}`, () =>
    aws.rds.send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: identifier })),
  );
  const own = (backups.DBInstanceAutomatedBackups ?? []).filter(
    (b) =>
      (b.Status === undefined || b.Status === "active") &&
      (b.DbiResourceId === undefined || instance.DbiResourceId === undefined || b.DbiResourceId === instance.DbiResourceId),
  );
  const latest = instance.LatestRestorableTime;
  const earliestFromRds = own.map((b) => b.RestoreWindow?.EarliestTime).filter((t): t is Date => t instanceof Date);
  if (earliestFromRds.length > 0) {
    return { earliest: new Date(Math.min(...earliestFromRds.map((t) => t.getTime()))), latest, earliestSource: "automated-backups" };
  }
  const automated = snapshots.filter((s) => s.type === "automated" && s.status === "available" && s.createdAt !== undefined).map((s) => s.createdAt!.getTime());
  return automated.length > 0
    ? { earliest: new Date(Math.min(...automated)), latest, earliestSource: "oldest-automated-snapshot" }
    : { earliest: undefined, latest, earliestSource: "unknown" };
}

/** Every DB instance of the region (all pages). */
export async function listInstances(aws: RdsReader): Promise<DBInstance[]> {
  const instances: DBInstance[] = [];
  let marker: string | undefined;
  do {
    const page = await callAws("list the DB instances", () => aws.rds.send(new DescribeDBInstancesCommand(marker !== undefined ? { Marker: marker } : {})));
    instances.push(...(page.DBInstances ?? []));
    marker = page.Marker;
  } while (marker);
  return instances;
}

// ---------------------------------------------------------------------------------------
// Writes. Callers decide what may be written (snapshots/, cleanup/); these only call.

/** Starts a manual DB snapshot with exactly these tags (passing tags stops RDS copying the instance's own). */
export async function startSnapshot(aws: RdsReader, instanceIdentifier: string, identifier: string, tags: Record<string, string>): Promise<SnapshotInfo> {
  const created = await callAws(`create DB snapshot ${identifier} of instance ${instanceIdentifier}`, () =>
    aws.rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: instanceIdentifier, DBSnapshotIdentifier: identifier, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }),
    ),
  );
  return snapshotInfo(created.DBSnapshot!);
}

/** Deletes a DB snapshot; false when it was already gone. */
export async function deleteSnapshot(aws: RdsReader, identifier: string): Promise<boolean> {
  try {
    await aws.rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: identifier }));
    return true;
  } catch (error) {
    if (isNotFound(error, "snapshot")) return false;
    return rethrowAws(`delete DB snapshot ${identifier}`, error);
  }
}

/** Deletes a disposable instance without a final snapshot, its automated backups with it; false when it was already gone. */
export async function deleteDisposableInstance(aws: RdsReader, identifier: string): Promise<boolean> {
  try {
    await aws.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: identifier, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }));
    return true;
  } catch (error) {
    if (isNotFound(error, "instance")) return false;
    return rethrowAws(`delete DB instance ${identifier}`, error);
  }
}
