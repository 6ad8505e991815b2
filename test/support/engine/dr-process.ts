/**
 * The crash tier's processes: `bin/gametracker-dr.js` of the engine harness's checkout
 * (checkout.ts) and `pulumi` itself, each as an OS process in its own process group
 * (a session of its own), as a user's shell or a CI step starts them. What a test
 * machine lacks comes from outside the product: AWS is moto (or the test's proxy in front
 * of it, aws-proxy.ts); DNS for moto's RDS endpoints and RDS's automated backups where moto
 * falls short are `--require` preloads through NODE_OPTIONS (rds-dns-preload.ts,
 * rds-backups-preload.ts), which the processes the CLI starts don't get. The backend,
 * passphrase and PATH (the stand-in plugins, the language host, the CLI) are the harness's
 * envVars.
 *
 * Every process a run starts carries a marker in its environment (GAMETRACKER_TEST_RUN),
 * inherited by pulumi, the language host, the program and the plugins, which run in
 * process groups of their own; `crash()` SIGKILLs all of them, as a crashed machine or
 * GitHub's kill of a step's process tree would.
 *
 *   const run = gametrackerDr(engine, ["restore", "--stack", "dev", ...]);
 *   await hold.reached();
 *   await run.crash();
 */
import { ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../moto";
import type { Engine } from "./harness";

export const RUN_MARKER_VARIABLE = "GAMETRACKER_TEST_RUN";

export interface ProcessRun {
  /** The exit code; null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout as JSON (--json runs). */
  json<T = any>(): T;
}

const running = new Set<RunningProcess>();

/** The pids of the live processes whose environment carries `marker` (Linux /proc). */
export function processesMarked(marker: string): number[] {
  const needle = `${RUN_MARKER_VARIABLE}=${marker}\0`;
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, "latin1").includes(needle)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return found;
}

export class RunningProcess {
  readonly marker = randomUUID();
  readonly child: ChildProcess;
  readonly done: Promise<ProcessRun>;
  private out = "";
  private err = "";
  private readonly watchers: Array<{ pattern: RegExp; resolve: () => void }> = [];

