/**
 * What the environment program, the restore program and the driver agree on: project
 * names, the config key a cut-over flips, stack naming and the stack outputs each side
 * reads. Both the Pulumi programs and the automation import this module, so a rename is
 * a compile error rather than a 3 a.m. surprise.
 */

/** The environment program (Pulumi.yaml at the repository root). */
export const ENVIRONMENT_PROJECT = "gametracker";
/** The restore stacks' project: an inline program around the database component in restore mode. */
export const RESTORE_PROJECT = "gametracker-restore";

/**
 * The environment config key that says which database the Lambda uses: `primary` or
 * the name of a restore stack of the same environment. A literal key (no `--path`):
 * `gametracker:databaseSource`.
 */
export const DATABASE_SOURCE_KEY = "databaseSource";
export const PRIMARY_SOURCE = "primary";
/**
 * `databaseSource` of a standby (DR) stack before its first cut-over: it owns no primary,
 * so until a restore stack of its region is named, its API has no database.
 */
export const NO_DATABASE_SOURCE = "none";

/**
 * What an environment stack is for (config `databaseRole`, output `databaseRole`):
 * `primary` owns the database (the instance, its snapshots and backups); `standby` is a
 * DR stack of the same program in another region that owns no database of its own — its
 * network, DB subnet group and security group receive restores of the primary's
 * replicated backups or snapshot copies, and its API is cut over to one of them.
 */
export type DatabaseRole = "primary" | "standby";
export const DATABASE_ROLES: readonly DatabaseRole[] = ["primary", "standby"];

/** A restore stack of environment `env` meant for cut-over: `<env>-restore-<id>`. */
export function restoreStackName(environment: string, id: string): string {
  return `${environment}-restore-${id}`;
}

/** A drill's restore stack: `<env>-drill-<drillId>`; destroyed when the drill ends. */
export function drillStackName(environment: string, drillId: string): string {
  return `${environment}-drill-${drillId}`;
}

/** Pulumi's limit on a stack name (tokens.ParseStackName). */
export const MAX_STACK_NAME_LENGTH = 100;
/** The longest suffix this tool appends to an environment's name: `-restore-<16-character id>`. */
const LONGEST_SUFFIX = "-restore-".length + 16;

/**
 * Why `name` can't be an environment stack's name, or undefined: Pulumi's stack name rules
 * (1 to 100 letters, digits, hyphens, underscores or periods; no organization or project
 * part, since the restore stacks are named after it), short enough that its restore
 * stacks' names stay within them. Pure.
 */
export function environmentStackNameProblem(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (name.includes("/")) return "it has a /, but it must be the environment stack's own name (dev, prod), not a path or an organization/project/stack name";
  const bad = /[^A-Za-z0-9_.-]/.exec(name);
  if (bad !== null) return `it contains ${JSON.stringify(bad[0])} at position ${bad.index + 1} (a stack name takes letters, digits, hyphens, underscores and periods only)`;
  const max = MAX_STACK_NAME_LENGTH - LONGEST_SUFFIX;
  if (name.length > max) return `it is ${name.length} characters long (at most ${max}, so that its restore stacks' names stay within Pulumi's ${MAX_STACK_NAME_LENGTH})`;
  return undefined;
}

const ID = "[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?";

/** Whether `name` is a cut-over restore stack of `environment` (drill stacks are not: they are disposable). */
export function isRestoreStackOf(environment: string, name: string): boolean {
  return new RegExp(`^${escape(environment)}-restore-${ID}$`).test(name);
}

