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

export interface PreviewOptions extends OperationOptions {
  /**
   * Write the engine's update plan to this file (`pulumi preview --save-plan`), so that an
   * `up` given it may apply only the steps this preview showed.
   */
  savePlan?: string;
}

export interface UpOptions extends OperationOptions {
  /**
   * An update plan a preview wrote (`pulumi up --plan`): the engine refuses any step the plan
   * does not hold (another update, or changed config or code, since the preview) with
   * `PlanViolationError`, before that step runs.
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

export interface Stack {
  readonly id: StackId;
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
    super(`Stack ${id.project}/${id.stack} has an update in progress; wait for it to finish (or, if it was interrupted, run pulumi cancel -s ${id.stack}) and try again. Nothing was changed.`);
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
