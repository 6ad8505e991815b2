/**
 * The real adapter's knowledge of the Pulumi backend's own formats, kept apart from the
 * Automation API calls: where a DIY backend on a file system keeps a stack's lock files,
 * and how an interrupted update's pending operations are read from and resolved in an
 * exported deployment (`pulumi stack export`, version 3).
 *
 * Why the state is edited here instead of `pulumi refresh --import-pending-creates`:
 * measured with CLI 3.274.1, that flag turns the pending create into a pending import which
 * the refresh then drops, so the resource ends up in no state and the next `up` creates a
 * second one. Putting the resource into the exported state with its id and importing the
 * state (`pulumi stack import`, which validates it) does what the flag promises; the
 * adapter then refreshes the resources it touched.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { LockHolder, PendingOperation, PendingOperationKind, PendingResolution, StackId, StackLock } from "./port";

/** The organization a DIY backend puts in every fully qualified stack name. */
export const DIY_ORGANIZATION = "organization";

export interface BackendInfo {
  url: string;
  kind: "file" | "cloud" | "object-store";
  /** A file backend's directory (the one holding `.pulumi/`). */
  root: string | undefined;
}

/** What kind of backend a `pulumi whoami` URL names. */
export function backendInfo(url: string, home: string): BackendInfo {
  if (/^https?:\/\//i.test(url)) return { url, kind: "cloud", root: undefined };
  if (!url.startsWith("file://")) return { url, kind: "object-store", root: undefined };
  let rest = url.slice("file://".length).replace(/\?.*$/, "");
  if (rest === "~" || rest.startsWith("~/")) rest = path.join(home, rest.slice(1));
  return { url, kind: "file", root: path.resolve(decodeURIComponent(rest)) };
}

/** A project-scoped DIY backend's lock directory of a stack: `.pulumi/locks/organization/<project>/<stack>`. */
export function lockDirectory(root: string, id: StackId): string {
  return path.join(root, ".pulumi", "locks", DIY_ORGANIZATION, id.project, id.stack);
}

/** The locks of a stack in a file backend; `unknown` for a layout this tool does not know (not project-scoped). */
export function readFileLocks(root: string, id: StackId): StackLock {
  let meta: string;
  try {
    meta = fs.readFileSync(path.join(root, ".pulumi", "meta.yaml"), "utf8");
  } catch {
    return { state: "unknown" };
  }
  if (!/^version:\s*1\s*$/m.test(meta)) return { state: "unknown" };
  const dir = lockDirectory(root, id);
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { state: "free" };
    throw error;
  }
  const holders: LockHolder[] = [];
  for (const file of files) {
    let content: Record<string, unknown> = {};
    try {
      content = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>;
    } catch (error) {
      // Removed since the listing: that lock is gone. Unreadable: a holder nobody can check.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
    }
    const since = typeof content.timestamp === "string" ? new Date(content.timestamp) : undefined;
    holders.push({
      pid: typeof content.pid === "number" ? content.pid : undefined,
      username: typeof content.username === "string" ? content.username : undefined,
      hostname: typeof content.hostname === "string" ? content.hostname : undefined,
      since: since !== undefined && !Number.isNaN(since.getTime()) ? since : undefined,
      lockId: file.slice(0, -".json".length),
    });
  }
  return holders.length === 0 ? { state: "free" } : { state: "held", holders };
}

/** Removes one lock file and the attributes file the backend's blob store writes beside it. */
export function removeFileLock(root: string, id: StackId, lockId: string): void {
  if (!/^[A-Za-z0-9-]+$/.test(lockId)) throw new Error(`${lockId} is not a lock id of stack ${id.project}/${id.stack}`);
  const file = path.join(lockDirectory(root, id), `${lockId}.json`);
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.attrs`, { force: true });
}

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  delete?: boolean;
  [key: string]: unknown;
}

interface StateOperation {
  resource: StateResource;
  type: string;
}

/** `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext }`: the state's form of a secret. */
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
const KINDS: readonly PendingOperationKind[] = ["creating", "updating", "deleting", "reading", "importing"];

function isSecret(value: unknown): boolean {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === SECRET_SIGNATURE;
}

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (isSecret(record)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) {
    const plain = withoutSecrets(v);
    if (plain !== undefined) out[key] = plain;
  }
  return out;
}

/** The pending operations of an exported deployment. */
export function pendingOperationsOf(deployment: unknown): PendingOperation[] {
  const ops = ((deployment as { pending_operations?: StateOperation[] } | undefined)?.pending_operations ?? []) as StateOperation[];
  return ops.map((op) => ({
    urn: op.resource.urn,
    type: op.resource.type,
    operation: (KINDS as readonly string[]).includes(op.type) ? (op.type as PendingOperationKind) : "updating",
    id: op.resource.id === undefined || op.resource.id === "" ? undefined : op.resource.id,
    inputs: (withoutSecrets(op.resource.inputs ?? {}) ?? {}) as Record<string, unknown>,
  }));
}

/**
 * The deployment with every pending operation resolved, and the URNs to refresh: an
 * imported create becomes a resource after everything it depends on (the engine made
 * those before it started the create); a create that was replacing a resource of the same
 * URN marks the old one for deletion, as the engine records a finished create-replacement.
 */
export function resolvePendingIn(deployment: unknown, resolutions: readonly PendingResolution[]): { deployment: Record<string, unknown>; refresh: string[] } {
  const copy = structuredClone(deployment) as { resources?: StateResource[]; pending_operations?: StateOperation[] } & Record<string, unknown>;
  const resources = copy.resources ?? [];
  const byUrn = new Map(resolutions.map((r) => [r.urn, r]));
  const refresh: string[] = [];
  for (const op of copy.pending_operations ?? []) {
    const resolution = byUrn.get(op.resource.urn);
    if (resolution === undefined) throw new Error(`pending ${op.type} of ${op.resource.urn} has no resolution`);
    if (op.type !== "creating") {
      if (resources.some((r) => r.urn === op.resource.urn) && !refresh.includes(op.resource.urn)) refresh.push(op.resource.urn);
      continue;
    }
    if (resolution.action === "clear") continue;
    for (const old of resources) if (old.urn === op.resource.urn) old.delete = true;
    // The prior as resolved, with the create's secret inputs kept as the state holds them (encrypted).
    const original = op.resource.inputs ?? {};
    const inputs = Object.fromEntries(Object.entries(original).filter(([key, value]) => key in resolution.prior || isSecret(value)));
    for (const [key, value] of Object.entries(resolution.prior)) if (!(key in inputs)) inputs[key] = value;
    const outputs = Object.fromEntries(Object.entries(inputs).filter(([key]) => !key.startsWith("__")));
    resources.push({ ...op.resource, id: resolution.id, custom: true, inputs, outputs });
    refresh.push(op.resource.urn);
  }
  copy.resources = resources;
  delete copy.pending_operations;
  return { deployment: copy, refresh };
}
