/**
 * The world the cut-over, rollback and cleanup tests run in: in-memory stacks running the
 * REAL environment and restore programs, with their resources landing in moto through the
 * moto behaviours (VPC, subnet group, primary instance, its declared manual snapshot, the
 * API Lambda; the restored instance restored from that snapshot).
 */
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { AwsClients } from "../../automation/aws/clients";
import { ManualClock } from "../support/manual-clock";
import { createRestoreStack, upRestoreStack } from "../../automation/restore/restore-stack";
import { RestoreSpec } from "../../automation/restore/spec";
import { restoreProgram } from "../../automation/restore/program";
import { plainOutput, StackId, StackOutputs } from "../../automation/stacks/port";
import { DATABASE_SOURCE_KEY, drillStackName, ENVIRONMENT_PROJECT, EnvironmentOutputNames, RESTORE_PROJECT, restoreStackName } from "../../contracts/stacks";
import { environmentProgram } from "../../environment-program";
import { MemoryStacks } from "../support/memory-stacks/stacks";
import { motoBehaviours, MotoBehaviours } from "../support/moto-behaviours";

/** The manual snapshot the environment program declares by default (Pulumi.yaml). */
export const DECLARED_SNAPSHOT = "gametracker-manual-backup-v1";

export interface World {
  stacks: MemoryStacks;
  moto: MotoBehaviours;
  clock: ManualClock;
}

/** MemoryStacks with both real programs and the moto lifecycles; call `moto.destroy()` after the test. */
export function newWorld(clients: AwsClients, clock = new ManualClock(new Date())): World {
  const moto = motoBehaviours(clients);
  const stacks = new MemoryStacks({ programs: { [ENVIRONMENT_PROJECT]: environmentProgram, [RESTORE_PROJECT]: restoreProgram }, behaviours: moto, clock });
  return { stacks, moto, clock };
}

export const envId = (stack = "dev"): StackId => ({ project: ENVIRONMENT_PROJECT, stack });
export const restoreId = (stack: string): StackId => ({ project: RESTORE_PROJECT, stack });

/** `pulumi up` of an environment stack configured like Pulumi.dev.yaml (defaults of Pulumi.yaml, an explicit `databaseSource: primary`). */
export async function deployEnvironment(stacks: MemoryStacks, name = "dev", config: Record<string, string> = {}): Promise<StackOutputs> {
  const stack = await stacks.createOrSelect(envId(name));
  await stack.setConfig("assetsBucketName", `gametracker-assets-${name}-test`);
  await stack.setConfig(DATABASE_SOURCE_KEY, "primary");
  for (const [key, value] of Object.entries(config)) await stack.setConfig(key, value);
  return (await stack.up()).outputs;
}

export interface RestoreOptions {
  environment?: string;
  id?: string;
  purpose?: "cutover" | "drill";
  /** The instance identifier; must start with the primary's (`gametracker-mssql-`) for the API to be allowed to read its secret. */
  targetIdentifier?: string;
  /** The stack name (default: derived from environment, purpose and id as the driver names it). */
  stackName?: string;
  /** Create and configure the stack but do not `up` it (it then has no outputs). */
  deploy?: boolean;
}

/** A restore stack of the environment, made as the `restore` command makes it: E1's config, E1's program, the declared snapshot. */
export async function deployRestore(stacks: MemoryStacks, envOutputs: StackOutputs, options: RestoreOptions = {}): Promise<string> {
  const environment = options.environment ?? "dev";
  const id = options.id ?? "1";
  const purpose = options.purpose ?? "cutover";
  const name = options.stackName ?? (purpose === "drill" ? drillStackName(environment, id) : restoreStackName(environment, id));
  const out = (key: string) => plainOutput(envOutputs, key);
  const spec: RestoreSpec = {
    environment,
    region: "us-east-1",
    sourceDbInstanceIdentifier: String(out(EnvironmentOutputNames.databaseIdentifier)),
    point: {
      kind: "snapshot",
      label: `snapshot:${DECLARED_SNAPSHOT}`,
      snapshotIdentifier: DECLARED_SNAPSHOT,
      snapshotType: "manual",
      time: new Date(),
      engine: String(out(EnvironmentOutputNames.databaseEngine)),
      engineVersion: String(out(EnvironmentOutputNames.databaseEngineVersion)),
      minStorageGiB: 20,
      storageEncrypted: false,
    },
    targetIdentifier: options.targetIdentifier ?? `${String(out(EnvironmentOutputNames.databaseIdentifier))}-${purpose === "drill" ? "drill" : "restore"}-${id}`,
    instanceClass: undefined,
    multiAz: false,
    purpose,
    drillId: purpose === "drill" ? id : undefined,
    dbSubnetGroupName: String(out(EnvironmentOutputNames.dbSubnetGroupName)),
    securityGroupIds: [String(out(EnvironmentOutputNames.dbSecurityGroupId))],
    backupRetentionDays: undefined,
    startedAt: new Date(),
  };
  const stack = await createRestoreStack(stacks, name, spec);
  if (options.deploy ?? true) await upRestoreStack(stack, spec);
  return name;
}

/** What the API Lambda's configuration in moto says (the truth the cut-over confirms against). */
export async function lambdaEnvironment(clients: AwsClients, functionName: string): Promise<Record<string, string>> {
  const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  return config.Environment?.Variables ?? {};
}

/** The environment stack's `databaseSource` config. */
export async function databaseSource(stacks: MemoryStacks, name = "dev"): Promise<string | undefined> {
  return stacks.inspect(envId(name))?.config[`${ENVIRONMENT_PROJECT}:${DATABASE_SOURCE_KEY}`];
}