/** Whether `name` is a drill stack of `environment`. */
export function isDrillStackOf(environment: string, name: string): boolean {
  return new RegExp(`^${escape(environment)}-drill-${ID}$`).test(name);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The environment program's stack outputs that the driver reads; index.ts exports exactly these. */
export const EnvironmentOutputNames = {
  databaseIdentifier: "databaseIdentifier",
  databaseArn: "databaseArn",
  databaseEndpoint: "databaseEndpoint",
  databasePort: "databasePort",
  databaseEngine: "databaseEngine",
  databaseEngineVersion: "databaseEngineVersion",
  dbSubnetGroupName: "dbSubnetGroupName",
  dbSecurityGroupId: "dbSecurityGroupId",
  databaseSecretArn: "databaseSecretArn",
  backupRetentionDays: "backupRetentionDays",
  manualSnapshotIdentifiers: "manualSnapshotIdentifiers",
  assetsBucketName: "assetsBucketName",
  apiFunctionName: "apiFunctionName",
  activeDatabase: "activeDatabase",
  activeDatabaseEndpoint: "activeDatabaseEndpoint",
  datasourceUrl: "datasourceUrl",
  /** The region the environment is deployed in (its AWS provider's). */
  awsRegion: "awsRegion",
  /** `primary` or `standby` (see DatabaseRole). */
  databaseRole: "databaseRole",
  /** The region the primary's automated backups are replicated to; "" when replication is off. */
  backupReplicationRegion: "backupReplicationRegion",
  /** The regions expected to hold copies of the primary's snapshots (`snapshots copy`); `check` reports their age. */
  snapshotCopyRegions: "snapshotCopyRegions",
  /** The instance class a restore gets when no live primary says otherwise (a backup does not record it). */
  databaseInstanceClass: "databaseInstanceClass",
  /** Whether a cut-over restore is Multi-AZ when no live primary says otherwise. */
  databaseMultiAz: "databaseMultiAz",
  /** The API's private subnets and security group: where the bundled validator runs (the database's security group admits that group). */
  apiSubnetIds: "apiSubnetIds",
  apiSecurityGroupId: "apiSecurityGroupId",
  /** The environment's data validation (validationWith, …) as checked by the program, so a drill without the stack's config file runs it. */
  validation: "validation",
  /** A primary's S3 Replication destination (the standby stack's bucket) and its region; "" when off. `check` reads the replica there. */
  assetsReplicationBucket: "assetsReplicationBucket",
  assetsReplicationRegion: "assetsReplicationRegion",
  /** A standby's bucket is the replica of this bucket, in this region; "" otherwise. The drill compares the two. */
  assetsReplicaSourceBucket: "assetsReplicaSourceBucket",
  assetsReplicaSourceRegion: "assetsReplicaSourceRegion",
} as const;

/** The restore program's stack outputs, read by the environment program (StackReference) and the driver. */
export const RestoreOutputNames = {
  identifier: "identifier",
  arn: "arn",
  address: "address",
  port: "port",
  secretArn: "secretArn",
  engine: "engine",
  engineVersion: "engineVersion",
  /** `snapshot:<id>` or `time:<ISO-8601>` or `latest-restorable`. */
  recoveryPoint: "recoveryPoint",
  /** `drill` or `cutover`. */
  purpose: "purpose",
  /** The region the restored instance is in. */
  region: "region",
  /** The bundled SQL validator's Lambda function, when the run asked for it; "" otherwise. */
  validatorFunctionName: "validatorFunctionName",
} as const;

/**
 * Why an environment's API cannot use a restore stack's database in another region, or
 * undefined when the regions agree (or one is unknown). The one rule behind the
 * environment program's refusal and `cutover`'s, so both say the same sentence.
 */
export function crossRegionSourceProblem(environment: string, environmentRegion: string | undefined, restoreStack: string, restoreRegion: string | undefined): string | undefined {
  if (environmentRegion === undefined || restoreRegion === undefined || environmentRegion === restoreRegion) return undefined;
  return (
    `Restore stack ${restoreStack} holds a database in ${restoreRegion}, but environment ${environment} runs its API in ${environmentRegion}; ` +
    `the API's Lambda reaches only databases in its own region's VPC and may read only that region's database secrets, so it is never cut over across regions — ` +
    `after a region loss, cut over the standby (DR) stack of ${restoreRegion} to a restore stack of its own (README: region loss).`
  );
}
