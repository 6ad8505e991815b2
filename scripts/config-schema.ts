/**
 * Pulumi.yaml's `config:` section, generated from config.ts's CONFIG_SCHEMA so that the
 * schema is written once. `npm run config:sync` rewrites the section; `npm test` fails
 * (test/unit/config.test.ts) when the file and the schema differ, naming this command.
 * Everything above the section (name, runtime, comments) is left as it is.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { CONFIG_SCHEMA } from "../config";
import type { ConfigKeySchema } from "../contracts/config-schema";

export const PULUMI_YAML = path.join(__dirname, "..", "Pulumi.yaml");
export const SYNC_COMMAND = "npm run config:sync";

const SECTION_HEADER = [
  `# Generated from config.ts (CONFIG_SCHEMA) by \`${SYNC_COMMAND}\`; edit the schema there.`,
  "# Set keys with or without the prefix: `pulumi config set databaseBackupRetentionDays 14`.",
  '# Optional keys default to "" (unset), because Pulumi requires a declared key without a default.',
];

/** The project-config declaration Pulumi reads for one key. */
function declaration(schema: ConfigKeySchema): Record<string, unknown> {
  return {
    type: schema.type,
    ...(schema.items !== undefined ? { items: { type: schema.items } } : {}),
    default: schema.default,
    description: schema.description,
  };
}

/** The generated section, from `config:` to the end of the file. */
export function renderConfigSection(schema: Readonly<Record<string, ConfigKeySchema>> = CONFIG_SCHEMA): string {
  const config = Object.fromEntries(Object.entries(schema).map(([key, s]) => [key, declaration(s)]));
  return `${SECTION_HEADER.join("\n")}\n${YAML.stringify({ config }, { lineWidth: 0 })}`;
}

/** Pulumi.yaml's text with its config section replaced by the generated one. */
export function withGeneratedConfig(current: string, schema?: Readonly<Record<string, ConfigKeySchema>>): string {
  const lines = current.split("\n");
  const start = lines.findIndex((l) => l === "config:");
  if (start < 0) return `${current.trimEnd()}\n${renderConfigSection(schema)}`;
  // The section's leading comment block belongs to it and is regenerated too.
  let head = start;
  while (head > 0 && lines[head - 1]!.startsWith("#")) head--;
  let end = start + 1;
  while (end < lines.length && (lines[end] === "" || /^\s/.test(lines[end]!))) end++;
  const before = lines.slice(0, head).join("\n");
  const after = lines.slice(end).join("\n");
  return `${before}\n${renderConfigSection(schema)}${after === "" ? "" : `${after}\n`}`;
}

if (require.main === module) {
  const current = fs.readFileSync(PULUMI_YAML, "utf8");
  const next = withGeneratedConfig(current);
  if (next === current) console.log("Pulumi.yaml's config section is up to date.");
  else {
    fs.writeFileSync(PULUMI_YAML, next);
    console.log("Pulumi.yaml's config section was regenerated from config.ts.");
  }
}
