/**
 * An in-memory `Stacks` (automation/stacks/port.ts) for the orchestration tier. Which tests
 * still need it, and why the engine tier cannot take them (the speed of each case, levers
 * the engine cannot produce such as `dieAt` between two of the tool's verbs, a failure at any
 * verb), is in docs/testing.md, "MemoryStacks: which tests need it and why"; the contract
 * test (test/engine/memory-stacks-contract.test.ts) pins it to the real engine.
 *
 * It runs the REAL program of a stack's project under the shared Pulumi mocks (`runProgram`)
 * with the stack's own config, and behaves like the engine where the driver's decisions
 * depend on it:
 *
 * - `preview` diffs the registered inputs against the last `up`, resource by resource
 *   (diff.ts); an update plan and targets follow the engine's rules (plan.ts);
 * - `up` records state and outputs; with lifecycles (lifecycle.ts, test/support/moto-behaviours.ts)
 *   the resources really are created, updated and deleted in moto, and the state Pulumi sees
 *   is moto's answer. A failed `up` keeps what it already created, as the engine does;
 * - StackReference outputs come from the other in-memory stacks
 *   (`<organization>/<project>/<stack>`); a reference to a missing stack fails;
 * - `destroy` refuses protected resources, skips `retainOnDelete` ones, deletes the rest
 *   in reverse order; `remove` refuses a stack that still has resources;
 * - with `targets`, a resource not named keeps its recorded state and shows `same`, so its
 *   change shows again in the next full preview; reads happen anyway; a lifecycle's update may
 *   say what the provider read back (a setting RDS defers reads as the old value), which the
 *   next diff starts from, as the engine's does.
 *
 * Test levers: `failNext`, `beforeNext`, `lock` (ConcurrentUpdateError, with a holder),
 * `interruptNext` (a SIGKILL of `pulumi up` at a create: lock, pending create and what
 * was made stay), `dieAt`/`revive` (the tool's process killed between two verbs),
 * `setLastUpdate`, and `history`, the log of every verb, so a test can prove e.g. that a
 * drill never touched the environment stack.
 *
 * Locks and interrupted updates behave as on a DIY backend (pinned by the contract test):
 * `list` never says an update is in progress, `lockState` says who holds the lock, an
 * `up` after a killed create creates again (RDS: "already exists") while the pending create
 * stays, `resolvePendingOperations` imports (read through the lifecycle's `import`) or
 * clears.
 */
