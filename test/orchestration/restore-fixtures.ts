/**
 * The drill/restore harness of the orchestration tests: moto with the primary, its
 * declared snapshot and the environment's network (test/support/rds-fixtures.ts), the
 * in-memory stacks running the real restore program, and the real CLI in-process
 * (test/support/cli.ts).
 */
import { FakeInterrupts } from "../support/interrupts";
import { HostResolver } from "../../automation/restore/verify";
import * as pulumi from "@pulumi/pulumi";
import { AwsClientOptions, AwsClients } from "../../automation/aws/clients";
import { ManualClock } from "../support/manual-clock";
import { restoreProgram } from "../../automation/restore/program";
import { ReportWriter } from "../../automation/drill/report-files";
import { EnvironmentOutputNames, ENVIRONMENT_PROJECT, RESTORE_PROJECT } from "../../contracts/stacks";
import { MemoryStacks } from "../support/memory-stacks/stacks";
import { runCli } from "../support/cli";
import { rdsEndpointDns } from "../support/rds-dns";
import { Stacks } from "../../automation/stacks/port";
import { motoBehaviours, MotoBehaviours } from "../support/moto-behaviours";
import { ClientMiddleware, DbNetwork, combineMiddleware, createDbNetwork, createManualSnapshot, createSqlServerInstance } from "../support/rds-fixtures";
import { MotoLambdaRuntime } from "../support/lambda-runtime";
import { exportValidationSettings, parseValidationSettings } from "../../contracts/validation-config";
import { usageRefusal } from "../../automation/errors";


// ---------------------------------------------------------------------------------------
// The drill/restore harness: moto + in-memory stacks + the real CLI in-process

/**
 * The environment stack's program in these tests: it exports the outputs of the moto
 * fixture environment (given as config). The drill only reads the environment stack's
 * outputs, so what matters is that the stack exists, has them, and is never changed.
 */
export function environmentOutputsProgram(): Record<string, unknown> {
  return JSON.parse(new pulumi.Config().require("test.outputs")) as Record<string, unknown>;
}

export const PRIMARY = "gametracker-mssql";
export const DECLARED_SNAPSHOT = "gametracker-manual-backup-v1";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

export interface RunOptions {
  resolver?: HostResolver;
  reportWriter?: ReportWriter;
  interrupts?: FakeInterrupts;
  /** Middleware for the CLI's own AWS clients (not the in-memory Pulumi's). */
  middleware?: ClientMiddleware;
  ask?: (question: string) => Promise<boolean>;
  /** The Stacks the CLI sees (default the harness's MemoryStacks); the benchmark wraps it to time it. */
  stacks?: Stacks;
  /** The CLI's AWS timeout in ms, below what --aws-timeout accepts (a silent endpoint's test). */
  timeoutMs?: number;
}

export interface HarnessOptions {
  /** Middleware on every client of the harness — setup, the in-memory stacks' lifecycles and the CLI (e.g. moto-rds-backups.ts). */
  middleware?: ClientMiddleware;
}

export interface Harness {
  stacks: MemoryStacks;
  network: DbNetwork;
  clock: ManualClock;
  /** Clients for assertions and setup (the harness's middleware only). */
  aws: AwsClients;
  /** Clients like `aws`, in another region. */
  awsIn(region: string): AwsClients;
  /** An environment stack (the dev one, or another) with these outputs laid over dev's, as `pulumi up` would have left it. */
  environment(name: string, outputs: Record<string, unknown>): Promise<void>;
  /**
   * Runs the code of the Lambda functions in moto (moto cannot without Docker): those the
   * restore stack deploys and those a test creates through `aws.lambda`; the CLI's Invoke
   * goes through it. moto still decides whether a function exists and what it holds.
   */
  lambdaRuntime: MotoLambdaRuntime;
  /** Redeploys the environment stack as if its config had these validation keys: its validation output changes, nothing else. */
  configureValidation(config: Record<string, string>): Promise<void>;
  run(argv: string[], options?: RunOptions): Promise<CliRun>;
  dispose(): void;
}

