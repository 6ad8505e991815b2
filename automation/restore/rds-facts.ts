import {
  DBInstance,
  DBSnapshot,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { UsageError } from "../errors";
import { RecoveryFacts, RecoveryRequest, SnapshotFact } from "./recovery-point";

/**
 * Read-only RDS look-ups behind the recovery-point choice and the verification. Only
 * Describe* calls: nothing here may write to the primary instance or its snapshots.
 */

/** What RDS says about one instance, in the shape the decisions use. */
export interface InstanceFacts {
  identifier: string;
  arn: string | undefined;
  status: string;
  engine: string;
  engineVersion: string;
  instanceClass: string | undefined;
  multiAz: boolean;
  allocatedStorageGiB: number;
  backupRetentionDays: number;
  subnetGroupName: string | undefined;
  securityGroupIds: string[];
  address: string | undefined;
  port: number | undefined;
  deletionProtection: boolean;
  latestRestorableTime: Date | undefined;
  tags: Record<string, string>;
}

export function instanceFacts(instance: DBInstance): InstanceFacts {
  return {
    identifier: instance.DBInstanceIdentifier ?? "",
    arn: instance.DBInstanceArn,
    status: instance.DBInstanceStatus ?? "unknown",
    engine: instance.Engine ?? "",
    engineVersion: instance.EngineVersion ?? "",
    instanceClass: instance.DBInstanceClass,
    multiAz: instance.MultiAZ ?? false,
    allocatedStorageGiB: instance.AllocatedStorage ?? 0,
    backupRetentionDays: instance.BackupRetentionPeriod ?? 0,
    subnetGroupName: instance.DBSubnetGroup?.DBSubnetGroupName,
    securityGroupIds: (instance.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? "").filter((g) => g !== ""),
    address: instance.Endpoint?.Address,
    port: instance.Endpoint?.Port,
    deletionProtection: instance.DeletionProtection ?? false,
    latestRestorableTime: instance.LatestRestorableTime,
    tags: Object.fromEntries((instance.TagList ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
  };
}

function isNotFound(error: unknown, name: string): boolean {
  return error instanceof Error && (error.name === name || (error as { Code?: string }).Code === name);
}

/** The instance, or undefined when RDS has none by that identifier. */
export async function describeInstance(rds: RDSClient, identifier: string): Promise<InstanceFacts | undefined> {
  try {
    const result = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    const instance = result.DBInstances?.[0];
    return instance === undefined ? undefined : instanceFacts(instance);
  } catch (error) {
    if (isNotFound(error, "DBInstanceNotFoundFault") || isNotFound(error, "DBInstanceNotFound")) return undefined;
    throw error;
  }
}

/** The source instance; a UsageError naming it when it does not exist. */
export async function requireInstance(rds: RDSClient, identifier: string): Promise<InstanceFacts> {
  const instance = await describeInstance(rds, identifier);
  if (instance === undefined) {
    throw new UsageError(`DB instance ${identifier} does not exist in this account and region; check --stack / --db-instance and --region.`);
  }
  return instance;
}

export function snapshotFact(snapshot: DBSnapshot): SnapshotFact {
  return {
    identifier: snapshot.DBSnapshotIdentifier ?? "",
    instanceIdentifier: snapshot.DBInstanceIdentifier,
    type: snapshot.SnapshotType ?? "unknown",
    status: snapshot.Status ?? "unknown",
    engine: snapshot.Engine,
    engineVersion: snapshot.EngineVersion,
    createdAt: snapshot.SnapshotCreateTime,
    allocatedStorageGiB: snapshot.AllocatedStorage,
  };
}

/** Every manual and automated snapshot of an instance (all pages). */
export async function listSnapshots(rds: RDSClient, instanceIdentifier: string): Promise<SnapshotFact[]> {
  const facts: SnapshotFact[] = [];
  let marker: string | undefined;
  do {
    const page = await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instanceIdentifier, Marker: marker, MaxRecords: 100 }));
    for (const s of page.DBSnapshots ?? []) facts.push(snapshotFact(s));
    marker = page.Marker;
  } while (marker);
  return facts;
}

/** One snapshot by identifier, whatever instance it belongs to; null when there is none. */
export async function findSnapshot(rds: RDSClient, snapshotIdentifier: string): Promise<SnapshotFact | null> {
  try {
    const result = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotIdentifier }));
    const snapshot = result.DBSnapshots?.[0];
    return snapshot === undefined ? null : snapshotFact(snapshot);
  } catch (error) {
    if (isNotFound(error, "DBSnapshotNotFoundFault") || isNotFound(error, "DBSnapshotNotFound")) return null;
    throw error;
  }
}

/**
 * The start of the point-in-time window. RDS reports it on the instance's automated
 * backups (RestoreWindow.EarliestTime); when that is missing (older API answers, some
 * emulators) the oldest automated snapshot is the best lower bound we have.
 */
export async function earliestRestorableTime(rds: RDSClient, instanceIdentifier: string, snapshots: SnapshotFact[]): Promise<Date | undefined> {
  const result = await rds.send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: instanceIdentifier }));
  const reported = (result.DBInstanceAutomatedBackups ?? [])
    .filter((b) => b.Status === undefined || b.Status === "active")
    .map((b) => b.RestoreWindow?.EarliestTime)
    .filter((t): t is Date => t instanceof Date)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  if (reported !== undefined) return reported;
  const automated = snapshots
    .filter((s) => s.type === "automated" && s.status === "available" && s.createdAt !== undefined)
    .map((s) => s.createdAt!)
    .sort((a, b) => a.getTime() - b.getTime());
  return automated[0];
}

/** Everything chooseRecoveryPoint needs, read from RDS (Describe* only). */
export async function gatherRecoveryFacts(
  rds: RDSClient,
  source: InstanceFacts,
  request: RecoveryRequest,
): Promise<RecoveryFacts> {
  const snapshots = await listSnapshots(rds, source.identifier);
  const needsWindow = request.kind === "time" || request.kind === "latest-restorable" || request.kind === "random-within";
  const earliest = needsWindow && source.backupRetentionDays > 0 ? await earliestRestorableTime(rds, source.identifier, snapshots) : undefined;
  const facts: RecoveryFacts = {
    source: {
      identifier: source.identifier,
      engine: source.engine,
      engineVersion: source.engineVersion,
      allocatedStorageGiB: source.allocatedStorageGiB,
      earliestRestorableTime: earliest,
      latestRestorableTime: source.backupRetentionDays > 0 ? source.latestRestorableTime : undefined,
    },
    snapshots,
  };
  if (request.kind === "snapshot") {
    facts.requestedSnapshot = snapshots.find((s) => s.identifier === request.snapshotIdentifier) ?? (await findSnapshot(rds, request.snapshotIdentifier));
  }
  return facts;
}
