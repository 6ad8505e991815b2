/**
 * MemoryStacks' plan rules, the engine's, where the driver's preview guard and its update
 * plan depend on them:
 *
 * - an update plan (`preview --save-plan`, `up --plan`) holds each resource's operation and
 *   property changes with their new values; an `up` is held to it by the engine's rules
 *   (step.go ConstrainedTo: a planned update may also be `same`, a planned replacement
 *   `same` or an update; plan.go checkDiff: every change must be planned, with the planned
 *   value) and refused with the engine's sentences (step_generator.go). Unlike the engine,
 *   which stops at the first differing step after running the ones before it, MemoryStacks
 *   refuses before any step, and it does not compare a create's inputs (the engine accepts
 *   any value where the plan holds an unknown; under the mocks nothing is unknown). The
 *   contract test pins the case the tool meets, a change to the one resource the plan updates;
 * - `targets` (the engine's `--target`, pinned by the contract test): an empty list (which
 *   the engine takes as every resource) and a target that names nothing are refused; which
 *   resources a target leaves alone is decided in the evaluation (stacks.ts).
 */
import * as fs from "node:fs";
import { StepOp } from "../../../automation/stacks/port";
import { deepEqual } from "../property-values";
import { PropertyChange, RenderedStep } from "./diff";

export interface PlannedStep {
  urn: string;
  op: StepOp;
  changes: PropertyChange[];
}

/** Saves what a preview planned, as `preview --save-plan` does. */
export function savePlan(file: string, steps: readonly RenderedStep[]): void {
  const plan: PlannedStep[] = steps.map(({ urn, op, changes }) => ({ urn, op, changes }));
  fs.writeFileSync(file, JSON.stringify(plan));
}

export function readPlan(file: string): PlannedStep[] {
  return JSON.parse(fs.readFileSync(file, "utf8")) as PlannedStep[];
}

/** step.go ConstrainedTo: the operations an `up` may take for a resource the plan holds at `planned`. */
function allowedUnder(planned: StepOp): StepOp[] {
  switch (planned) {
    case "create":
      return ["same", "create"];
    case "update":
      return ["same", "update"];
    case "replace":
    case "create-replacement":
    case "delete-replaced":
      return ["same", "update", planned];
    default:
      return [planned];
  }
}

/** The first step the plan does not hold, in the engine's words; undefined when it holds them all. */
export function planViolation(planned: readonly PlannedStep[], steps: readonly RenderedStep[]): string | undefined {
  const byUrn = new Map(planned.map((p) => [p.urn, p]));
  for (const step of steps) {
    const plan = byUrn.get(step.urn);
    if (plan === undefined) {
      if (step.op !== "same") return `${step.op} is not allowed by the plan: no steps were expected for this resource`;
      continue;
    }
    if (!allowedUnder(plan.op).includes(step.op)) return `${step.op} is not allowed by the plan: this resource is constrained to ${plan.op}`;
    if (step.op === "create") continue;
    // plan.go checkDiff: a change the plan does not list, or lists with another value.
    const unplanned = step.changes.filter((c) => !plan.changes.some((p) => p.path === c.path && p.kind === c.kind && deepEqual(p.new, c.new)));
    if (unplanned.length > 0) return `resource ${step.urn} violates plan: properties changed: ${unplanned.map((c) => c.path).join(", ")}`;
  }
  return undefined;
}

/** The URNs an operation is targeted at (undefined: every resource); an empty list is refused. */
export function targetSet(targets: readonly string[] | undefined): Set<string> | undefined {
  if (targets !== undefined && targets.length === 0) throw new Error("An update targeted at no resource would apply every resource; name at least one target.");
  return targets === undefined ? undefined : new Set(targets);
}

/** The targets that name no resource the program registers or drops. */
export function unmatchedTargets(targets: Set<string> | undefined, urns: readonly string[]): string[] {
  return [...(targets ?? [])].filter((t) => !urns.includes(t));
}
