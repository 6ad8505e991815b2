import { DBInstance, RDSClient } from "@aws-sdk/client-rds";
import { describeInstance, findSnapshotIn, listAutomatedBackups, listInstanceSnapshots, RestoreWindow, tagMap, windowOf } from "../aws/rds";
import { RecoveryFacts, SourceFacts } from "./recovery-point";
import type { RecoveryRequest } from "./recovery-request";

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

/** What gatherRecoveryFacts reads for: the region, the environment's identifier, its live primary (if any) and the request. */
export interface RecoveryFactsInput {
  region: string;
  instanceIdentifier: string;
  /** The live primary, already read; undefined when it is gone or the environment owns none here. */
  primary: DBInstance | undefined;
  expectedEngine: string | undefined;
  request: RecoveryRequest;
}

/**
 * Everything chooseRecoveryPoint needs, read from RDS in the restore's region (Describe*
 * only): the identifier's snapshots (copies keep it), its automated backups (the live
 * primary's window, retained ones of deleted instances, replicated ones), and what a
 * `snapshot:` or `retained:` request names.
 */
export async function gatherRecoveryFacts(rds: RDSClient, input: RecoveryFactsInput): Promise<RecoveryFacts> {
  const aws = { rds };
  const { request, primary } = input;
  const snapshots = await listInstanceSnapshots(aws, input.instanceIdentifier);
  // A snapshot request of a live primary needs no backups; every other request may.
  const needsBackups = request.kind !== "snapshot" || primary === undefined;
  const backups = needsBackups ? await listAutomatedBackups(aws, { instanceIdentifier: input.instanceIdentifier }) : [];
  const facts: RecoveryFacts = {
    region: input.region,
    instanceIdentifier: input.instanceIdentifier,
    expectedEngine: input.expectedEngine,
    primary: primary === undefined ? undefined : sourceFacts(primary, windowOf(primary, backups, snapshots)),
    backups,
    snapshots,
  };
  if (request.kind === "snapshot") {
    facts.requestedSnapshot = (await findSnapshotIn(aws, snapshots, request.snapshotIdentifier)) ?? null;
  }
  if (request.kind === "retained") {
    const known = backups.find((b) => b.dbiResourceId === request.dbiResourceId);
    facts.requestedBackup = known ?? (await listAutomatedBackups(aws, { dbiResourceId: request.dbiResourceId }))[0] ?? null;
  }
  return facts;
}

/** A live primary as the choice sees it. Pure. */
export function sourceFacts(instance: DBInstance, window: RestoreWindow): SourceFacts {
  const facts = instanceFacts(instance);
  return {
    identifier: facts.identifier,
    engine: facts.engine,
    engineVersion: facts.engineVersion,
    allocatedStorageGiB: facts.allocatedStorageGiB,
    storageEncrypted: instance.StorageEncrypted === true,
    kmsKeyId: instance.KmsKeyId,
    earliestRestorableTime: window.earliest,
    latestRestorableTime: facts.backupRetentionDays > 0 ? window.latest : undefined,
  };
}
