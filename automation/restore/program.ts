import * as pulumi from "@pulumi/pulumi";
import { Database, DatabaseArgs, editionForEngine } from "../../components/database";
import { Validator } from "../../components/validator";
import { bundledValidatorArgs } from "../validation/bundled";
import { RestoreOutputNames } from "../../contracts/stacks";
import { TagKeys } from "../../contracts/tags";
import type { PointInTimeSource } from "./recovery-point";
import { decodeRestoreSpec, RestoreSpec, SPEC_CONFIG_KEY } from "./spec";
import { errorMessage } from "../../contracts/text";

/**
 * The restore stacks' inline program (project `gametracker-restore`): the environment's
 * own Database component in restore mode, on the environment's subnet group and security
 * groups, described entirely by the stack's restore spec (spec.ts) so that every `up` of
 * the same stack — the first, or a resumed one from another process — makes the same
 * instance. Returns exactly the RestoreOutputNames outputs.
 */
export function restoreProgram(): Record<string, unknown> {
  let spec: RestoreSpec;
  try {
    spec = decodeRestoreSpec(new pulumi.Config().require(SPEC_CONFIG_KEY), pulumi.getStack());
  } catch (error) {
    throw new pulumi.RunError(errorMessage(error));
  }
  const args = restoredDatabaseArgs(spec);
  const database = new Database("restored", args);
  // `--validate-with bundled`: the SQL validator beside the instance, allowed to read its secret only.
  const validatorArgs = spec.validation && bundledValidatorArgs(pulumi.getStack(), spec.validation, database.secretArn, args.tags ?? {});
  const validator = validatorArgs && new Validator("validator", validatorArgs);
  return {
    [RestoreOutputNames.identifier]: database.identifier,
    [RestoreOutputNames.arn]: database.arn,
    [RestoreOutputNames.address]: database.address,
    [RestoreOutputNames.port]: database.port,
    [RestoreOutputNames.secretArn]: database.secretArn,
    [RestoreOutputNames.engine]: database.engine,
    [RestoreOutputNames.engineVersion]: database.engineVersion,
    [RestoreOutputNames.recoveryPoint]: spec.point.label,
    [RestoreOutputNames.purpose]: spec.purpose,
    [RestoreOutputNames.region]: spec.region,
    [RestoreOutputNames.validatorFunctionName]: validator?.functionName ?? "",
  };
}

/** The Database component's arguments for a spec. Pure. */
export function restoredDatabaseArgs(spec: RestoreSpec): DatabaseArgs {
  const { point } = spec;
  const tags: Record<string, string> = {
    [TagKeys.environment]: spec.environment,
    [TagKeys.sourceInstance]: spec.sourceDbInstanceIdentifier,
    [TagKeys.recoveryPoint]: point.label,
    ...(spec.drillId !== undefined ? { [TagKeys.drillId]: spec.drillId } : {}),
  };
  return {
    identifier: spec.targetIdentifier,
    purpose: spec.purpose,
    restore:
      point.kind === "snapshot"
        ? { snapshotIdentifier: point.snapshotIdentifier }
        : {
            pointInTime: {
              ...pointInTimeSource(point.source),
              ...(point.kind === "latest-restorable" ? { useLatestRestorableTime: true } : { restoreTime: point.time.toISOString() }),
            },
          },
    dbSubnetGroupName: spec.dbSubnetGroupName,
    vpcSecurityGroupIds: spec.securityGroupIds,
    multiAz: spec.multiAz,
    // The backup's engine and encryption, declared: RDS restores both unchanged, both force a
    // replacement when they differ from the instance, and the policy pack judges encryption by engine.
    ...(editionForEngine(point.engine) !== undefined ? { edition: editionForEngine(point.engine)! } : {}),
    storageEncrypted: point.storageEncrypted,
    ...(point.kmsKeyId !== undefined ? { kmsKeyId: point.kmsKeyId } : {}),
    tags,
    ...(spec.instanceClass !== undefined ? { instanceClass: spec.instanceClass } : {}),
    ...(spec.backupRetentionDays !== undefined ? { backupRetentionDays: spec.backupRetentionDays } : {}),
    // The final snapshot's name derives from this; pinning it to the run's start keeps it
    // stable across a resumed `up` instead of proposing a new name each time.
    createdAt: spec.startedAt,
  };
}

/** How a point-in-time source is named to RDS (RestoreDBInstanceToPointInTime takes exactly one). Pure. */
export function pointInTimeSource(source: PointInTimeSource): { sourceDbInstanceIdentifier: string } | { sourceDbiResourceId: string } | { sourceDbInstanceAutomatedBackupsArn: string } {
  switch (source.kind) {
    case "primary":
      return { sourceDbInstanceIdentifier: source.instanceIdentifier };
    case "retained":
      return { sourceDbiResourceId: source.dbiResourceId };
    case "replica":
      return { sourceDbInstanceAutomatedBackupsArn: source.automatedBackupsArn };
  }
}
