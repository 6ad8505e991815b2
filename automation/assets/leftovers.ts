import type { LifecycleRule, S3Client } from "@aws-sdk/client-s3";
import { abortUpload, listOpenUploads, OpenUpload, readLifecycleRules } from "../aws/s3";
import { errorMessage } from "../../contracts/text";
import { findRunDirs, FoundRun, RunFiles, RunRecord } from "./run-files";
import { UploadRef } from "./upload-journal";

/**
 * What a killed `restore-prefix` leaves, finished by the next run: the temp files of runs
 * whose process is gone, and the multipart uploads they opened and never completed or
 * aborted. An upload is aborted only when a dead run's journal recorded its id for this
 * bucket on this S3; every other open upload that may be a killed run's is named, never
 * aborted: it could be the application's, or a live run's on another machine. Aborting
 * an upload removes its parts, never an object version.
 */
export interface LeftoverTarget {
  bucket: string;
  prefix: string;
  /** The endpoint override in use; undefined for AWS's own. */
  endpoint: string | undefined;
}

export type NamedReason =
  /** A killed run's upload on this bucket: a dry run aborts nothing. */
  | "dry-run"
  /** A killed run's upload on another bucket or another S3 endpoint. */
  | "other-bucket"
  /** A killed run's upload whose abort failed. */
  | "abort-failed"
  /** Open on a key a killed run was creating an upload for when it died, before S3's answer (its id) was recorded. */
  | "id-unknown"
  /** Open under the prefix, recorded by no run of this tool on this host: another client's, or a run's on another machine. */
  | "not-recorded";

export interface NamedUpload {
  bucket: string;
  key: string;
  /** Null when a killed run was creating an upload on another bucket and its id is unknown. */
  uploadId: string | null;
  initiated: string | null;
  reason: NamedReason;
  /** The killed run's pid, for uploads it recorded. */
  pid: number | null;
  detail: string | null;
}

export interface LeftoversReport {
  /** Temp directories of runs no longer running, removed. */
  removed: Array<{ dir: string; pid: number }>;
  /** Temp directories of runs no longer running whose plan was removed and journal kept: it names uploads that may still be open, for a later run. */
  kept: Array<{ dir: string; pid: number }>;
  aborted: Array<UploadRef & { pid: number }>;
  /** Uploads a killed run left on record that S3 had completed or aborted meanwhile. */
  alreadyEnded: Array<UploadRef & { pid: number }>;
  /** Open uploads left alone, with why; the "not-recorded" ones up to NOT_RECORDED_KEPT. */
  named: NamedUpload[];
  /** All "not-recorded" uploads found (named holds the first few). */
  notRecorded: number;
  /** Directories made by a version of this tool whose names did not record their owner: never removed, named. */
  legacy: string[];
  /** Days after which the bucket's lifecycle aborts an incomplete upload under the prefix; null when no rule says. */
  abortAfterDays: number | null;
  /** What could not be checked (a listing refused), one sentence each. */
  problems: string[];
}

export const NOT_RECORDED_KEPT = 20;

export interface LeftoverOptions {
  /** Abort nothing; name what would be aborted. */
  dryRun: boolean;
  tmpdir?: string;
  host?: string;
}

const refKey = (u: { bucket: string; key: string; uploadId: string }) => `${u.bucket}\u0000${u.key}\u0000${u.uploadId}`;

export async function finishKilledRuns(s3: S3Client, target: LeftoverTarget, options: LeftoverOptions): Promise<LeftoversReport> {
  const report: LeftoversReport = { removed: [], kept: [], aborted: [], alreadyEnded: [], named: [], notRecorded: 0, legacy: [], abortAfterDays: null, problems: [] };
  const { runs, legacy } = findRunDirs(options.tmpdir, options.host);
  report.legacy = legacy;
  // Uploads some run of this tool accounts for: a live run's own, and those handled below.
  const accounted = new Set<string>();
  for (const run of runs.filter((r) => !r.gone)) {
    try {
      for (const u of RunFiles.open(run.dir).journal.read().open) accounted.add(refKey(u));
    } catch {
      // A live run's journal that can't be read names nothing; its uploads may be named below as not recorded.
    }
  }

  for (const run of runs.filter((r) => r.gone)) await finishRun(s3, target, options, run, report, accounted);

  try {
    const { uploads, complete } = await listOpenUploads(s3, target.bucket, target.prefix);
    const others = uploads.filter((u) => !accounted.has(refKey({ bucket: target.bucket, ...u })));
    report.notRecorded = others.length;
    for (const u of others.slice(0, NOT_RECORDED_KEPT)) report.named.push(named(target.bucket, u, "not-recorded", null));
    if (!complete) report.problems.push(`There are more open multipart uploads under s3://${target.bucket}/${target.prefix} than were listed; see them all with aws s3api list-multipart-uploads.`);
  } catch (error) {
    report.problems.push(`Open multipart uploads under s3://${target.bucket}/${target.prefix} were not checked: ${errorMessage(error)}`);
  }

  if (report.named.length > 0) {
    const rules = await readLifecycleRules(s3, target.bucket).catch((): LifecycleRule[] => []);
    report.abortAfterDays = abortAfterDays(rules, target.prefix) ?? null;
  }
  return report;
}

