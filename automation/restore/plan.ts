import { EC2Client } from "@aws-sdk/client-ec2";
import { RDSClient } from "@aws-sdk/client-rds";
import { DeployedEnvironment } from "../deployed-environment";
import { UsageError } from "../errors";
import { describeInstance, describeSubnetGroup } from "../aws/rds";
import { securityGroupVpcs } from "../aws/ec2";
import { instanceClassProblem } from "../../contracts/aws-names";
import { RestorePurpose, TagKeys } from "../../contracts/tags";
import { chooseRecoveryPoint } from "./recovery-choice";
import { isSqlServerEngine } from "./recovery-point";
import type { RecoveryRequest } from "./recovery-request";
import { describeInstanceFacts, gatherRecoveryFacts, InstanceFacts, instanceFacts } from "./rds-facts";
import { RestoreSpec } from "./spec";
import { capitalise } from "../../contracts/text";

/**
 * Everything a restore needs decided before anything is created: the recovery point,
 * where the instance goes, what it is called. Reads AWS (Describe* only) and refuses
 * bad input with a UsageError; creates nothing.
 */
export interface PlanInput {
  rds: RDSClient;
  /** EC2 in `region`: the security groups the restore is placed on must exist there. */
  ec2: EC2Client;
  /** The region `rds` reads; the restore happens there. */
  region: string;
  environment: DeployedEnvironment & { stack: string };
  request: RecoveryRequest;
  purpose: RestorePurpose;
  targetIdentifier: string;
  drillId?: string;
  instanceClass?: string;
  now: Date;
  random: () => number;
}

export function parseInstanceClass(value: string): string {
  if (instanceClassProblem(value) !== undefined) {
    throw new UsageError(`--instance-class ${JSON.stringify(value)} is not an RDS instance class; use the db.<family>.<size> form, e.g. db.t3.small or db.m5.large.`);
  }
  return value;
}

export interface Placement {
  dbSubnetGroupName: string;
  securityGroupIds: string[];
}

/**
 * The restored instance's subnet group and security groups: the environment's, else the
 * live source instance's. A standby stack, and a primary that is gone, leave only the
 * environment's outputs. Pure.
 */
export function placement(environment: DeployedEnvironment, source: InstanceFacts | undefined): Placement {
  const dbSubnetGroupName = environment.dbSubnetGroupName ?? source?.subnetGroupName;
  const securityGroupIds = environment.dbSecurityGroupIds.length > 0 ? environment.dbSecurityGroupIds : (source?.securityGroupIds ?? []);
  const instead = source === undefined ? "no live source instance reports one" : `${source.identifier} reports none`;
  if (dbSubnetGroupName === undefined) {
    throw new UsageError(
      `No DB subnet group is known for the restore: stack ${environment.stack ?? "(none)"} has no dbSubnetGroupName output and ${instead}; deploy the environment stack (pulumi up) so RDS does not fall back to the default VPC.`,
    );
  }
  if (securityGroupIds.length === 0) {
    throw new UsageError(
      `No security group is known for the restore: stack ${environment.stack ?? "(none)"} has no dbSecurityGroupId output and ${instead}; deploy the environment stack (pulumi up) so RDS does not fall back to the default security group.`,
    );
  }
  return { dbSubnetGroupName, securityGroupIds };
}

/** What the restore's region has of a placement: the subnet group's VPC, and each security group's. */
export interface PlacementFacts {
  subnetGroup: { vpcId: string | undefined } | undefined;
  securityGroups: Map<string, string | undefined>;
}

/**
 * Why the restore's region cannot take a placement, or undefined: RDS needs the subnet
 * group and every security group to exist there, in one VPC — else it refuses half-way
 * through, or (with none given) lands on the default VPC. Pure.
 */
export function placementProblem(region: string, environment: string, where: Placement, facts: PlacementFacts): string | undefined {
  const fix = `deploy stack ${environment} in ${region} (pulumi up -s ${environment}) so its network exists there, or restore with the stack of the region the source is in`;
  if (facts.subnetGroup === undefined) {
    return `DB subnet group ${where.dbSubnetGroupName} (stack ${environment}'s) does not exist in ${region}, where this restore runs; ${fix}.`;
  }
  const missing = where.securityGroupIds.filter((id) => !facts.securityGroups.has(id));
  if (missing.length > 0) {
    return `Security group${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (stack ${environment}'s) ${missing.length > 1 ? "do" : "does"} not exist in ${region}, where this restore runs; ${fix}.`;
  }
  const vpc = facts.subnetGroup.vpcId;
  const elsewhere = where.securityGroupIds.filter((id) => vpc !== undefined && facts.securityGroups.get(id) !== undefined && facts.securityGroups.get(id) !== vpc);
  if (elsewhere.length > 0) {
    return `Security group ${elsewhere.join(", ")} is in ${facts.securityGroups.get(elsewhere[0]!)}, but DB subnet group ${where.dbSubnetGroupName} is in ${vpc}; RDS places an instance in one VPC, so redeploy stack ${environment} (pulumi up -s ${environment}) to bring its outputs in line.`;
  }
  return undefined;
}

/** Refuses a target identifier that another instance already uses (the drill's own resumed instance is fine). */
export function targetConflict(existing: InstanceFacts | undefined, targetIdentifier: string, ownDrillId: string | undefined): string | undefined {
  if (existing === undefined) return undefined;
  if (ownDrillId !== undefined && existing.tags[TagKeys.drillId] === ownDrillId) return undefined;
  return `DB instance ${targetIdentifier} already exists (status ${existing.status}); pass another --target-id, or delete or cut over to the existing one first.`;
}

