/**
 * MemoryStacks' model of the engine's diff: how the inputs a program registers compare with
 * the inputs recorded at the last `up`, resource by resource, like the engine's detailed
 * diff (`diffs` and `detailedPaths`, `ignoreChanges` honoured); which changes replace rather
 * than update; what a step is (its URN, operation and property changes); and the readable
 * `diffText` of `pulumi preview --diff`.
 *
 * Which property changes force a replacement comes from the stand-in aws provider's schema
 * table (terraform-provider-aws's ForceNew attributes, test/engine/standin/aws/schema.ts),
 * their one home, shared with the engine tier; a type not in it is updated in place on any
 * change. Property paths and equality: ../property-values.ts, shared with the stand-in's Diff.
 */
import * as pulumi from "@pulumi/pulumi";
import { redact } from "../../../contracts/redact";
import { PreviewStep, StackId, StepOp } from "../../../automation/stacks/port";
import { forceNewProperties } from "../../engine/standin/aws/schema";
import { deepEqual, formatPath, isPlainObject, parsePath, Segment } from "../property-values";

/** Plain, comparable form of registered inputs: assets and archives become their wire signature. */
export async function canonicalInputs(input: unknown): Promise<unknown> {
  // Typed loosely on purpose: the pulumi type guards would otherwise narrow it to never.
  const value = input as any;
  if (value === undefined || value === null) return value;
  if (value instanceof Promise) return canonicalInputs(await value);
  if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
    const v = value as any;
    const out: Record<string, unknown> = { __kind: v.constructor?.name ?? "Asset" };
    for (const field of ["path", "text", "uri"]) if (v[field] !== undefined) out[field] = await v[field];
    if (v.assets !== undefined) out.assets = await canonicalInputs(await v.assets);
    return out;
  }
  if (pulumi.Resource.isInstance(value)) return { __resource: await canonicalInputs((value as pulumi.Resource).urn) };
  if (pulumi.Output.isInstance(value)) return canonicalInputs(await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve)));
  if (Array.isArray(value)) return Promise.all(value.map(canonicalInputs));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = await canonicalInputs((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  return value;
}

export interface PropertyChange {
  path: string;
  kind: "add" | "delete" | "update";
  old?: unknown;
  new?: unknown;
}

/** The leaf-level differences between two canonical input objects, paths in engine syntax. */
export function diffProperties(olds: unknown, news: unknown, prefix: Segment[] = []): PropertyChange[] {
  if (deepEqual(olds, news)) return [];
  const path = formatPath(prefix);
  if (olds === undefined) return [{ path, kind: "add", new: news }];
  if (news === undefined) return [{ path, kind: "delete", old: olds }];
  if (Array.isArray(olds) && Array.isArray(news)) {
    const changes: PropertyChange[] = [];
    for (let i = 0; i < Math.max(olds.length, news.length); i++) changes.push(...diffProperties(olds[i], news[i], [...prefix, i]));
    return changes;
  }
  if (isPlainObject(olds) && isPlainObject(news) && !("__kind" in olds) && !("__kind" in news)) {
    const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort();
    return keys.flatMap((k) => diffProperties(olds[k], news[k], [...prefix, k]));
  }
  return [{ path, kind: "update", old: olds, new: news }];
}

/** Lays the old values of `ignoreChanges` paths over the new inputs, as the engine does before diffing. */
export function applyIgnoreChanges(olds: Record<string, unknown>, news: Record<string, unknown>, ignoreChanges: readonly string[]): Record<string, unknown> {
  let result = news;
  for (const entry of ignoreChanges) {
    const segments = parsePath(entry);
    if (segments.length === 0 || segments.includes("*")) continue;
    result = setPath(result, segments, getPath(olds, segments)) as Record<string, unknown>;
  }
  return result;
}

/** Whether a set of changed paths means replace (any top-level property in the type's replace list) or update. */
export function classifyChange(type: string, changedPaths: readonly string[]): "same" | "update" | "replace" {
  if (changedPaths.length === 0) return "same";
  const replaceKeys = forceNewProperties(type);
  return changedPaths.some((p) => replaceKeys.includes(String(parsePath(p)[0] ?? p))) ? "replace" : "update";
}

/** Top-level property names of a set of paths (the engine's `diffs`). */
export function topLevelKeys(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => String(parsePath(p)[0] ?? p)))];
}

