import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { CreateJobRequest, JobDescriptor, S3ControlClient } from "@aws-sdk/client-s3-control";
import { putObjectBody } from "../aws/s3";
import { createBatchJob, describeBatchJob } from "../aws/s3-control";
import { Clock } from "../clock";
import { OperationError, UsageError } from "../errors";
import { formatDuration } from "../output";
import { pollDelay } from "../wait";
import { SINGLE_COPY_LIMIT } from "./copy";
import { LineFile } from "./line-file";
import { MANIFEST_FIELDS, MANIFEST_FORMAT, manifestLine } from "./manifest";
import { CopyDecision, CopySettings } from "./plan";

/**
 * The copies of a restore plan as S3 Batch Operations jobs, for prefixes too large to
 * copy from one machine: the plan's copies go into CSV manifests, which are uploaded to
 * the report bucket; one S3PutObjectCopy job per encryption and storage class (a job
 * applies one setting to every object) copies each listed version onto its own key, and
 * writes a completion report. The tool follows the jobs until they end.
 *
 * What a job can't do stays with the tool: copies over 5 GiB (S3PutObjectCopy's limit)
 * and copies that keep an SSE-KMS dual-layer (DSSE) encryption are made locally, like
 * undeletes and hides. A job's copy is not conditional: a key the application writes
 * while the job runs is overwritten by the job.
 */

/** Objects up to this size can be copied by an S3PutObjectCopy job. */
export const BATCH_COPY_LIMIT = SINGLE_COPY_LIMIT;
export const BATCH_PRIORITY = 10;
export const DEFAULT_BATCH_TIMEOUT_MS = 24 * 60 * 60 * 1000;
const TERMINAL = new Set(["Complete", "Failed", "Cancelled"]);

/** The account of an IAM role ARN (a Batch Operations job runs in the role's account), or a UsageError naming the flag. Pure. */
export function roleAccountId(roleArn: string): string {
  const match = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/[\w+=,.@/-]+$/.exec(roleArn);
  if (match === null) {
    throw new UsageError(`Invalid --batch-role-arn "${roleArn}": it is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>); give the role S3 Batch Operations assumes to copy the objects.`);
  }
  return match[1]!;
}

/** Which job a copy goes to, or "local" for the copies a job can't make. Pure. */
export function batchGroup(copy: CopyDecision): string {
  const encryption = copy.settings?.encryption;
  if (copy.source.size > BATCH_COPY_LIMIT || encryption?.algorithm === "aws:kms:dsse") return "local";
  return JSON.stringify([encryption?.algorithm ?? "", encryption?.kmsKeyId ?? "", encryption?.bucketKeyEnabled ?? "", copy.settings?.storageClass ?? ""]);
}

export interface JobSpec {
  accountId: string;
  roleArn: string;
  bucket: string;
  reportBucket: string;
  reportPrefix: string;
  manifest: { bucket: string; key: string; etag: string };
  settings: CopySettings;
  description: string;
}

/**
 * The CreateJob request for one manifest, as the S3 Control API reference describes it.
 * The token is derived from the manifest's ETag, so creating the same job again (a retry,
 * a re-run of the same plan) gives back the job already made instead of a second one. Pure.
 */
