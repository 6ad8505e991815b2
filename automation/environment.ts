import { UsageError } from "./errors";
import { EnvironmentOutputNames } from "../contracts/stacks";
import { ENVIRONMENT_PROJECT, plainOutput, StackNotFoundError, StackOutputs, Stacks } from "./stacks/port";

/** What a command knows about the environment it acts on. */
export interface Environment {
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
}

export interface EnvironmentFlags {
  stack?: string;
  dbInstance?: string;
  bucket?: string;
}

/**
 * Finds the environment from explicit flags, from the environment stack's outputs, or
 * both (flags win). Flags alone are enough so that commands still work in an incident
 * where the Pulumi backend can't be read.
 */
export async function resolveEnvironment(flags: EnvironmentFlags, stacks: Stacks | undefined): Promise<Environment> {
  let outputs: StackOutputs = {};
  if (flags.stack !== undefined) {
    if (stacks === undefined) throw new UsageError(`--stack ${flags.stack} needs the Pulumi CLI to read the stack; pass --db-instance (and --bucket) instead.`);
    try {
      outputs = await (await stacks.select({ project: ENVIRONMENT_PROJECT, stack: flags.stack })).outputs();
    } catch (error) {
      if (error instanceof StackNotFoundError) {
        throw new UsageError(`Unknown environment stack ${flags.stack}: ${error.message} Or pass --db-instance and --bucket to work without stack state.`);
      }
      throw error;
    }
  }
  const read = (key: string): unknown => plainOutput(outputs, key);
  const str = (key: string): string | undefined => {
    const v = read(key);
    return typeof v === "string" && v !== "" ? v : undefined;
  };
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
  return {
    stack: flags.stack,
    dbInstanceIdentifier,
    bucketName: flags.bucket ?? str(EnvironmentOutputNames.assetsBucketName),
    apiFunctionName: str(EnvironmentOutputNames.apiFunctionName),
    dbSubnetGroupName: str(EnvironmentOutputNames.dbSubnetGroupName),
    dbSecurityGroupIds: sg === undefined ? [] : [sg],
    backupRetentionDays: typeof retention === "number" ? retention : undefined,
    declaredManualSnapshots: Array.isArray(manual) ? manual.filter((m): m is string => typeof m === "string") : [],
    activeDatabase: str(EnvironmentOutputNames.activeDatabase),
  };
}
