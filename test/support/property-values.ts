/**
 * TEST DOUBLE support: the engine's property values as both of its models read them —
 * MemoryStacks (test/support/memory-stacks/diff.ts) and the stand-in provider's Diff
 * (test/engine/standin/aws/diff.ts). The syntax of a property path, the keys of a
 * provider's `detailedDiff` and of `ignoreChanges` (`environment.variables.SPRING_DATASOURCE_URL`,
 * `tags["gametracker:stack"]`, `subnetIds[1]`), as sdk/go/common/resource/properties_path.go
 * prints them; and when two values are the same.
 */

/** One segment of a property path: an object key or an array index (`*` in an ignoreChanges entry: any index). */
export type Segment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(path: readonly Segment[]): string {
  let out = "";
  for (const s of path) {
    if (typeof s === "number") out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += out === "" ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Whether `path` lies at or under `prefix` (an ignoreChanges entry; `[*]` matches any index). */
export function underPath(path: readonly Segment[], prefix: readonly Segment[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((p, i) => p === "*" || p === path[i]);
}

/** Parses what formatPath writes (and `ignoreChanges` entries such as `tags["a:b"]`, `rules[*].id`). */
export function parsePath(text: string): Segment[] {
  const segments: Segment[] = [];
  const re = /([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\[\*\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else if (m[3] !== undefined) segments.push(JSON.parse(`"${m[3]}"`) as string);
    else segments.push("*");
  }
  return segments;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Structural equality of property values: the same keys (in any order) with equal values, arrays element by element. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
