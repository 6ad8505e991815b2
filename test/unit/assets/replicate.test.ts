import { expect } from "chai";
import { UsageError } from "../../../automation/errors";
import { createReplicationJobRequest, parseReplicationStatuses, replicationDestination } from "../../../automation/assets/replicate";

describe("assets/replicate (pure): S3 Batch Replication", () => {
  it("reads --statuses as S3's ObjectReplicationStatuses, refusing anything else", () => {
    expect(parseReplicationStatuses("none,failed")).to.deep.equal(["NONE", "FAILED"]);
    expect(parseReplicationStatuses(" Failed , failed ")).to.deep.equal(["FAILED"]);
    for (const bad of ["", "pending", "none,replica"]) expect(() => parseReplicationStatuses(bad), bad).to.throw(UsageError, /^Invalid --statuses/);
  });

  it("replicates by the bucket's enabled rule, and refuses a bucket without one", () => {
    expect(replicationDestination("b", { Role: "r", Rules: [{ Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::dr" } }] })).to.equal("dr");
    expect(() => replicationDestination("b", undefined)).to.throw(UsageError, "Bucket b has no enabled replication rule");
    expect(() => replicationDestination("b", { Role: "r", Rules: [{ Status: "Disabled", Destination: { Bucket: "arn:aws:s3:::dr" } }] })).to.throw(UsageError);
  });

  it("asks S3 to generate the manifest from the bucket itself, eligible objects of the given statuses only, and to report every task", () => {
    const request = createReplicationJobRequest({ accountId: "123456789012", roleArn: "arn:aws:iam::123456789012:role/r", bucket: "src", statuses: ["NONE", "FAILED"], reportBucket: "reports", runId: "run1", description: "d" });
    expect(request.Operation).to.deep.equal({ S3ReplicateObject: {} });
    expect(request).to.not.have.property("Manifest");
    expect(request.ManifestGenerator?.S3JobManifestGenerator).to.deep.include({ SourceBucket: "arn:aws:s3:::src", EnableManifestOutput: true, Filter: { EligibleForReplication: true, ObjectReplicationStatuses: ["NONE", "FAILED"] } });
    expect(request.Report).to.deep.include({ Bucket: "arn:aws:s3:::reports", Enabled: true, ReportScope: "AllTasks", Prefix: "gametracker-dr/batch-replication/run1/reports" });
    // The same run gives the same token (a retried create returns the same job); another run, another job.
    const again = createReplicationJobRequest({ accountId: "123456789012", roleArn: "arn:aws:iam::123456789012:role/r", bucket: "src", statuses: ["NONE", "FAILED"], reportBucket: "reports", runId: "run1", description: "d" });
    expect(again.ClientRequestToken).to.equal(request.ClientRequestToken);
    expect(createReplicationJobRequest({ accountId: "1", roleArn: "r", bucket: "src", statuses: ["NONE"], reportBucket: "reports", runId: "run2", description: "d" }).ClientRequestToken).to.not.equal(request.ClientRequestToken);
  });
});
