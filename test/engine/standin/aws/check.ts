/**
 * TEST DOUBLE: the stand-in's Check, as pulumi-terraform-bridge does it for pulumi-aws —
 * the provider's region laid into `region` (provider/region.go applyRegion), auto-names
 * (`<logical name>-<7 hex>`, kept from the old inputs so a name never changes by itself),
 * schema defaults filled in and listed in `__defaults`, required arguments checked, and the
 * provider's plan-time input rules applied (the table's `validate` and `conflictsWith`, each
 * with the message the provider gives). Any input the schema table does not know is
 * refused, so the table keeps up with the programs.
 */
import { createHash, randomBytes } from "node:crypto";
import { isUnknown, type Props } from "../protocol/wire";
import { AttrSpec, ResourceSchema, Validation } from "./schema";

export const DEFAULTS_KEY = "__defaults";

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckInput {
  type: string;
  /** Logical name (the URN's last segment). */
  name: string;
  olds: Props;
  news: Props;
  /** The engine's per-resource seed; makes auto-names deterministic within a deployment. */
  randomSeed: Uint8Array;
  providerRegion: string;
}

export function checkInputs(schema: ResourceSchema, input: CheckInput): { inputs: Props; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const inputs: Props = { ...input.news };
  delete inputs[DEFAULTS_KEY];
  const defaults: string[] = [];

  for (const key of Object.keys(inputs)) {
    if (!(key in schema.attrs)) {
      failures.push({
        property: key,
        reason: `${input.type} has no input "${key}" in the stand-in's schema table (test/engine/standin/aws/schema.ts); add it from ${schema.source} before a program sets it.`,
      });
    }
  }
  if (schema.regional && (inputs.region === undefined || inputs.region === null)) inputs.region = input.providerRegion;

  const auto = schema.autoName;
  if (auto !== undefined && inputs[auto.property] === undefined && inputs[`${auto.property}Prefix`] === undefined) {
    const oldDefaults = Array.isArray(input.olds[DEFAULTS_KEY]) ? (input.olds[DEFAULTS_KEY] as unknown[]) : [];
    const old = input.olds[auto.property];
    inputs[auto.property] = typeof old === "string" && oldDefaults.includes(auto.property) ? old : autoName(input.name, input.randomSeed, auto);
    defaults.push(auto.property);
  }

  for (const [key, spec] of Object.entries(schema.attrs)) {
    if ((inputs[key] === undefined || inputs[key] === null) && spec.default !== undefined) {
      inputs[key] = spec.default;
      defaults.push(key);
    }
    if (spec.required && (inputs[key] === undefined || inputs[key] === null)) {
      failures.push({ property: key, reason: `Missing required argument. The argument "${key}" is required, but no definition was found.` });
    }
  }
  failures.push(...inputRuleFailures(schema.attrs, input.news));
  inputs[DEFAULTS_KEY] = defaults.sort();
  return { inputs, failures };
}

// ---------------------------------------------------------------------------------------
// The provider's input rules (ValidateFunc, ConflictsWith), on what the program set: the
// SDK validates configuration, not defaults, and leaves unknown values for the apply.

/** Every rule of the table broken by `news`; `property` is Pulumi's path, the reason names Terraform's attribute. */
export function inputRuleFailures(attrs: Readonly<Record<string, AttrSpec>>, news: Props): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const walk = (specs: Readonly<Record<string, AttrSpec>>, values: Props, path: string, tfPath: string) => {
    for (const [name, spec] of Object.entries(specs)) {
      const value = values[name];
      if (!isSet(value)) continue;
      const property = path === "" ? name : `${path}.${name}`;
      const k = `${tfPath}${spec.tf ?? snakeCase(name)}`;
      for (const other of spec.conflictsWith ?? []) {
        if (isSet(values[other]) && !isUnknown(values[other])) failures.push({ property, reason: `${goQuote(k)}: conflicts with ${tfPath}${specs[other]?.tf ?? snakeCase(other)}` });
      }
      if (isUnknown(value)) continue;
      for (const rule of spec.validate ?? []) for (const reason of validate(rule, value, k)) failures.push({ property, reason });
      if (spec.nested !== undefined) {
        const items = spec.list ? (Array.isArray(value) ? value : []) : [value];
        items.forEach((item, i) => {
          if (item !== null && typeof item === "object" && !Array.isArray(item)) walk(spec.nested!, item as Props, spec.list ? `${property}[${i}]` : property, `${k}.${i}.`);
        });
      }
    }
  };
  walk(attrs, news, "", "");
  return failures;
}

const isSet = (value: unknown) => value !== undefined && value !== null;

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Go's %q of a string, for ASCII (the provider's messages quote attribute names and values so). */
function goQuote(text: string): string {
  return JSON.stringify(text);
}

/** Go's %v of a slice: `[a b c]`. */
function goSlice(values: readonly unknown[]): string {
  return `[${values.join(" ")}]`;
}

