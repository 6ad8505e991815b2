/**
 * What a cut-over (or rollback) applies, and what it leaves alone, pure. The environment's
 * preview may hold more than the switch: a change RDS defers to the next maintenance window
 * shows in every preview until then (the provider reads the instance's current values), and
 * config someone set without deploying it shows too. A DR tool must not be stopped by an
 * unrelated change waiting for Sunday, nor apply it at 3 a.m.: the switch is applied as an
 * update targeted at its own resources — the API Lambda, the stack references it reads and
 * the builtin provider that reads them — and every other change is reported as not applied,
 * pending before the cut-over. The guard then judges the targeted preview only.
 */
import type { PreviewResult, StepOp } from "../stacks/port";
import { PRIMARY_SOURCE } from "../../contracts/stacks";
import { BUILTIN_PROVIDER_TYPE, HARMLESS_OPS, LAMBDA_FUNCTION_TYPE, resourceName, ROOT_STACK_TYPE } from "./preview-guard";

export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/** A change the environment's preview holds that the cut-over does not apply. */
export interface PendingChange {
  urn: string;
  type: string;
  /** The resource's logical name (`database-instance`). */
  name: string;
  op: StepOp;
  /** The changed property paths (`instanceClass`). */
  paths: string[];
}

export interface CutoverScope {
  /** The URNs the switch's update is targeted at: every step of the Lambda, of a stack reference, and the builtin provider's create or delete. */
  targets: string[];
  /** Every other change of the preview, in its order. */
  notApplied: PendingChange[];
}

function isSwitchStep(type: string, op: StepOp): boolean {
  return type === LAMBDA_FUNCTION_TYPE || type === STACK_REFERENCE_TYPE || (type === BUILTIN_PROVIDER_TYPE && (op === "create" || op === "delete"));
}

/** Splits a full preview of the switch into the switch's own targets and the changes left pending. */
export function cutoverScope(preview: PreviewResult): CutoverScope {
  const targets: string[] = [];
  const notApplied: PendingChange[] = [];
  for (const step of preview.steps) {
    if (isSwitchStep(step.type, step.op)) {
      if (!targets.includes(step.urn)) targets.push(step.urn);
      continue;
    }
    // The root stack's outputs follow the program in a targeted update too.
    if (HARMLESS_OPS.has(step.op) || (step.type === ROOT_STACK_TYPE && step.op === "update")) continue;
    notApplied.push({ urn: step.urn, type: step.type, name: resourceName(step.urn), op: step.op, paths: step.detailedPaths.length > 0 ? step.detailedPaths : step.diffs });
  }
  return { targets, notApplied };
}

/** `update aws:rds/instance:Instance database-instance (instanceClass)`: one pending change, for a report line. */
export function describePendingChange(change: PendingChange): string {
  return `${change.op} ${change.type} ${change.name}${change.paths.length > 0 ? ` (${change.paths.join(", ")})` : ""}`;
}

/** `cut-over`, or `rollback` for a switch back to the primary: how reports name the switch. */
export function switchNoun(to: string): string {
  return to === PRIMARY_SOURCE ? "rollback" : "cut-over";
}

/** The report's line for a change the switch to `to` leaves alone. */
export function notAppliedLine(to: string, change: PendingChange): string {
  return `not applied, pending before the ${switchNoun(to)}: ${describePendingChange(change)}`;
}
