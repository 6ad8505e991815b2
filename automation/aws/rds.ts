import {
  CopyDBSnapshotCommand,
  CreateDBSnapshotCommand,
  DBInstance,
  DBInstanceAutomatedBackup,
  DBSnapshot,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeDBSnapshotsCommandInput,
  DescribeDBSubnetGroupsCommand,
  RDSClient,
  Tag,
} from "@aws-sdk/client-rds";
import { UsageError } from "../errors";
import { normalizeRdsIdentifier, parseRdsArn } from "../../contracts/aws-names";
import { TagKeys } from "../../contracts/tags";
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
  /** The snapshot's ARN: how a copy in another region is named from anywhere. */
  arn?: string;
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
  /** For a copy of a snapshot of another region: that region (RDS's SourceRegion, else the copy's own tag). */
  copiedFrom?: string;
  tags: Record<string, string>;
}

export function snapshotInfo(s: DBSnapshot): SnapshotInfo {
  const tags = tagMap(s.TagList);
  // RDS names the snapshot a copy was made from only on cross-region (and cross-account)
  // copies; SourceRegion alone may be the snapshot's own region ("created in or copied from").
  const copiedFrom = (s.SourceDBSnapshotIdentifier !== undefined ? (parseRdsArn(s.SourceDBSnapshotIdentifier)?.region ?? s.SourceRegion) : undefined) ?? tags[TagKeys.sourceRegion];
  return {
    identifier: normalizeRdsIdentifier(s.DBSnapshotIdentifier ?? ""),
    ...(s.DBSnapshotArn !== undefined ? { arn: s.DBSnapshotArn } : {}),
    instanceIdentifier: s.DBInstanceIdentifier ?? "",
    type: s.SnapshotType ?? "unknown",
    status: s.Status ?? "unknown",
    createdAt: s.SnapshotCreateTime,
    allocatedStorageGiB: s.AllocatedStorage,
    engine: s.Engine,
    engineVersion: s.EngineVersion,
    encrypted: s.Encrypted === true,
    kmsKeyId: s.KmsKeyId,
    ...(copiedFrom !== undefined && copiedFrom !== "" ? { copiedFrom } : {}),
    tags,
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

const NOT_FOUND = {
  instance: ["DBInstanceNotFound", "DBInstanceNotFoundFault"],
  snapshot: ["DBSnapshotNotFound", "DBSnapshotNotFoundFault"],
  "automated-backup": ["DBInstanceAutomatedBackupNotFound", "DBInstanceAutomatedBackupNotFoundFault"],
  "subnet-group": ["DBSubnetGroupNotFoundFault", "DBSubnetGroupNotFound"],
} as const;

/** Whether an error is RDS saying that the DB instance (snapshot, automated backup, subnet group) does not exist. */
export function isNotFound(error: unknown, what: keyof typeof NOT_FOUND): boolean {
  return isAwsError(error, ...NOT_FOUND[what]);
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
  throw unknownInstance(aws.region, identifier, "no instance");
}

/** The refusal of an identifier RDS knows nothing of in the region (`what` it has none of, e.g. "no instance, snapshot or automated backups"). */
export function unknownInstance(region: string, identifier: string, what: string): UsageError {
  return new UsageError(`Unknown DB instance "${identifier}" in ${region}: RDS has ${what} by that name; check --db-instance (or the stack's databaseIdentifier output) and --region.`);
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
 * An automated backup (DescribeDBInstanceAutomatedBackups) as the decisions see it: the
 * backups of a live instance (`active`), of a deleted one (`retained`), or replicated
 * from another region (`replicating`; `retained` once replication stopped). Plain data.
 */
export interface AutomatedBackupInfo {
  instanceIdentifier: string;
  dbiResourceId: string | undefined;
  status: string;
  /** The region of the instance whose backups these are; another region than the one asked means a replica. */
  sourceRegion: string | undefined;
  instanceArn: string | undefined;
  /** DBInstanceAutomatedBackupsArn: what a restore from replicated backups names. */
  arn: string | undefined;
  engine: string | undefined;
  engineVersion: string | undefined;
  allocatedStorageGiB: number | undefined;
  encrypted: boolean;
  kmsKeyId: string | undefined;
  /** RestoreWindow: the earliest and latest time a point-in-time restore can reach. */
  earliest: Date | undefined;
  latest: Date | undefined;
  instanceCreateTime: Date | undefined;
  retentionDays: number | undefined;
}

export function automatedBackupInfo(b: DBInstanceAutomatedBackup): AutomatedBackupInfo {
  return {
    instanceIdentifier: b.DBInstanceIdentifier ?? "",
    dbiResourceId: b.DbiResourceId,
    status: b.Status ?? "unknown",
    sourceRegion: b.Region,
    instanceArn: b.DBInstanceArn,
    arn: b.DBInstanceAutomatedBackupsArn,
    engine: b.Engine,
    engineVersion: b.EngineVersion,
    allocatedStorageGiB: b.AllocatedStorage,
    encrypted: b.Encrypted === true,
    kmsKeyId: b.KmsKeyId,
    earliest: b.RestoreWindow?.EarliestTime,
    latest: b.RestoreWindow?.LatestTime,
    instanceCreateTime: b.InstanceCreateTime,
    retentionDays: b.BackupRetentionPeriod,
  };
}

/**
 * The automated backups of the region, of one instance identifier or one resource id
 * (all pages). RDS answers NotFound for an identifier or resource id it has no backups
 * of; that is an empty list here.
 */
export async function listAutomatedBackups(aws: RdsReader, filter: { instanceIdentifier?: string; dbiResourceId?: string } = {}): Promise<AutomatedBackupInfo[]> {
  const what = filter.dbiResourceId ?? filter.instanceIdentifier;
  const backups: AutomatedBackupInfo[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await aws.rds.send(
        new DescribeDBInstanceAutomatedBackupsCommand({
          ...(filter.instanceIdentifier !== undefined ? { DBInstanceIdentifier: filter.instanceIdentifier } : {}),
          ...(filter.dbiResourceId !== undefined ? { DbiResourceId: filter.dbiResourceId } : {}),
          MaxRecords: 100,
          ...(marker !== undefined ? { Marker: marker } : {}),
        }),
      );
      backups.push(...(page.DBInstanceAutomatedBackups ?? []).map(automatedBackupInfo));
      marker = page.Marker;
    } while (marker);
  } catch (error) {
    if (isNotFound(error, "automated-backup")) return [];
    return rethrowAws(`read the automated backups${what !== undefined ? ` of ${what}` : ""}`, error);
  }
  return backups;
}

/**
 * The point-in-time window. RDS reports its start on the instance's automated backups
 * (RestoreWindow.EarliestTime); only the instance's own active ones count, not those
 * retained from a deleted instance of the same name. When RDS reports none (older API
 * answers, some emulators) the oldest available automated snapshot is the best lower
 * bound there is. The end is the instance's LatestRestorableTime. Pure: from what RDS
 * answered (the instance's automated backups, its snapshots).
 */
export function windowOf(instance: DBInstance, backups: AutomatedBackupInfo[], snapshots: SnapshotInfo[]): RestoreWindow {
  if ((instance.BackupRetentionPeriod ?? 0) === 0) return { earliest: undefined, latest: undefined, earliestSource: "unknown" };
  const own = ownActiveBackups(instance, backups);
  const latest = instance.LatestRestorableTime;
  const earliestFromRds = own.map((b) => b.earliest).filter((t): t is Date => t instanceof Date);
  if (earliestFromRds.length > 0) {
    return { earliest: new Date(Math.min(...earliestFromRds.map((t) => t.getTime()))), latest, earliestSource: "automated-backups" };
  }
  const automated = snapshots.filter((s) => s.type === "automated" && s.status === "available" && s.createdAt !== undefined).map((s) => s.createdAt!.getTime());
  return automated.length > 0
    ? { earliest: new Date(Math.min(...automated)), latest, earliestSource: "oldest-automated-snapshot" }
    : { earliest: undefined, latest, earliestSource: "unknown" };
}

/** The live instance's own automated backups among `backups` (not a deleted namesake's, nor a replica's). */
export function ownActiveBackups(instance: DBInstance, backups: AutomatedBackupInfo[]): AutomatedBackupInfo[] {
  return backups.filter(
    (b) =>
      (b.status === "active" || b.status === "unknown") &&
      (b.dbiResourceId === undefined || instance.DbiResourceId === undefined || b.dbiResourceId === instance.DbiResourceId),
  );
}

/** A DB subnet group as a restore's placement needs it; undefined when the region has none by that name. */
export async function describeSubnetGroup(aws: RdsReader, name: string): Promise<{ name: string; vpcId: string | undefined; subnetIds: string[] } | undefined> {
  try {
    const result = await aws.rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name }));
    const group = result.DBSubnetGroups?.[0];
    if (group === undefined) return undefined;
    return { name: group.DBSubnetGroupName ?? name, vpcId: group.VpcId, subnetIds: (group.Subnets ?? []).map((s) => s.SubnetIdentifier ?? "").filter((s) => s !== "") };
  } catch (error) {
    if (isNotFound(error, "subnet-group")) return undefined;
    return rethrowAws(`read DB subnet group ${name}`, error);
  }
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

/**
 * Copies a snapshot into the region of `aws` (the destination), with exactly these tags.
 * The source is named by ARN, from which the SDK signs the request RDS makes in the
 * source's region (PreSignedUrl); a KMS key of the destination region encrypts the copy
 * (required for an encrypted source, whose key does not exist there).
 */
export async function startSnapshotCopy(aws: RdsReader, copy: { sourceArn: string; targetIdentifier: string; kmsKeyId?: string; tags: Record<string, string> }): Promise<SnapshotInfo> {
  const created = await callAws(`copy DB snapshot ${copy.sourceArn} to ${copy.targetIdentifier}`, () =>
    aws.rds.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: copy.sourceArn,
        TargetDBSnapshotIdentifier: copy.targetIdentifier,
        ...(copy.kmsKeyId !== undefined ? { KmsKeyId: copy.kmsKeyId } : {}),
        Tags: Object.entries(copy.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
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