import { errorMessage } from "../../../contracts/text";
import { randomUUID } from "node:crypto";
import * as os from "node:os";
import * as pulumi from "@pulumi/pulumi";
import type { MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime";
import { Clock, systemClock } from "../../../automation/clock";
import {
  ConcurrentUpdateError,
  LockHolder,
  PendingOperation,
  PendingResolution,
  PlanViolationError,
  PreviewOptions,
  PreviewResult,
  Stack,
  StackId,
  StackLock,
  StackNotFoundError,
  StackOutputs,
  Stacks,
  OperationOptions,
  StackSummary,
  StepOp,
  UpOptions,
  UpResult,
} from "../../../automation/stacks/port";
import { PulumiOperationError } from "../../../automation/stacks/pulumi-errors";
import { RegistrationOptions, runProgram } from "../pulumi-mocks";
import { applyIgnoreChanges, canonicalInputs, classifyChange, diffProperties, PAST, PropertyChange, RenderedStep, renderDiff, SYMBOL, topLevelKeys, urnOf } from "./diff";
import { LifecycleContext, ResourceLifecycle } from "./lifecycle";
import { planViolation, readPlan, savePlan, targetSet, unmatchedTargets } from "./plan";

const STACK_REFERENCE = "pulumi:pulumi:StackReference";

export type StackVerb =
  | "select"
  | "createOrSelect"
  | "list"
  | "getConfig"
  | "setConfig"
  | "removeConfig"
  | "getTags"
  | "setTags"
  | "preview"
  | "up"
  | "outputs"
  | "destroy"
  | "remove"
  | "removeTags"
  | "lockState"
  | "clearStaleLock"
  | "pendingOperations"
  | "resolvePendingOperations";

/** The verbs that change a stack (plus a `createOrSelect` that created one). */
export const MUTATING_VERBS: readonly StackVerb[] = ["setConfig", "removeConfig", "setTags", "removeTags", "up", "destroy", "remove", "clearStaleLock", "resolvePendingOperations"];

export interface HistoryEntry {
  verb: StackVerb;
  project: string;
  /** Empty for `list`. */
  stack: string;
  /** The config key of getConfig/setConfig/removeConfig; the tag keys of setTags/removeTags. */
  key?: string;
  /** The value of setConfig (secrets as `[secret]`). */
  value?: string;
  /** For createOrSelect: whether the stack was created. */
  created?: boolean;
}

/** A stack for the levers: a StackId, `"project/stack"`, `"project/*"` (its every stack), or a bare stack name (any project). */
export type StackTarget = StackId | string;

export interface MemoryResource {
  urn: string;
  type: string;
  name: string;
  id: string;
  custom: boolean;
  parent: string;
  /** Canonical inputs as last deployed. */
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  /** Read (StackReference, `.get`) rather than managed. */
  read: boolean;
}

interface StackRecord {
  id: StackId;
  config: Map<string, { value: string; secret: boolean }>;
  tags: Record<string, string>;
  /** By `type::name`, in registration order. */
  resources: Map<string, MemoryResource>;
  outputs: StackOutputs;
  lastUpdate: Date | undefined;
  /** Who holds the stack's lock (a DIY backend's lock file), if anyone. */
  lock: LockHolder | undefined;
  /** What an interrupted update left in the state (`pending_operations`). */
  pending: MemoryPending[];
}

interface MemoryPending extends PendingOperation {
  /** The resource as it would have been recorded. */
  resource: MemoryResource;
}

/** Stops the next `up` like a SIGKILL of `pulumi up` at one resource's create. */
interface Interrupt {
  target: StackTarget;
  type: string;
  name: string | undefined;
  /** Before the provider's create, or after it (the resource exists; the engine never heard back). */
  when: "before-create" | "after-create";
  holder: LockHolder;
}

class KilledError extends Error {
  constructor(readonly holder: LockHolder) {
    super("killed (SIGKILL) in the middle of the update");
  }
}

export interface MemoryStacksOptions {
  /** The program of each project, e.g. `{ gametracker: environmentProgram, "gametracker-restore": restoreProgram }`. */
  programs: Record<string, () => unknown>;
  /** Resource lifecycles applied during `up` and `destroy` (see moto-behaviours.ts). */
  behaviours?: readonly ResourceLifecycle[];
  /** Organization in StackReference names; default "organization". */
  organization?: string;
  /** Stamps `lastUpdate`; default the system clock. */
  clock?: Clock;
}

type Lever = { target: StackTarget; verb: StackVerb; run: () => Promise<void> | void; after: boolean };

export class MemoryStacks implements Stacks {
  readonly history: HistoryEntry[] = [];
  private readonly stacks = new Map<string, StackRecord>();
  private readonly levers: Lever[] = [];
  private readonly interrupts: Interrupt[] = [];
  private dead = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly organization: string;
  private readonly clock: Clock;

  constructor(private readonly options: MemoryStacksOptions) {
    this.organization = options.organization ?? "organization";
    this.clock = options.clock ?? systemClock;
  }

  // --- the port ---------------------------------------------------------------------

  async select(id: StackId): Promise<Stack> {
    this.log({ verb: "select", ...id });
    this.requireProgram(id);
    await this.runLevers(id, "select");
    if (!this.stacks.has(keyOf(id))) throw new StackNotFoundError(id);
    return new MemoryStack(this, { ...id });
  }

  async createOrSelect(id: StackId): Promise<Stack> {
    this.requireProgram(id);
    await this.runLevers(id, "createOrSelect");
    const created = !this.stacks.has(keyOf(id));
    this.log({ verb: "createOrSelect", ...id, created });
    if (created) this.stacks.set(keyOf(id), { id: { ...id }, config: new Map(), tags: {}, resources: new Map(), outputs: {}, lastUpdate: undefined, lock: undefined, pending: [] });
    return new MemoryStack(this, { ...id });
  }

  async list(project: string): Promise<StackSummary[]> {
    this.log({ verb: "list", project, stack: "" });
    return [...this.stacks.values()]
      .filter((s) => s.id.project === project)
      // A DIY backend's `stack ls` never says an update is in progress (measured); only lockState does.
      .map((s) => ({ name: s.id.stack, lastUpdate: s.lastUpdate, updateInProgress: false, resourceCount: s.resources.size }));
  }

  // --- levers and inspection for tests -------------------------------------------------

  /** The next `verb` on the stack throws `error` — before doing anything, or with `{ after: true }` after doing it. */
  failNext(target: StackTarget, verb: StackVerb, error: Error, options: { after?: boolean } = {}): void {
    this.levers.push({
      target,
      verb,
      after: options.after ?? false,
      run: () => {
        throw error;
      },
    });
  }

  /** Runs `fn` right before the next `verb` on the stack (e.g. to deliver a Ctrl-C mid-operation). */
  beforeNext(target: StackTarget, verb: StackVerb, fn: () => Promise<void> | void): void {
    this.levers.push({ target, verb, after: false, run: fn });
  }

  /**
   * Another update holds the stack's lock: preview/up/destroy/remove fail with
   * ConcurrentUpdateError. The holder defaults to a live process on this host (this one).
   */
  lock(target: StackTarget, holder: Partial<LockHolder> = {}): void {
    for (const s of this.matching(target)) s.lock = { ...liveHolder(this.now()), ...holder };
  }

  unlock(target: StackTarget): void {
    for (const s of this.matching(target)) s.lock = undefined;
  }

  /**
   * The next `up` of the stack is killed at the create of a resource of `type` (and `name`):
   * before the provider creates it, or after (it exists, the engine never heard back). As
   * after a SIGKILL of `pulumi up`: what was made before stays in the state, the create stays
   * in the state as a pending operation, and the lock stays, held by `holder` (give it the
   * pid of a process that has exited, on os.hostname(), to make it stale).
   */
  interruptNext(target: StackTarget, at: { type: string; name?: string; when: Interrupt["when"] }, holder: Partial<LockHolder> = {}): void {
    this.interrupts.push({ target, type: at.type, name: at.name, when: at.when, holder: { ...liveHolder(this.now()), ...holder } });
  }

  /**
   * The process driving these stacks is killed right before the next `verb` on the stack
   * (with `after`: right after it): that verb and every later one fail until `revive()`,
   * and the backend keeps what had happened by then — as after a SIGKILL between two of
   * the tool's own steps.
   */
  dieAt(target: StackTarget, verb: StackVerb, options: { after?: boolean } = {}): void {
    this.levers.push({
      target,
      verb,
      after: options.after ?? false,
      run: () => {
        this.dead = true;
        throw new Error(`killed ${options.after ? "after" : "before"} ${verb} (a test's dieAt)`);
      },
    });
  }

  /** A new process on the same backend, after `dieAt`. */
  revive(): void {
    this.dead = false;
  }

  /** Back-dates (or sets) a stack's last update, for age-based cleanup tests. */
  setLastUpdate(target: StackTarget, when: Date): void {
    for (const s of this.matching(target)) s.lastUpdate = when;
  }

  exists(id: StackId): boolean {
    return this.stacks.has(keyOf(id));
  }

  /** A copy of a stack's config, resources and outputs; undefined when it does not exist. */
  inspect(id: StackId): { config: Record<string, string>; resources: MemoryResource[]; outputs: StackOutputs; lastUpdate: Date | undefined } | undefined {
    const s = this.stacks.get(keyOf(id));
    if (s === undefined) return undefined;
    return {
      config: Object.fromEntries([...s.config].map(([k, v]) => [k, v.value])),
      resources: [...s.resources.values()].map((r) => structuredClone(r)),
      outputs: structuredClone(s.outputs),
      lastUpdate: s.lastUpdate,
    };
  }

  /** Entries that changed a stack (optionally one stack): config writes, up, destroy, remove, creation. */
  mutations(target?: StackTarget): HistoryEntry[] {
    return this.history.filter(
      (e) => (MUTATING_VERBS.includes(e.verb) || (e.verb === "createOrSelect" && e.created === true)) && (target === undefined || matches(target, e)),
    );
  }

  clearHistory(): void {
    this.history.length = 0;
  }

  // --- internals used by MemoryStack ---------------------------------------------------

  /** @internal */
  record(id: StackId): StackRecord {
    const s = this.stacks.get(keyOf(id));
    if (s === undefined) throw new StackNotFoundError(id);
    return s;
  }

  /** @internal Every verb starts here. */
  log(entry: HistoryEntry): void {
    if (this.dead) throw new Error(`MemoryStacks: ${entry.verb} after the process was killed (dieAt); revive() first`);
    this.history.push(entry);
  }

  /**
   * @internal Runs an operation with the levers and the lock check, one engine operation at a time.
   * An engine operation whose `signal` is already aborted when it would start is cancelled
   * before its first step, as the engine's own cancellation does ("update canceled"); one
   * aborted while it runs finishes (in memory every step is the step in flight).
   */
  async operate<T>(id: StackId, verb: StackVerb, action: () => Promise<T>, engine = false, signal?: AbortSignal): Promise<T> {
    const run = async () => {
      const due = this.takeLevers(id, verb);
      for (const lever of due.filter((l) => !l.after)) await lever.run();
      if (engine && this.record(id).lock !== undefined) throw new ConcurrentUpdateError(id);
      if (engine && signal?.aborted) {
        const diagnostic = `${verb === "up" ? "update" : verb} canceled`;
        throw new PulumiOperationError(verb, keyOf(id), { kind: "canceled", diagnostic, resource: undefined, pending: [] }, diagnostic, undefined);
      }
      const result = await action();
      for (const lever of due.filter((l) => l.after)) await lever.run();
      return result;
    };
    if (!engine) return run();
    // The Pulumi runtime's mocks are process-global: one program at a time.
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** @internal The interrupt due at this create, taken. */
  takeInterrupt(id: StackId, type: string, name: string): Interrupt | undefined {
    const i = this.interrupts.findIndex((x) => matches(x.target, id) && x.type === type && (x.name === undefined || x.name === name));
    return i < 0 ? undefined : this.interrupts.splice(i, 1)[0];
  }

  /** @internal */
  programOf(project: string): () => unknown {
    return this.requireProgram({ project, stack: "" });
  }

  /** @internal */
  get lifecycles(): readonly ResourceLifecycle[] {
    return this.options.behaviours ?? [];
  }

  /** @internal */
  now(): Date {
    return this.clock.now();
  }

  /** @internal Outputs of every stack, by fully qualified name, for StackReferences. */
  references(): Record<string, Record<string, unknown>> {
    const refs: Record<string, Record<string, unknown>> = {};
    for (const s of this.stacks.values()) {
      refs[`${this.organization}/${s.id.project}/${s.id.stack}`] = Object.fromEntries(Object.entries(s.outputs).map(([k, v]) => [k, v.value]));
    }
    return refs;
  }

  /** @internal */
  get organizationName(): string {
    return this.organization;
  }

  /** @internal */
  forget(id: StackId): void {
    this.stacks.delete(keyOf(id));
  }

  private requireProgram(id: StackId): () => unknown {
    const program = this.options.programs[id.project];
    if (program === undefined) throw new Error(`MemoryStacks: no program is registered for Pulumi project ${id.project}; pass it in options.programs.`);
    return program;
  }

  private async runLevers(id: StackId, verb: StackVerb): Promise<void> {
    for (const lever of this.takeLevers(id, verb)) await lever.run();
  }

  private takeLevers(id: StackId, verb: StackVerb): Lever[] {
    const due: Lever[] = [];
    for (let i = 0; i < this.levers.length; ) {
      const lever = this.levers[i]!;
      if (lever.verb === verb && matches(lever.target, id)) {
        due.push(lever);
        this.levers.splice(i, 1);
      } else i++;
    }
    return due;
  }

  private matching(target: StackTarget): StackRecord[] {
    return [...this.stacks.values()].filter((s) => matches(target, s.id));
  }
}

/** A lock holder that is this very process: alive, on this host. */
function liveHolder(now: Date): LockHolder {
  return { pid: process.pid, username: os.userInfo().username, hostname: os.hostname(), since: now, lockId: randomUUID() };
}

function keyOf(id: StackId): string {
  return `${id.project}/${id.stack}`;
}

function matches(target: StackTarget, id: { project: string; stack: string }): boolean {
  if (typeof target !== "string") return target.project === id.project && target.stack === id.stack;
  if (target.endsWith("/*")) return target.slice(0, -2) === id.project;
  return target.includes("/") ? target === keyOf(id) : target === id.stack;
}

function qualify(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

interface Evaluation {
  steps: RenderedStep[];
  summary: Partial<Record<StepOp, number>>;
}

class MemoryStack implements Stack {
  constructor(
    private readonly owner: MemoryStacks,
    readonly id: StackId,
  ) {}

  async getConfig(key: string): Promise<string | undefined> {
    this.owner.log({ verb: "getConfig", ...this.id, key });
    return this.owner.operate(this.id, "getConfig", async () => this.owner.record(this.id).config.get(qualify(this.id.project, key))?.value);
  }

  async setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    this.owner.log({ verb: "setConfig", ...this.id, key, value: options.secret ? "[secret]" : value });
    await this.owner.operate(this.id, "setConfig", async () => {
      this.owner.record(this.id).config.set(qualify(this.id.project, key), { value, secret: options.secret ?? false });
    });
  }

  async setAllConfig(values: Record<string, string>): Promise<void> {
    for (const [key, value] of Object.entries(values)) await this.setConfig(key, value);
  }

  async getTags(): Promise<Record<string, string>> {
    this.owner.log({ verb: "getTags", ...this.id });
    return this.owner.operate(this.id, "getTags", async () => ({ ...this.owner.record(this.id).tags }));
  }

  async setTags(tags: Record<string, string>): Promise<void> {
    this.owner.log({ verb: "setTags", ...this.id, key: Object.keys(tags).join(",") });
    await this.owner.operate(this.id, "setTags", async () => {
      Object.assign(this.owner.record(this.id).tags, tags);
    });
  }

  async removeTags(keys: readonly string[]): Promise<void> {
    this.owner.log({ verb: "removeTags", ...this.id, key: keys.join(",") });
    await this.owner.operate(this.id, "removeTags", async () => {
      const tags = this.owner.record(this.id).tags;
      for (const key of keys) delete tags[key];
    });
  }

  async qualifiedName(): Promise<string> {
    return `${this.owner.organizationName}/${this.id.project}/${this.id.stack}`;
  }

  async lockState(): Promise<StackLock> {
    this.owner.log({ verb: "lockState", ...this.id });
    const lock = this.owner.record(this.id).lock;
    return lock === undefined ? { state: "free" } : { state: "held", holders: [{ ...lock }] };
  }

  async clearStaleLock(holder: LockHolder): Promise<void> {
    this.owner.log({ verb: "clearStaleLock", ...this.id });
    const record = this.owner.record(this.id);
    if (record.lock !== undefined && record.lock.lockId === holder.lockId) record.lock = undefined;
  }

  async pendingOperations(): Promise<PendingOperation[]> {
    this.owner.log({ verb: "pendingOperations", ...this.id });
    return this.owner.record(this.id).pending.map(({ resource: _resource, ...op }) => structuredClone(op));
  }

  /**
   * As the real adapter: every pending operation needs a resolution; an import enters the
   * state and is read by its lifecycle (gone: dropped), a clear drops the operation.
   */
  async resolvePendingOperations(resolutions: readonly PendingResolution[], onOutput?: (line: string) => void): Promise<void> {
    this.owner.log({ verb: "resolvePendingOperations", ...this.id });
    await this.owner.operate(
      this.id,
      "resolvePendingOperations",
      async () => {
        const record = this.owner.record(this.id);
        for (const op of record.pending) {
          const resolution = resolutions.find((r) => r.urn === op.urn);
          if (resolution === undefined) throw new Error(`pending ${op.operation} of ${op.urn} has no resolution`);
          if (op.operation !== "creating" || resolution.action === "clear") continue;
          const key = `${op.resource.type}::${op.resource.name}`;
          const context = { stack: this.id, type: op.type, name: op.resource.name, config: this.configValues() };
          const lifecycle = this.lifecycleFor(op.type, resolution.prior, context);
          // The registered inputs the prior keeps (the engine also records the `region` its provider's Check added; the program never registers it).
          const recorded = Object.fromEntries(Object.entries(op.resource.inputs).filter(([key]) => key in resolution.prior));
          let entry: MemoryResource | undefined = { ...op.resource, id: resolution.id, inputs: recorded, state: { ...recorded } };
          if (lifecycle?.import !== undefined) {
            const read = await lifecycle.import(resolution.id, resolution.prior, context);
            entry = read === undefined ? undefined : { ...entry, id: read.id, inputs: { ...recorded, ...read.inputs }, state: read.state };
          }
          if (entry === undefined) {
            onOutput?.(`  - ${op.type} ${op.resource.name} deleted (read: it does not exist)`);
            continue;
          }
          const replaced = record.resources.get(key);
          if (replaced !== undefined) record.resources.set(`${key}#replaced`, replaced);
          record.resources.set(key, entry);
          onOutput?.(`  ~ ${op.type} ${op.resource.name} refreshed`);
        }
        record.pending = [];
      },
      true,
    );
  }

  async removeConfig(key: string): Promise<void> {
    this.owner.log({ verb: "removeConfig", ...this.id, key });
    await this.owner.operate(this.id, "removeConfig", async () => {
      this.owner.record(this.id).config.delete(qualify(this.id.project, key));
    });
  }

  async outputs(): Promise<StackOutputs> {
    this.owner.log({ verb: "outputs", ...this.id });
    return this.owner.operate(this.id, "outputs", async () => structuredClone(this.owner.record(this.id).outputs));
  }

  async preview(onOutput?: (line: string) => void, options: PreviewOptions = {}): Promise<PreviewResult> {
    this.owner.log({ verb: "preview", ...this.id });
    return this.owner.operate(
      this.id,
      "preview",
      async () => {
        const { steps, summary } = await this.evaluate("preview", undefined, options.targets);
        if (options.savePlan !== undefined) savePlan(options.savePlan, steps);
        const diffText = renderDiff(`${this.owner.organizationName}/${this.id.project}/${this.id.stack}`, steps, summary);
        if (onOutput) for (const line of diffText.trimEnd().split("\n")) onOutput(line);
        return {
          changeSummary: summary,
          steps: steps.map(({ urn, type, op, diffs, detailedPaths }) => ({ urn, type, op, diffs, detailedPaths })),
          diffText,
        };
      },
      true,
      options.signal,
    );
  }

  async up(onOutput?: (line: string) => void, options: UpOptions = {}): Promise<UpResult> {
    this.owner.log({ verb: "up", ...this.id });
    return this.owner.operate(
      this.id,
      "up",
      async () => {
        if (options.plan !== undefined) {
          const violation = planViolation(readPlan(options.plan), (await this.evaluate("preview", undefined, options.targets)).steps);
          if (violation !== undefined) throw new PlanViolationError(this.id, violation);
        }
        let evaluation: Evaluation;
        try {
          evaluation = await this.evaluate("up", onOutput, options.targets);
        } catch (error) {
          const killed = (error as { cause?: unknown }).cause;
          if (killed instanceof KilledError) {
            // What the kill leaves: the lock file of the process that is gone.
            this.owner.record(this.id).lock = killed.holder;
            throw killed;
          }
          throw error;
        }
        const { steps, summary } = evaluation;
        // The engine drops every pending operation but an unresolved create after an update.
        const record = this.owner.record(this.id);
        record.pending = record.pending.filter((p) => p.operation === "creating");
        for (const step of steps) if (PAST[step.op] !== undefined) onOutput?.(`  ${SYMBOL[step.op]} ${step.type} ${step.name} ${PAST[step.op]}`);
        return { changeSummary: summary, outputs: structuredClone(this.owner.record(this.id).outputs) };
      },
      true,
      options.signal,
    );
  }

  async destroy(onOutput?: (line: string) => void, options: OperationOptions = {}): Promise<void> {
    this.owner.log({ verb: "destroy", ...this.id });
    await this.owner.operate(
      this.id,
      "destroy",
      async () => {
        const record = this.owner.record(this.id);
        const managed = [...record.resources.entries()].reverse();
        const guarded = managed.filter(([, r]) => r.protect && !r.read);
        if (guarded.length > 0) {
          throw new Error(
            `Stack ${this.id.project}/${this.id.stack}: resource ${guarded[0]![1].urn} cannot be deleted because it is protected; remove the protect option (pulumi state unprotect) and try again. Nothing was deleted.`,
          );
        }
        for (const [key, resource] of managed) {
          if (!resource.read && !resource.retainOnDelete) await this.deleteResource(resource);
          record.resources.delete(key);
          onOutput?.(`  - ${resource.type} ${resource.name} ${resource.read || resource.retainOnDelete ? "discarded" : "deleted"}`);
        }
        record.outputs = {};
        record.lastUpdate = this.owner.now();
      },
      true,
      options.signal,
    );
  }

  async remove(): Promise<void> {
    this.owner.log({ verb: "remove", ...this.id });
    await this.owner.operate(
      this.id,
      "remove",
      async () => {
        const record = this.owner.record(this.id);
        if (record.resources.size > 0) {
          throw new Error(
            `Stack ${this.id.project}/${this.id.stack} still has ${record.resources.size} resources; removal rejected. Destroy it first (pulumi destroy), or pass --force to remove the stack and leave the resources behind.`,
          );
        }
        this.owner.forget(this.id);
      },
      true,
    );
  }

  /** Records the create a kill interrupted as a pending operation; the error ends the update. */
  private killedAt(args: MockResourceArgs, options: RegistrationOptions, inputs: Record<string, unknown>, interrupt: Interrupt): KilledError {
    const urn = urnOf(this.id, options.parent, args.type, args.name);
    const resource: MemoryResource = {
      urn,
      type: args.type,
      name: args.name,
      id: "",
      custom: args.custom ?? true,
      parent: options.parent,
      inputs,
      state: {},
      protect: options.protect,
      retainOnDelete: options.retainOnDelete,
      ignoreChanges: options.ignoreChanges,
      read: false,
    };
    // The engine records the inputs its provider's Check returned: pulumi-aws v7 fills in `region`.
    const region = this.configValues()["aws:region"];
    const withRegion = inputs.region === undefined && region !== undefined && args.type.startsWith("aws:") ? { ...inputs, region } : inputs;
    this.owner.record(this.id).pending.push({ urn, type: args.type, operation: "creating", id: undefined, inputs: structuredClone(withRegion), resource });
    return new KilledError(interrupt.holder);
  }

  private configValues(): Record<string, string> {
    return Object.fromEntries([...this.owner.record(this.id).config].map(([k, v]) => [k, v.value]));
  }

  private lifecycleFor(type: string, inputs: Record<string, any>, context: LifecycleContext): ResourceLifecycle | undefined {
    return this.owner.lifecycles.find((l) => l.type === type && (l.handles?.(inputs, context) ?? true));
  }

  private async deleteResource(resource: MemoryResource): Promise<void> {
    const context = { stack: this.id, type: resource.type, name: resource.name, config: this.configValues() };
    const lifecycle = this.lifecycleFor(resource.type, resource.inputs, context);
    await lifecycle?.delete?.({ id: resource.id, inputs: resource.inputs, state: resource.state }, context);
  }

  /**
   * Runs the program and works out each resource's step. In `up` mode the lifecycles
   * act and the stack's state is written — also, partially, when the update fails. With
   * `targets`, as the engine's `--target`: a resource not named keeps its recorded state and
   * reports `same` (a create it skips is not recorded), what the program dropped stays
   * unless named, reads happen anyway, and a target that names nothing fails.
   */
  private async evaluate(mode: "preview" | "up", onOutput?: (line: string) => void, targetList?: readonly string[]): Promise<Evaluation> {
    const targets = targetSet(targetList);
    const record = this.owner.record(this.id);
    const program = this.owner.programOf(this.id.project);
    const old = record.resources;
    const next = new Map(old);
    const decided = new Map<string, { op: StepOp; changes: PropertyChange[]; inputs: Record<string, unknown>; options: RegistrationOptions; lifecycle: boolean; untargeted?: boolean }>();
    const inflight: Array<Promise<unknown>> = [];
    const replaced: MemoryResource[] = [];
    let failure: ((error: unknown) => void) | undefined;
    const failed = new Promise<never>((_, reject) => (failure = reject));
    failed.catch(() => undefined);

    const references = this.owner.references();
    const behaviour = async (args: MockResourceArgs, options?: RegistrationOptions): Promise<MockResourceResult | undefined> => {
      const key = `${args.type}::${args.name}`;
      if (args.type === STACK_REFERENCE) {
        const error = new Error(
          `Stack ${this.id.project}/${this.id.stack}: unknown stack reference ${String(args.inputs.name)} (no such stack in this backend; known: ${Object.keys(references).join(", ") || "none"}).`,
        );
        failure?.(error);
        throw error;
      }
      if (options === undefined) return undefined; // a read (`Resource.get`): default state
      const work = (async (): Promise<MockResourceResult | undefined> => {
        const prior = old.get(key);
        const context: LifecycleContext = { stack: this.id, type: args.type, name: args.name, config: this.configValues() };
        let canonical = ((await canonicalInputs(args.inputs)) ?? {}) as Record<string, unknown>;
        if (prior !== undefined && options.ignoreChanges.length > 0) canonical = applyIgnoreChanges(prior.inputs, canonical, options.ignoreChanges);
        const changes = prior === undefined ? [] : diffProperties(prior.inputs, canonical);
        // Local components register no inputs, so they are always `same`; remote ones (awsx) diff like resources.
        const op: StepOp = prior === undefined ? "create" : classifyChange(args.type, changes.map((c) => c.path));
        const lifecycle = this.lifecycleFor(args.type, args.inputs, context);
        if (targets !== undefined && op !== "same" && !targets.has(urnOf(this.id, options.parent, args.type, args.name))) {
          // Not targeted: nothing happens to it, and the state keeps what it recorded (nothing, for a create).
          decided.set(key, { op: "same", changes: [], inputs: prior?.inputs ?? canonical, options, lifecycle: lifecycle !== undefined, untargeted: true });
          return prior === undefined ? undefined : { id: prior.id, state: prior.state };
        }
        decided.set(key, { op, changes, inputs: canonical, options, lifecycle: lifecycle !== undefined });
        // Like the engine, the program's own protect option decides: removing it in the same update allows the replacement.
        if (op === "replace" && options.protect) {
          throw new Error(
            `Stack ${this.id.project}/${this.id.stack}: unable to replace resource ${prior!.urn} as it is currently marked for protection (changed: ${changes.map((c) => c.path).join(", ")}); remove the protect option or revert the change.`,
          );
        }
        let result: MockResourceResult | undefined;
        let readInputs: Record<string, unknown> | undefined;
        if (op === "same") result = { id: prior!.id, state: prior!.state };
        else if (mode === "preview") result = op === "update" ? { id: prior!.id, state: { ...prior!.state, ...args.inputs } } : undefined;
        else if (op === "update") {
          const updated = lifecycle?.update
            ? await lifecycle.update({ id: prior!.id, inputs: args.inputs, oldInputs: prior!.inputs, oldState: prior!.state, changedPaths: changes.map((c) => c.path) }, context)
            : { id: prior!.id, state: { ...prior!.state, ...args.inputs } };
          readInputs = "inputs" in updated ? updated.inputs : undefined;
          result = { id: updated.id, state: updated.state };
        } else {
          const interrupt = op === "create" ? this.owner.takeInterrupt(this.id, args.type, args.name) : undefined;
          if (interrupt?.when === "before-create") throw this.killedAt(args, options, canonical, interrupt);
          result = lifecycle ? await lifecycle.create(args.inputs, context) : undefined;
          if (interrupt !== undefined) throw this.killedAt(args, options, canonical, interrupt);
          if (op === "replace") replaced.push(prior!);
        }
        if (mode === "up") {
          // The default state is computed by runProgram; what it returns is recorded after the run.
          next.set(key, {
            urn: prior?.urn ?? "",
            type: args.type,
            name: args.name,
            id: result?.id ?? prior?.id ?? "",
            custom: args.custom ?? true,
            parent: options.parent,
            inputs: readInputs === undefined ? canonical : { ...canonical, ...((await canonicalInputs(readInputs)) as Record<string, unknown>) },
            state: ((await canonicalInputs(result?.state)) as Record<string, unknown>) ?? {},
            protect: options.protect,
            retainOnDelete: options.retainOnDelete,
            ignoreChanges: options.ignoreChanges,
            read: false,
          });
        }
        return result;
      })();
      inflight.push(work);
      try {
        return await work;
      } catch (error) {
        failure?.(error);
        throw error;
      }
    };

    const persistPartial = async () => {
      await Promise.allSettled(inflight);
      // Replaced resources whose replacement was created are still in AWS until deleted: keep them tracked.
      for (const r of replaced) next.set(`${r.type}::${r.name}#replaced`, r);
      record.resources = next;
      record.lastUpdate = this.owner.now();
    };

    let run: Awaited<ReturnType<typeof runProgram<unknown>>>;
    let raw: unknown;
    try {
      run = await Promise.race([
        runProgram(
          async () => (raw = await program()),
          {
            project: this.id.project,
            stack: this.id.stack,
            organization: this.owner.organizationName,
            config: Object.fromEntries([...record.config].map(([k, v]) => [k, v.value])),
            // Under mocks an unknown output never resolves, so a dry run whose state lacks a
            // property would hang; previews run with known values (last state or the mocks'
            // defaults) instead of the engine's unknowns.
            preview: false,
            stackReferences: references,
            behaviours: [behaviour],
          },
        ),
        failed,
      ]);
    } catch (error) {
      if (mode === "up") await persistPartial();
      throw new Error(`${mode === "up" ? "Update" : "Preview"} of stack ${this.id.project}/${this.id.stack} failed: ${errorMessage(error)}`, {
        cause: error,
      });
    }

    // Steps in registration order, then deletes of what the program no longer registers.
    const steps: RenderedStep[] = [];
    const registered = new Set<string>();
    for (const r of run.resources) {
      const key = `${r.type}::${r.name}`;
      registered.add(key);
      const urn = r.urn || `urn:pulumi:${this.id.stack}::${this.id.project}::${r.type}::${r.name}`;
      const d = decided.get(key);
      const op: StepOp = d?.op ?? "read";
      const paths = d?.changes.map((c) => c.path) ?? [];
      steps.push({
        urn,
        type: r.type,
        name: r.name,
        op,
        diffs: topLevelKeys(paths),
        detailedPaths: paths,
        changes: d?.changes ?? [],
        ...(op === "create" && d ? { inputs: d.inputs } : {}),
      });
      if (mode === "up") {
        if (d === undefined) {
          next.set(key, {
            urn,
            type: r.type,
            name: r.name,
            id: r.id,
            custom: true,
            parent: r.parent,
            inputs: (await canonicalInputs(r.inputs)) as Record<string, unknown>,
            state: (await canonicalInputs(r.state)) as Record<string, unknown>,
            protect: false,
            retainOnDelete: false,
            ignoreChanges: [],
            read: true,
          });
        } else if (!d.untargeted) {
          const entry = next.get(key)!;
          entry.urn = urn;
          if (!d.lifecycle && (op === "create" || op === "replace")) {
            entry.state = (await canonicalInputs(r.state)) as Record<string, unknown>;
            entry.id = r.id;
          }
        }
      }
    }
    const removed = [...old.entries()].filter(([key, r]) => !registered.has(key) && (targets === undefined || targets.has(r.urn)));
    const unmatched = unmatchedTargets(targets, [...steps.map((s) => s.urn), ...removed.map(([, r]) => r.urn)]);
    if (unmatched.length > 0) throw new Error(`${mode === "up" ? "Update" : "Preview"} of stack ${this.id.project}/${this.id.stack} failed: no resource named ${unmatched.join(", ")} to target.`);
    for (const [, r] of removed) {
      steps.push({ urn: r.urn, type: r.type, name: r.name, op: r.read ? "discard" : "delete", diffs: [], detailedPaths: [], changes: [] });
    }
    const protectedDelete = removed.find(([, r]) => r.protect && !r.read);
    if (protectedDelete) {
      const error = new Error(
        `Stack ${this.id.project}/${this.id.stack}: unable to delete resource ${protectedDelete[1].urn} as it is currently marked for protection; remove the protect option first.`,
      );
      if (mode === "up") await persistPartial();
      throw error;
    }

    const summary: Partial<Record<StepOp, number>> = {};
    for (const s of steps) summary[s.op] = (summary[s.op] ?? 0) + 1;

    if (mode === "up") {
      try {
        // Dependents were registered after what they depend on: delete in reverse order.
        for (const [key, r] of removed.reverse()) {
          if (!r.read && !r.retainOnDelete) await this.deleteResource(r);
          next.delete(key);
          onOutput?.(`  - ${r.type} ${r.name} deleted`);
        }
        while (replaced.length > 0) {
          const r = replaced[replaced.length - 1]!;
          if (!r.retainOnDelete) await this.deleteResource(r);
          replaced.pop();
        }
      } catch (error) {
        await persistPartial();
        throw new Error(`Update of stack ${this.id.project}/${this.id.stack} failed: ${errorMessage(error)}`, { cause: error });
      }
      const ordered = new Map<string, MemoryResource>();
      for (const key of registered) if (next.has(key)) ordered.set(key, next.get(key)!);
      // What the program dropped but no target named stays recorded, as the engine keeps it.
      for (const [key, r] of old) if (!registered.has(key) && !removed.some(([k]) => k === key)) ordered.set(key, r);
      record.resources = ordered;
      record.outputs = await stackOutputs(raw, run.outputs);
      record.lastUpdate = this.owner.now();
    }
    return { steps, summary };
  }
}

/** The program's return value as stack outputs, with the engine's secret flags. */
async function stackOutputs(raw: unknown, resolved: unknown): Promise<StackOutputs> {
  if (raw === null || typeof raw !== "object" || resolved === null || typeof resolved !== "object") return {};
  const outputs: StackOutputs = {};
  for (const [key, value] of Object.entries(resolved as Record<string, unknown>)) {
    if (value === undefined) continue;
    const rawValue = (raw as Record<string, unknown>)[key];
    const secret = pulumi.Output.isInstance(rawValue) ? await pulumi.isSecret(rawValue as pulumi.Output<unknown>) : false;
    outputs[key] = { value, secret };
  }
  return outputs;
}
