import { expect } from "chai";
import { assetsReplicationChecks, bucketObjectLockRow, describeObjectLock } from "../../../automation/posture/assets-replication";
import { AssetsReplicationFacts } from "../../../automation/posture/facts";

const NOW = new Date("2026-11-25T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

function facts(overrides: Partial<AssetsReplicationFacts> = {}): AssetsReplicationFacts {
  return {
    expected: { bucket: "gt-dr", region: "us-west-2" },
    rules: [{ id: "r", enabled: true, destinationBucket: "gt-dr", deleteMarkers: true, replicaKmsKeyId: undefined, timeControl: false }],
    destination: { versioning: "Enabled", objectLock: { enabled: true, mode: "GOVERNANCE", days: 7 } },
    sample: { objects: [{ key: "a.png", versionId: "1", lastModified: minutesAgo(2), status: "COMPLETED" }], scanned: 1, truncated: false },
    ...overrides,
  };
}
const row = (f: AssetsReplicationFacts | undefined, id: string, maxReplicationPendingMs?: number) =>
  assetsReplicationChecks(f, "gt-prod", { maxReplicationPendingMs }, NOW).find((r) => r.id === id)!;

describe("posture: assets replication (pure)", () => {
  it("says the lock's mode and retention in words", () => {
    expect(describeObjectLock({ enabled: true, mode: "COMPLIANCE", days: 30 })).to.equal("Object Lock COMPLIANCE, 30 days");
    expect(describeObjectLock({ enabled: true, mode: "GOVERNANCE", years: 1 })).to.equal("Object Lock GOVERNANCE, 1 year");
    expect(describeObjectLock({ enabled: true })).to.equal("Object Lock enabled, without a default retention (new versions are not locked)");
    expect(describeObjectLock(undefined)).to.equal("no Object Lock");
    expect(bucketObjectLockRow({ name: "b", versioning: "Enabled", publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true }, lifecycleRules: [], objectLock: { enabled: true, mode: "COMPLIANCE", days: 1 } })).to.deep.include({ status: "pass", detail: "b: Object Lock COMPLIANCE, 1 day" });
  });

  it("is one skipped row when the stack replicates nothing", () => {
    expect(assetsReplicationChecks(undefined, "gt-prod", {}, NOW).map((r) => [r.id, r.status])).to.deep.equal([["assets-replication", "skip"]]);
  });

  it("fails each broken piece of the configuration with the stack to run", () => {
    const cases: Array<[Partial<AssetsReplicationFacts>, string, string]> = [
      [{ rules: [] }, "s3://gt-prod has no replication configuration, but the stack replicates it to s3://gt-dr (us-west-2)", "run pulumi up for the environment"],
      [{ rules: [{ ...facts().rules[0]!, destinationBucket: "gt-other" }] }, "s3://gt-prod replicates to s3://gt-other, but the stack says s3://gt-dr (us-west-2)", "run pulumi up for the environment"],
      [{ rules: [{ ...facts().rules[0]!, enabled: false }] }, "s3://gt-prod's replication rule r is disabled: nothing new reaches s3://gt-dr (us-west-2)", "run pulumi up"],
      [{ rules: [{ ...facts().rules[0]!, deleteMarkers: false }] }, "s3://gt-prod's rule does not replicate delete markers", "run pulumi up"],
      [{ destination: { versioning: undefined, objectLock: undefined } }, "s3://gt-dr (us-west-2) does not exist: S3 fails every replication (DstBucketNotFound)", "run pulumi up for the standby stack that owns s3://gt-dr (us-west-2), then"],
      [{ destination: { versioning: "Suspended", objectLock: undefined } }, "s3://gt-dr (us-west-2) has versioning Suspended: S3 fails every replication (DstBucketUnversioned)", "standby stack"],
      [{ destination: { versioning: "Enabled", objectLock: { enabled: true } } }, "without a default retention (new versions are not locked): a credential that may delete versions can erase the region-loss copy", "assetsObjectLockMode"],
    ];
    for (const [overrides, detail, fix] of cases) {
      const r = row(facts(overrides), "assets-replication");
      expect(r.status, detail).to.equal("fail");
      expect(r.detail).to.contain(detail);
      expect(r.fix).to.contain(fix);
    }
    expect(row(facts(), "assets-replication").detail).to.equal(
      "s3://gt-prod -> s3://gt-dr (us-west-2): rule r enabled, delete markers replicated, SSE-KMS objects not replicated (no replica key), Replication Time Control off; the destination is versioned, Object Lock GOVERNANCE, 7 days",
    );
  });

  it("judges the oldest PENDING against 1h without Replication Time Control, 15m with it, or the flag", () => {
    const pending = (minutes: number) => facts({ sample: { objects: [{ key: "p.png", versionId: "2", lastModified: minutesAgo(minutes), status: "PENDING" }], scanned: 1, truncated: false } });
    expect(row(pending(50), "assets-replication-pending").status).to.equal("pass");
    expect(row(pending(61), "assets-replication-pending").status).to.equal("fail");
    const rtc = (f: AssetsReplicationFacts) => ({ ...f, rules: [{ ...f.rules[0]!, timeControl: true }] });
    expect(row(rtc(pending(16)), "assets-replication-pending")).to.deep.include({ status: "fail" });
    expect(row(rtc(pending(16)), "assets-replication-pending").detail).to.contain("limit 15m, Replication Time Control's SLA");
    expect(row(rtc(pending(16)), "assets-replication-pending", 30 * 60_000).status).to.equal("pass");
  });

  it("says what the sample covers when the listing was cut short", () => {
    const f = facts({ sample: { objects: [{ key: "a.png", versionId: "1", lastModified: minutesAgo(1), status: "COMPLETED" }], scanned: 100_000, truncated: true } });
    expect(row(f, "assets-replication-status").detail).to.equal("1 newest of the first 100000 objects listed (key order): 1 COMPLETED, 0 PENDING, 0 FAILED");
  });
});
