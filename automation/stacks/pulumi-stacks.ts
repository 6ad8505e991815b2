import * as os from "node:os";
import * as path from "node:path";
import {
  CommandError,
  ConcurrentUpdateError as PulumiConcurrentUpdateError,
  EngineEvent,
  LocalWorkspace,
  LocalWorkspaceOptions,
  OpType,
  ProjectSettings,
  PulumiCommand,
  PulumiFn,
  Stack as PulumiStack,
  StackNotFoundError as PulumiStackNotFoundError,
} from "@pulumi/pulumi/automation";
import { UsageError } from "../errors";
import { writeFailureLog } from "../failure-log";
import { redactText } from "../../contracts/redact";
import { EngineDiagnostic, parsePulumiFailure, PulumiOperationError } from "./pulumi-errors";
import {
  ConcurrentUpdateError,
  LockHolder,
  OperationOptions,
  PendingOperation,
  PendingResolution,
  PlanViolationError,
  PreviewOptions,
  PreviewResult,
  PreviewStep,
  Stack,
  StackId,
  StackLock,
  StackNotFoundError,
  StackOutputs,
  Stacks,
  StackSummary,
  StepOp,
  TargetOptions,
  UpOptions,
  UpResult,
} from "./port";
import { ENVIRONMENT_PROJECT } from "../../contracts/stacks";
import { BackendInfo, backendInfo, DIY_ORGANIZATION, pendingOperationsOf, readFileLocks, removeFileLock, resolvePendingIn } from "./pulumi-state";

/**
 * The real `Stacks`, over `@pulumi/pulumi/automation`. Deliberately thin: it maps the
 * port's verbs onto LocalWorkspace and translates the engine's errors and events; every
 * decision lives above it, where the in-memory implementation can exercise it.
 *
 * The environment project runs from the repository (its Pulumi.yaml); other projects
 * (the restore stacks) run inline programs registered by project name. The backend and
 * secrets provider come from the environment as they do for the CLI
 * (PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, PULUMI_ACCESS_TOKEN).
 */
export interface PulumiStacksOptions {
  /** Directory holding the environment project's Pulumi.yaml. */
  environmentDir?: string;
  /** Inline programs by project name (the CLI registers the restore project's; see cli/context.ts). */
  inlinePrograms?: Record<string, PulumiFn>;
  /** Secrets provider for stacks this tool creates (default: the backend's default, e.g. passphrase). */
  secretsProvider?: string;
  /** The CLI to drive (default: `pulumi` on PATH, version-checked). */
  pulumiCommand?: PulumiCommand;
  /** Environment variables for the CLI and the plugins it starts, laid over this process's own. */
  envVars?: Record<string, string>;
  /**
   * Runs the environment project as this inline program over `environmentDir`'s Pulumi.yaml and
   * stack files instead of through the Node language host; project settings, the config schema
   * and stack config still come from those files. For the engine tests, where no
   * `pulumi-language-nodejs` is installed.
   */
  environmentProgram?: PulumiFn;
}


