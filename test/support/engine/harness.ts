/**
 * The engine tier's mocha helper: the real Pulumi CLI (pulumi-cli.ts) driven through the
 * project's real Automation API adapter (`createPulumiStacks`), on a `file://` backend in a
 * temporary directory with passphrase secrets, a test-only PULUMI_HOME, no update checks
 * and no plugin downloads, the stand-in `aws`/`awsx` plugins first on PATH, applying to the
 * moto the test run started (test/support/global.ts).
 *
 * The environment project runs as an inline program over a temporary copy of the
 * repository's own Pulumi.yaml and Pulumi.<stack>.yaml where that is fast enough (inline
 * programs need no language host), so project settings, the config schema and stack files
 * pass through the engine as `pulumi up` passes them; `checkout()` makes that copy a
 * checkout for the production paths (`pulumi up` through the Node.js language host,
 * language-host.ts, and bin/gametracker-dr.js as an OS process, dr-process.ts).
 * Everything the CLI and plugins see is passed as the workspace's envVars: nothing leaks
 * into this process's environment.
 *
 *   const engine = useEngine();                 // in a describe(); skips when no CLI can be had
 *   const stacks = engine.stacks({ inlinePrograms: { "t": program } });
 *   const stack = await stacks.createOrSelect({ project: "t", stack: "dev" });
 *   await stack.setConfig("aws:region", "us-east-1");
 *   await stack.up();
 *   engine.levers.fail({ op: "create", type: "aws:rds/instance:Instance" });
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { PulumiStacksOptions, createPulumiStacks } from "../../../automation/stacks/pulumi-stacks";
import type { Stacks } from "../../../automation/stacks/port";
import { motoEndpoint } from "../emulator";
import { REPO_ROOT } from "../moto";
import { MotoRdsBackups } from "../moto-rds-backups";
import { Levers } from "./levers";
import { makeCheckout } from "./checkout";
import { ensureLanguageHost, installLanguageHost, LanguageHostUnavailableError } from "./language-host";
import { PulumiCliUnavailableError, ensurePulumiCli } from "./pulumi-cli";
import { standinPlugins } from "./plugins";
import { OperationTiming, timed } from "./timings";

export const TEST_PASSPHRASE = "gametracker-engine-tests";

export interface EngineOptions {
  /**
   * "test" (default): a fresh backend, work dir, levers and moto before every test.
   * "suite": one of each for the whole describe(), for tests that build on each other.
   */
  scope?: "test" | "suite";
}

export type EngineStacksOptions = Omit<PulumiStacksOptions, "pulumiCommand" | "envVars" | "environmentDir"> & {
  /** Laid over the harness's variables for this adapter's CLI runs (e.g. another AWS_REGION). */
  env?: Record<string, string>;
};

export interface Engine {
  /** The `pulumi` binary in use. */
  readonly cli: string;
  /** Root of the `file://` backend (stacks under .pulumi/stacks/<project>/). */
  readonly backendDir: string;
  readonly backendUrl: string;
  /** The temporary copy of Pulumi.yaml and Pulumi.<stack>.yaml the environment project runs over. */
  readonly workDir: string;
  /**
   * Makes workDir a checkout as `npm ci` leaves one (checkout.ts): the program's sources,
   * node_modules, and a copy of bin/ and dist/, for `pulumi up` through the language host
   * and bin/gametracker-dr.js as an OS process. Returns workDir.
   */
  checkout(): string;
  /** Why the Node.js language host is not on the engine's PATH, or undefined when it is (language-host.ts). */
  readonly languageHostUnavailable: string | undefined;
  /** Everything the CLI and the plugins get on top of this process's environment. */
  readonly envVars: Readonly<Record<string, string>>;
  readonly levers: Levers;
  /** The stand-in plugins' per-operation timings (JSON lines). */
  readonly metricsFile: string;
  readonly motoEndpoint: string;
  /** The project's real adapter on this backend. Each call is a fresh adapter, like a new process. */
  stacks(options?: EngineStacksOptions): Stacks;
  /** The engine's own view of a stack's state (`pulumi stack export`), for assertions on the backend. */
  exportStack(project: string, stack: string): Promise<{ resources: Array<{ urn: string; type: string; id?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown>; protect?: boolean }> }>;
  /** Wall time of `action` split into engine+program and moto. */
  timed<T>(action: () => Promise<T>): Promise<{ result: T; timing: OperationTiming }>;
  /**
   * RDS's automated backups where moto falls short (moto-rds-backups.ts), on the state the
   * stand-in plugins share: its `middleware` on a client of this process makes it see the
   * RDS the engine's resources see. Reset with moto.
   */
  readonly rdsBackups: MotoRdsBackups;
}

