/**
 * TEST DOUBLE: the stand-in's Diff, new inputs against the old state, by the schema table's
 * rules only (see schema.ts for what each flag reproduces of the bridged provider). It
 * answers what the bridge answers the engine: `changes`, `diffs` (top-level keys),
 * `replaces` (top-level ForceNew keys that changed) and a `detailedDiff` keyed by property
 * path with ADD/DELETE/UPDATE and their _REPLACE forms — the paths the cut-over guard reads.
 */
import { ARCHIVE_SIG, ASSET_SIG, Path, Props, SPECIAL_SIG, isObject, isUnknown } from "../protocol/wire";
import { deepEqual, formatPath, parsePath, underPath } from "../../../support/property-values";
import { AttrSpec, ResourceSchema } from "./schema";

export type ChangeKind = "add" | "delete" | "update";

export interface PropertyChange {
  path: Path;
  kind: ChangeKind;
  replace: boolean;
}

export interface DiffResult {
  changed: boolean;
  diffs: string[];
  replaces: string[];
  /** Engine property path -> kind, e.g. `environment.variables.SPRING_DATASOURCE_URL` -> update. */
  detailed: Record<string, { kind: ChangeKind; replace: boolean }>;
  changes: PropertyChange[];
}

export function diffResource(schema: ResourceSchema, olds: Props, news: Props, ignoreChanges: readonly string[] = []): DiffResult {
  const changes: PropertyChange[] = [];
  for (const [key, spec] of Object.entries(schema.attrs)) diffValue(spec, olds[key], news[key], [key], spec.forceNew === true, changes);
  const ignored = ignoreChanges.map(parsePath);
  const kept = changes.filter((c) => !ignored.some((prefix) => underPath(c.path, prefix)));
  const top = (c: PropertyChange) => String(c.path[0]);
  const detailed: DiffResult["detailed"] = {};
  for (const c of kept) detailed[formatPath(c.path)] = { kind: c.kind, replace: c.replace };
  return {
    changed: kept.length > 0,
    diffs: [...new Set(kept.map(top))],
    replaces: [...new Set(kept.filter((c) => c.replace).map(top))],
    detailed,
    changes: kept,
  };
}

function diffValue(spec: AttrSpec, old: unknown, neu: unknown, path: Path, replace: boolean, out: PropertyChange[]): void {
  const push = (kind: ChangeKind, at: Path = path): void => void out.push({ path: at, kind, replace });
  if (isUnknown(neu)) return push("update");
  if (absent(neu)) {
    // Optional+Computed: the program leaves it to the provider, the state's value stays.
    if (spec.computed || isZero(old)) return;
    return push("delete");
  }
  if (absent(old)) return isZero(neu) ? undefined : push("add");
  if (spec.asset) return assetKey(old) === assetKey(neu) ? undefined : push("update");
  if (spec.json) return deepEqual(parseJson(old), parseJson(neu)) ? undefined : push("update");
  if (spec.map && isObject(old) && isObject(neu)) {
    for (const k of [...new Set([...Object.keys(old), ...Object.keys(neu)])].sort()) diffValue({}, old[k], neu[k], [...path, k], replace, out);
    return;
  }
  if (spec.nested && !spec.list && isObject(old) && isObject(neu)) return diffBlock(spec.nested, old, neu, path, replace, out);
  if (Array.isArray(old) && Array.isArray(neu)) {
    if (spec.set) return sameSet(old, neu) ? undefined : push("update");
    const n = Math.max(old.length, neu.length);
    for (let i = 0; i < n; i++) {
      if (i >= old.length) push("add", [...path, i]);
      else if (i >= neu.length) push("delete", [...path, i]);
      else if (spec.nested && isObject(old[i]) && isObject(neu[i])) diffBlock(spec.nested, old[i] as Props, neu[i] as Props, [...path, i], replace, out);
      else diffValue({}, old[i], neu[i], [...path, i], replace, out);
    }
    return;
  }
  if (isObject(old) && isObject(neu)) return diffBlock({}, old, neu, path, replace, out);
  if (!scalarEqual(old, neu, spec.lower === true)) push("update");
}

/** A nested block: its declared attributes by their rules, any other key the program set compared as is. */
function diffBlock(nested: Record<string, AttrSpec>, old: Props, neu: Props, path: Path, replace: boolean, out: PropertyChange[]): void {
  const keys = new Set([...Object.keys(nested), ...Object.keys(neu)]);
  for (const k of [...keys].sort()) {
    const spec = nested[k] ?? {};
    diffValue(spec, old[k], neu[k], [...path, k], replace || spec.forceNew === true, out);
  }
}

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

/** The type's zero value (the SDKv2 diff compares an unset attribute with it). */
function isZero(value: unknown): boolean {
  if (absent(value) || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.values(value).every(isZero);
  return false;
}

function scalarEqual(a: unknown, b: unknown, lower: boolean): boolean {
  const norm = (v: unknown) => (lower ? String(v).toLowerCase() : String(v));
  return norm(a) === norm(b);
}

function parseJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function sameSet(a: unknown[], b: unknown[]): boolean {
  const canon = (xs: unknown[]) => xs.map((x) => canonical(x)).sort();
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

/** An asset or archive is the same when its hash (or, without one, its contents) is. */
function assetKey(value: unknown): string {
  if (isObject(value) && (value[SPECIAL_SIG] === ASSET_SIG || value[SPECIAL_SIG] === ARCHIVE_SIG) && typeof value.hash === "string" && value.hash !== "") return value.hash;
  return canonical(value);
}
