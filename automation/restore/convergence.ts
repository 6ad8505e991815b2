import type { PreviewStep } from "../stacks/port";

/**
 * Whether a restore stack's resources are what it declares, right after its first `up`,
 * and what to do when they are not. A point-in-time restore cannot set everything the
 * program declares (RestoreDBInstanceToPointInTime has no backup or maintenance window,
 * and pulumi-aws's point-in-time path modifies only the managed password and monitoring
 * afterwards), so what RDS chose shows in the next preview as an in-place update. One
 * more `up` applies it; a replacement or a deletion right after a restore is never
 * applied on the operator's behalf.
 */
export type Convergence =
  | { action: "none" }
  | { action: "update"; summary: string }
  | { action: "refuse"; reason: string };

export function planConvergence(stackName: string, steps: readonly PreviewStep[]): Convergence {
  const changed = steps.filter((s) => s.op !== "same" && s.op !== "read");
  if (changed.length === 0) return { action: "none" };
  const describe = (s: PreviewStep) => `${s.op} ${s.urn.split("::").pop()} (${(s.diffs.length > 0 ? s.diffs : ["no property named"]).join(", ")})`;
  const unsafe = changed.filter((s) => s.op !== "update");
  if (unsafe.length > 0) {
    return {
      action: "refuse",
      reason: `Restore stack ${stackName} does not match its own declaration after its update: the next update would ${unsafe.map(describe).join("; ")}. That was not applied: see pulumi preview --diff -s ${stackName} for why, and report it.`,
    };
  }
  return { action: "update", summary: changed.map(describe).join("; ") };
}
