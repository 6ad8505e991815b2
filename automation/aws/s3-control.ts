import { CreateJobCommand, CreateJobRequest, DescribeJobCommand, JobDescriptor, S3ControlClient } from "@aws-sdk/client-s3-control";
import { OperationError } from "../errors";
import { callAws } from "./errors";

/**
 * The S3 Control edge: S3 Batch Operations jobs. Each failure becomes one sentence through
 * callAws; what a job is for and when to start one is decided in automation/assets.
 */

/** Creates a Batch Operations job and returns its id. The request's ClientRequestToken makes a retried create return the same job. */
export async function createBatchJob(s3control: S3ControlClient, request: CreateJobRequest & { AccountId: string }): Promise<string> {
  const created = await callAws(`create an S3 Batch Operations job in account ${request.AccountId}`, () => s3control.send(new CreateJobCommand(request)));
  if (created.JobId === undefined) throw new OperationError(`S3 Control created a job in account ${request.AccountId} without returning its id; look for it with aws s3control list-jobs before running again.`);
  return created.JobId;
}

/** The job as S3 Control describes it now (status, progress, failure reasons, report). */
export async function describeBatchJob(s3control: S3ControlClient, accountId: string, jobId: string): Promise<JobDescriptor> {
  const described = await callAws(`read S3 Batch Operations job ${jobId} in account ${accountId}`, () =>
    s3control.send(new DescribeJobCommand({ AccountId: accountId, JobId: jobId })),
  );
  return described.Job ?? {};
}
