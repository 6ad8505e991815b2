/** Runs the real CLI in-process against an S3 emulator, for the asset tests; returns the exit code and what it printed. */
import type { MiddlewareStack } from "@smithy/types";
import { main } from "../../automation/cli/main";
import { Clock, systemClock } from "../../automation/clock";
import type { Stacks } from "../../automation/stacks/port";
import type { EmulatorHandle } from "./emulator";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  ask?: (question: string) => Promise<boolean>;
  /** Added to every client the command builds (fault injection, S3 rules, counting). */
  middleware?: Array<(stack: MiddlewareStack<any, any>) => void>;
  stacks?: Stacks;
  clock?: Clock;
}

export async function runCli(emulator: EmulatorHandle, argv: string[], options: CliOptions = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const middleware = options.middleware ?? [];
  const code = await main(argv, {
    stdout: { write: (t) => void out.push(t) },
    stderr: { write: (t) => void err.push(t) },
    clock: options.clock ?? systemClock,
    ask: options.ask,
    awsClients: (o) => emulator.clients({ ...o, ...(middleware.length > 0 ? { middleware: (stack) => middleware.forEach((m) => m(stack)) } : {}) }),
    stacks: () => {
      if (options.stacks === undefined) throw new Error("these tests pass --bucket; no stack is read");
      return options.stacks;
    },
    random: () => 0.5,
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/** Runs with --json and expects exit 0; returns the parsed result. */
export async function runCliJson(emulator: EmulatorHandle, argv: string[], options: CliOptions = {}): Promise<any> {
  const r = await runCli(emulator, [...argv, "--json"], options);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