export function createPulumiStacks(options: PulumiStacksOptions = {}): Stacks {
  const environmentDir = options.environmentDir ?? findEnvironmentDir();
  const inlinePrograms: Record<string, PulumiFn> = { ...options.inlinePrograms };
  let command: Promise<PulumiCommand> | undefined;
  const pulumiCommand = () =>
    (command ??= (options.pulumiCommand ? Promise.resolve(options.pulumiCommand) : PulumiCommand.get({ skipVersionCheck: false })).catch((error: unknown) => {
      throw new UsageError(
        `The Pulumi CLI was not found or is too old (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); install it from https://www.pulumi.com/docs/install/ (curl -fsSL https://get.pulumi.com | sh) and make sure \`pulumi\` is on PATH. This tool never downloads it for you.`,
      );
    }));

  const workspaceOptions = async (project: string): Promise<LocalWorkspaceOptions> => {
    const base: LocalWorkspaceOptions = { pulumiCommand: await pulumiCommand() };
    if (options.secretsProvider !== undefined) base.secretsProvider = options.secretsProvider;
    if (options.envVars !== undefined) base.envVars = options.envVars;
    if (project === ENVIRONMENT_PROJECT) return { ...base, workDir: environmentDir };
    // Inline projects share the environment project's backend (Pulumi.yaml `backend.url`,
    // else PULUMI_BACKEND_URL / the logged-in one), so restore stacks live beside it.
    const backend = (await environmentSettings(base))?.backend;
    return { ...base, projectSettings: { name: project, runtime: "nodejs", ...(backend ? { backend } : {}) } };
  };

  let settings: Promise<ProjectSettings | undefined> | undefined;
  const environmentSettings = (base: LocalWorkspaceOptions) =>
    (settings ??= LocalWorkspace.create({ ...base, workDir: environmentDir })
      .then((workspace) => workspace.projectSettings())
      .catch(() => undefined));

  const open = async (id: StackId, create: boolean): Promise<PulumiStack> => {
    const opts = await workspaceOptions(id.project);
    try {
      if (id.project === ENVIRONMENT_PROJECT && options.environmentProgram !== undefined) {
        const args = { stackName: id.stack, projectName: ENVIRONMENT_PROJECT, program: options.environmentProgram };
        return create ? await LocalWorkspace.createOrSelectStack(args, opts) : await LocalWorkspace.selectStack(args, opts);
      }
      if (id.project === ENVIRONMENT_PROJECT) {
        const args = { stackName: id.stack, workDir: environmentDir };
        return create ? await LocalWorkspace.createOrSelectStack(args, opts) : await LocalWorkspace.selectStack(args, opts);
      }
      const program = inlinePrograms[id.project];
      if (program === undefined) throw new Error(`No program is registered for Pulumi project ${id.project}.`);
      const args = { stackName: id.stack, projectName: id.project, program };
      return create ? await LocalWorkspace.createOrSelectStack(args, opts) : await LocalWorkspace.selectStack(args, opts);
    } catch (error) {
      throw translate(error, id, create ? "stack select --create" : "stack select");
    }
  };

  // The backend is the same for every stack of this adapter: asked once (`pulumi whoami`).
  let backend: Promise<BackendInfo> | undefined;
  const backendOf = (stack: PulumiStack) =>
    (backend ??= stack.workspace.whoAmI().then((me) => backendInfo(me.url ?? "", options.envVars?.HOME ?? os.homedir())));

  return {
    select: async (id) => new AutomationStack(id, await open(id, false), backendOf),
    createOrSelect: async (id) => new AutomationStack(id, await open(id, true), backendOf),
    async list(project): Promise<StackSummary[]> {
      const workspace = await LocalWorkspace.create(await workspaceOptions(project));
      const stacks = await workspace.listStacks({ all: false });
      return stacks.map((s) => ({
        name: s.name,
        lastUpdate: s.lastUpdate ? new Date(s.lastUpdate) : undefined,
        updateInProgress: s.updateInProgress ?? false,
        resourceCount: s.resourceCount,
      }));
    },
  };
}

function findEnvironmentDir(): string {
  // Compiled code runs from dist/automation/stacks, sources from automation/stacks.
  const here = path.resolve(__dirname, "..", "..");
  return path.basename(here) === "dist" ? path.dirname(here) : here;
}

/**
 * The port's errors for what the CLI said: a missing stack, another update's lock and a
 * plan violation as their own types (callers decide on them), any other failure as one
 * sentence with the engine's diagnostic and a log file of the whole output.
 */
function translate(error: unknown, id: StackId, operation: string, diagnostics: EngineDiagnostic[] = []): unknown {
  if (error instanceof PulumiStackNotFoundError) return new StackNotFoundError(id);
  if (error instanceof PulumiConcurrentUpdateError) return new ConcurrentUpdateError(id);
  if (!(error instanceof CommandError)) return error;
  const output = (error as unknown as { commandResult?: { stderr?: string } }).commandResult?.stderr || error.message;
  const failure = parsePulumiFailure(output, diagnostics);
  if (failure.kind === "plan-violation") return new PlanViolationError(id, failure.diagnostic);
  if (failure.kind === "locked") return new ConcurrentUpdateError(id);
  const detail = redactText(output);
  const logFile = writeFailureLog(`pulumi-${operation.replace(/ /g, "-")}-${id.stack}`, detail);
  return new PulumiOperationError(operation, `${id.project}/${id.stack}`, failure, detail, logFile, { cause: error });
}

/** How long to look for the CLI's own "^C received; cancelling" before passing an interruption on to it. */
export const CLI_SIGNAL_GRACE_MS = 3_000;

