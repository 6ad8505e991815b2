/**
 * The narrow interface the driver sees over Pulumi stacks. The real adapter
 * (`pulumi-stacks.ts`) drives `@pulumi/pulumi/automation`; tests use an in-memory
 * implementation that runs the same programs under `pulumi.runtime.setMocks`.
 * Keep it narrow: every verb added here must be implemented twice.
 */

export interface StackId {
  project: string;
  /** The stack's short name (`dev`, `prod`, `dev-drill-7f3a`). */
  stack: string;
}

export type StepOp =
  | "same"
  | "create"
  | "update"
  | "delete"
  | "replace"
  | "create-replacement"
  | "delete-replaced"
  | "read"
  | "read-replacement"
  | "refresh"
  | "import"
  | "import-replacement"
  | "discard"
  | "discard-replaced"
  | "remove-pending-replace";

export interface PreviewStep {
  urn: string;
  /** Resource type token, e.g. `aws:lambda/function:Function`. */
  type: string;
  op: StepOp;
  /** Top-level input properties that differ (the engine's `diffs`). */
  diffs: string[];
  /** Property paths that differ (the engine's `detailedDiff` keys), e.g. `environment.variables.SPRING_DATASOURCE_URL`. */
  detailedPaths: string[];
}

export interface PreviewResult {
  /** Count of resources per operation, as the engine reports it (`{ same: 30, update: 1 }`). */
  changeSummary: Partial<Record<StepOp, number>>;
  steps: PreviewStep[];
  /** The human diff (`pulumi preview --diff`), for terminals and pull-request comments. */
  diffText: string;
}

/**
 * Every engine operation can be interrupted: when `signal` aborts, the engine stops after the
 * steps in flight, records them and fails with "… canceled" (Pulumi's own Ctrl-C). A
 * terminal's Ctrl-C reaches the CLI directly (same process group); the adapter passes the
 * signal on only when the CLI did not get it itself.
 */
export interface OperationOptions {
  signal?: AbortSignal;
}

/**
 * Only these resources (URNs) are created, updated, replaced or deleted (`--target`); every
 * other resource keeps its recorded state, so its pending change shows in the next preview
 * again. Reads (stack references) happen whatever the targets; a read's discard is one
 * of the steps a target allows. An empty list is refused: the engine would take it as "all".
 */
export interface TargetOptions {
  targets?: readonly string[];
}

export interface PreviewOptions extends OperationOptions, TargetOptions {
  /**
   * Write the engine's update plan to this file (`pulumi preview --save-plan`), so that an
   * `up` given it may apply only the steps this preview showed.
   */
  savePlan?: string;
}

export interface UpOptions extends OperationOptions, TargetOptions {
  /**
   * An update plan a preview wrote (`pulumi up --plan`): the engine refuses any step the plan
   * does not hold (another update, or changed config or code, since the preview) with
   * `PlanViolationError`, before that step runs. With targets, the preview that wrote it must
   * have had the same ones.
   */
  plan?: string;
}

export interface StackOutput {
  value: unknown;
  secret: boolean;
}
export type StackOutputs = Record<string, StackOutput>;

export interface UpResult {
  changeSummary: Partial<Record<StepOp, number>>;
  outputs: StackOutputs;
}

export interface StackSummary {
  name: string;
  lastUpdate: Date | undefined;
  updateInProgress: boolean;
  resourceCount: number | undefined;
}

/** Who holds a stack's lock, as the backend records it (a DIY backend's lock file: `.pulumi/locks/<org>/<project>/<stack>/<uuid>.json`). */
export interface LockHolder {
  pid: number | undefined;
  username: string | undefined;
  hostname: string | undefined;
  /** When the lock was taken. */
  since: Date | undefined;
  /** The backend's name for this lock (the lock file's uuid), for `clearStaleLock`. */
  lockId: string | undefined;
}

/**
 * A stack's lock. A DIY backend on a file system says who holds it; Pulumi Cloud says only
 * that an update is in progress (`holders` empty); a DIY backend on object storage says
 * nothing until an update meets the lock (`unknown`).
 */
export type StackLock = { state: "free" } | { state: "held"; holders: LockHolder[] } | { state: "unknown" };

/** What the engine was doing to a resource when its update was interrupted (the state's `pending_operations`). */
export type PendingOperationKind = "creating" | "updating" | "deleting" | "reading" | "importing";

export interface PendingOperation {
  urn: string;
  /** Resource type token, e.g. `aws:rds/instance:Instance`. */
  type: string;
  operation: PendingOperationKind;
  /** The resource's id when the engine knew it (not for a create). */
  id: string | undefined;
  /** The inputs the engine sent the provider (after its Check: auto-names and `region` filled in); secret values left out. */
  inputs: Record<string, unknown>;
}

