import * as path from "node:path";
import type { ConfigKeySchema } from "./config-schema";
import { durationProblem, durationMs, formatDurationSpec } from "./duration";
import { displayName, identifierProblem, parseMultipartName } from "./sql-names";

/**
 * The data validation settings as config and flags spell them, read by everyone who
 * needs them: config.ts (each key checked before anything is registered), the driver
 * (`--validate-with`, the environment stack's export, a restore spec) and the bundled
 * validator (its checks). Which hook a drill runs, how long it may take, and what the
 * bundled SQL validator checks. Keys are flat (`validationMinRows`, not
 * `validation.minRows`), because Pulumi merges dotted project-config keys with defaults
 * as property paths. Pure: a bad value is refused with one sentence naming the key or
 * flag, through the caller's `refuse` (a UsageError for the driver, an
 * InvalidConfigError for the program), before a drill creates anything.
 */

/** How long a drill waits for its validator unless told otherwise (`--validate-timeout`, `validationTimeout`). */
export const DEFAULT_VALIDATION_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * Which validator a drill runs: `command:<path>` (a local executable), `lambda:<name or
 * ARN>` (a deployed function) or `bundled` (the SQL validator the drill deploys into its
 * restore stack).
 */
export type ValidationHook = { kind: "command"; path: string } | { kind: "lambda"; functionName: string } | { kind: "bundled" };

/** Turns a message into the error to throw; `key` is the flag or config key at fault. */
export type Refuse = (key: string, message: string) => Error;

