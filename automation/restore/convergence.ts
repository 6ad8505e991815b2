import type { PreviewStep } from "../stacks/port";

/**
 * Whether a restore stack's resources are what it declares, right after its first `up`,
 * and what to do when they are not. A point-in-time restore leaves three settings to RDS:
 * RestoreDBInstanceToPointInTime takes no maintenance window, and the provider's
 * point-in-time path (terraform-provider-aws internal/service/rds/instance.go) sends
 * neither the backup window nor the backup retention and modifies only the managed
 * password and monitoring afterwards. What RDS chose for those shows in the next preview
 * as an in-place update of the restored instance, which one more `up` applies. Anything
 * else the preview plans right after a restore — another property, another resource, a
 * replacement or a deletion — means the restore is not what was asked for, and is never
 * applied on the operator's behalf.
 */
export type Convergence =
  | { action: "none" }
  | { action: "update"; summary: string }
  | { action: "refuse"; reason: string };

/** The restored instance's type, and the properties a point-in-time restore does not set. */
const RESTORED_INSTANCE_TYPE = "aws:rds/instance:Instance";
const LEFT_TO_RDS_BY_A_RESTORE: readonly string[] = ["backupWindow", "maintenanceWindow", "backupRetentionPeriod"];

export function planConvergence(stackName: string, steps: readonly PreviewStep[]): Convergence {
  const changed = steps.filter((s) => s.op !== "same" && s.op !== "read");
  if (changed.length === 0) return { action: "none" };
  const describe = (s: PreviewStep) => `${s.op} ${s.urn.split("::").pop()} (${(s.diffs.length > 0 ? s.diffs : ["no property named"]).join(", ")})`;
  const unsafe = changed.filter((s) => !leftToRds(s));
  if (unsafe.length > 0) {
    return {
      action: "refuse",
      reason: `Restore stack ${stackName} does not match its own declaration after its update: the next update would ${unsafe.map(describe).join("; ")}, and only ${LEFT_TO_RDS_BY_A_RESTORE.join(", ")} of the restored instance are left to RDS by a restore. That was not applied: see pulumi preview --diff -s ${stackName} for why, and report it.`,
    };
  }
  return { action: "update", summary: changed.map(describe).join("; ") };
}

/** An in-place update of the restored instance that touches only what a restore leaves to RDS. */
function leftToRds(step: PreviewStep): boolean {
  return step.op === "update" && step.type === RESTORED_INSTANCE_TYPE && step.diffs.length > 0 && step.diffs.every((d) => LEFT_TO_RDS_BY_A_RESTORE.includes(d));
}