/**
 * The Automation API's abort sends the CLI one SIGINT. A terminal's Ctrl-C has already
 * reached the CLI (it shares the process group), and a second SIGINT would make it
 * terminate at once, mid-operation ("^C received; terminating"): so the interruption is
 * passed on only when the CLI has not said within CLI_SIGNAL_GRACE_MS that it is
 * cancelling (a `kill` of this process alone, a CI runner's SIGTERM to it).
 */
function forwardInterruption(options: OperationOptions, onOutput: ((line: string) => void) | undefined): { signal?: AbortSignal; onOutput: (text: string) => void; done(): void } {
  let heard = "";
  let cliHeardIt = false;
  const watch = (text: string) => {
    heard = (heard + text).slice(-400);
    if (/(\^C|SIGTERM) received; cancelling/.test(heard)) cliHeardIt = true;
    onOutput?.(text);
  };
  const outer = options.signal;
  if (outer === undefined) return { onOutput: watch, done: () => undefined };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    timer = setTimeout(() => {
      if (!cliHeardIt) controller.abort();
    }, CLI_SIGNAL_GRACE_MS);
  };
  if (outer.aborted) onAbort();
  else outer.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    onOutput: watch,
    done: () => {
      clearTimeout(timer);
      outer.removeEventListener("abort", onAbort);
    },
  };
}

class AutomationStack implements Stack {
  constructor(
    readonly id: StackId,
    private readonly stack: PulumiStack,
    private readonly backendOf: (stack: PulumiStack) => Promise<BackendInfo>,
  ) {}

