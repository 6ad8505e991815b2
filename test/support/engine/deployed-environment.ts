/**
 * The engine scenarios' world: the REAL environment program deployed once per describe()
 * from the repository's own Pulumi.<stack>.yaml through the real engine and the stand-in
 * providers into moto, and the real CLI in-process on a fresh adapter for every command
 * (as a new process would get one: nothing of the previous command's workspace survives).
 */
import { RDSClient } from "@aws-sdk/client-rds";
import { AwsClientOptions, AwsClients, createAwsClients } from "../../../automation/aws/clients";
import { restoreProgram } from "../../../automation/restore/program";
import { StackOutputs, Stacks } from "../../../automation/stacks/port";
import { ENVIRONMENT_PROJECT, RESTORE_PROJECT } from "../../../contracts/stacks";
import { environmentProgram } from "../../../environment-program";
import { CliRun, CliRunOptions, runCli } from "../cli";
import { FakeInterrupts } from "../interrupts";
import { ManualClock } from "../manual-clock";
import { rdsEndpointDns } from "../rds-dns";
import { combineMiddleware } from "../rds-fixtures";
import { pendingModificationsMiddleware } from "../moto-gaps";
import { Engine, useEngine } from "./harness";

export interface DeployedWorld {
  readonly engine: Engine;
  /** The environment stack's outputs after the first `up`. */
  readonly outputs: StackOutputs;
  readonly clock: ManualClock;
  /** moto clients, with RDS's automated backups and the modifications it defers as the plugins see them (moto-rds-backups.ts, moto-gaps.ts) and `options.middleware` after. */
  aws(options?: AwsClientOptions): AwsClients;
  /** A fresh adapter with the environment and restore programs registered, as the CLI builds it. */
  stacks(): Stacks;
  /** The CLI in-process on a fresh adapter. */
  run(argv: string[], extra?: Partial<CliRunOptions>): Promise<CliRun>;
  out(key: string): unknown;
}

/**
 * `first`: environment stacks deployed before `stack`, in order (prod-dr before prod: prod
 * replicates its assets into prod-dr's bucket, which must exist).
 */
export function useDeployedEnvironment(stack: string, options: { first?: string[] } = {}): DeployedWorld {
  const engine = useEngine({ scope: "suite" });
  const clock = new ManualClock(new Date(Date.now() + 1000));
  let outputs: StackOutputs | undefined;
  const made: AwsClients[] = [];
  // RDS as the stand-in plugins see it: moto plus the automated-backup APIs it lacks and the
  // modifications it would defer to the maintenance window, on their shared state.
  const aws = (options: AwsClientOptions = {}) => {
    const pending = pendingModificationsMiddleware(engine.envVars.GAMETRACKER_STANDIN_GAP_STATE!);
    const clients = createAwsClients({ endpoint: engine.motoEndpoint, region: "us-east-1", ...options, middleware: combineMiddleware(engine.rdsBackups.middleware, pending, options.middleware) });
    made.push(clients);
    return clients;
  };
  const stacks = () => engine.stacks({ environmentProgram: async () => environmentProgram(), inlinePrograms: { [RESTORE_PROJECT]: async () => restoreProgram() } });

  before(async function () {
    this.timeout(5 * 60_000);
    try {
      void engine.cli;
    } catch {
      return this.skip();
    }
    for (const earlier of options.first ?? []) await (await stacks().createOrSelect({ project: ENVIRONMENT_PROJECT, stack: earlier })).up();
    const env = await stacks().createOrSelect({ project: ENVIRONMENT_PROJECT, stack });
    outputs = (await env.up()).outputs;
  });
  after(() => {
    for (const c of made.splice(0)) c.destroy();
  });

  return {
    engine,
    clock,
    get outputs() {
      if (outputs === undefined) throw new Error("the environment is not deployed yet");
      return outputs;
    },
    aws,
    stacks,
    out: (key) => outputs?.[key]?.value,
    run: (argv, extra = {}) => {
      const rds: RDSClient[] = [aws().rds, aws({ region: "us-west-2" }).rds];
      return runCli(argv, { clients: aws, stacks, clock, resolver: rdsEndpointDns(rds), onInterrupt: new FakeInterrupts().install, ...extra });
    },
  };
}
