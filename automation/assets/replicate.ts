import { createHash } from "node:crypto";
import type { ReplicationConfiguration } from "@aws-sdk/client-s3";
import type { CreateJobRequest, S3ControlClient } from "@aws-sdk/client-s3-control";
import { createBatchJob } from "../aws/s3-control";
import { UsageError } from "../errors";
import { BATCH_PRIORITY, BatchJob, followBatchJobs, jobProgress, roleAccountId } from "./batch";
import { Clock } from "../clock";

/**
 * S3 Batch Replication: the AWS way to copy what live replication never will — objects
 * written before the replication rule existed (status NONE) and replications that FAILED
 * (S3 does not retry them), optionally COMPLETED ones again. One S3 Batch Operations job
 * with an S3ReplicateObject operation and a manifest generator: S3 lists the source bucket
 * itself, keeps the objects its filter selects and that its replication configuration makes
 * eligible, and replicates them by that configuration (destination, encryption, storage
 * class). The job is followed like `restore-prefix --via batch`'s.
 */

export const REPLICATION_STATUSES = ["none", "failed", "completed"] as const;
export type ReplicationStatusFilter = (typeof REPLICATION_STATUSES)[number];

/** `--statuses none,failed` as S3's ObjectReplicationStatuses, or a UsageError naming the flag. Pure. */
export function parseReplicationStatuses(text: string): Array<"NONE" | "FAILED" | "COMPLETED"> {
  const given = text.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "");
  const bad = given.find((s) => !(REPLICATION_STATUSES as readonly string[]).includes(s));
  if (given.length === 0 || bad !== undefined) {
    throw new UsageError(
      `Invalid --statuses "${text}": give a comma-separated list of ${REPLICATION_STATUSES.join(", ")} (none: never replicated, e.g. written before replication was on; failed: S3 does not retry those).`,
    );
  }
  return [...new Set(given)].map((s) => s.toUpperCase() as "NONE" | "FAILED" | "COMPLETED");
}

/** The destination bucket of the bucket's replication configuration, or a UsageError saying why there is nothing to replicate by. Pure. */
export function replicationDestination(bucket: string, configuration: ReplicationConfiguration | undefined): string {
  const rule = (configuration?.Rules ?? []).find((r) => r.Status === "Enabled");
  const destination = /^arn:[^:]+:s3:::(.+)$/.exec(rule?.Destination?.Bucket ?? "")?.[1];
  if (destination === undefined) {
    throw new UsageError(
      `Bucket ${bucket} has no enabled replication rule, and Batch Replication replicates by the bucket's own replication configuration; set assetsReplicationBucket and run pulumi up for the environment first.`,
    );
  }
  return destination;
}

export interface ReplicationJobSpec {
  accountId: string;
  roleArn: string;
  bucket: string;
  statuses: ReadonlyArray<"NONE" | "FAILED" | "COMPLETED">;
  reportBucket: string;
  /** Names this run's generated manifest and reports: `gametracker-dr/batch-replication/<runId>/…`. */
  runId: string;
  description: string;
}

/**
 * The CreateJob request, as the S3 Control API reference and the User Guide's "Replicating
 * existing objects with Batch Replication" describe it: S3ReplicateObject, a manifest
 * generator over the source bucket filtered to objects eligible for replication with the
 * given statuses, the generated manifest and a report of every task kept in the report
 * bucket. The token is the run's, so a retried create gives back the same job. Pure.
 */
export function createReplicationJobRequest(spec: ReplicationJobSpec): CreateJobRequest & { AccountId: string } {
  const prefix = `gametracker-dr/batch-replication/${spec.runId}`;
  return {
    AccountId: spec.accountId,
    ConfirmationRequired: false,
    Operation: { S3ReplicateObject: {} },
    ManifestGenerator: {
      S3JobManifestGenerator: {
        ExpectedBucketOwner: spec.accountId,
        SourceBucket: `arn:aws:s3:::${spec.bucket}`,
        EnableManifestOutput: true,
        ManifestOutputLocation: { Bucket: `arn:aws:s3:::${spec.reportBucket}`, ManifestPrefix: `${prefix}/manifest`, ManifestFormat: "S3InventoryReport_CSV_20211130" },
        Filter: { EligibleForReplication: true, ObjectReplicationStatuses: [...spec.statuses] },
      },
    },
    Report: { Bucket: `arn:aws:s3:::${spec.reportBucket}`, Format: "Report_CSV_20180820", Enabled: true, Prefix: `${prefix}/reports`, ReportScope: "AllTasks" },
    Priority: BATCH_PRIORITY,
    RoleArn: spec.roleArn,
    ClientRequestToken: createHash("sha256").update(`${spec.bucket}\n${spec.statuses.join(",")}\n${spec.runId}`).digest("hex").slice(0, 64),
    Description: spec.description.slice(0, 256),
  };
}

export interface ReplicateOptions extends Omit<ReplicationJobSpec, "accountId"> {
  clock: Clock;
  random: () => number;
  timeoutMs: number;
  onProgress?: (message: string) => void;
}

/** Creates the Batch Replication job and follows it until it ends (or the timeout). */
export async function runBatchReplication(s3control: S3ControlClient, options: ReplicateOptions): Promise<BatchJob> {
  const accountId = roleAccountId(options.roleArn);
  const request = createReplicationJobRequest({ ...options, accountId });
  const jobId = await createBatchJob(s3control, request);
  const reportPrefix = `s3://${options.reportBucket}/${request.Report!.Prefix}/job-${jobId}/`;
  options.onProgress?.(`S3 Batch Replication job ${jobId} created for s3://${options.bucket} (objects ${options.statuses.join(", ")}; S3 lists the bucket and writes the manifest to s3://${options.reportBucket}/${request.ManifestGenerator!.S3JobManifestGenerator!.ManifestOutputLocation!.ManifestPrefix}/)`);
  const started = { accountId, jobs: [{ ...jobProgress(jobId, {}), manifest: "generated by S3", copies: 0, reportPrefix }], local: [] };
  const [job] = await followBatchJobs(s3control, started, options);
  return job!;
}

/** The job's outcome for the terminal. Pure. */
export function renderReplicationJob(job: BatchJob): string {
  const lines = [`S3 Batch Replication job ${job.jobId}: ${job.status}, ${job.succeeded} of ${job.total ?? "?"} objects replicated, ${job.failed} failed; completion report under ${job.reportPrefix}`];
  for (const reason of job.reasons) lines.push(`  job ${job.jobId}: ${reason}`);
  if (!job.ok) lines.push("Read the completion report for each failed task's reason, fix it, then run assets replicate --statuses failed.");
  return lines.join("\n");
}
