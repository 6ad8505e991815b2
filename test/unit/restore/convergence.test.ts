import { expect } from "chai";
import { planConvergence } from "../../../automation/restore/convergence";
import type { PreviewStep } from "../../../automation/stacks/port";

const INSTANCE = "urn:pulumi:dev-restore-1::gametracker-restore::gametracker:database:Database$aws:rds/instance:Instance::restored-instance";
const VALIDATOR = "urn:pulumi:dev-restore-1::gametracker-restore::gametracker:validation:Validator$aws:lambda/function:Function::validator-function";
const step = (op: PreviewStep["op"], diffs: string[] = [], urn = INSTANCE, type = "aws:rds/instance:Instance"): PreviewStep => ({ urn, type, op, diffs, detailedPaths: diffs });
const refusal = (what: string) =>
  `Restore stack dev-restore-1 does not match its own declaration after its update: the next update would ${what}, and only backupWindow, maintenanceWindow, backupRetentionPeriod of the restored instance are left to RDS by a restore. That was not applied: see pulumi preview --diff -s dev-restore-1 for why, and report it.`;

describe("planConvergence: what one more up may apply right after a restore", () => {
  it("needs nothing when the preview plans nothing", () => {
    expect(planConvergence("dev-restore-1", [step("same"), step("read")])).to.deep.equal({ action: "none" });
  });

  it("applies what a point-in-time restore leaves to RDS (the windows, the retention), naming them", () => {
    expect(planConvergence("dev-restore-1", [step("same"), step("update", ["backupWindow", "maintenanceWindow", "backupRetentionPeriod"])])).to.deep.equal({
      action: "update",
      summary: "update restored-instance (backupWindow, maintenanceWindow, backupRetentionPeriod)",
    });
  });

  it("refuses an update of any other property of the restored instance, alone or beside the windows (replicateSourceDb would promote a replica)", () => {
    for (const diffs of [["replicateSourceDb"], ["backupWindow", "replicateSourceDb"], ["instanceClass"], ["tags"]]) {
      expect(planConvergence("dev-restore-1", [step("update", diffs)]), diffs.join()).to.deep.equal({ action: "refuse", reason: refusal(`update restored-instance (${diffs.join(", ")})`) });
    }
  });

  it("refuses an update that names no property, and an update of another resource with a window's name", () => {
    expect(planConvergence("dev-restore-1", [step("update", [])])).to.deep.equal({ action: "refuse", reason: refusal("update restored-instance (no property named)") });
    const other = step("update", ["backupWindow"], VALIDATOR, "aws:lambda/function:Function");
    expect(planConvergence("dev-restore-1", [other])).to.deep.equal({ action: "refuse", reason: refusal("update validator-function (backupWindow)") });
  });

  it("refuses a replacement or a deletion of what was just restored, with what and how to look", () => {
    for (const op of ["replace", "delete", "create"] as const) {
      expect(planConvergence("dev-restore-1", [step("update", ["backupWindow"]), step(op, ["storageEncrypted"])]), op).to.deep.equal({ action: "refuse", reason: refusal(`${op} restored-instance (storageEncrypted)`) });
    }
  });
});
