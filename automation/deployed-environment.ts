import { UsageError } from "./errors";
import { DatabaseRole, ENVIRONMENT_PROJECT, EnvironmentOutputNames } from "../contracts/stacks";
import { plainOutput, StackNotFoundError, StackOutputs, Stacks } from "./stacks/port";

/**
 * What a command knows about a deployed environment: the environment stack's outputs
 * (contracts/stacks.ts), overridden by flags (`--db-instance`, `--bucket`) so that
 * commands still work when the Pulumi backend can't be read.
 */
export interface DeployedEnvironment {
  /** The environment stack, when the environment was read from one. */
  stack: string | undefined;
  dbInstanceIdentifier: string;
  bucketName: string | undefined;
  apiFunctionName: string | undefined;
  dbSubnetGroupName: string | undefined;
  dbSecurityGroupIds: string[];
  backupRetentionDays: number | undefined;
  /** Manual snapshots declared in the environment's config (never pruned, checked by `check`). */
  declaredManualSnapshots: string[];
  activeDatabase: string | undefined;
  /** The region the environment stack deployed to (its awsRegion output); undefined without a stack. */
  region: string | undefined;
  /** `primary` (owns the database) or `standby` (a DR stack that owns none); `primary` without a stack. */
  role: DatabaseRole;
  /** The region the primary's automated backups are replicated to, when the stack says so. */
  backupReplicationRegion: string | undefined;
  /** Regions expected to hold snapshot copies (databaseSnapshotCopyRegions). */
  snapshotCopyRegions: string[];
  /** The engine the environment declares (databaseEngine output), when known. */
  engine: string | undefined;
  /** What a restore gets when no live primary says otherwise. */
  instanceClass: string | undefined;
  multiAz: boolean | undefined;
  // Optional, so that environments built by hand (tests, flags only) need not spell them out.
  /** The API's private subnets and security group (where the bundled validator runs); absent without a stack. */
  apiSubnetIds?: string[];
  apiSecurityGroupId?: string | undefined;
  /** The environment's data validation as its program exported it (read by validation/plan.ts); absent without a stack or before it exported one. */
  validation?: Readonly<Record<string, unknown>> | undefined;
  /** A primary's S3 Replication destination: the standby's bucket and its region (`check` reads it there); absent when off or without a stack. */
  assetsReplication?: { bucket: string; region: string } | undefined;
  /** A standby's bucket is the replica of this bucket in this region (the drill compares them); absent otherwise. */
  assetsReplicaOf?: { bucket: string; region: string } | undefined;
}

export interface EnvironmentFlags {
  stack?: string;
  dbInstance?: string;
  bucket?: string;
}

/** The environment stack's outputs (none without `--stack`); an unknown stack is bad input. */
async function environmentOutputs(stack: string | undefined, stacks: Stacks | undefined, instead: string): Promise<StackOutputs> {
  if (stack === undefined) return {};
  if (stacks === undefined) throw new UsageError(`--stack ${stack} needs the Pulumi CLI to read the stack; pass ${instead} instead.`);
  try {
    return await (await stacks.select({ project: ENVIRONMENT_PROJECT, stack })).outputs();
  } catch (error) {
    if (error instanceof StackNotFoundError) {
      throw new UsageError(
        `Unknown environment stack ${stack}: there is no ${ENVIRONMENT_PROJECT}/${stack} stack in this Pulumi backend; check --stack and PULUMI_BACKEND_URL (pulumi stack ls lists the stacks), or pass ${instead} to work without stack state.`,
      );
    }
    throw error;
  }
}