const FORMS = "command:<path to an executable>, lambda:<function name or ARN> or bundled";
/** Invoke's FunctionName: a name with an optional version or alias, a partial ARN, or a full ARN. */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;
const PARTIAL_ARN = /^\d{12}:function:[A-Za-z0-9_-]{1,64}(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;
const FUNCTION_ARN = /^arn:aws(?:-[a-z]+)*:lambda:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/**
 * Parses a hook value. `source` is how the operator gave it (`--validate-with`,
 * `gametracker:validationWith`); a relative command path is resolved against `cwd`, so
 * the report names the exact file that ran.
 */
export function parseValidateWith(value: string, source: string, refuse: Refuse, cwd = process.cwd()): ValidationHook {
  const text = value.trim();
  if (text === "bundled") return { kind: "bundled" };
  const colon = text.indexOf(":");
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? "" : text.slice(colon + 1);
  if (kind === "command") {
    if (rest.trim() === "") throw refuse(source, `${source} ${quote(value)} names no executable; give its path, e.g. command:./scripts/validate-drill.`);
    if (rest.includes("\0")) throw refuse(source, `${source} ${quote(value)} contains a NUL character, which no file path can hold; give the executable's path.`);
    return { kind: "command", path: path.resolve(cwd, rest) };
  }
  if (kind === "lambda") {
    if (rest === "") throw refuse(source, `${source} ${quote(value)} names no function; give its name or ARN, e.g. lambda:gametracker-dev-validator.`);
    if (!FUNCTION_NAME.test(rest) && !PARTIAL_ARN.test(rest) && !FUNCTION_ARN.test(rest)) {
      throw refuse(
        source,
        `${source} ${quote(value)} is not a Lambda function name (up to 64 letters, digits, - or _, optionally :version or :alias) or function ARN (arn:aws:lambda:<region>:<account>:function:<name>).`,
      );
    }
    return { kind: "lambda", functionName: rest };
  }
  throw refuse(source, `${source} is ${quote(value)}, but it must be ${FORMS}.`);
}

/** The hook as `--validate-with` spells it; parseValidateWith reads it back (the restore spec records it so). */
export function formatValidateWith(hook: ValidationHook): string {
  switch (hook.kind) {
    case "command":
      return `command:${hook.path}`;
    case "lambda":
      return `lambda:${hook.functionName}`;
    case "bundled":
      return "bundled";
  }
}

/** How a hook is named in reports and messages. */
export function describeHook(hook: ValidationHook): string {
  return hook.kind === "bundled" ? "the bundled SQL validator" : formatValidateWith(hook);
}

function quote(value: string): string {
  return JSON.stringify(value);
}

export interface TableName {
  schema: string;
  table: string;
}

export interface SqlChecks {
  /** The database that must exist and be online; the tables are in it. */
  database: string;
  minRows: Array<{ table: TableName; min: number }>;
  freshness: Array<{ table: TableName; column: string }>;
  checkDb: boolean;
}

export interface ValidationSettings {
  /** Undefined: no data validation. */
  hook: ValidationHook | undefined;
  /**
   * The hook as configured (`""` for none). A relative command path stays relative here,
   * so that the environment's export is resolved by the process that runs the drill
   * (its checkout), not by the machine that ran `pulumi up`.
   */
  hookText: string;
  timeoutMs: number;
  sql: SqlChecks;
}

/**
 * The validation keys' part of config.ts's CONFIG_SCHEMA (which spreads it in, so
 * Pulumi.yaml declares them like every other key). Written here, beside their parser,
 * because the bundled validator parses the same keys and must not load config.ts, which
 * loads the Pulumi components (the shape of a key's declaration is contracts/config-schema.ts).
 */
export const VALIDATION_CONFIG_SCHEMA = {
  validationWith: {
    type: "string",
    default: "",
    description: "Data validation after each drill and restore: command:<path> (a local executable; a relative path is resolved in the drill's working directory), lambda:<function name or ARN>, or bundled (the SQL validator the drill deploys); empty runs none.",
  },
  validationTimeout: { type: "string", default: formatDurationSpec(DEFAULT_VALIDATION_TIMEOUT_MS), description: "How long a drill waits for its data validation (e.g. 15m, 1h); a validator still running then is killed and the drill fails." },
  validationDatabase: { type: "string", default: "", description: "Database the bundled validator checks exists and is online (the tables below are in it); empty uses databaseName." },
  validationMinRows: {
    type: "array",
    items: "string",
    default: [],
    description: "Tables the bundled validator counts, each <schema>.<table>>=<minimum rows>, e.g. dbo.Players>=1000; brackets quote other names ([Game Data].[Match Log]>=1).",
  },
  validationFreshnessColumns: {
    type: "array",
    items: "string",
    default: [],
    description: "Date/time columns whose newest value gives the data RPO, each <schema>.<table>.<column>, e.g. dbo.Matches.endedAt (datetime2/datetime read as UTC).",
  },
  validationCheckDb: { type: "boolean", default: false, description: "Run DBCC CHECKDB on the restored database (slow on large databases; the validator has at most 15 minutes)." },
} as const satisfies Record<string, ConfigKeySchema>;

export type ValidationKey = keyof typeof VALIDATION_CONFIG_SCHEMA;

export interface ParseOptions {
  /** Prefix of the keys in messages; default `gametracker`. */
  project?: string;
  /** The API's database name (`databaseName`), used when validationDatabase is empty. */
  defaultDatabase: string;
  /** Makes the error a bad value is refused with: a UsageError in the driver, an InvalidConfigError in config.ts. */
  refuse: Refuse;
  /** For a relative command path. */
  cwd?: string;
}

/**
 * Parses the validation keys. Values come as Pulumi stores them (strings; arrays as
 * JSON; booleans as "true"/"false") or already typed; a missing key takes its default.
 * Keys other than the validation ones are ignored: the caller owns the rest.
 */
export function parseValidationSettings(raw: Readonly<Record<string, unknown>>, options: ParseOptions): ValidationSettings {
  const { refuse } = options;
  const key = keyNamer(options.project);
  const settings = readValidationSettings(raw, options);
  const { hook, hookText } = settings;
  if (hook !== undefined && hook.kind !== "bundled") {
    const declared = (["validationDatabase", "validationMinRows", "validationFreshnessColumns", "validationCheckDb"] as const).find((k) => isDeclared(raw[k], k));
    if (declared !== undefined) {
      throw refuse(
        key(declared),
        `${key(declared)} is set, but ${key("validationWith")} is ${hookText}, which runs its own checks; the SQL checks are for the bundled validator only, so drop ${key(declared)} or set ${key("validationWith")} to bundled.`,
      );
    }
  }
  return settings;
}

/**
 * The settings as the environment stack exports them (its validation output): the keys
 * as config spells them, each checked already, the database resolved from databaseName
 * (so that `--validate-with bundled` knows it even where the config names another hook).
 * A drill reads it back with readValidationSettings, so a process without the
 * repository's Pulumi.<env>.yaml still runs the environment's validation.
 */
export function exportValidationSettings(settings: ValidationSettings): Record<ValidationKey, string | boolean | string[]> {
  return { validationWith: settings.hookText, validationTimeout: formatDurationSpec(settings.timeoutMs), ...sqlChecksConfig(settings.sql) };
}

/**
 * Each key read and checked on its own, without parseValidationSettings' rule about SQL
 * checks beside another hook: that rule is for what an operator writes, and an export
 * always carries the resolved database.
 */
export function readValidationSettings(raw: Readonly<Record<string, unknown>>, options: ParseOptions): ValidationSettings {
  const { refuse } = options;
  const key = keyNamer(options.project);
  const hookText = text(raw, "validationWith", key, refuse).trim();
  const hook = hookText === "" ? undefined : parseValidateWith(hookText, key("validationWith"), refuse, options.cwd);
  const timeoutText = text(raw, "validationTimeout", key, refuse);
  if (durationProblem(timeoutText) !== undefined) {
    throw refuse(key("validationTimeout"), `${key("validationTimeout")} is ${JSON.stringify(timeoutText)}, but it must be a duration such as 15m or 1h30m (${durationProblem(timeoutText)}).`);
  }
  return { hook, hookText, timeoutMs: durationMs(timeoutText), sql: parseSqlChecks(raw, options) };
}

/** The SQL checks alone: what the bundled validator reads from its environment. */
export function parseSqlChecks(raw: Readonly<Record<string, unknown>>, options: ParseOptions): SqlChecks {
  const { refuse } = options;
  const key = keyNamer(options.project);
  const databaseText = text(raw, "validationDatabase", key, refuse);
  const database = databaseText === "" ? options.defaultDatabase : databaseText;
  const dbProblem = identifierProblem(database);
  if (dbProblem !== undefined) {
    throw refuse(key("validationDatabase"), `${key("validationDatabase")} is ${JSON.stringify(database)}, but it must be a SQL Server database name: ${dbProblem}.`);
  }

  const minRows = list(raw, "validationMinRows", key, refuse).map((entry, index) => {
    const name = `${key("validationMinRows")}[${index}]`;
    const at = entry.lastIndexOf(">=");
    const count = at < 0 ? "" : entry.slice(at + 2).trim();
    if (at < 0 || !/^\d+$/.test(count) || !Number.isSafeInteger(Number(count))) {
      throw refuse(key("validationMinRows"), `${name} is ${JSON.stringify(entry)}, but each entry must be <schema>.<table>>=<minimum rows>, e.g. dbo.Players>=1000.`);
    }
    const parsed = parseMultipartName(entry.slice(0, at).trim(), 2);
    if ("problem" in parsed) {
      throw refuse(key("validationMinRows"), `${name} is ${JSON.stringify(entry)}, but it must be <schema>.<table>>=<minimum rows>, e.g. dbo.Players>=1000 (${parsed.problem}).`);
    }
    const [schema, table] = parsed.parts as [string, string];
    return { table: { schema, table }, min: Number(count) };
  });
  refuseDuplicate(minRows.map((r) => displayName([r.table.schema, r.table.table])), key("validationMinRows"), refuse);

  const freshness = list(raw, "validationFreshnessColumns", key, refuse).map((entry, index) => {
    const name = `${key("validationFreshnessColumns")}[${index}]`;
    const parsed = parseMultipartName(entry.trim(), 3);
    if ("problem" in parsed) {
      throw refuse(key("validationFreshnessColumns"), `${name} is ${JSON.stringify(entry)}, but it must be <schema>.<table>.<column>, e.g. dbo.Matches.endedAt (${parsed.problem}).`);
    }
    const [schema, table, column] = parsed.parts as [string, string, string];
    return { table: { schema, table }, column };
  });
  refuseDuplicate(freshness.map((f) => displayName([f.table.schema, f.table.table, f.column])), key("validationFreshnessColumns"), refuse);

  return { database, minRows, freshness, checkDb: bool(raw, "validationCheckDb", key, refuse) };
}

/** The checks as the config keys spell them; parseSqlChecks reads them back. */
export function sqlChecksConfig(checks: SqlChecks): Record<"validationDatabase" | "validationMinRows" | "validationFreshnessColumns" | "validationCheckDb", string | boolean | string[]> {
  return {
    validationDatabase: checks.database,
    validationMinRows: checks.minRows.map((r) => `${displayName([r.table.schema, r.table.table])}>=${r.min}`),
    validationFreshnessColumns: checks.freshness.map((f) => displayName([f.table.schema, f.table.table, f.column])),
    validationCheckDb: checks.checkDb,
  };
}

/** The checks as config-shaped JSON, for the bundled validator's environment; `parseSqlChecks(JSON.parse(...))` reads it back. */
export function encodeSqlChecks(checks: SqlChecks): string {
  return JSON.stringify(sqlChecksConfig(checks));
}

/** SQL Server compares names case-insensitively under the default collations, so the config does too. */
function refuseDuplicate(names: string[], key: string, refuse: Refuse): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n.toLowerCase())) throw refuse(key, `${key} lists ${n} twice; list each once.`);
    seen.add(n.toLowerCase());
  }
}

