import { S3Client } from "@aws-sdk/client-s3";
import type { AwsClients } from "../aws/clients";
import { Clock } from "../clock";
import { applyWrites, ApplyOptions, ApplyView } from "./apply";
import { BatchJob, BatchOptions, followBatchJobs, startBatchCopies } from "./batch";
import { checkPlannedCopy } from "./copy-check";
import { keepHeapSmall } from "./heap";
import { copiesOf } from "./manifest";
import { listPrefixHistories } from "./partitions";
import { decideKey, DecideOptions, isWrite, KeyDecision, RestorePlan, WriteDecision } from "./plan";
import { TaskLimiter } from "./pool";
import { RunFiles } from "./run-files";
import { WriteSpool } from "./spool";
import { Semaphore } from "./streams";

export interface PlanPrefixOptions extends DecideOptions {
  prefix: string;
  at: Date;
  /** S3 requests in flight at most, listing and checks together. */
  concurrency: number;
  pageSize?: number;
  /** Called after each listed page with the number of entries read so far. */
  onPage?: (entriesSoFar: number) => void;
  /** The endpoint override in use, recorded with the run's files so that a later run aborts its uploads only on the same S3. */
  endpoint?: string | undefined;
}

/** A plan and its writes: counts and samples in memory, the writes on disk until they are applied (or the plan is dropped with `files.close()`). */
export interface PlannedRestore {
  plan: RestorePlan;
  writes: WriteSpool;
  /** The run's temp directory: the writes, the journal of its multipart uploads, its batch manifests. */
  files: RunFiles;
}

/**
 * Lists every key under the prefix (in parallel parts), decides each one, checks each
 * planned copy against a HEAD of its source, and spools the writes; nothing is written
 * to S3. One pipeline, so memory is bounded by the parts read ahead, not by the prefix.
 */
export async function planPrefixRestore(s3: S3Client, bucket: string, options: PlanPrefixOptions): Promise<PlannedRestore> {
  const plan = new RestorePlan(bucket, options.prefix, options.at, { deleteNew: options.deleteNew });
  const files = RunFiles.create({ bucket, prefix: options.prefix, endpoint: options.endpoint ?? null });
  const writes = new WriteSpool(files.writesFile);
  const requests = new Semaphore(options.concurrency);
  const checks = new TaskLimiter(options.concurrency);
  const record = async (decision: KeyDecision) => {
    plan.add(decision);
    if (isWrite(decision)) await writes.write(decision);
  };
  let entries = 0;
  const stopKeeping = keepHeapSmall();
  try {
    const histories = listPrefixHistories(s3, bucket, options.prefix, {
      concurrency: options.concurrency,
      requests,
      pageSize: options.pageSize,
      onPage: (n) => options.onPage?.((entries += n)),
    });
    for await (const history of histories) {
      const decision = decideKey(history, options.at, { deleteNew: options.deleteNew });
      if (decision.action === "copy") await checks.run(() => requests.use(async () => record(await checkPlannedCopy(s3, bucket, decision))));
      else await record(decision);
    }
    await checks.drain();
    await writes.close();
    return { plan, writes, files };
  } catch (error) {
    await checks.drain().catch(() => undefined);
    await writes.dispose();
    files.close();
    throw error;
  } finally {
    stopKeeping();
  }
}

/** Ends a run's use of its plan: the writes and the run's temp directory go, unless an upload it opened may still be open (run-files.ts). */
export async function closePlannedRestore(planned: PlannedRestore): Promise<void> {
  await planned.writes.dispose();
  planned.files.close();
}

export interface ApplyPlannedOptions {
  concurrency: number;
  clock: Clock;
  onProgress?: ApplyOptions["onProgress"];
  /** Copy through S3 Batch Operations jobs instead of from this machine. */
  batch?: Omit<BatchOptions, "bucket" | "clock"> | undefined;
}

export interface AppliedRestore {
  /** The writes made from this machine: all of them, or with --via batch the undeletes, hides and the copies a job can't make. */
  applied: ApplyView;
  batch: BatchJob[] | undefined;
}

/**
 * Applies a plan after confirmation. Directly: every write from the spool, bounded and
 * conditional. Via batch: the jobs are created first (they take minutes to start), the
 * writes a job can't make are applied meanwhile, then the jobs are followed to the end.
 */
export async function applyPlannedRestore(aws: Pick<AwsClients, "s3" | "s3control">, bucket: string, planned: PlannedRestore, options: ApplyPlannedOptions): Promise<AppliedRestore> {
  const apply = { concurrency: options.concurrency, clock: options.clock, copy: { uploads: planned.files.journal }, ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}) };
  const stopKeeping = keepHeapSmall();
  try {
    if (options.batch === undefined) {
      return { applied: await applyWrites(aws.s3, bucket, planned.writes.read(), { ...apply, total: planned.writes.count }), batch: undefined };
    }
    const batch = { ...options.batch, bucket, clock: options.clock, manifestDir: planned.files.batchDir };
    const started = await startBatchCopies(aws, copiesOf(planned.writes.read()), batch);
    const inJobs = started.jobs.reduce((n, j) => n + j.copies, 0);
    const applied = await applyWrites(aws.s3, bucket, concat(notCopies(planned.writes.read()), started.local), { ...apply, total: planned.writes.count - inJobs });
    return { applied, batch: await followBatchJobs(aws.s3control, started, batch) };
  } finally {
    stopKeeping();
  }
}

async function* notCopies(writes: AsyncIterable<WriteDecision>): AsyncGenerator<WriteDecision> {
  for await (const write of writes) if (write.action !== "copy") yield write;
}

async function* concat<T>(...parts: Array<AsyncIterable<T> | Iterable<T>>): AsyncGenerator<T> {
  for (const part of parts) yield* part;
}
