/**
 * The crash tier's world (DESIGN.md, "Testing layers"): an environment deployed as the
 * README says — `pulumi stack init` and `pulumi up -s <stack>` in a checkout, through the
 * Node.js language host — and the real `bin/gametracker-dr.js` run as OS processes against
 * it (dr-process.ts), every AWS call of theirs through a proxy that can hold or hang any
 * of them (aws-proxy.ts). One deployment per describe(); the tests build on its state.
 *
 * `expectSettled` is what every case of the kill matrix asserts once the next run has
 * finished, in moto and in the backend: exactly the restored instances expected, no lock,
 * no pending operation in any stack, the primary and its snapshots as they were, and the
 * API's Lambda pointing where the last finished command said.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { AwsClients, createAwsClients } from "../../../automation/aws/clients";
import { EnvironmentOutputNames, RESTORE_PROJECT } from "../../../contracts/stacks";
import { AwsProxy } from "../aws-proxy";
import { primaryFingerprint } from "../rds-fixtures";
import { crashAll, DrProcessOptions, gametrackerDr, ProcessRun, pulumi, pulumiUp, RunningProcess } from "./dr-process";
import { Engine, useEngine } from "./harness";

export interface CrashWorld {
  readonly engine: Engine;
  readonly stack: string;
  /** The AWS every process of the world uses (moto behind it). */
  readonly proxy: AwsProxy;
  /** The environment stack's outputs after its `up`. */
  out(key: string): string;
  readonly outputs: Record<string, unknown>;
  /** `bin/gametracker-dr.js <args>`, through the proxy. */
  dr(args: string[], options?: DrProcessOptions): RunningProcess;
  /** `bin/gametracker-dr.js <args>` to its end; fails the test (with its stderr) when the exit code is not `code`. */
  finish(args: string[], code?: number, options?: DrProcessOptions): Promise<ProcessRun>;
  /** `pulumi <args>` in the checkout, through the proxy. */
  pulumi(args: string[]): RunningProcess;
  /** moto itself (not through the proxy). */
  aws(region?: string): AwsClients;
  instances(region?: string): Promise<string[]>;
  /** The API Lambda's SPRING_DATASOURCE_URL in AWS. */
  lambdaUrl(): Promise<string | undefined>;
  /** The backend's lock files (`.pulumi/locks/...json`), relative. */
  locks(): string[];
  /** Every pending operation recorded in any stack's state in the backend. */
  pendingOperations(): Array<{ stack: string; type: string; urn: string }>;
  /** The restore project's stacks in the backend. */
  restoreStacks(): string[];
  /** The `--resume` id a run's output names. */
  resumeId(run: ProcessRun): string;
  /** See the file header. `lambda`: "primary", or the restore stack name the API must use. */
  expectSettled(expected: { restored: string[]; lambda: "primary" | { restoreStack: string; address: string } }): Promise<void>;
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

export function useCrashWorld(stack = "dev"): CrashWorld {
  const engine = useEngine({ scope: "suite" });
  let proxy: AwsProxy | undefined;
  let endpoint = "";
  let outputs: Record<string, unknown> | undefined;
  let primaryBefore: unknown;
  const made: AwsClients[] = [];
  const aws = (region = "us-east-1") => {
    const c = createAwsClients({ endpoint: engine.motoEndpoint, region });
    made.push(c);
    return c;
  };
  const out = (key: string) => {
    if (outputs === undefined) throw new Error("the environment is not deployed yet");
    return String(outputs[key]);
  };
  const backend = () => path.join(engine.backendDir, ".pulumi");
  const dr = (args: string[], options: DrProcessOptions = {}) => gametrackerDr(engine, args, { endpoint, ...options });

  before(async function () {
    this.timeout(5 * 60_000);
    if (engine.languageHostUnavailable !== undefined) {
      process.stderr.write(`crash tier skipped: ${engine.languageHostUnavailable}\n`);
      return this.skip();
    }
    proxy = new AwsProxy(engine.motoEndpoint);
    endpoint = await proxy.listen();
    outputs = await pulumiUp(engine, stack, { endpoint });
    primaryBefore = await primaryFingerprint(aws().rds, out(EnvironmentOutputNames.databaseIdentifier));
  });
  afterEach(async () => {
    // A failed test leaves nothing running, and nothing held for the next one.
    await crashAll();
    proxy?.clear();
  });
  after(async () => {
    await proxy?.close();
    for (const c of made.splice(0)) c.destroy();
  });

  const world: CrashWorld = {
    engine,
    stack,
    get proxy() {
      if (proxy === undefined) throw new Error("the proxy starts in the describe()'s before()");
      return proxy;
    },
    out,
    get outputs() {
      if (outputs === undefined) throw new Error("the environment is not deployed yet");
      return outputs;
    },
    dr,
    async finish(args, code = 0, options = {}) {
      const run = await dr(args, options).done;
      expect(run.code, `gametracker-dr ${args.join(" ")}:\n${run.stderr}`).to.equal(code);
      return run;
    },
    pulumi: (args) => pulumi(engine, args, { endpoint }),
    aws,
    async instances(region = "us-east-1") {
      return ((await aws(region).rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((i) => i.DBInstanceIdentifier!).sort();
    },
    async lambdaUrl() {
      const fn = await aws().lambda.send(new GetFunctionConfigurationCommand({ FunctionName: out(EnvironmentOutputNames.apiFunctionName) }));
      return fn.Environment?.Variables?.SPRING_DATASOURCE_URL;
    },
    locks: () => listFiles(path.join(backend(), "locks")).filter((f) => f.endsWith(".json")),
    pendingOperations() {
      const pending: Array<{ stack: string; type: string; urn: string }> = [];
      for (const file of listFiles(path.join(backend(), "stacks")).filter((f) => f.endsWith(".json"))) {
        const state = JSON.parse(fs.readFileSync(path.join(backend(), "stacks", file), "utf8")) as { checkpoint?: { latest?: { pending_operations?: Array<{ type: string; resource: { urn: string } }> } } };
        for (const op of state.checkpoint?.latest?.pending_operations ?? []) pending.push({ stack: file.replace(/\.json$/, ""), type: op.type, urn: op.resource.urn });
      }
      return pending;
    },
    restoreStacks: () =>
      listFiles(path.join(backend(), "stacks", RESTORE_PROJECT))
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.replace(/\.json$/, ""))
        .sort(),
    resumeId(run) {
      const id = /--resume (\d{12}[a-z0-9]{4})/.exec(run.stderr)?.[1];
      expect(id, `no --resume id in:\n${run.stderr}`).to.be.a("string");
      return id!;
    },
    async expectSettled(expected) {
      const primary = out(EnvironmentOutputNames.databaseIdentifier);
      expect(await world.instances(), "instances in moto").to.deep.equal([primary, ...expected.restored].sort());
      expect(world.locks(), "lock files in the backend").to.deep.equal([]);
      expect(world.pendingOperations(), "pending operations in the backend").to.deep.equal([]);
      expect(await primaryFingerprint(aws().rds, primary), "the primary and its snapshots").to.deep.equal(primaryBefore);
      const url = await world.lambdaUrl();
      const address = expected.lambda === "primary" ? out(EnvironmentOutputNames.databaseEndpoint) : expected.lambda.address;
      expect(url, "the API Lambda's SPRING_DATASOURCE_URL").to.contain(`jdbc:sqlserver://${address}:1433;`);
    },
  };
  return world;
}
