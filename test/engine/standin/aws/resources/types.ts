/**
 * TEST DOUBLE: what one resource type's lifecycle against AWS (moto) looks like. Each
 * handler does what terraform-provider-aws's Create/Read/Update/Delete for that type does;
 * the state it returns is the inputs (implicit pass-through of what the API cannot report)
 * with everything the API does report read back over them, as the provider's Read does.
 */
import type { Props } from "../../protocol/wire";
import type { RegionClients } from "../clients";

export interface ResourceContext {
  type: string;
  /** Logical name. */
  name: string;
  urn: string;
  /** The resource's region (its `region` input, else the provider's). */
  region: string;
  clients: RegionClients;
  /** The caller's account, from STS (cached per plugin process). */
  accountId(): Promise<string>;
}

export interface Created {
  id: string;
  state: Props;
}

export interface ResourceHandler {
  create(ctx: ResourceContext, inputs: Props): Promise<Created>;
  /** The current state, or undefined when the resource is gone. `state` is the last known one. */
  read(ctx: ResourceContext, id: string, state: Props): Promise<Created | undefined>;
  /** `changed`: the top-level properties the diff found changed. */
  update(ctx: ResourceContext, id: string, olds: Props, news: Props, changed: ReadonlySet<string>): Promise<Props>;
  delete(ctx: ResourceContext, id: string, state: Props): Promise<void>;
}

/**
 * Create succeeded at AWS but a later step failed (e.g. the follow-up ModifyDBInstance of a
 * restore): the engine must record the resource (ErrorResourceInitFailed), as the bridge
 * does when Terraform returns an error with the id set.
 */
export class PartialCreateError extends Error {
  override readonly name = "PartialCreateError";
  constructor(
    readonly id: string,
    readonly state: Props,
    message: string,
  ) {
    super(message);
  }
}

export function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== "")) as T;
}

/** Tags as the EC2/RDS APIs take them. */
export function tagList(tags: unknown): Array<{ Key: string; Value: string }> {
  return Object.entries((tags ?? {}) as Record<string, string>).map(([Key, Value]) => ({ Key, Value: String(Value) }));
}

export function tagMap(list: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).filter((t) => t.Key !== undefined && !t.Key.startsWith("aws:")).map((t) => [t.Key!, t.Value ?? ""]));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value (the provider's status waiters); moto answers at once, AWS would not. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(delay);
  }
}
