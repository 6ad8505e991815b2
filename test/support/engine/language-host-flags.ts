/**
 * What the CLI of a v3.68 Node.js language host's day passed it: the project's
 * `runtime.options` as flags `-<name>=<value>` (Go's %v of the value; sdk/v3@v3.68.0
 * go/common/resource/plugin/langruntime_plugin.go, buildArgsForNewPlugin), limited to
 * the flags that host defines (its main.go): an option it doesn't know would stop its
 * flag parser. See language-host.ts.
 */
import { parse } from "yaml";

export const LEGACY_HOST_FLAGS = ["typescript", "tsconfig", "nodeargs"] as const;

/** The flags for a Pulumi.yaml's text. Pure. */
export function legacyHostFlags(pulumiYaml: string): string[] {
  const project = parse(pulumiYaml) as { runtime?: string | { options?: Record<string, unknown> } } | null;
  const options = typeof project?.runtime === "object" ? (project.runtime.options ?? {}) : {};
  return LEGACY_HOST_FLAGS.filter((name) => options[name] !== undefined && options[name] !== null).map((name) => `-${name}=${String(options[name])}`);
}