function keyNamer(project = "gametracker"): (k: ValidationKey) => string {
  return (k) => `${project}:${k}`;
}

function text(raw: Readonly<Record<string, unknown>>, k: ValidationKey, key: (k: ValidationKey) => string, refuse: Refuse): string {
  const v = raw[k] ?? VALIDATION_CONFIG_SCHEMA[k].default;
  if (typeof v !== "string") throw refuse(key(k), `${key(k)} is ${JSON.stringify(v)}, but it must be a string.`);
  return v;
}

function list(raw: Readonly<Record<string, unknown>>, k: ValidationKey, key: (k: ValidationKey) => string, refuse: Refuse): string[] {
  let v = raw[k] ?? VALIDATION_CONFIG_SCHEMA[k].default;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      // reported below as not a list
    }
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw refuse(key(k), `${key(k)} is ${JSON.stringify(raw[k])}, but it must be a list of strings (pulumi config set --path '${k}[0]' <value>).`);
  }
  return v as string[];
}

function bool(raw: Readonly<Record<string, unknown>>, k: ValidationKey, key: (k: ValidationKey) => string, refuse: Refuse): boolean {
  const v = raw[k] ?? VALIDATION_CONFIG_SCHEMA[k].default;
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  throw refuse(key(k), `${key(k)} is ${JSON.stringify(v)}, but it must be true or false.`);
}

/** Whether a key says more than its default (Pulumi passes Pulumi.yaml's defaults in as if set). */
function isDeclared(value: unknown, k: ValidationKey): boolean {
  if (value === undefined) return false;
  const def = VALIDATION_CONFIG_SCHEMA[k].default;
  if (Array.isArray(def)) return !(value === "[]" || (Array.isArray(value) && value.length === 0));
  return String(value) !== String(def);
}