/** The messages of one rule for a known value (empty when it holds), as the provider words them. */
export function validate(rule: Validation, value: unknown, k: string): string[] {
  const text = typeof value === "string" ? value : undefined;
  const number = typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : undefined;
  switch (rule.fn) {
    // terraform-plugin-sdk/v2 helper/validation (int.go, strings.go)
    case "validation.IntBetween":
      if (number === undefined) return [`expected type of ${k} to be integer`];
      return number < rule.min || number > rule.max ? [`expected ${k} to be in the range (${rule.min} - ${rule.max}), got ${number}`] : [];
    case "validation.IntInSlice":
      if (number === undefined) return [`expected type of ${k} to be an integer`];
      return rule.values.includes(number) ? [] : [`expected ${k} to be one of ${goSlice(rule.values)}, got ${number}`];
    case "validation.StringInSlice":
      if (text === undefined) return [`expected type of ${k} to be string`];
      return rule.values.includes(text) ? [] : [`expected ${k} to be one of ${goSlice(rule.values)}, got ${text}`];
    case "validation.StringLenBetween":
      if (text === undefined) return [`expected type of ${k} to be string`];
      return text.length < rule.min || text.length > rule.max ? [`expected length of ${k} to be in the range (${rule.min} - ${rule.max}), got ${text}`] : [];
    case "validation.StringMatch":
      if (text === undefined) return [`expected type of ${k} to be string`];
      return rule.pattern.test(text) ? [] : [`invalid value for ${k} (${rule.message})`];
    case "validation.StringDoesNotMatch":
      if (text === undefined) return [`expected type of ${k} to be string`];
      return rule.pattern.test(text) ? [`invalid value for ${k} (${rule.message})`] : [];
    // internal/verify/validate.go and internal/types/timestamp/timestamp.go
    case "verify.ValidARN":
      return text === undefined ? [`expected type of ${k} to be string`] : arnProblems(text, k);
    case "verify.ValidOnceADayWindowFormat": {
      const time = "([0-1][0-9]|2[0-3]):([0-5][0-9])";
      return text === undefined || new RegExp(`^(${time}-${time}|)$`).test(text) ? [] : [`(${text}) must satisfy the format of "hh24:mi-hh24:mi"`];
    }
    case "verify.ValidOnceAWeekWindowFormat": {
      const time = "(sun|mon|tue|wed|thu|fri|sat):([0-1][0-9]|2[0-3]):([0-5][0-9])";
      const lower = (text ?? "").toLowerCase();
      return new RegExp(`^(${time}-${time}|)$`).test(lower) ? [] : [`(${lower}) must satisfy the format of "ddd:hh24:mi-ddd:hh24:mi"`];
    }
    case "verify.ValidUTCTimestamp":
      // Go's time.Parse error after "Example:" is abbreviated to what it parsed against.
      return text !== undefined && isRfc3339(text) ? [] : [`must be in RFC3339 time format "2006-01-02T15:04:05Z07:00". Example: parsing time ${goQuote(String(value))} as "2006-01-02T15:04:05Z07:00"`];
    case "verify.ValidIAMPolicyJSON":
      return text === undefined ? [`expected type of ${k} to be string`] : policyJsonProblems(text, k);
    // internal/service/rds/validate.go
    case "rds.validIdentifier":
      if (text === undefined) return [`expected type of ${k} to be string`];
      return [
        ...(/^[0-9a-z-]+$/.test(text) ? [] : [`only lowercase alphanumeric characters and hyphens allowed in ${goQuote(k)}`]),
        ...(/^[a-z]/.test(text) ? [] : [`first character of ${goQuote(k)} must be a letter`]),
        ...(/--/.test(text) ? [`${goQuote(k)} cannot contain two consecutive hyphens`] : []),
        ...(/-$/.test(text) ? [`${goQuote(k)} cannot end with a hyphen`] : []),
      ];
    case "rds.validSubnetGroupName":
      if (text === undefined) return [`expected type of ${k} to be string`];
      return [
        ...(/^[0-9a-z_ .-]+$/.test(text) ? [] : [`only lowercase alphanumeric characters, hyphens, underscores, periods, and spaces allowed in ${goQuote(k)}`]),
        ...(text.length > 255 ? [`${goQuote(k)} cannot be longer than 255 characters`] : []),
        ...(/^default$/i.test(text) ? [`"Default" is not allowed as ${goQuote(k)}`] : []),
      ];
    // internal/service/logs/validate.go
    case "logs.validLogGroupName":
      if (text === undefined) return [`expected type of ${k} to be string`];
      return [
        ...(text.length > 512 ? [`${goQuote(k)} cannot be longer than 512 characters: ${goQuote(text)}`] : []),
        ...(/^[0-9A-Za-z_./#-]+$/.test(text) ? [] : [`${goQuote(k)} isn't a valid log group name (alphanumeric characters, underscores, hyphens, slashes, hash signs and dots are allowed): ${goQuote(text)}`]),
      ];
    // internal/service/lambda/validate.go
    case "lambda.validFunctionName": {
      if (text === undefined) return [`expected type of ${k} to be string`];
      const pattern = /^(arn:[\w-]+:lambda:)?([a-z]{2}-(?:[a-z]+-){1,2}\d{1}:)?(\d{12}:)?(function:)?([0-9A-Za-z_-]+)(:(\$LATEST|[0-9A-Za-z_-]+))?$/;
      const name =
        /^arn:[\w-]+:lambda:[a-z]{2}-(?:[a-z]+-){1,2}\d{1}:\d{12}:function:([0-9A-Za-z_-]+)(:(\$LATEST|[0-9A-Za-z_-]+))?$/.exec(text)?.[1] ?? /^\d{12}:function:([0-9A-Za-z_-]+)$/.exec(text)?.[1] ?? text;
      return [
        ...(pattern.test(text) ? [] : [`invalid value for ${k} (must be valid function name or function ARN)`]),
        ...validate({ fn: "validation.StringLenBetween", min: 1, max: 140 }, text, k),
        ...(name.length > 64 ? [`expected length of the Lambda function name to be less than or equal to 64, got ${name} (${name.length} characters)`] : []),
      ];
    }
  }
}

/** verify.ValidARNCheck: aws-sdk-go's arn.Parse, then partition, region, account and resource. */
function arnProblems(value: string, k: string): string[] {
  if (value === "") return [];
  const invalid = (why: string) => `${goQuote(k)} (${value}) is an invalid ARN: ${why}`;
  if (!value.startsWith("arn:")) return [invalid("arn: invalid prefix")];
  const sections = value.split(":");
  if (sections.length < 6) return [invalid("arn: not enough sections")];
  const [, partition, , region, account] = sections as [string, string, string, string, string];
  const resource = sections.slice(5).join(":");
  const problems: string[] = [];
  if (partition === "") problems.push(invalid("missing partition value"));
  else if (!/^aws(-[a-z]+)*$/.test(partition)) problems.push(invalid("invalid partition value (expecting to match regular expression: ^aws(-[a-z]+)*$)"));
  if (region !== "" && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) problems.push(invalid("invalid region value (expecting to match regular expression: ^[a-z]{2}(-[a-z]+)+-\\d$)"));
  if (account !== "" && !/^(aws|aws-managed|third-party|\d{12}|cw.{10})$/.test(account)) {
    problems.push(invalid("invalid account ID value (expecting to match regular expression: ^(aws|aws-managed|third-party|\\d{12}|cw.{10})$)"));
  }
  if (resource === "") problems.push(invalid("missing resource value"));
  return problems;
}

/** Go's time.Parse(time.RFC3339, v): the layout's fields, each in its range, and a Z or ±hh:mm zone. */
function isRfc3339(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const zoneOk = m[8] === "Z" || (Number(m[9]) < 24 && Number(m[10]) < 60);
  return month >= 1 && month <= 12 && day >= 1 && day <= days && hour < 24 && minute < 60 && second < 60 && zoneOk;
}

/** verify.ValidIAMPolicyJSON: a JSON object, with the provider's hints for the usual mistakes (duplicate keys are not checked here). */
function policyJsonProblems(value: string, k: string): string[] {
  if (value.length < 1) return [`${goQuote(k)} is an empty string, which is not a valid JSON value`];
  const first = value[0]!;
  if (first !== "{") {
    if (" \t\r\n".includes(first)) return [`${goQuote(k)} contains an invalid JSON policy: leading space characters are not allowed`];
    if (first === '"') return [`${goQuote(k)} contains an invalid JSON policy: contains a JSON-encoded string, not a JSON-encoded object`];
    if (first === "[") return [`${goQuote(k)} contains an invalid JSON policy: contains a JSON array, not a JSON object`];
    return [`${goQuote(k)} contains an invalid JSON policy: not a JSON object`];
  }
  try {
    JSON.parse(value);
    return [];
  } catch (error) {
    return [`${goQuote(k)} contains an invalid JSON policy: ${(error as Error).message}`];
  }
}

/** `<name>-<7 hex>`, from the engine's random seed when it sent one (as the bridge's NewUniqueName does). */
export function autoName(name: string, seed: Uint8Array, options: { maxLength: number; lower?: boolean }): string {
  const entropy = seed.length > 0 ? createHash("sha256").update(seed).update(name).digest("hex") : randomBytes(4).toString("hex");
  const suffix = entropy.slice(0, 7);
  const base = options.lower ? name.toLowerCase() : name;
  const prefix = base.slice(0, Math.max(0, options.maxLength - suffix.length - 1));
  return `${prefix}-${suffix}`;
}