  private async guard<T>(action: () => Promise<T>, operation: string, diagnostics?: EngineDiagnostic[]): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw translate(error, this.id, operation, diagnostics);
    }
  }

  /**
   * An engine operation: the interruption passed on (forwardInterruption), the engine's
   * diagnostics collected from its events (`onEvent` also gets every event), failures translated.
   */
  private async operate<T>(
    operation: string,
    options: OperationOptions,
    onOutput: ((line: string) => void) | undefined,
    run: (forwarded: { signal?: AbortSignal; onOutput: (text: string) => void; onEvent: (event: EngineEvent) => void }) => Promise<T>,
    onEvent?: (event: EngineEvent) => void,
  ): Promise<T> {
    const forwarded = forwardInterruption(options, onOutput);
    const diagnostics: EngineDiagnostic[] = [];
    const collect = (event: EngineEvent) => {
      const d = event.diagnosticEvent;
      if (d !== undefined && (d.severity === "error" || d.severity === "warning")) diagnostics.push({ urn: d.urn, severity: d.severity, message: d.message });
      onEvent?.(event);
    };
    try {
      return await this.guard(() => run({ ...(forwarded.signal !== undefined ? { signal: forwarded.signal } : {}), onOutput: forwarded.onOutput, onEvent: collect }), operation, diagnostics);
    } finally {
      forwarded.done();
    }
  }

  async getConfig(key: string): Promise<string | undefined> {
    const all = await this.guard(() => this.stack.getAllConfig(), "config");
    return all[key.includes(":") ? key : `${this.id.project}:${key}`]?.value;
  }

  setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    return this.guard(() => this.stack.setConfig(key, { value, secret: options.secret ?? false }, false), "config set");
  }

  setAllConfig(values: Record<string, string>): Promise<void> {
    const config = Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, secret: false }]));
    return this.guard(() => this.stack.setAllConfig(config, false), "config set-all");
  }

  getTags(): Promise<Record<string, string>> {
    return this.guard(() => this.stack.listTags(), "stack tag ls");
  }

  async setTags(tags: Record<string, string>): Promise<void> {
    // One CLI call per tag: Pulumi has no bulk tag verb, and concurrent calls would race on the stack's record.
    for (const [key, value] of Object.entries(tags)) await this.guard(() => this.stack.setTag(key, value), "stack tag set");
  }

  async removeTags(keys: readonly string[]): Promise<void> {
    // `pulumi stack tag rm` of a tag the stack doesn't have succeeds (stack_tag.go deletes from a map).
    for (const key of keys) await this.guard(() => this.stack.removeTag(key), "stack tag rm");
  }

  async qualifiedName(): Promise<string> {
    const backend = await this.guard(() => this.backendOf(this.stack), "whoami");
    const organization = backend.kind === "cloud" ? await this.guard(() => this.stack.orgGetDefault(), "org get-default") : DIY_ORGANIZATION;
    return `${organization}/${this.id.project}/${this.id.stack}`;
  }

  async lockState(): Promise<StackLock> {
    const backend = await this.guard(() => this.backendOf(this.stack), "whoami");
    if (backend.kind === "file") return readFileLocks(backend.root!, this.id);
    if (backend.kind === "object-store") return { state: "unknown" };
    // Pulumi Cloud says whether an update is in progress, not whose.
    const summary = (await this.guard(() => this.stack.workspace.listStacks(), "stack ls")).find((s) => s.name === this.id.stack || s.name.endsWith(`/${this.id.stack}`));
    return summary?.updateInProgress ? { state: "held", holders: [] } : { state: "free" };
  }

  async clearStaleLock(holder: LockHolder): Promise<void> {
    const backend = await this.guard(() => this.backendOf(this.stack), "whoami");
    if (backend.kind !== "file" || holder.lockId === undefined) {
      throw new Error(`Stack ${this.id.project}/${this.id.stack}: only a lock file of a file:// backend can be removed on its own; use pulumi cancel.`);
    }
    removeFileLock(backend.root!, this.id, holder.lockId);
  }

  async pendingOperations(): Promise<PendingOperation[]> {
    const state = await this.guard(() => this.stack.exportStack(), "stack export");
    return pendingOperationsOf(state.deployment);
  }

  async resolvePendingOperations(resolutions: readonly PendingResolution[], onOutput?: (line: string) => void): Promise<void> {
    const state = await this.guard(() => this.stack.exportStack(), "stack export");
    const { deployment, refresh } = resolvePendingIn(state.deployment, resolutions);
    await this.guard(() => this.stack.importStack({ ...state, deployment }), "stack import");
    if (refresh.length > 0) await this.guard(() => this.stack.refresh({ target: refresh, ...(onOutput ? { onOutput } : {}) }), "refresh");
  }

  removeConfig(key: string): Promise<void> {
    return this.guard(() => this.stack.removeConfig(key, false), "config rm");
  }

  async preview(onOutput?: (line: string) => void, options: PreviewOptions = {}): Promise<PreviewResult> {
    const steps: PreviewStep[] = [];
    const result = await this.operate(
      "preview",
      options,
      onOutput,
      (forwarded) => this.stack.preview({ diff: true, ...(options.savePlan !== undefined ? { plan: options.savePlan } : {}), ...targetsOf(options), ...forwarded }),
      (event: EngineEvent) => {
        const meta = event.resourcePreEvent?.metadata;
        if (meta === undefined) return;
        steps.push({
          urn: meta.urn,
          type: meta.type,
          op: meta.op as OpType as StepOp,
          diffs: meta.diffs ?? [],
          detailedPaths: Object.keys(meta.detailedDiff ?? {}),
        });
      },
    );
    return { changeSummary: result.changeSummary as PreviewResult["changeSummary"], steps, diffText: result.stdout };
  }

  async up(onOutput?: (line: string) => void, options: UpOptions = {}): Promise<UpResult> {
    const result = await this.operate("up", options, onOutput, (forwarded) => this.stack.up({ diff: true, ...(options.plan !== undefined ? { plan: options.plan } : {}), ...targetsOf(options), ...forwarded }));
    return {
      changeSummary: (result.summary.resourceChanges ?? {}) as UpResult["changeSummary"],
      outputs: toOutputs(result.outputs),
    };
  }

  async outputs(): Promise<StackOutputs> {
    return toOutputs(await this.guard(() => this.stack.outputs(), "stack output"));
  }

  async destroy(onOutput?: (line: string) => void, options: OperationOptions = {}): Promise<void> {
    await this.operate("destroy", options, onOutput, (forwarded) => this.stack.destroy(forwarded));
  }

  remove(): Promise<void> {
    return this.guard(() => this.stack.workspace.removeStack(this.id.stack), "stack rm");
  }
}

/** `--target` for each URN; an empty list would mean every resource to the engine, so it is refused. */
function targetsOf(options: TargetOptions): { target?: string[] } {
  if (options.targets === undefined) return {};
  if (options.targets.length === 0) throw new Error("An update targeted at no resource would apply every resource; name at least one target.");
  return { target: [...options.targets] };
}

function toOutputs(map: Record<string, { value: unknown; secret: boolean }>): StackOutputs {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, { value: v.value, secret: v.secret }]));
}
