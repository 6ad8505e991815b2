import { DBInstance, RDSClient } from "@aws-sdk/client-rds";
import { describeInstance, findSnapshotIn, listInstanceSnapshots, restoreWindow, tagMap } from "../aws/rds";
import { RecoveryFacts, RecoveryRequest } from "./recovery-point";

/**
 * What restore and drill read from RDS, through the shared reads of aws/rds.ts: only
 * Describe* calls, so nothing here may write to the primary instance or its snapshots.
 */

/** An instance as the restore decisions (placement, target conflict, verification) see it. */
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
    tags: tagMap(instance.TagList),
  };
}

/** The instance's facts, or undefined when RDS has none by that identifier. */
export async function describeInstanceFacts(rds: RDSClient, identifier: string): Promise<InstanceFacts | undefined> {
  const instance = await describeInstance({ rds }, identifier);
  return instance === undefined ? undefined : instanceFacts(instance);
}

/** Everything chooseRecoveryPoint needs, read from RDS (Describe* only). */
export async function gatherRecoveryFacts(rds: RDSClient, instance: DBInstance, request: RecoveryRequest): Promise<RecoveryFacts> {
  const aws = { rds };
  const source = instanceFacts(instance);
  const snapshots = await listInstanceSnapshots(aws, source.identifier);
  // Only a point-in-time request needs the window's start, which costs another call.
  const needsWindow = request.kind === "time" || request.kind === "latest-restorable" || request.kind === "random-within";
  const window = needsWindow ? await restoreWindow(aws, instance, snapshots) : undefined;
  const facts: RecoveryFacts = {
    source: {
      identifier: source.identifier,
      engine: source.engine,
      engineVersion: source.engineVersion,
      allocatedStorageGiB: source.allocatedStorageGiB,
      storageEncrypted: instance.StorageEncrypted === true,
      kmsKeyId: instance.KmsKeyId,
      earliestRestorableTime: window?.earliest,
      latestRestorableTime: source.backupRetentionDays > 0 ? source.latestRestorableTime : undefined,
    },
    snapshots,
  };
  if (request.kind === "snapshot") {
    facts.requestedSnapshot = (await findSnapshotIn(aws, snapshots, request.snapshotIdentifier)) ?? null;
  }
  return facts;
}
