import * as pulumi from "@pulumi/pulumi";
import { Database, DatabaseRestore, parseEdition } from "../../components/database";
import { RestoreOutputNames } from "../../contracts/stacks";
import { RestoreConfigKeys as K } from "./program-config";
import { DRILL_ID_TAG, RECOVERY_POINT_TAG } from "./verify";

/**
 * The restore stacks' inline program (project `gametracker-restore`): the environment's
 * own Database component in restore mode, on the environment's subnet group and security
 * groups, described entirely by the stack's `restore.*` config (see program-config.ts) so
 * that a `pulumi up` of the same stack — by the driver on `--resume`, or by hand — gives
 * the same instance. Returns exactly the RestoreOutputNames outputs.
 */
export function restoreProgram(): Record<string, unknown> {
  const config = new pulumi.Config();
  const purpose = config.require(K.purpose);
  if (purpose !== "drill" && purpose !== "cutover") {
    throw new pulumi.RunError(`${K.purpose} is ${JSON.stringify(purpose)}, but it must be drill or cutover.`);
  }
  const environment = config.require(K.environment);
  const source = config.require(K.sourceDbInstanceIdentifier);
  const recoveryPoint = config.require(K.recoveryPoint);
  const drillId = config.get(K.drillId);
  if (purpose === "drill" && drillId === undefined) throw new pulumi.RunError(`${K.drillId} is unset, but a drill restore is tagged with its drill id so cleanup can find it.`);

  const snapshotIdentifier = config.get(K.snapshotIdentifier);
  const restoreTime = config.get(K.restoreTime);
  const useLatest = config.getBoolean(K.useLatestRestorableTime) === true;
  const chosen = [snapshotIdentifier !== undefined, restoreTime !== undefined, useLatest].filter(Boolean).length;
  if (chosen !== 1) {
    throw new pulumi.RunError(`Exactly one of ${K.snapshotIdentifier}, ${K.restoreTime} and ${K.useLatestRestorableTime} must be set (found ${chosen}); it says what to restore.`);
  }
  const restore: DatabaseRestore =
    snapshotIdentifier !== undefined
      ? { snapshotIdentifier }
      : { pointInTime: { sourceDbInstanceIdentifier: source, ...(useLatest ? { useLatestRestorableTime: true } : { restoreTime: restoreTime! }) } };

  const securityGroupIds = config.requireObject<unknown>(K.securityGroupIds);
  if (!Array.isArray(securityGroupIds) || securityGroupIds.length === 0 || !securityGroupIds.every((s) => typeof s === "string" && s !== "")) {
    throw new pulumi.RunError(`${K.securityGroupIds} is ${JSON.stringify(securityGroupIds)}, but it must be a non-empty JSON array of security group ids (the environment's database security groups).`);
  }
  const edition = config.get(K.edition);
  const engineVersion = config.get(K.engineVersion);
  const instanceClass = config.get(K.instanceClass);
  const retention = config.getNumber(K.backupRetentionDays);
  const startedAt = config.get(K.startedAt);

  const tags: Record<string, string> = {
    "gametracker:environment": environment,
    "gametracker:source-instance": source,
    [RECOVERY_POINT_TAG]: recoveryPoint,
  };
  if (drillId !== undefined) tags[DRILL_ID_TAG] = drillId;

  const database = new Database("restored", {
    identifier: config.require(K.targetIdentifier),
    purpose,
    restore,
    dbSubnetGroupName: config.require(K.dbSubnetGroupName),
    vpcSecurityGroupIds: securityGroupIds as string[],
    multiAz: config.getBoolean(K.multiAz) ?? false,
    tags,
    ...(edition !== undefined ? { edition: parseEdition(edition, K.edition) } : {}),
    ...(engineVersion !== undefined ? { engineVersion } : {}),
    ...(instanceClass !== undefined ? { instanceClass } : {}),
    ...(retention !== undefined ? { backupRetentionDays: retention } : {}),
    // The final snapshot's name derives from this; pinning it to the run's start keeps it
    // stable across a resumed `up` instead of proposing a new name each time.
    ...(startedAt !== undefined ? { createdAt: new Date(startedAt) } : {}),
  });

  return {
    [RestoreOutputNames.identifier]: database.identifier,
    [RestoreOutputNames.arn]: database.arn,
    [RestoreOutputNames.address]: database.address,
    [RestoreOutputNames.port]: database.port,
    [RestoreOutputNames.secretArn]: database.secretArn,
    [RestoreOutputNames.engine]: database.engine,
    [RestoreOutputNames.engineVersion]: database.engineVersion,
    [RestoreOutputNames.recoveryPoint]: recoveryPoint,
    [RestoreOutputNames.purpose]: purpose,
  };
}
