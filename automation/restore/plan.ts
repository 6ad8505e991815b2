import { RDSClient } from "@aws-sdk/client-rds";
import { DeployedEnvironment } from "../deployed-environment";
import { UsageError } from "../errors";
import { requireInstance } from "../aws/rds";
import { instanceClassProblem } from "../../contracts/aws-names";
import { RestorePurpose, TagKeys } from "../../contracts/tags";
import { chooseRecoveryPoint, isSqlServerEngine, RecoveryRequest } from "./recovery-point";
import { describeInstanceFacts, gatherRecoveryFacts, InstanceFacts, instanceFacts } from "./rds-facts";
import { RestoreSpec } from "./spec";

/**
 * Everything a restore needs decided before anything is created: the recovery point,
 * where the instance goes, what it is called. Reads AWS (Describe* only) and refuses
 * bad input with a UsageError; creates nothing.
 */
export interface PlanInput {
  rds: RDSClient;
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

/** The restored instance's subnet group and security groups: the environment's, else the source instance's. Pure. */
export function placement(environment: DeployedEnvironment, source: InstanceFacts): { dbSubnetGroupName: string; securityGroupIds: string[] } {
  const dbSubnetGroupName = environment.dbSubnetGroupName ?? source.subnetGroupName;
  const securityGroupIds = environment.dbSecurityGroupIds.length > 0 ? environment.dbSecurityGroupIds : source.securityGroupIds;
  if (dbSubnetGroupName === undefined) {
    throw new UsageError(
      `No DB subnet group is known for the restore: stack ${environment.stack ?? "(none)"} has no dbSubnetGroupName output and ${source.identifier} reports none; deploy the environment stack (pulumi up) so RDS does not fall back to the default VPC.`,
    );
  }
  if (securityGroupIds.length === 0) {
    throw new UsageError(
      `No security group is known for the restore: stack ${environment.stack ?? "(none)"} has no dbSecurityGroupId output and ${source.identifier} reports none; deploy the environment stack (pulumi up) so RDS does not fall back to the default security group.`,
    );
  }
  return { dbSubnetGroupName, securityGroupIds };
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

export async function planRestore(input: PlanInput): Promise<RestoreSpec> {
  const { rds, environment } = input;
  const conflictingRegion = regionConflict(environment, input.region);
  if (conflictingRegion !== undefined) throw new UsageError(conflictingRegion);
  const instance = await requireInstance({ rds, region: input.region }, environment.dbInstanceIdentifier);
  const source = instanceFacts(instance);
  if (!isSqlServerEngine(source.engine)) {
    throw new UsageError(`DB instance ${source.identifier} runs ${source.engine}, not SQL Server; this tool restores the GameTracker SQL Server database only.`);
  }
  if (input.targetIdentifier === source.identifier) {
    throw new UsageError(`--target-id ${input.targetIdentifier} is the source instance itself; a restore always creates a new instance, so choose another name.`);
  }
  const facts = await gatherRecoveryFacts(rds, instance, input.request);
  const point = chooseRecoveryPoint(facts, input.request, input.now, input.random);
  const where = placement(environment, source);
  const conflict = targetConflict(await describeInstanceFacts(rds, input.targetIdentifier), input.targetIdentifier, input.drillId);
  if (conflict !== undefined) throw new UsageError(conflict);
  const retention = environment.backupRetentionDays ?? (source.backupRetentionDays > 0 ? source.backupRetentionDays : undefined);
  return {
    environment: environment.stack,
    sourceDbInstanceIdentifier: source.identifier,
    point,
    targetIdentifier: input.targetIdentifier,
    instanceClass: input.instanceClass ?? source.instanceClass,
    // A drill proves the data restores; it needs no standby. A cut-over target replaces the primary, so it matches it.
    multiAz: input.purpose === "cutover" ? source.multiAz : false,
    purpose: input.purpose,
    drillId: input.drillId,
    region: input.region,
    ...where,
    backupRetentionDays: retention,
    startedAt: input.now,
  };
}