interface Dirs {
  backendDir: string;
  workDir: string;
  controlDir: string;
  metricsFile: string;
  root: string;
}

interface SharedSetup {
  cli: string;
  command: PulumiCommand;
  home: string;
  binDir: string;
  languageHostUnavailable: string | undefined;
}

let sharedSetup: Promise<SharedSetup | { unavailable: string }> | undefined;

async function setUp(log: (line: string) => void): Promise<SharedSetup | { unavailable: string }> {
  let cli: string;
  try {
    cli = ensurePulumiCli(log);
  } catch (error) {
    if (error instanceof PulumiCliUnavailableError) return { unavailable: error.message };
    throw error;
  }
  // PulumiCommand.get takes an installation root (<root>/bin/pulumi); the cache keeps the bare binary.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "gametracker-cli-"));
  fs.mkdirSync(path.join(root, "bin"));
  fs.symlinkSync(cli, path.join(root, "bin", "pulumi"));
  const command = await PulumiCommand.get({ root });
  // A test-only PULUMI_HOME: no plugins, credentials or workspace settings from the machine's ~/.pulumi.
  const home = path.join(root, "pulumi-home");
  fs.mkdirSync(home);
  const { binDir } = await standinPlugins();
  // The language host goes beside the plugins, first on the engine's PATH; without it only
  // the tests of the production paths skip.
  let languageHostUnavailable: string | undefined;
  try {
    await installLanguageHost(binDir, ensureLanguageHost(log));
  } catch (error) {
    if (!(error instanceof LanguageHostUnavailableError)) throw error;
    languageHostUnavailable = error.message;
  }
  return { cli, command, home, binDir, languageHostUnavailable };
}

/**
 * One engine setup, usable without mocha (bench/engine.bench.ts): `start()` finds the CLI
 * and builds the plugins, `fresh()` makes a new backend, work dir and levers and resets
 * moto, `cleanup()` removes them.
 */
export class EngineSession implements Engine {
  private dirs: Dirs | undefined;
  private currentLevers: Levers | undefined;
  private currentBackups: MotoRdsBackups | undefined;

  private constructor(
    readonly cli: string,
    private readonly command: PulumiCommand,
    private readonly home: string,
    private readonly binDir: string,
    readonly languageHostUnavailable: string | undefined,
  ) {}

  /** A session, or the sentence saying why the engine tier cannot run here. The CLI, its check and the plugins are shared by all sessions of a process. */
  static async start(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<EngineSession | { unavailable: string }> {
    if (motoEndpoint() === undefined) return { unavailable: "no emulator (GAMETRACKER_TEST_NO_EMULATOR=1)" };
    const shared = await (sharedSetup ??= setUp(log));
    return "unavailable" in shared ? shared : new EngineSession(shared.cli, shared.command, shared.home, shared.binDir, shared.languageHostUnavailable);
  }

  async fresh(): Promise<void> {
    this.cleanup();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "gametracker-engine-"));
    const d: Dirs = { root, backendDir: path.join(root, "backend"), workDir: path.join(root, "project"), controlDir: path.join(root, "control"), metricsFile: path.join(root, "metrics.jsonl") };
    fs.mkdirSync(d.backendDir);
    fs.mkdirSync(d.workDir);
    for (const file of fs.readdirSync(REPO_ROOT)) {
      if (file === "Pulumi.yaml" || /^Pulumi\.[^.]+\.yaml$/.test(file)) fs.copyFileSync(path.join(REPO_ROOT, file), path.join(d.workDir, file));
    }
    // The engine checks that the project's `main` exists even when the program runs inline (never executed).
    const main = (fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8").match(/^main:\s*(\S+)/m) ?? [])[1];
    if (main !== undefined && fs.existsSync(path.join(REPO_ROOT, main))) fs.copyFileSync(path.join(REPO_ROOT, main), path.join(d.workDir, main));
    this.dirs = d;
    this.currentLevers = new Levers(d.controlDir);
    const response = await fetch(`${motoEndpoint()}/moto-api/reset`, { method: "POST" });
    if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
  }

  cleanup(): void {
    this.currentBackups?.destroy();
    this.currentBackups = undefined;
    if (this.dirs !== undefined && process.env.GAMETRACKER_KEEP_ENGINE_DIRS !== "1") fs.rmSync(this.dirs.root, { recursive: true, force: true });
    this.dirs = undefined;
  }

