/**
 * TEST DOUBLE support: the engine's property path syntax, the keys of a provider's
 * `detailedDiff` (`environment.variables.SPRING_DATASOURCE_URL`, `tags["gametracker:stack"]`,
 * `subnetIds[1]`), as sdk/go/common/resource/properties_path.go prints them.
 */
import type { Path } from "./wire";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(path: Path): string {
  let out = "";
  for (const s of path) {
    if (typeof s === "number") out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += out === "" ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Whether `path` lies at or under `prefix` (an ignoreChanges entry; `[*]` matches any index). */
export function underPath(path: Path, prefix: readonly (string | number)[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((p, i) => p === "*" || p === path[i]);
}

/** Parses what formatPath writes (and `ignoreChanges` entries such as `tags["a:b"]`, `rules[*].id`). */
export function parsePath(text: string): (string | number)[] {
  const segments: (string | number)[] = [];
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
