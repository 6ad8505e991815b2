/**
 * What makes MemoryStacks' `up`, `destroy` and `resolvePendingOperations` real for a resource
 * type: its create, update, delete and import (test/support/moto-behaviours.ts applies them
 * to moto). The seam between the in-memory engine (stacks.ts) and the world it changes.
 */

import type { StackId } from "../../../automation/stacks/port";

export interface LifecycleContext {
  stack: StackId;
  type: string;
  /** The resource's logical (Pulumi) name. */
  name: string;
  /** The stack's config (`aws:region` says where the provider works, as the engine passes it to the provider). */
  config: Readonly<Record<string, string>>;
}

export interface LifecycleResult {
  id: string;
  /** The resource's state as the provider would return it: inputs plus computed outputs. */
  state: Record<string, unknown>;
}

/**
 * What makes in-memory `up`/`destroy` real for one resource type. Without a lifecycle a
 * resource gets the mocks' default state and nothing happens outside the test process.
 */
export interface ResourceLifecycle {
  /** The type token, e.g. `aws:rds/instance:Instance`. */
  readonly type: string;
  /** Whether this registration is handled (default: every resource of the type). */
  handles?(inputs: Record<string, any>, context: LifecycleContext): boolean;
  /** `inputs` are as the program registered them (assets and archives included). */
  create(inputs: Record<string, any>, context: LifecycleContext): Promise<LifecycleResult>;
  /**
   * Missing: the new state is the old state with the new inputs laid over it. `inputs`, when
   * given, are input properties as the provider read them back after the update (a setting
   * RDS defers to its maintenance window reads as the old value): the recorded inputs take
   * them on, so the next preview shows that change again, as the engine's does.
   */
  update?(
    change: { id: string; inputs: Record<string, any>; oldInputs: Record<string, unknown>; oldState: Record<string, unknown>; changedPaths: string[] },
    context: LifecycleContext,
  ): Promise<LifecycleResult & { inputs?: Record<string, unknown> }>;
  /** Missing: deleting only forgets the resource. */
  delete?(resource: { id: string; inputs: Record<string, unknown>; state: Record<string, unknown> }, context: LifecycleContext): Promise<void>;
  /**
   * Reads a resource by the id its provider knows it by (what `pulumi refresh` reads after an
   * interrupted create is imported); undefined when it does not exist. `inputs` are the input
   * properties as AWS shows them, which the resource's recorded inputs take on (the engine's
   * bridge diffs the next update against the read state). Missing: the import is recorded as given.
   */
  import?(id: string, prior: Record<string, unknown>, context: LifecycleContext): Promise<(LifecycleResult & { inputs: Record<string, unknown> }) | undefined>;
}