  private ready(): Dirs {
    if (this.dirs === undefined) throw new Error("the engine session has no backend yet: call fresh() (useEngine does it before each test, or once with scope 'suite')");
    return this.dirs;
  }

  get backendDir(): string {
    return this.ready().backendDir;
  }
  get backendUrl(): string {
    return `file://${this.ready().backendDir}`;
  }
  get workDir(): string {
    return this.ready().workDir;
  }
  get metricsFile(): string {
    return this.ready().metricsFile;
  }
  checkout(): string {
    return makeCheckout(this.ready().workDir);
  }
  get levers(): Levers {
    this.ready();
    return this.currentLevers!;
  }
  get motoEndpoint(): string {
    return motoEndpoint()!;
  }
  get rdsBackups(): MotoRdsBackups {
    return (this.currentBackups ??= new MotoRdsBackups(this.motoEndpoint, { stateFile: this.rdsBackupsFile }));
  }
  private get rdsBackupsFile(): string {
    return path.join(this.ready().controlDir, "rds-backups.json");
  }

  get envVars(): Record<string, string> {
    const d = this.ready();
    return {
      PULUMI_BACKEND_URL: `file://${d.backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
      PULUMI_HOME: this.home,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PATH: [this.binDir, path.dirname(this.cli), process.env.PATH ?? ""].join(path.delimiter),
      AWS_ENDPOINT_URL: this.motoEndpoint,
      AWS_REGION: process.env.AWS_REGION ?? "us-east-1",
      GAMETRACKER_STANDIN_CONTROL: d.controlDir,
      GAMETRACKER_STANDIN_METRICS: d.metricsFile,
      // What moto drops and the gap behaviours keep (test/support/moto-gaps.ts): reset with moto, per test.
      GAMETRACKER_STANDIN_GAP_STATE: path.join(d.controlDir, "moto-gaps"),
      // RDS's automated backups (test/support/moto-rds-backups.ts), shared with this process's rdsBackups.
      GAMETRACKER_STANDIN_RDS_BACKUPS: this.rdsBackupsFile,
    };
  }

  stacks({ env, ...stackOptions }: EngineStacksOptions = {}): Stacks {
    return createPulumiStacks({ ...stackOptions, environmentDir: this.workDir, pulumiCommand: this.command, envVars: { ...this.envVars, ...env } });
  }

  async exportStack(project: string, stack: string): ReturnType<Engine["exportStack"]> {
    const ws = await LocalWorkspace.create({ pulumiCommand: this.command, envVars: this.envVars, projectSettings: { name: project, runtime: "nodejs" } });
    const state = await ws.exportStack(stack);
    return { resources: (state.deployment as { resources?: [] }).resources ?? [] };
  }

  timed<T>(action: () => Promise<T>): Promise<{ result: T; timing: OperationTiming }> {
    return timed(this.metricsFile, action);
  }
}

/** In a describe(): an engine session for its tests (see the file header). Skips, with the reason on stderr, when no CLI can be had. */
export function useEngine(options: EngineOptions = {}): Engine {
  const scope = options.scope ?? "test";
  let session: EngineSession | undefined;

  before(async function () {
    this.timeout(20 * 60_000);
    const started = await EngineSession.start();
    if ("unavailable" in started) {
      process.stderr.write(`engine tests skipped: ${started.unavailable}\n`);
      return this.skip();
    }
    session = started;
    if (scope === "suite") await session.fresh();
  });
  if (scope === "test") {
    beforeEach(() => session?.fresh());
    afterEach(() => session?.cleanup());
  }
  after(() => session?.cleanup());

  const current = (): EngineSession => {
    if (session === undefined) throw new Error("the engine harness is not set up yet: use it inside it()/before() of the describe() that called useEngine()");
    return session;
  };
  return {
    get cli() {
      return current().cli;
    },
    get backendDir() {
      return current().backendDir;
    },
    get backendUrl() {
      return current().backendUrl;
    },
    get workDir() {
      return current().workDir;
    },
    checkout: () => current().checkout(),
    get languageHostUnavailable() {
      return current().languageHostUnavailable;
    },
    get envVars() {
      return current().envVars;
    },
    get levers() {
      return current().levers;
    },
    get metricsFile() {
      return current().metricsFile;
    },
    get motoEndpoint() {
      return current().motoEndpoint;
    },
    stacks: (o) => current().stacks(o),
    exportStack: (p, s) => current().exportStack(p, s),
    timed: (a) => current().timed(a),
    get rdsBackups() {
      return current().rdsBackups;
    },
  };
}
