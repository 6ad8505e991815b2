import { AwsClientOptions, AwsClients, createAwsClients } from "../aws/clients";
import { Clock, systemClock } from "../clock";
import { fileReportWriter, ReportWriter } from "../drill/report-files";
import { UsageError } from "../errors";
import { InterruptInstaller, processInterrupts } from "../interrupt";
import { Output } from "../output";
import { HostResolver, systemResolver } from "../restore/verify";
import { Stacks } from "../stacks/port";
import { RESTORE_PROJECT } from "../../contracts/stacks";
import type { OptionArgs } from "./option-types";
import type { withGlobalOptions } from "./global-options";

/** The global options every command accepts, parsed (declared in cli/global-options.ts). */
export type GlobalArgs = OptionArgs<typeof withGlobalOptions>;

/**
 * What the CLI needs from the outside world, in one place: main builds it from these
 * defaults and the caller's overrides (`main(argv, overrides)`), so that tests run the
 * real commands against moto, an in-memory stack implementation, a test clock, and
 * stand-ins for DNS, signals and report files, and reach every command the same way.
 */
export interface CliDeps {
  stdout: { write(text: string): void };
  stderr: { write(text: string): void };
  clock: Clock;
  /** Builds AWS clients for the global options (tests add fault-injecting middleware here). */
  awsClients: (options: AwsClientOptions) => AwsClients;
  /** The Pulumi stacks port; created on first use because it needs the Pulumi CLI. */
  stacks: () => Stacks;
  /** Asks a yes/no question on the terminal; `undefined` when there is no terminal to ask on. */
  ask: ((question: string) => Promise<boolean>) | undefined;
  /** Source of randomness (random drill points, jitter); seeded in tests. */
  random: () => number;
  /** DNS, for the restored instance's endpoint (an emulator's endpoints are in no DNS). */
  resolver: HostResolver;
  /** How Ctrl-C and SIGTERM reach a restore, drill, cut-over or rollback. */
  onInterrupt: InterruptInstaller;
  /** Where a drill's report files go. */
  reportWriter: ReportWriter;
}

export const defaultDeps = (): CliDeps => ({
  stdout: process.stdout,
  stderr: process.stderr,
  clock: systemClock,
  awsClients: createAwsClients,
  stacks: () => {
    // Loaded lazily: most commands (snapshots, assets, check --db-instance) must work
    // without the Pulumi CLI on the machine.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createPulumiStacks } = require("../stacks/pulumi-stacks") as typeof import("../stacks/pulumi-stacks");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { restoreProgram } = require("../restore/program") as typeof import("../restore/program");
    return createPulumiStacks({ inlinePrograms: { [RESTORE_PROJECT]: async () => restoreProgram() } });
  },
  ask: process.stdin.isTTY && process.stderr.isTTY ? askOnTerminal : undefined,
  random: Math.random,
  resolver: systemResolver,
  onInterrupt: processInterrupts,
  reportWriter: fileReportWriter,
});

async function askOnTerminal(question: string): Promise<boolean> {
  const readline = await import("node:readline/promises");
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Everything a command handler uses; built once per invocation from the global options. */
export class CommandContext {
  private clientsCache: AwsClients | undefined;
  private readonly regionalClients = new Map<string, AwsClients>();
  private stacksCache: Stacks | undefined;
  constructor(
    readonly args: GlobalArgs,
    readonly output: Output,
    readonly deps: CliDeps,
    /** `--aws-timeout` or GAMETRACKER_AWS_TIMEOUT in ms, checked; undefined for the default. */
    private readonly awsTimeoutMs?: number,
  ) {}

  get clock(): Clock {
    return this.deps.clock;
  }

  get aws(): AwsClients {
    this.clientsCache ??= this.deps.awsClients({ ...(this.args.region !== undefined ? { region: this.args.region } : {}), ...this.connection() });
    return this.clientsCache;
  }

  /**
   * The clients a command about an environment uses: `--region` when given, else the
   * environment stack's own region (its awsRegion output), else the default. So a command
   * on a standby stack works in that stack's region without `--region`.
   */
  awsFor(environmentRegion: string | undefined): AwsClients {
    return this.args.region === undefined && environmentRegion !== undefined ? this.awsIn(environmentRegion) : this.aws;
  }

  /** Clients for another region than the default (the environment's, a replica's); `--endpoint` still applies. */
  awsIn(region: string): AwsClients {
    if (region === this.aws.region) return this.aws;
    let clients = this.regionalClients.get(region);
    if (clients === undefined) {
      clients = this.deps.awsClients({ region, ...this.connection() });
      this.regionalClients.set(region, clients);
    }
    return clients;
  }

  /** How every client reaches AWS: `--endpoint` and the timeout. */
  private connection(): AwsClientOptions {
    return { ...(this.args.endpoint !== undefined ? { endpoint: this.args.endpoint } : {}), ...(this.awsTimeoutMs !== undefined ? { timeoutMs: this.awsTimeoutMs } : {}) };
  }

  get stacks(): Stacks {
    this.stacksCache ??= this.deps.stacks();
    return this.stacksCache;
  }

  /**
   * Asks before a change. `--yes` answers for the operator; with no terminal and no
   * `--yes` the command stops rather than act unasked.
   */
  async confirm(question: string): Promise<boolean> {
    if (this.args.yes) return true;
    if (this.deps.ask === undefined) {
      throw new UsageError(`${question} Re-run with --yes to confirm (no terminal to ask on).`);
    }
    return this.deps.ask(question);
  }

  dispose(): void {
    this.clientsCache?.destroy();
    for (const clients of this.regionalClients.values()) clients.destroy();
  }
}