/**
 * What to do with one pending operation: `import` puts an interrupted create into the state
 * as the resource `id`, with `prior` as its recorded inputs and outputs, and then reads it
 * from the provider (a refresh of that resource: gone means dropped from the state);
 * `clear` drops the operation (a resource that an update or delete was interrupted on stays
 * in the state and is read from the provider).
 */
export type PendingResolution = { urn: string; action: "import"; id: string; prior: Record<string, unknown> } | { urn: string; action: "clear" };

export interface Stack {
  readonly id: StackId;
  /** The name the Pulumi CLI takes for this stack from any directory: `<org>/<project>/<stack>` (`organization/…` on a DIY backend). */
  qualifiedName(): Promise<string>;
  /** Whether an update holds the stack's lock, and whose. */
  lockState(): Promise<StackLock>;
  /** Removes exactly this lock (one a `lockState` reported, with its `lockId`); only a DIY backend's locks can be removed one by one. */
  clearStaleLock(holder: LockHolder): Promise<void>;
  /** The operations an interrupted update left in the state. */
  pendingOperations(): Promise<PendingOperation[]>;
  /**
   * Resolves every pending operation as told (each needs a resolution), then reads the
   * resources it touched from their provider. Only while no update holds the lock.
   */
  resolvePendingOperations(resolutions: readonly PendingResolution[], onOutput?: (line: string) => void): Promise<void>;
  /** A config value; `key` is project-relative (`databaseSource`) or fully qualified (`aws:region`). */
  getConfig(key: string): Promise<string | undefined>;
  setConfig(key: string, value: string, options?: { secret?: boolean }): Promise<void>;
  /** Sets several plain values in one operation. */
  setAllConfig(values: Record<string, string>): Promise<void>;
  removeConfig(key: string): Promise<void>;
  /**
   * The stack's tags. Unlike an inline project's config (kept in a work directory on one
   * machine), tags live in the backend with the stack, so every process can read them.
   */
  getTags(): Promise<Record<string, string>>;
  setTags(tags: Record<string, string>): Promise<void>;
  /** Removes these tags (those the stack doesn't have are ignored). */
  removeTags(keys: readonly string[]): Promise<void>;
  preview(onOutput?: (line: string) => void, options?: PreviewOptions): Promise<PreviewResult>;
  up(onOutput?: (line: string) => void, options?: UpOptions): Promise<UpResult>;
  outputs(): Promise<StackOutputs>;
  destroy(onOutput?: (line: string) => void, options?: OperationOptions): Promise<void>;
  /** Removes the stack and its config from the backend; only after `destroy`. */
  remove(): Promise<void>;
}

export interface Stacks {
  /** An existing stack; `StackNotFoundError` when there is none. */
  select(id: StackId): Promise<Stack>;
  /** The stack, created (with no config) when it does not exist. */
  createOrSelect(id: StackId): Promise<Stack>;
  /** Every stack of a project in the backend. */
  list(project: string): Promise<StackSummary[]>;
}

export class StackNotFoundError extends Error {
  override readonly name = "StackNotFoundError";
  constructor(readonly id: StackId) {
    super(`Stack ${id.project}/${id.stack} does not exist in this Pulumi backend; check --stack and PULUMI_BACKEND_URL (pulumi stack ls lists the stacks).`);
  }
}

export class ConcurrentUpdateError extends Error {
  override readonly name = "ConcurrentUpdateError";
  constructor(readonly id: StackId) {
    // The CLI finds a stack of another project only by its full name (`organization/…` on a DIY backend, the real organization on Pulumi Cloud).
    super(`Stack ${id.project}/${id.stack} has an update in progress; wait for it to finish, or if it was interrupted, run pulumi cancel --yes -s <organization>/${id.project}/${id.stack} (organization on a DIY backend) and try again — nothing was changed.`);
  }
}

/** The engine refused an `up` step that its update plan does not hold; the steps before it ran. */
export class PlanViolationError extends Error {
  override readonly name = "PlanViolationError";
  constructor(
    readonly id: StackId,
    /** The engine's own sentence, e.g. `resource urn:… violates plan: properties changed: ~~memorySize[…]`. */
    readonly detail: string,
  ) {
    super(`Stack ${id.project}/${id.stack} is no longer what its preview showed: ${detail}.`);
  }
}

/** Reads a plain output, refusing secrets so they can never be printed by accident. */
export function plainOutput(outputs: StackOutputs, key: string): unknown {
  const output = outputs[key];
  if (output === undefined) return undefined;
  if (output.secret) throw new Error(`Stack output ${key} is a secret and is not read by this tool.`);
  return output.value;
}