  constructor(command: string, args: string[], options: { cwd: string; env: Record<string, string | undefined> }) {
    this.child = spawn(command, args, { cwd: options.cwd, env: { ...options.env, [RUN_MARKER_VARIABLE]: this.marker }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    running.add(this);
    this.child.stdout!.on("data", (d: Buffer) => (this.out += d.toString()));
    this.child.stderr!.on("data", (d: Buffer) => {
      this.err += d.toString();
      for (const w of [...this.watchers]) {
        if (w.pattern.test(this.err)) {
          this.watchers.splice(this.watchers.indexOf(w), 1);
          w.resolve();
        }
      }
    });
    this.done = new Promise((resolve) =>
      this.child.on("close", (code, signal) => {
        running.delete(this);
        const stdout = this.out;
        resolve({ code, signal, stdout, stderr: this.err, json: () => JSON.parse(stdout) });
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves when stderr (progress, warnings, errors) has shown `pattern`; rejects when the process ends first or after `timeoutMs`. */
  stderrShows(pattern: RegExp, timeoutMs = 120_000): Promise<void> {
    if (pattern.test(this.err)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stderr did not show ${pattern} within ${timeoutMs} ms:\n${this.err}`)), timeoutMs);
      this.watchers.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
      void this.done.then((run) => (clearTimeout(timer), reject(new Error(`the process ended (${run.code ?? run.signal}) before stderr showed ${pattern}:\n${run.stderr}`))));
    });
  }

  /** A signal to the entry process alone (what a CI runner sends the step's process). */
  signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }

  /**
   * SIGKILL to every process of the run, the plugins' process groups included, until none
   * is left: a crashed machine. Resolves with how the entry process ended.
   */
  async crash(): Promise<ProcessRun> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const pids = processesMarked(this.marker);
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
      if (Date.now() > deadline) throw new Error(`processes ${pids.join(", ")} of run ${this.marker} outlived SIGKILL for 15 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.done;
  }

  /**
   * How GitHub Actions cancels a step (a job's timeout, or Cancel): SIGINT to the step's
   * process, SIGTERM 7.5 s later if it is still running, and 2.5 s after that a kill of
   * the whole process tree. Resolves with how the entry process ended.
   */
  async githubCancel(): Promise<ProcessRun> {
    const exited = (ms: number) => Promise.race([this.done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
    this.signal("SIGINT");
    if (!(await exited(7_500))) {
      this.signal("SIGTERM");
      if (!(await exited(2_500))) return this.crash();
    }
    // The step ended; the runner kills what is left of its tree.
    await this.crash();
    return this.done;
  }
}

/** SIGKILLs every process of every run still going (an after() hook, so a failed test leaves nothing running). */
export async function crashAll(): Promise<void> {
  await Promise.all([...running].map((r) => r.crash()));
}

export interface DrProcessOptions {
  /** The AWS endpoint the CLI (and the engine and plugins it starts) uses; default the harness's moto. */
  endpoint?: string;
  /** Laid over everything else. */
  env?: Record<string, string>;
}

/** `node bin/gametracker-dr.js <args>` in the checkout, as its own process group. */
export function gametrackerDr(engine: Engine, args: string[], options: DrProcessOptions = {}): RunningProcess {
  const checkout = engine.checkout();
  const before = process.env.NODE_OPTIONS ?? "";
  const preload = ["register-ts.js", "test/support/engine/rds-dns-preload.ts", "test/support/engine/rds-backups-preload.ts"].map((file) => `--require ${path.join(REPO_ROOT, file)}`).join(" ");
  return new RunningProcess(process.execPath, [path.join(checkout, "bin", "gametracker-dr.js"), ...args], {
    cwd: checkout,
    env: {
      ...process.env,
      ...engine.envVars,
      ...(options.endpoint !== undefined ? { AWS_ENDPOINT_URL: options.endpoint } : {}),
      NODE_OPTIONS: `${before} ${preload}`.trim(),
      GAMETRACKER_TEST_NODE_OPTIONS: before,
      ...options.env,
    },
  });
}

/** `pulumi <args>` in the checkout, as a user runs it there (the environment project through the language host). */
export function pulumi(engine: Engine, args: string[], options: DrProcessOptions = {}): RunningProcess {
  const checkout = engine.checkout();
  return new RunningProcess(engine.cli, args, {
    cwd: checkout,
    env: { ...process.env, ...engine.envVars, ...(options.endpoint !== undefined ? { AWS_ENDPOINT_URL: options.endpoint } : {}), ...options.env },
  });
}

/**
 * `pulumi up -s <stack>` as the README says, in the checkout: `pulumi stack init <stack>`
 * (once, as a new user does; `pulumi up` itself only offers it on a terminal), then the
 * update (`--yes --skip-preview`: no terminal to confirm on); the stack's outputs.
 */
export async function pulumiUp(engine: Engine, stack: string, options: DrProcessOptions = {}): Promise<Record<string, unknown>> {
  for (const args of [["stack", "init", stack], ["up", "-s", stack, "--yes", "--skip-preview"]]) {
    const run = await pulumi(engine, args, options).done;
    if (run.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (${run.code ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
    // The engine ran the program as Pulumi.yaml says: through register-ts.js, not through ts-node (language-host.ts).
    if (/TSError|ts-node/.test(run.stdout + run.stderr)) throw new Error(`pulumi ${args.join(" ")} ran the program through ts-node:\n${run.stderr}`);
  }
  const read = await pulumi(engine, ["stack", "output", "-s", stack, "--json"], options).done;
  if (read.code !== 0) throw new Error(`pulumi stack output -s ${stack} failed:\n${read.stderr}`);
  return JSON.parse(read.stdout) as Record<string, unknown>;
}

/** `pulumi preview -s <stack> --expect-no-changes` in the checkout: the engine's own verdict that nothing would change. */
export function pulumiPreview(engine: Engine, stack: string, options: DrProcessOptions = {}): Promise<ProcessRun> {
  return pulumi(engine, ["preview", "-s", stack, "--expect-no-changes"], options).done;
}
