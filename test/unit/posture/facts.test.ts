import { expect } from "chai";
import { instanceFacts, lifecycleRuleFacts } from "../../../automation/posture/collect";

describe("posture facts from AWS shapes", () => {
  it("reads an instance's backup settings, treating missing flags as off", () => {
    const at = new Date("2026-11-25T11:55:00Z");
    expect(
      instanceFacts({ DBInstanceIdentifier: "db", DBInstanceStatus: "available", BackupRetentionPeriod: 7, LatestRestorableTime: at, DeletionProtection: true, CopyTagsToSnapshot: true }),
    ).to.deep.equal({ identifier: "db", status: "available", backupRetentionDays: 7, latestRestorableTime: at, deletionProtection: true, copyTagsToSnapshot: true });
    expect(instanceFacts({ DBInstanceIdentifier: "db" })).to.deep.include({ backupRetentionDays: 0, deletionProtection: false, copyTagsToSnapshot: false, latestRestorableTime: undefined });
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
