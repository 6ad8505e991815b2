/** Runs the real CLI in-process against an S3 emulator, for the asset tests; returns the exit code and what it printed. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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
  /** The run's temp dir (TMPDIR); default one private to this test process. */
  tmpdir?: string;
}

let privateTmpdir: string | undefined;

/**
 * A temp dir for the in-process runs, private to this test process: restore-prefix removes
 * the temp files of killed runs it finds, and the temp dir of the machine is shared with
 * the other test processes and their killed children.
 */
export function testTmpdir(): string {
  if (privateTmpdir === undefined) {
    const dir = (privateTmpdir = fs.mkdtempSync(path.join(os.tmpdir(), "gametracker-dr-test-tmp-")));
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return privateTmpdir;
}

export async function runCli(emulator: EmulatorHandle, argv: string[], options: CliOptions = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const middleware = options.middleware ?? [];
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = options.tmpdir ?? testTmpdir();
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
  }).finally(() => {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/** Runs with --json and expects exit 0; returns the parsed result. */
export async function runCliJson(emulator: EmulatorHandle, argv: string[], options: CliOptions = {}): Promise<any> {
  const r = await runCli(emulator, [...argv, "--json"], options);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
