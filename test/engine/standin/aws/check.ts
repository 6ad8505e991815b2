/**
 * TEST DOUBLE: the stand-in's Check, as pulumi-terraform-bridge does it for pulumi-aws —
 * the provider's region laid into `region` (provider/region.go applyRegion), auto-names
 * (`<logical name>-<7 hex>`, kept from the old inputs so a name never changes by itself),
 * schema defaults filled in and listed in `__defaults`, required arguments checked. Any
 * input the schema table does not know is refused, so the table keeps up with the programs.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Props } from "../protocol/wire";
import { ResourceSchema } from "./schema";

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
  inputs[DEFAULTS_KEY] = defaults.sort();
  return { inputs, failures };
}

/** `<name>-<7 hex>`, from the engine's random seed when it sent one (as the bridge's NewUniqueName does). */
export function autoName(name: string, seed: Uint8Array, options: { maxLength: number; lower?: boolean }): string {
  const entropy = seed.length > 0 ? createHash("sha256").update(seed).update(name).digest("hex") : randomBytes(4).toString("hex");
  const suffix = entropy.slice(0, 7);
  const base = options.lower ? name.toLowerCase() : name;
  const prefix = base.slice(0, Math.max(0, options.maxLength - suffix.length - 1));
  return `${prefix}-${suffix}`;
}
