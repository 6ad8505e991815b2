import type { Argv } from "yargs";
import { CommandContext, GlobalArgs } from "../cli/context";
import type { OptionArgs } from "../cli/option-types";
import type { AwsClients } from "../aws/clients";
import { DeployedEnvironment, resolveBucketTarget, resolveEnvironment } from "../deployed-environment";
import { UsageError } from "../errors";
import { bucketNameProblem, instanceIdentifierProblem, normalizeRdsIdentifier } from "../../contracts/aws-names";

/**
 * The flags that name the environment a command acts on: `--db-instance` and
 * `--bucket` (the assets commands take only `--bucket`), next to the global `--stack`.
 * Either flag works without stack state, so a command still runs in an incident where
 * the Pulumi backend can't be read; with `--stack` too, the flags override the stack's
 * outputs.
 *
 * Usage in a command:
 * ```ts
 * builder: (y) => withEnvironmentOptions(y).option("name", { type: "string" }),
 * async run(args, ctx) {
 *   const env = await environmentFrom(args, ctx); // UsageError (exit 2) on bad or missing input
 *   ...
 * }
 * ```
 */
/** Adds `--db-instance`: the RDS instance identifier (overrides the stack's `databaseIdentifier` output). */
export function withDbInstanceOption<T>(yargs: Argv<T>) {
  return yargs.option("db-instance", {
    type: "string",
    requiresArg: true,
    describe: "RDS instance identifier; works without stack state (overrides the stack's output)",
  });
}

/** Adds `--bucket`: the assets bucket (overrides the stack's `assetsBucketName` output). */
export function withBucketOption<T>(yargs: Argv<T>) {
  return yargs.option("bucket", {
    type: "string",
    requiresArg: true,
    describe: "Assets bucket name; works without stack state (overrides the stack's assetsBucketName output)",
  });
}

/** Adds `--db-instance` and `--bucket` to a command's options. */
export function withEnvironmentOptions<T>(yargs: Argv<T>) {
  return withBucketOption(withDbInstanceOption(yargs));
}

export type BucketArgs = OptionArgs<typeof withBucketOption>;
export type EnvironmentArgs = OptionArgs<typeof withEnvironmentOptions>;

/** Refuses a misspelt `--db-instance` or `--bucket` before anything is read. */
function checkEnvironmentFlags(args: Partial<EnvironmentArgs>): void {
  if (args.dbInstance !== undefined) {
    const problem = instanceIdentifierProblem(args.dbInstance, "any-case");
    if (problem !== undefined) throw new UsageError(`Invalid --db-instance "${args.dbInstance}": ${problem}; pass the instance identifier as shown by aws rds describe-db-instances.`);
  }
  if (args.bucket !== undefined) {
    const problem = bucketNameProblem(args.bucket);
    if (problem !== undefined) throw new UsageError(`Invalid --bucket "${args.bucket}": ${problem}; pass the bucket name as shown by aws s3 ls.`);
  }
}

/**
 * Checks the flags' spelling, then resolves the environment from the stack's outputs
 * and/or the flags. The Pulumi stacks port is only created when `--stack` is given, so
 * flag-only use needs no Pulumi CLI.
 */
export async function environmentFrom(args: GlobalArgs & EnvironmentArgs, ctx: CommandContext): Promise<DeployedEnvironment> {
  checkEnvironmentFlags(args);
  return resolveEnvironment(
    {
      ...(args.stack !== undefined ? { stack: args.stack } : {}),
      ...(args.dbInstance !== undefined ? { dbInstance: normalizeRdsIdentifier(args.dbInstance) } : {}),
      ...(args.bucket !== undefined ? { bucket: args.bucket } : {}),
    },
    args.stack !== undefined ? ctx.stacks : undefined,
  );
}

/**
 * The bucket alone, for the commands that need no database: `--bucket`, else the
 * stack's output (the stacks port is only created when it has to be read).
 */
export async function bucketFrom(args: GlobalArgs & BucketArgs, ctx: CommandContext): Promise<string> {
  return (await bucketTargetFrom(args, ctx)).bucket;
}

/**
 * The bucket and the clients of its region: the stack's own region when the bucket comes
 * from its outputs (a standby stack's bucket is in the standby region), else `--region`
 * or the default. So `assets … --stack prod-dr` calls only the standby region.
 */
export async function bucketTargetFrom(args: GlobalArgs & BucketArgs, ctx: CommandContext): Promise<{ bucket: string; aws: AwsClients }> {
  checkEnvironmentFlags(args);
  const target = await resolveBucketTarget(
    { ...(args.stack !== undefined ? { stack: args.stack } : {}), ...(args.bucket !== undefined ? { bucket: args.bucket } : {}) },
    args.stack !== undefined && args.bucket === undefined ? ctx.stacks : undefined,
  );
  return { bucket: target.bucket, aws: ctx.awsFor(target.region) };
}
