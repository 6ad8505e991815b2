/**
 * The one way tests run the real CLI in-process: `main` with every command, stdout and
 * stderr captured, AWS clients from the test's factory (moto, with any test middleware),
 * a test clock, no terminal unless `ask` is given, and the test doubles that must stand in
 * for the outside world named explicitly: DNS (emulator endpoints are in no DNS), the
 * Ctrl-C hook and the report files.
 */
import { AwsClientOptions, AwsClients } from "../../automation/aws/clients";
import { allCommands } from "../../automation/cli/commands";
import { CliDeps } from "../../automation/cli/context";
import { main } from "../../automation/cli/main";
import { Clock } from "../../automation/clock";
import { createCutoverCommand } from "../../automation/commands/cutover";
import { createDrillCommand } from "../../automation/commands/drill";
import { createRestoreCommand } from "../../automation/commands/restore";
import { createRollbackCommand } from "../../automation/commands/rollback";
import { ReportWriter } from "../../automation/drill/report-files";
import { InterruptInstaller } from "../../automation/interrupt";
import { HostResolver } from "../../automation/restore/verify";
import { Stacks } from "../../automation/stacks/port";
import { ManualClock } from "./manual-clock";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = any>(): T;
}

export interface CliRunOptions {
  clients: (options?: AwsClientOptions) => AwsClients;
  /** Added to every client the command builds (faults, pending statuses, outages). */
  middleware?: NonNullable<AwsClientOptions["middleware"]>;
  clock?: Clock;
  /** The stacks port for `--stack`; a function is called when a command first needs it (a fresh adapter, like a new process). */
  stacks?: Stacks | (() => Stacks);
  ask?: (question: string) => Promise<boolean>;
  resolver?: HostResolver;
  interrupts?: InterruptInstaller;
  reportWriter?: ReportWriter;
  random?: () => number;
}

export async function runCli(argv: string[], options: CliRunOptions): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const overrides = {
    ...(options.resolver ? { resolver: options.resolver } : {}),
    ...(options.interrupts ? { onInterrupt: options.interrupts } : {}),
  };
  const commands = allCommands.map((c) => {
    switch (c.command) {
      case "restore":
        return createRestoreCommand(overrides);
      case "drill":
        return createDrillCommand({ ...overrides, ...(options.reportWriter ? { reportWriter: options.reportWriter } : {}) });
      case "cutover":
        return createCutoverCommand(options.interrupts ? { onInterrupt: options.interrupts } : {});
      case "rollback":
        return createRollbackCommand(options.interrupts ? { onInterrupt: options.interrupts } : {});
      default:
        return c;
    }
  });
  const deps: Partial<CliDeps> = {
    stdout: { write: (t) => void out.push(t) },
    stderr: { write: (t) => void err.push(t) },
    clock: options.clock ?? new ManualClock(new Date()),
    ask: options.ask,
    random: options.random ?? (() => 0.5),
    awsClients: (o = {}) => {
      const own = o.middleware;
      const extra = options.middleware;
      if (extra === undefined) return options.clients(o);
      return options.clients({ ...o, middleware: (stack, region) => (own?.(stack, region), extra(stack, region)) });
    },
    stacks: () => {
      if (options.stacks === undefined) throw new Error("runCli: this test gave no stacks but the command asked for them");
      return typeof options.stacks === "function" ? options.stacks() : options.stacks;
    },
  };
  const code = await main(argv, deps, commands);
  const stdout = out.join("");
  return { code, stdout, stderr: err.join(""), json: () => JSON.parse(stdout) };
}