/**
 * A dev environment on moto (the primary SQL Server instance with its declared manual
 * snapshot, the DB subnet group and security group), its environment stack `dev` in
 * MemoryStacks with the outputs the environment program exports, and the restore project
 * running the real restore program with moto-backed resources.
 */
export async function drillHarness(emulatorClients: (options?: AwsClientOptions) => AwsClients, endpoint: string, harness: HarnessOptions = {}): Promise<Harness> {
  // The runtime looks functions up through the clients it is the middleware of (called only once both exist).
  const lambdaRuntime: MotoLambdaRuntime = new MotoLambdaRuntime(() => aws.lambda);
  const clients = (o: AwsClientOptions = {}): AwsClients => emulatorClients({ ...o, middleware: combineMiddleware(harness.middleware, lambdaRuntime.middleware, o.middleware) });
  const aws: AwsClients = clients();
  await createSqlServerInstance(aws.rds, { identifier: PRIMARY });
  await createManualSnapshot(aws.rds, PRIMARY, DECLARED_SNAPSHOT);
  const network = await createDbNetwork(aws.rds, endpoint);
  const clock = new ManualClock(new Date(Date.now() + 1000));
  const pulumiAws = clients();
  const behaviours: MotoBehaviours = motoBehaviours(pulumiAws, { clientsIn: (region) => clients({ region }) });
  const stacks = new MemoryStacks({
    programs: { [ENVIRONMENT_PROJECT]: environmentOutputsProgram, [RESTORE_PROJECT]: restoreProgram },
    behaviours,
    clock,
  });
  // What the environment program exports for these validation keys (its own export function).
  const devOutputs = (validation: Record<string, string>) => ({
    [EnvironmentOutputNames.awsRegion]: "us-east-1",
    [EnvironmentOutputNames.databaseIdentifier]: PRIMARY,
    [EnvironmentOutputNames.dbSubnetGroupName]: network.subnetGroupName,
    [EnvironmentOutputNames.dbSecurityGroupId]: network.securityGroupId,
    [EnvironmentOutputNames.backupRetentionDays]: 7,
    [EnvironmentOutputNames.manualSnapshotIdentifiers]: [DECLARED_SNAPSHOT],
    [EnvironmentOutputNames.activeDatabase]: "primary",
    [EnvironmentOutputNames.databaseSecretArn]: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-primary-AbCdEf",
    [EnvironmentOutputNames.apiSubnetIds]: network.apiSubnetIds,
    [EnvironmentOutputNames.apiSecurityGroupId]: network.apiSecurityGroupId,
    [EnvironmentOutputNames.validation]: exportValidationSettings(parseValidationSettings(validation, { defaultDatabase: "gametracker", refuse: usageRefusal })),
  });
  const environment = async (name: string, outputs: Record<string, unknown>, validation: Record<string, string> = {}) => {
    const env = await stacks.createOrSelect({ project: ENVIRONMENT_PROJECT, stack: name });
    await env.setConfig("test.outputs", JSON.stringify({ ...devOutputs(validation), ...outputs }));
    await env.up();
    stacks.clearHistory();
  };
  await environment("dev", {});
  return {
    stacks,
    network,
    clock,
    aws,
    awsIn: (region) => clients({ region }),
    environment: (name, outputs) => environment(name, outputs),
    lambdaRuntime,
    configureValidation: (validation) => environment("dev", {}, validation),
    run(argv, options = {}) {
      return runCli(argv, {
        clients: options.timeoutMs === undefined ? clients : (o) => clients({ ...o, timeoutMs: options.timeoutMs }),
        ...(options.middleware ? { middleware: options.middleware } : {}),
        clock,
        stacks: () => options.stacks ?? stacks,
        ...(options.ask ? { ask: options.ask } : {}),
        // The regions the tests restore in: the environment's and its standby's.
        resolver: options.resolver ?? rdsEndpointDns([aws.rds, clients({ region: "us-west-2" }).rds]),
        onInterrupt: (options.interrupts ?? new FakeInterrupts()).install,
        ...(options.reportWriter ? { reportWriter: options.reportWriter } : {}),
      });
    },
    dispose() {
      behaviours.destroy();
      lambdaRuntime.cleanup();
    },
  };
}