/**
 * What becomes of an upload a dead run recorded: aborted only when it is on this bucket
 * and the S3 endpoint the run recorded is this run's; else named, with why. Pure.
 */
export function uploadAction(record: RunRecord | undefined, target: LeftoverTarget, bucket: string, dryRun: boolean): "abort" | "dry-run" | "other-bucket" {
  const here = record !== undefined && (record.endpoint ?? undefined) === target.endpoint && bucket === target.bucket;
  return !here ? "other-bucket" : dryRun ? "dry-run" : "abort";
}

async function finishRun(s3: S3Client, target: LeftoverTarget, options: LeftoverOptions, run: FoundRun, report: LeftoversReport, accounted: Set<string>): Promise<void> {
  const files = RunFiles.open(run.dir);
  const pid = run.owner.pid;
  let left = false;
  try {
    files.removePlan();
    const record = files.record();
    const state = files.journal.read();
    const elsewhere = record !== undefined && (record.endpoint ?? undefined) === target.endpoint ? null : otherS3(record?.endpoint);
    for (const u of state.open) {
      accounted.add(refKey(u));
      const action = uploadAction(record, target, u.bucket, options.dryRun);
      if (action !== "abort") {
        report.named.push({ ...u, initiated: null, reason: action, pid, detail: action === "other-bucket" ? elsewhere : null });
        left = true;
        continue;
      }
      try {
        const outcome = await abortUpload(s3, u.bucket, u.key, u.uploadId);
        (outcome === "aborted" ? report.aborted : report.alreadyEnded).push({ ...u, pid });
      } catch (error) {
        report.named.push({ ...u, initiated: null, reason: "abort-failed", pid, detail: errorMessage(error) });
        left = true;
      }
    }
    for (const k of state.unknown) {
      if (uploadAction(record, target, k.bucket, false) !== "abort") {
        report.named.push({ ...k, uploadId: null, initiated: null, reason: "id-unknown", pid, detail: elsewhere });
        left = true;
        continue;
      }
      const { uploads } = await listOpenUploads(s3, k.bucket, k.key);
      for (const u of uploads.filter((u) => u.key === k.key && !accounted.has(refKey({ bucket: k.bucket, ...u })))) {
        accounted.add(refKey({ bucket: k.bucket, ...u }));
        report.named.push(named(k.bucket, u, "id-unknown", pid));
      }
    }
  } catch (error) {
    report.problems.push(`Could not finish what restore-prefix run ${pid} left in ${run.dir}: ${errorMessage(error)}`);
    left = true;
  }
  if (left) report.kept.push({ dir: run.dir, pid });
  else {
    files.remove();
    report.removed.push({ dir: run.dir, pid });
  }
}

function named(bucket: string, u: OpenUpload, reason: NamedReason, pid: number | null): NamedUpload {
  return { bucket, key: u.key, uploadId: u.uploadId, initiated: u.initiated?.toISOString() ?? null, reason, pid, detail: null };
}

function otherS3(endpoint: string | null | undefined): string {
  return endpoint === undefined ? "its run left no record of its S3 endpoint" : `its run used ${endpoint ?? "AWS's own S3 endpoint"}`;
}

/**
 * The days after which the bucket's lifecycle aborts an incomplete upload anywhere under
 * `prefix`: the shortest enabled rule with AbortIncompleteMultipartUpload whose filter
 * covers the whole prefix; undefined when none does. Pure.
 */
export function abortAfterDays(rules: readonly LifecycleRule[], prefix: string): number | undefined {
  let days: number | undefined;
  for (const rule of rules) {
    const d = rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
    if (rule.Status !== "Enabled" || d === undefined) continue;
    const f = rule.Filter;
    const narrowed = f !== undefined && (f.And !== undefined || f.Tag !== undefined || f.ObjectSizeGreaterThan !== undefined || f.ObjectSizeLessThan !== undefined);
    const rulePrefix = f === undefined ? (rule.Prefix ?? "") : (f.Prefix ?? "");
    if (narrowed || !prefix.startsWith(rulePrefix)) continue;
    days = days === undefined ? d : Math.min(days, d);
  }
  return days;
}