/**
 * A restore stays in its environment's region: the environment's subnet group and
 * security groups exist only there, and RDS would put an instance restored elsewhere on
 * that region's defaults. Pure.
 */
export function regionConflict(environment: DeployedEnvironment, region: string): string | undefined {
  if (environment.region === undefined || environment.region === region) return undefined;
  return `Environment ${environment.stack ?? environment.dbInstanceIdentifier} is deployed in ${environment.region} (its awsRegion output), but this restore would run in ${region}; pass --region ${environment.region} or leave --region out, because the environment's subnet group and security groups exist only in ${environment.region}.`;
}

/**
 * Where the request's source lives, when the request itself says so: a snapshot ARN's
 * region, or the region of the replicated backups. Undefined: the restore's own region. Pure.
 */
export function requestRegion(environment: DeployedEnvironment, request: RecoveryRequest, region: string): string | undefined {
  if (request.kind === "snapshot") return request.arn?.region;
  if (request.kind === "replica") return environment.role === "standby" ? region : environment.backupReplicationRegion;
  return undefined;
}

/**
 * A restore runs in its source's region, on the environment's network there: a source in
 * another region than the environment's is refused with where to restore it instead
 * (the standby stack of that region). Pure.
 */
export function sourceRegionConflict(environment: DeployedEnvironment & { stack: string }, request: RecoveryRequest, region: string): string | undefined {
  const env = environment.stack;
  if (request.kind === "replica" && environment.role === "primary" && environment.backupReplicationRegion === undefined) {
    return `--from replica:…: environment ${env} replicates no automated backups (its databaseBackupReplicationRegion is empty); set it to the standby region and run pulumi up -s ${env}, or restore a snapshot copy with --from snapshot:<ARN>.`;
  }
  const source = requestRegion(environment, request, region);
  if (source === undefined || source === region) return undefined;
  const what = request.kind === "replica" ? `the automated backups ${env} replicates are in ${source}` : `snapshot ${request.kind === "snapshot" ? request.snapshotIdentifier : ""} is in ${source}`;
  const copy = request.kind === "snapshot" ? `, or copy it here with gametracker-dr snapshots copy --stack ${env} --name ${request.snapshotIdentifier} --to-region ${region}` : "";
  const instead = environment.role === "standby" ? `the environment stack deployed in ${source}` : `the standby stack of ${source} (e.g. --stack ${env}-dr; README: region loss)`;
  return `${capitalise(what)}, but environment ${env}'s subnet group and security groups are in ${region}; a restore runs in its source's region, so restore it with ${instead}${copy}.`;
}

export async function planRestore(input: PlanInput): Promise<RestoreSpec> {
  const { rds, environment } = input;
  for (const problem of [regionConflict(environment, input.region), sourceRegionConflict(environment, input.request, input.region)]) {
    if (problem !== undefined) throw new UsageError(problem);
  }
  const identifier = environment.dbInstanceIdentifier;
  if (input.targetIdentifier === identifier) {
    throw new UsageError(`--target-id ${input.targetIdentifier} is the source instance itself; a restore always creates a new instance, so choose another name.`);
  }
  // A standby stack owns no instance of that name in its region: its sources are replicas and copies.
  const live = environment.role === "standby" ? undefined : await describeInstance({ rds }, identifier);
  const primary = live === undefined ? undefined : instanceFacts(live);
  if (primary !== undefined && !isSqlServerEngine(primary.engine)) {
    throw new UsageError(`DB instance ${primary.identifier} runs ${primary.engine}, not SQL Server; this tool restores the GameTracker SQL Server database only.`);
  }
  const facts = await gatherRecoveryFacts(rds, { region: input.region, instanceIdentifier: identifier, primary: live, expectedEngine: environment.engine, request: input.request });
  const point = chooseRecoveryPoint(facts, input.request, input.now, input.random);
  const where = placement(environment, primary);
  const placed = placementProblem(input.region, environment.stack, where, {
    subnetGroup: await describeSubnetGroup({ rds }, where.dbSubnetGroupName),
    securityGroups: await securityGroupVpcs({ ec2: input.ec2 }, where.securityGroupIds),
  });
  if (placed !== undefined) throw new UsageError(placed);
  const conflict = targetConflict(await describeInstanceFacts(rds, input.targetIdentifier), input.targetIdentifier, input.drillId);
  if (conflict !== undefined) throw new UsageError(conflict);
  const retention = environment.backupRetentionDays ?? (primary !== undefined && primary.backupRetentionDays > 0 ? primary.backupRetentionDays : undefined);
  return {
    environment: environment.stack,
    sourceDbInstanceIdentifier: identifier,
    point,
    targetIdentifier: input.targetIdentifier,
    // A backup does not record the instance class: the live source's, else the environment's.
    instanceClass: input.instanceClass ?? primary?.instanceClass ?? environment.instanceClass,
    // A drill proves the data restores; it needs no standby. A cut-over target replaces the primary, so it matches it.
    multiAz: input.purpose === "cutover" ? (primary?.multiAz ?? environment.multiAz ?? false) : false,
    purpose: input.purpose,
    drillId: input.drillId,
    region: input.region,
    ...where,
    backupRetentionDays: retention,
    startedAt: input.now,
  };
}
