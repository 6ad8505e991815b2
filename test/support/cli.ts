/**
 * The one way tests run the real CLI in-process: `main` with every command, stdout and
 * stderr captured, AWS clients from the test's factory (moto, with any test middleware),
 * a test clock, no terminal unless `ask` is given, and any other dependency of the CLI
 * (DNS, the Ctrl-C hook, the report files, randomness) overridden by its CliDeps name.
 */
import { AwsClientOptions, AwsClients } from "../../automation/aws/clients";
import { CliDeps } from "../../automation/cli/context";
import { main } from "../../automation/cli/main";
import { Stacks } from "../../automation/stacks/port";
import { ManualClock } from "./manual-clock";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = any>(): T;
}

export interface CliRunOptions extends Partial<Omit<CliDeps, "stdout" | "stderr" | "awsClients" | "stacks">> {
  clients: (options?: AwsClientOptions) => AwsClients;
  /** Added to every client the command builds (faults, pending statuses, outages). */
  middleware?: NonNullable<AwsClientOptions["middleware"]>;
  /** The stacks port for `--stack`; a function is called when a command first needs it (a fresh adapter, like a new process). */
  stacks?: Stacks | (() => Stacks);
}

export async function runCli(argv: string[], options: CliRunOptions): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const { clients, middleware: extra, stacks, ...overrides } = options;
  const code = await main(argv, {
    ...overrides,
    stdout: { write: (t) => void out.push(t) },
    stderr: { write: (t) => void err.push(t) },
    clock: options.clock ?? new ManualClock(new Date()),
    ask: options.ask,
    random: options.random ?? (() => 0.5),
    awsClients: (o = {}) => {
      const own = o.middleware;
      if (extra === undefined) return clients(o);
      return clients({ ...o, middleware: (stack, region) => (own?.(stack, region), extra(stack, region)) });
    },
    stacks: () => {
      if (stacks === undefined) throw new Error("runCli: this test gave no stacks but the command asked for them");
      return typeof stacks === "function" ? stacks() : stacks;
    },
  });
  const stdout = out.join("");
  return { code, stdout, stderr: err.join(""), json: () => JSON.parse(stdout) };
}