export function createJobRequest(spec: JobSpec): CreateJobRequest & { AccountId: string } {
  const { encryption, storageClass } = spec.settings;
  return {
    AccountId: spec.accountId,
    ConfirmationRequired: false,
    Operation: {
      S3PutObjectCopy: {
        TargetResource: `arn:aws:s3:::${spec.bucket}`,
        MetadataDirective: "COPY",
        ...(storageClass !== undefined ? { StorageClass: storageClass as never } : {}),
        ...(encryption !== undefined ? { NewObjectMetadata: { SSEAlgorithm: encryption.algorithm === "AES256" ? "AES256" : "KMS" } } : {}),
        ...(encryption?.kmsKeyId !== undefined ? { SSEAwsKmsKeyId: encryption.kmsKeyId } : {}),
        ...(encryption?.bucketKeyEnabled !== undefined ? { BucketKeyEnabled: encryption.bucketKeyEnabled } : {}),
      },
    },
    Manifest: {
      Spec: { Format: MANIFEST_FORMAT, Fields: [...MANIFEST_FIELDS] },
      Location: { ObjectArn: `arn:aws:s3:::${spec.manifest.bucket}/${spec.manifest.key}`, ETag: spec.manifest.etag.replace(/"/g, "") },
    },
    Report: { Bucket: `arn:aws:s3:::${spec.reportBucket}`, Format: "Report_CSV_20180820", Enabled: true, Prefix: spec.reportPrefix, ReportScope: "AllTasks" },
    Priority: BATCH_PRIORITY,
    RoleArn: spec.roleArn,
    ClientRequestToken: createHash("sha256").update(`${spec.manifest.key}\n${spec.manifest.etag}`).digest("hex").slice(0, 64),
    Description: spec.description.slice(0, 256),
  };
}

export interface JobProgress {
  jobId: string;
  status: string;
  total: number | undefined;
  succeeded: number;
  failed: number;
  done: boolean;
  /** Ended Complete with no failed task. */
  ok: boolean;
  reasons: string[];
}

/** What a DescribeJob answer says about a job's progress. Pure. */
export function jobProgress(jobId: string, job: JobDescriptor): JobProgress {
  const status = job.Status ?? "unknown";
  const summary = job.ProgressSummary ?? {};
  const failed = summary.NumberOfTasksFailed ?? 0;
  return {
    jobId,
    status,
    total: summary.TotalNumberOfTasks,
    succeeded: summary.NumberOfTasksSucceeded ?? 0,
    failed,
    done: TERMINAL.has(status),
    ok: status === "Complete" && failed === 0,
    reasons: (job.FailureReasons ?? []).map((f) => [f.FailureCode, f.FailureReason].filter(Boolean).join(": ")).concat(job.StatusUpdateReason !== undefined && status !== "Complete" ? [job.StatusUpdateReason] : []),
  };
}

export interface BatchOptions {
  bucket: string;
  reportBucket: string;
  roleArn: string;
  /** Names this run's manifests and reports, e.g. the plan's moment: `gametracker-dr/batch/<runId>/…`. */
  runId: string;
  description: string;
  clock: Clock;
  random: () => number;
  timeoutMs: number;
  onProgress?: (message: string) => void;
  /** Where the manifests are written before their upload (removed after): the run's directory, so that a killed run's are found; default a new temp dir. */
  manifestDir?: string | undefined;
}

export interface BatchJob extends JobProgress {
  manifest: string;
  copies: number;
  reportPrefix: string;
}

export interface StartedBatch {
  accountId: string;
  jobs: BatchJob[];
  /** Copies a job can't make; the caller makes them itself. */
  local: CopyDecision[];
}

/** Splits the copies into one manifest file per job (and the copies that stay local), streaming: memory holds only the local ones. */
async function writeManifests(bucket: string, copies: AsyncIterable<CopyDecision>, dir: string) {
  const groups = new Map<string, { out: LineFile; settings: CopySettings }>();
  const local: CopyDecision[] = [];
  for await (const copy of copies) {
    const group = batchGroup(copy);
    if (group === "local") {
      local.push(copy);
      continue;
    }
    let g = groups.get(group);
    if (g === undefined) groups.set(group, (g = { out: new LineFile(path.join(dir, `manifest-${groups.size + 1}.csv`)), settings: copy.settings ?? {} }));
    await g.out.write(manifestLine(bucket, copy.key, copy.source.versionId));
  }
  for (const g of groups.values()) await g.out.close();
  return { groups: [...groups.values()], local };
}

/** Writes and uploads the manifests and creates one job per manifest; the jobs run on their own from here. */
export async function startBatchCopies(aws: { s3: S3Client; s3control: S3ControlClient }, copies: AsyncIterable<CopyDecision>, options: BatchOptions): Promise<StartedBatch> {
  const accountId = roleAccountId(options.roleArn);
  const dir = options.manifestDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "gametracker-dr-batch-"));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const { groups, local } = await writeManifests(options.bucket, copies, dir);
    const base = `gametracker-dr/batch/${options.runId}`;
    const reportPrefix = `${base}/reports`;
    const jobs: BatchJob[] = [];
    for (const [i, group] of groups.entries()) {
      const key = `${base}/manifest-${i + 1}.csv`;
      const file = group.out.file;
      const uploaded = await putObjectBody(aws.s3, { bucket: options.reportBucket, key, body: fs.createReadStream(file), contentLength: fs.statSync(file).size, contentType: "text/csv" });
      const request = createJobRequest({
        accountId,
        roleArn: options.roleArn,
        bucket: options.bucket,
        reportBucket: options.reportBucket,
        reportPrefix,
        manifest: { bucket: options.reportBucket, key, etag: uploaded.etag },
        settings: group.settings,
        description: `${options.description} (${group.out.lines} copies, manifest ${i + 1} of ${groups.length})`,
      });
      const jobId = await createBatchJob(aws.s3control, request);
      options.onProgress?.(`S3 Batch Operations job ${jobId} created for ${group.out.lines} copies (manifest s3://${options.reportBucket}/${key})`);
      jobs.push({ ...jobProgress(jobId, {}), manifest: `s3://${options.reportBucket}/${key}`, copies: group.out.lines, reportPrefix: `s3://${options.reportBucket}/${reportPrefix}/job-${jobId}/` });
    }
    return { accountId, jobs, local };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Follows the jobs (DescribeJob, backing off from 5 s to 30 s) until every one has ended, or the timeout. */
export async function followBatchJobs(s3control: S3ControlClient, started: StartedBatch, options: Pick<BatchOptions, "clock" | "random" | "timeoutMs" | "onProgress">): Promise<BatchJob[]> {
  const jobs = [...started.jobs];
  const since = options.clock.now().getTime();
  for (let attempt = 0; jobs.some((j) => !j.done); attempt++) {
    for (const [i, job] of jobs.entries()) {
      if (job.done) continue;
      const j = (jobs[i] = { ...job, ...jobProgress(job.jobId, await describeBatchJob(s3control, started.accountId, job.jobId)) });
      options.onProgress?.(`job ${j.jobId}: ${j.status}, ${j.succeeded + j.failed}/${j.total ?? "?"} tasks done (${j.failed} failed), ${formatDuration(options.clock.now().getTime() - since)}`);
    }
    if (jobs.every((j) => j.done)) break;
    if (options.clock.now().getTime() - since >= options.timeoutMs) {
      const open = jobs.filter((j) => !j.done).map((j) => j.jobId);
      throw new OperationError(
        `S3 Batch Operations job(s) ${open.join(", ")} still running after ${formatDuration(options.timeoutMs)}; follow them with aws s3control describe-job --account-id ${started.accountId} --job-id <id>, then run restore-prefix again (keys already copied plan as unchanged).`,
      );
    }
    await options.clock.sleep(pollDelay(attempt, options.random));
  }
  return jobs;
}