function getPath(value: unknown, segments: readonly Segment[]): unknown {
  let current = value;
  for (const s of segments) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[s];
  }
  return current;
}

function setPath(value: unknown, segments: readonly Segment[], leaf: unknown): unknown {
  if (segments.length === 0) return leaf;
  const [head, ...rest] = segments as [Segment, ...Segment[]];
  const base: any = Array.isArray(value) ? [...value] : isPlainObject(value) ? { ...value } : typeof head === "number" ? [] : {};
  const next = setPath(base[head], rest, leaf);
  if (next === undefined) delete base[head];
  else base[head] = next;
  return base;
}

/** A URN as the engine makes it: the parent's type chain (unless it is the stack) before the type. */
export function urnOf(id: StackId, parent: string, type: string, name: string): string {
  const parentType = parent === "" ? undefined : parent.split("::")[2];
  const chain = parentType === undefined || parentType === "pulumi:pulumi:Stack" ? type : `${parentType}$${type}`;
  return `urn:pulumi:${id.stack}::${id.project}::${chain}::${name}`;
}

// ---------------------------------------------------------------------------------------
// Rendering, like `pulumi preview --diff`

export const SYMBOL: Partial<Record<StepOp, string>> = { create: "+", update: "~", delete: "-", replace: "+-", read: ">", discard: "<" };
export const PAST: Partial<Record<StepOp, string>> = { create: "created", update: "updated", replace: "replaced" };

export interface RenderedStep extends PreviewStep {
  name: string;
  changes: PropertyChange[];
  /** For creates: the registered inputs. */
  inputs?: Record<string, unknown>;
}

export function renderDiff(target: string, steps: readonly RenderedStep[], summary: Partial<Record<StepOp, number>>): string {
  const lines = [`Previewing update (${target}):`];
  for (const step of steps) {
    if (step.op === "same") continue;
    const diffNote = step.diffs.length > 0 ? ` [diff: ${step.diffs.map((d) => `~${d}`).join(" ")}]` : "";
    lines.push(`  ${SYMBOL[step.op] ?? step.op} ${step.type} ${step.name} (${step.op})${diffNote}`);
    if (step.op === "create" && step.inputs) {
      for (const [key, value] of Object.entries(step.inputs)) lines.push(`      + ${key}: ${show(key, value)}`);
    }
    for (const c of step.changes) {
      const leaf = lastKey(c.path);
      if (c.kind === "add") lines.push(`      + ${c.path}: ${show(leaf, c.new)}`);
      else if (c.kind === "delete") lines.push(`      - ${c.path}: ${show(leaf, c.old)}`);
      else lines.push(`      ~ ${c.path}: ${show(leaf, c.old)} => ${show(leaf, c.new)}`);
    }
  }
  if (lines.length === 1) lines.push("  no changes");
  lines.push("Resources:");
  const labels: Array<[StepOp, string]> = [
    ["create", "to create"],
    ["update", "to update"],
    ["replace", "to replace"],
    ["delete", "to delete"],
  ];
  for (const [op, label] of labels) if (summary[op]) lines.push(`    ${SYMBOL[op]} ${summary[op]} ${label}`);
  lines.push(`    ${summary.same ?? 0} unchanged`);
  return lines.join("\n") + "\n";
}

function lastKey(path: string): string {
  const segments = parsePath(path);
  const last = [...segments].reverse().find((s) => typeof s === "string");
  return typeof last === "string" ? last : "";
}

/** A value for a diff line: secret-looking keys masked, long values shortened. */
function show(key: string, value: unknown): string {
  const masked = redact({ [key || "value"]: value })[key || "value"];
  const text = JSON.stringify(masked) ?? "undefined";
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
