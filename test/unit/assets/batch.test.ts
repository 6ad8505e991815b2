import { expect } from "chai";
import { createAwsClients } from "../../../automation/aws/clients";
import { BATCH_COPY_LIMIT, batchGroup, followBatchJobs, jobProgress, roleAccountId, StartedBatch } from "../../../automation/assets/batch";
import { ManualClock } from "../../support/manual-clock";
import { OperationError, UsageError } from "../../../automation/errors";
import { CopyDecision } from "../../../automation/assets/plan";
import { BatchOperationsDouble } from "../../support/batch-operations";
import { messageOf } from "../../support/expect-error";
import { latest, v } from "../../support/object-versions";

const copy = (extra: Partial<CopyDecision> = {}, size = 10): CopyDecision => ({ action: "copy", key: "k", source: v("v1", 1, "e", { size }), current: latest(v("v2", 2)), ...extra });

describe("assets/batch", () => {
  it("takes the jobs' account from the role ARN and refuses anything that is not an IAM role ARN", () => {
    expect(roleAccountId("arn:aws:iam::123456789012:role/s3-batch-restore")).to.equal("123456789012");
    expect(roleAccountId("arn:aws-us-gov:iam::123456789012:role/path/restore")).to.equal("123456789012");
    for (const bad of ["s3-batch-restore", "arn:aws:iam::123:role/x", "arn:aws:iam::123456789012:user/x", "arn:aws:s3:::bucket"]) {
      expect(messageOf(() => roleAccountId(bad), UsageError)).to.match(/^Invalid --batch-role-arn ".*": it is not an IAM role ARN/);
    }
  });

  it("groups copies by what a job applies to all its objects, and keeps what a job can't copy local", () => {
    const kms = { encryption: { algorithm: "aws:kms", kmsKeyId: "k1" } };
    expect(batchGroup(copy({ settings: kms }))).to.equal(batchGroup(copy({ settings: kms })));
    expect(batchGroup(copy({ settings: kms }))).not.to.equal(batchGroup(copy({ settings: { encryption: { algorithm: "aws:kms", kmsKeyId: "k2" } } })));
    expect(batchGroup(copy({ settings: {} }))).not.to.equal(batchGroup(copy({ settings: { storageClass: "STANDARD_IA" } })));
    expect(batchGroup(copy({}, BATCH_COPY_LIMIT + 1)), "over S3PutObjectCopy's 5 GiB").to.equal("local");
    expect(batchGroup(copy({ settings: { encryption: { algorithm: "aws:kms:dsse" } } })), "DSSE can't be asked of a job").to.equal("local");
  });

  it("reads a job's progress: done only in a terminal status, ok only when Complete without failed tasks", () => {
    expect(jobProgress("j", { Status: "Active", ProgressSummary: { TotalNumberOfTasks: 5, NumberOfTasksSucceeded: 2 } })).to.deep.include({ done: false, ok: false, succeeded: 2, failed: 0, total: 5 });
    expect(jobProgress("j", { Status: "Complete", ProgressSummary: { NumberOfTasksSucceeded: 5, NumberOfTasksFailed: 0 } })).to.deep.include({ done: true, ok: true });
    expect(jobProgress("j", { Status: "Complete", ProgressSummary: { NumberOfTasksSucceeded: 4, NumberOfTasksFailed: 1 } })).to.deep.include({ done: true, ok: false });
    expect(jobProgress("j", { Status: "Failed", StatusUpdateReason: "Job failed", FailureReasons: [{ FailureCode: "ManifestNotFound", FailureReason: "no manifest" }] })).to.deep.include({
      done: true,
      ok: false,
      reasons: ["ManifestNotFound: no manifest", "Job failed"],
    });
  });

  describe("followBatchJobs", () => {
    const started = (ids: string[]): StartedBatch => ({ accountId: "123456789012", local: [], jobs: ids.map((id) => ({ ...jobProgress(id, {}), manifest: "m", copies: 3, reportPrefix: "r" })) });
    const clients = (double: BatchOperationsDouble) => createAwsClients({ region: "us-east-1", endpoint: "https://s3-control.us-east-1.amazonaws.com", maxAttempts: 1, credentials: { accessKeyId: "a", secretAccessKey: "b" }, middleware: double.http.middleware });

    it("polls every job until it ends, backing off from 5 s to at most 30 s, and reports progress", async () => {
      const double = new BatchOperationsDouble({
        statuses: [{ status: "New" }, { status: "Preparing" }, { status: "Active", total: 3, succeeded: 1 }, { status: "Active", total: 3, succeeded: 2 }, { status: "Complete", total: 3, succeeded: 3 }],
      });
      const aws = clients(double);
      const clock = new ManualClock();
      const lines: string[] = [];
      const jobs = await followBatchJobs(aws.s3control, started(["job-1", "job-2"]), { clock, random: () => 0.5, timeoutMs: 3_600_000, onProgress: (l) => lines.push(l) });
      expect(jobs.map((j) => [j.jobId, j.status, j.succeeded, j.ok])).to.deep.equal([["job-1", "Complete", 3, true], ["job-2", "Complete", 3, true]]);
      expect(double.describes("job-1")).to.equal(5);
      expect(clock.sleeps).to.have.length(4);
      expect(Math.min(...clock.sleeps)).to.be.at.least(5_000);
      expect(Math.max(...clock.sleeps)).to.be.at.most(30_000);
      expect(lines).to.include("job job-1: Active, 2/3 tasks done (0 failed), 25s");
      aws.destroy();
    });

    it("ends with a job that failed, and gives up with one sentence after the timeout", async () => {
      const failed = new BatchOperationsDouble({ statuses: [{ status: "Active" }, { status: "Failed", reasons: [{ code: "AccessDenied", reason: "The role can't read the manifest" }] }] });
      let aws = clients(failed);
      const [job] = await followBatchJobs(aws.s3control, started(["job-1"]), { clock: new ManualClock(), random: () => 0, timeoutMs: 3_600_000 });
      expect(job).to.deep.include({ status: "Failed", ok: false, reasons: ["AccessDenied: The role can't read the manifest"] });
      aws.destroy();

      aws = clients(new BatchOperationsDouble({ statuses: [{ status: "Active" }] }));
      let error: unknown;
      await followBatchJobs(aws.s3control, started(["job-9"]), { clock: new ManualClock(), random: () => 0, timeoutMs: 60_000 }).catch((e) => (error = e));
      expect(error).to.be.instanceOf(OperationError);
      expect((error as Error).message).to.match(/^S3 Batch Operations job\(s\) job-9 still running after 1m00s; follow them with aws s3control describe-job --account-id 123456789012/);
      aws.destroy();
    });
  });
});