function stringOutput(outputs: StackOutputs, key: string): string | undefined {
  const v = plainOutput(outputs, key);
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * The assets bucket from `--bucket`, else from the environment stack's outputs. For the
 * commands that need only the bucket, so no database has to be named.
 */
export async function resolveBucket(flags: { stack?: string; bucket?: string }, stacks: Stacks | undefined): Promise<string> {
  return (await resolveBucketTarget(flags, stacks)).bucket;
}

/**
 * The assets bucket and, when read from the stack, the region the stack deployed it in
 * (its awsRegion output): a standby stack's bucket is in the standby region, and S3 answers
 * a bucket's requests in its own region only.
 */
export async function resolveBucketTarget(flags: { stack?: string; bucket?: string }, stacks: Stacks | undefined): Promise<{ bucket: string; region: string | undefined }> {
  if (flags.bucket !== undefined) return { bucket: flags.bucket, region: undefined };
  if (flags.stack === undefined) throw new UsageError("No bucket given: pass --bucket <assets bucket name> or --stack <environment stack>.");
  const outputs = await environmentOutputs(flags.stack, stacks, "--bucket");
  const bucket = stringOutput(outputs, EnvironmentOutputNames.assetsBucketName);
  if (bucket === undefined) {
    throw new UsageError(`Stack ${flags.stack} has no ${EnvironmentOutputNames.assetsBucketName} output (has it been deployed with pulumi up?); pass --bucket instead.`);
  }
  return { bucket, region: stringOutput(outputs, EnvironmentOutputNames.awsRegion) };
}

/**
 * Finds the environment from explicit flags, from the environment stack's outputs, or
 * both (flags win). Flags alone are enough so that commands still work in an incident
 * where the Pulumi backend can't be read.
 */
export async function resolveEnvironment(flags: EnvironmentFlags, stacks: Stacks | undefined): Promise<DeployedEnvironment> {
  const outputs = await environmentOutputs(flags.stack, stacks, "--db-instance and --bucket");
  const read = (key: string): unknown => plainOutput(outputs, key);
  const str = (key: string): string | undefined => stringOutput(outputs, key);
  const dbInstanceIdentifier = flags.dbInstance ?? str(EnvironmentOutputNames.databaseIdentifier);
  if (dbInstanceIdentifier === undefined) {
    throw new UsageError(
      flags.stack === undefined
        ? "No environment given: pass --stack <environment stack> or --db-instance <RDS instance identifier>."
        : `Stack ${flags.stack} has no ${EnvironmentOutputNames.databaseIdentifier} output (has it been deployed with pulumi up?); pass --db-instance instead.`,
    );
  }
  const retention = read(EnvironmentOutputNames.backupRetentionDays);
  const sg = str(EnvironmentOutputNames.dbSecurityGroupId);
  const manual = read(EnvironmentOutputNames.manualSnapshotIdentifiers);
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((m): m is string => typeof m === "string" && m !== "") : []);
  const multiAz = read(EnvironmentOutputNames.databaseMultiAz);
  const apiSubnets = read(EnvironmentOutputNames.apiSubnetIds);
  const validation = read(EnvironmentOutputNames.validation);
  return {
    stack: flags.stack,
    dbInstanceIdentifier,
    bucketName: flags.bucket ?? str(EnvironmentOutputNames.assetsBucketName),
    apiFunctionName: str(EnvironmentOutputNames.apiFunctionName),
    dbSubnetGroupName: str(EnvironmentOutputNames.dbSubnetGroupName),
    dbSecurityGroupIds: sg === undefined ? [] : [sg],
    backupRetentionDays: typeof retention === "number" ? retention : undefined,
    declaredManualSnapshots: strings(manual),
    activeDatabase: str(EnvironmentOutputNames.activeDatabase),
    region: str(EnvironmentOutputNames.awsRegion),
    role: str(EnvironmentOutputNames.databaseRole) === "standby" ? "standby" : "primary",
    backupReplicationRegion: str(EnvironmentOutputNames.backupReplicationRegion),
    snapshotCopyRegions: strings(read(EnvironmentOutputNames.snapshotCopyRegions)),
    engine: str(EnvironmentOutputNames.databaseEngine),
    instanceClass: str(EnvironmentOutputNames.databaseInstanceClass),
    multiAz: typeof multiAz === "boolean" ? multiAz : undefined,
    apiSubnetIds: Array.isArray(apiSubnets) ? apiSubnets.filter((id): id is string => typeof id === "string" && id !== "") : [],
    apiSecurityGroupId: str(EnvironmentOutputNames.apiSecurityGroupId),
    validation: validation !== null && typeof validation === "object" && !Array.isArray(validation) ? (validation as Record<string, unknown>) : undefined,
    assetsReplication: bucketAndRegion(str(EnvironmentOutputNames.assetsReplicationBucket), str(EnvironmentOutputNames.assetsReplicationRegion)),
    assetsReplicaOf: bucketAndRegion(str(EnvironmentOutputNames.assetsReplicaSourceBucket), str(EnvironmentOutputNames.assetsReplicaSourceRegion)),
  };
}

function bucketAndRegion(bucket: string | undefined, region: string | undefined): { bucket: string; region: string } | undefined {
  return bucket !== undefined && region !== undefined ? { bucket, region } : undefined;
}
