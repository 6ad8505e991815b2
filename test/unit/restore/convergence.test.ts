import { expect } from "chai";
import { planConvergence } from "../../../automation/restore/convergence";
import type { PreviewStep } from "../../../automation/stacks/port";

const INSTANCE = "urn:pulumi:dev-restore-1::gametracker-restore::gametracker:database:Database$aws:rds/instance:Instance::restored-instance";
const step = (op: PreviewStep["op"], diffs: string[] = [], urn = INSTANCE): PreviewStep => ({ urn, type: "aws:rds/instance:Instance", op, diffs, detailedPaths: diffs });

describe("planConvergence: what one more up may apply right after a restore", () => {
  it("needs nothing when the preview plans nothing", () => {
    expect(planConvergence("dev-restore-1", [step("same"), step("read")])).to.deep.equal({ action: "none" });
  });

  it("applies in-place updates (the windows a point-in-time restore cannot set), naming them", () => {
    expect(planConvergence("dev-restore-1", [step("same"), step("update", ["backupWindow", "maintenanceWindow"])])).to.deep.equal({
      action: "update",
      summary: "update restored-instance (backupWindow, maintenanceWindow)",
    });
  });

  it("refuses a replacement or a deletion of what was just restored, with what and how to look", () => {
    for (const op of ["replace", "delete", "create"] as const) {
      const plan = planConvergence("dev-restore-1", [step("update", ["backupWindow"]), step(op, ["storageEncrypted"])]);
      expect(plan.action, op).to.equal("refuse");
      expect(plan.action === "refuse" && plan.reason, op).to.equal(
        `Restore stack dev-restore-1 does not match its own declaration after its update: the next update would ${op} restored-instance (storageEncrypted). That was not applied: see pulumi preview --diff -s dev-restore-1 for why, and report it.`,
      );
    }
  });
});
