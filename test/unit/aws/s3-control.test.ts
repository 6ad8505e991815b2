import { expect } from "chai";
import { createAwsClients } from "../../../automation/aws/clients";
import { createBatchJob, describeBatchJob } from "../../../automation/aws/s3-control";
import { createJobRequest } from "../../../automation/assets/batch";
import { OperationError } from "../../../automation/errors";
import { BatchOperationsDouble } from "../../support/batch-operations";

const clients = (double: BatchOperationsDouble) =>
  createAwsClients({ region: "us-east-1", endpoint: "https://s3-control.us-east-1.amazonaws.com", maxAttempts: 1, credentials: { accessKeyId: "a", secretAccessKey: "b" }, middleware: double.http.middleware });

const spec = {
  accountId: "123456789012",
  roleArn: "arn:aws:iam::123456789012:role/s3-batch-restore",
  bucket: "gametracker-assets-prod",
  reportBucket: "gametracker-batch-reports",
  reportPrefix: "gametracker-dr/batch/run1/reports",
  manifest: { bucket: "gametracker-batch-reports", key: "gametracker-dr/batch/run1/manifest-1.csv", etag: '"0123abcd"' },
  settings: { encryption: { algorithm: "aws:kms", kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k1", bucketKeyEnabled: true }, storageClass: "STANDARD_IA" },
  description: "gametracker-dr restore of s3://gametracker-assets-prod/characters/ to 2026-11-25T14:00:00.000Z",
};

describe("aws/s3-control", () => {
  it("sends CreateJob as the S3 Control API reference describes it: a copy job with its manifest, completion report, role and idempotency token", async () => {
    const double = new BatchOperationsDouble({ statuses: [{ status: "New" }] });
    const aws = clients(double);
    const jobId = await createBatchJob(aws.s3control, createJobRequest(spec));
    expect(jobId).to.equal("job-1");
    const [sent] = double.created;
    expect(sent).to.include({ method: "POST", path: "/v20180820/jobs" });
    expect(sent!.hostname).to.equal("123456789012.s3-control.us-east-1.amazonaws.com");
    expect(sent!.headers["x-amz-account-id"]).to.equal("123456789012");
    const body = sent!.body;
    const field = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body)?.[1];
    expect(field("ConfirmationRequired")).to.equal("false");
    expect(field("TargetResource")).to.equal("arn:aws:s3:::gametracker-assets-prod");
    expect(field("MetadataDirective")).to.equal("COPY");
    expect(field("StorageClass")).to.equal("STANDARD_IA");
    expect(field("SSEAlgorithm")).to.equal("KMS");
    expect(field("SSEAwsKmsKeyId")).to.equal(spec.settings.encryption.kmsKeyId);
    expect(field("BucketKeyEnabled")).to.equal("true");
    expect(body).to.match(/<Spec><Format>S3BatchOperations_CSV_20180820<\/Format><Fields><member>Bucket<\/member><member>Key<\/member><member>VersionId<\/member><\/Fields><\/Spec>/);
    expect(field("ObjectArn")).to.equal("arn:aws:s3:::gametracker-batch-reports/gametracker-dr/batch/run1/manifest-1.csv");
    expect(field("ETag"), "ETag without quotes").to.equal("0123abcd");
    const report = /<Report>(.*)<\/Report>/.exec(body)?.[1] ?? "";
    for (const part of ["<Enabled>true</Enabled>", "<Bucket>arn:aws:s3:::gametracker-batch-reports</Bucket>", "<Format>Report_CSV_20180820</Format>", "<Prefix>gametracker-dr/batch/run1/reports</Prefix>", "<ReportScope>AllTasks</ReportScope>"]) {
      expect(report, "a completion report of every task").to.contain(part);
    }
    expect(field("Priority")).to.equal("10");
    expect(field("RoleArn")).to.equal(spec.roleArn);
    expect(field("ClientRequestToken")).to.match(/^[0-9a-f]{64}$/);
    aws.destroy();
  });

  it("reads a job's status and progress with DescribeJob", async () => {
    const double = new BatchOperationsDouble({ statuses: [{ status: "Active", total: 10, succeeded: 4, failed: 1 }] });
    const aws = clients(double);
    const job = await describeBatchJob(aws.s3control, "123456789012", "job-7");
    expect(job.Status).to.equal("Active");
    expect(job.ProgressSummary).to.deep.include({ TotalNumberOfTasks: 10, NumberOfTasksSucceeded: 4, NumberOfTasksFailed: 1 });
    expect(double.http.requests[0]).to.include({ method: "GET", path: "/v20180820/jobs/job-7" });
    aws.destroy();
  });

  it("turns S3 Control's refusal into one sentence", async () => {
    const double = new BatchOperationsDouble({ statuses: [] }, { status: 403, body: "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error></ErrorResponse>" });
    const aws = clients(double);
    let error: unknown;
    await createBatchJob(aws.s3control, createJobRequest(spec)).catch((e) => (error = e));
    expect(error).to.be.instanceOf(OperationError);
    expect((error as Error).message).to.match(/^Could not create an S3 Batch Operations job in account 123456789012: access was denied \(AccessDenied/);
    aws.destroy();
  });
});
