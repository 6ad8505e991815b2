import { expect } from "chai";
import { instanceFacts, lifecycleRuleFacts } from "../../../automation/posture/collect";

describe("posture facts from AWS shapes", () => {
  it("reads an instance's backup settings, treating missing flags as off", () => {
    const at = new Date("2026-11-25T11:55:00Z");
    expect(
      instanceFacts({ DBInstanceIdentifier: "db", DBInstanceStatus: "available", BackupRetentionPeriod: 7, LatestRestorableTime: at, DeletionProtection: true, CopyTagsToSnapshot: true }),
    ).to.deep.equal({ identifier: "db", status: "available", backupRetentionDays: 7, latestRestorableTime: at, deletionProtection: true, copyTagsToSnapshot: true, pendingModifications: [], maintenanceWindow: undefined });
    expect(instanceFacts({ DBInstanceIdentifier: "db" })).to.deep.include({ backupRetentionDays: 0, deletionProtection: false, copyTagsToSnapshot: false, latestRestorableTime: undefined });
  });

  it("reads what RDS holds for the maintenance window with each setting's current value, and never a pending password", () => {
    expect(
      instanceFacts({
        DBInstanceIdentifier: "db",
        DBInstanceClass: "db.t3.micro",
        AllocatedStorage: 20,
        PreferredMaintenanceWindow: "sun:05:00-sun:06:00",
        PendingModifiedValues: { DBInstanceClass: "db.t3.small", AllocatedStorage: 30, MasterUserPassword: "****", PendingCloudwatchLogsExports: { LogTypesToEnable: ["error"] } },
      }),
    ).to.deep.include({
      maintenanceWindow: "sun:05:00-sun:06:00",
      pendingModifications: [
        { setting: "DBInstanceClass", current: "db.t3.micro", pending: "db.t3.small" },
        { setting: "AllocatedStorage", current: "20", pending: "30" },
        { setting: "MasterUserPassword", current: undefined, pending: "(a new master password)" },
        { setting: "PendingCloudwatchLogsExports", current: undefined, pending: '{"LogTypesToEnable":["error"]}' },
      ],
    });
  });

  it("reads lifecycle rules: scope, status and noncurrent-version actions", () => {
    expect(lifecycleRuleFacts({ ID: "r", Status: "Enabled", Filter: { Prefix: "" }, NoncurrentVersionExpiration: { NoncurrentDays: 30 } })).to.deep.equal({
      id: "r",
      enabled: true,
      prefix: "",
      noncurrentExpirationDays: 30,
      noncurrentTransitions: 0,
    });
    expect(lifecycleRuleFacts({ Status: "Disabled", Prefix: "old/" })).to.deep.include({ enabled: false, prefix: "old/", noncurrentExpirationDays: undefined });
    expect(lifecycleRuleFacts({ Status: "Enabled", Filter: { Tag: { Key: "k", Value: "v" } }, NoncurrentVersionTransitions: [{ NoncurrentDays: 10, StorageClass: "GLACIER" }] })).to.deep.include({
      prefix: undefined,
      noncurrentTransitions: 1,
    });
    expect(lifecycleRuleFacts({ Status: "Enabled" })).to.deep.include({ prefix: "" });
  });
});
