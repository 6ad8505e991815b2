import { formatDuration, table } from "../output";
import type { ApplyView } from "./apply";
import type { BatchJob } from "./batch";
import { HistoryEntry } from "./history";
import type { LeftoversReport } from "./leftovers";
import { Action, RestorePlan } from "./plan";

/** What each count in a plan means, in the operator's words. */
const LABELS: Record<Action, string> = {
  copy: "copy back (an older version becomes current)",
  undelete: "undelete (remove delete markers newer than the time)",
  hide: "hide (created after the time; a delete marker is added)",
  unchanged: "unchanged (already as at the time; not written)",
  "keep-new": "created after the time, left as is (add --delete-new to hide them)",
  blocked: "cannot copy now (archived, or gone since it was listed)",
};

const ORDER: readonly Action[] = ["copy", "undelete", "hide", "keep-new", "blocked", "unchanged"];

export interface PlanView {
  bucket: string;
  prefix: string;
  at: string;
  deleteNew: boolean;
  keys: number;
  writes: number;
  counts: Record<Action, number>;
  samples: Record<Action, string[]>;
  blocked: Array<{ key: string; reason: string }>;
}

export function planView(plan: RestorePlan): PlanView {
  return {
    bucket: plan.bucket,
    prefix: plan.prefix,
    at: plan.at.toISOString(),
    deleteNew: plan.options.deleteNew,
    keys: plan.keys,
    writes: plan.writeCount,
    counts: { ...plan.counts },
    samples: Object.fromEntries(Object.entries(plan.samples).map(([k, v]) => [k, [...v]])) as Record<Action, string[]>,
    blocked: plan.blocked.map((b) => ({ key: b.key, reason: b.reason })),
  };
}

/** One entry as the operator reads it in a question or a result. */
export function describeEntry(e: HistoryEntry): string {
  return e.kind === "delete-marker"
    ? `delete marker ${e.versionId} (${e.lastModified.toISOString()})`
    : `version ${e.versionId} (${e.lastModified.toISOString()}, ${e.size} bytes)`;
}

/** The plan as the operator reads it before confirming: one line per non-empty count, with sample keys. */
export function renderPlan(view: PlanView): string {
  const where = `s3://${view.bucket}/${view.prefix}`;
  const lines = [`Restore plan for ${where} to ${view.at}: ${view.keys} key(s) examined, ${view.writes} write(s).`];
  for (const action of ORDER) {
    const n = view.counts[action];
    if (n === 0) continue;
    const samples = view.samples[action];
    const more = n > samples.length ? `, … ${n - samples.length} more` : "";
    lines.push(`  ${String(n).padStart(7)}  ${LABELS[action]}`);
    lines.push(`           e.g. ${samples.map((k) => JSON.stringify(k)).join(", ")}${more}`);
  }
  if (view.keys === 0) lines.push("  No key under this prefix has any version; check --prefix and --bucket.");
  else if (view.writes === 0) lines.push("  Nothing to write: every key is already as it was at that time.");
  for (const b of view.blocked.slice(0, 5)) lines.push(`  blocked ${JSON.stringify(b.key)}: ${b.reason}`);
  return lines.join("\n");
}

export function renderApplied(view: ApplyView): string {
  const done = `Applied in ${formatDuration(view.elapsedMs)}: ${view.copied} copied back, ${view.undeleted} undeleted, ${view.hidden} hidden (${view.writes} write(s)).`;
  const lines = [done];
  if (view.changedCount > 0) {
    lines.push(`${view.changedCount} key(s) changed since the plan (the application wrote or deleted them meanwhile) and were left as they are:`);
    for (const key of view.changed.slice(0, 10)) lines.push(`  ${JSON.stringify(key)}`);
    if (view.changedCount > 10) lines.push(`  … ${view.changedCount - 10} more`);
    lines.push("Check them with assets versions <key>; running the restore again would plan them anew and overwrite those writes.");
  }
  if (view.failed.length > 0 || view.skipped > 0) {
    lines.push(`${view.failed.length} key(s) failed${view.skipped > 0 ? `, ${view.skipped} not attempted after too many failures` : ""}:`);
    for (const f of view.failed.slice(0, 10)) lines.push(`  ${JSON.stringify(f.key)}: ${f.error}`);
    if (view.failed.length > 10) lines.push(`  … ${view.failed.length - 10} more`);
    lines.push("Run the same command again: keys already restored are left alone.");
  }
  return lines.join("\n");
}

export function renderBatch(result: { jobs: readonly BatchJob[] }): string {
  if (result.jobs.length === 0) return "No copy needed an S3 Batch Operations job.";
  const lines = result.jobs.map(
    (j) => `S3 Batch Operations job ${j.jobId}: ${j.status}, ${j.succeeded} of ${j.total ?? j.copies} copies made, ${j.failed} failed; completion report under ${j.reportPrefix}`,
  );
  for (const j of result.jobs) for (const reason of j.reasons) lines.push(`  job ${j.jobId}: ${reason}`);
  if (result.jobs.some((j) => !j.ok)) lines.push("Read the completion report for the failed tasks, then run restore-prefix again: keys already copied plan as unchanged.");
  return lines.join("\n");
}

/** One progress line: a bar, count/total and elapsed time. */
export function progressLine(what: string, done: number, total: number, elapsedMs: number, width = 20): string {
  const ratio = total === 0 ? 1 : done / total;
  const filled = Math.round(ratio * width);
  return `${what} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} (${Math.floor(ratio * 100)}%), ${formatDuration(elapsedMs)} elapsed`;
}

/**
 * Whether to print progress after `done` of `total`: at every 10 % step, at the end,
 * and at least every `everyMs` so that a slow bucket still shows life.
 */
export function shouldReport(done: number, total: number, msSinceLast: number, everyMs = 2_000): boolean {
  if (done === total) return true;
  const step = Math.max(1, Math.ceil(total / 10));
  return done % step === 0 || msSinceLast >= everyMs;
}

export interface VersionRow {
  versionId: string;
  lastModified: string;
  kind: "version" | "delete-marker";
  size: number | null;
  etag: string | null;
  storageClass: string | null;
  isLatest: boolean;
}

export function versionRows(entries: readonly HistoryEntry[]): VersionRow[] {
  return entries.map((e) => ({
    versionId: e.versionId,
    lastModified: e.lastModified.toISOString(),
    kind: e.kind,
    size: e.kind === "version" ? e.size : null,
    etag: e.kind === "version" ? e.etag : null,
    storageClass: e.kind === "version" ? (e.storageClass ?? null) : null,
    isLatest: e.isLatest,
  }));
}

export function renderVersions(bucket: string, key: string, rows: readonly VersionRow[]): string {
  if (rows.length === 0) return `s3://${bucket}/${key} has no versions and no delete markers.`;
  const body = rows.map((r) => [
    r.versionId,
    r.lastModified,
    r.kind === "delete-marker" ? "delete marker" : String(r.size),
    r.etag ?? "",
    r.isLatest ? "latest" : "",
  ]);
  return `s3://${bucket}/${key}, newest first:\n` + table(["VERSION ID", "LAST MODIFIED (UTC)", "SIZE", "ETAG", ""], body);
}

/** A value as one shell word (single-quoted), for the commands a sentence gives to copy. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function abortCommand(bucket: string, key: string, uploadId: string | null): string {
  return `aws s3api abort-multipart-upload --bucket ${shellWord(bucket)} --key ${shellWord(key)} --upload-id ${uploadId === null ? "<id from aws s3api list-multipart-uploads>" : shellWord(uploadId)}`;
}

/**
 * What the start of a restore-prefix found of killed runs, as the operator reads it:
 * what was cleaned (progress) and what was left alone and why, with the command that
 * removes it (warnings). Nothing when nothing was found.
 */
export function renderLeftovers(report: LeftoversReport, where: { bucket: string; prefix: string }): { done: string[]; warnings: string[] } {
  const done: string[] = [];
  const warnings: string[] = [];
  for (const r of report.removed) done.push(`removed the temp files of restore-prefix run ${r.pid}, which is no longer running (${r.dir})`);
  for (const u of report.aborted) done.push(`aborted multipart upload ${u.uploadId} of s3://${u.bucket}/${u.key}, left open by restore-prefix run ${u.pid} when it was stopped (no object version is touched)`);
  if (report.alreadyEnded.length > 0) done.push(`${report.alreadyEnded.length} multipart upload(s) those runs recorded had already been completed or aborted`);
  for (const u of report.named) {
    const id = u.uploadId ?? "(id never recorded)";
    const run = `restore-prefix run ${u.pid}`;
    const abort = abortCommand(u.bucket, u.key, u.uploadId);
    switch (u.reason) {
      case "dry-run":
        warnings.push(`dry run: multipart upload ${id} of s3://${u.bucket}/${u.key}, left open by ${run} when it was stopped, is not aborted; run without --dry-run to abort it.`);
        break;
      case "other-bucket":
        warnings.push(`${run} was stopped with multipart upload ${id} of s3://${u.bucket}/${u.key} open${u.detail !== null ? ` (${u.detail})` : ""}; run restore-prefix on that bucket to abort it, or: ${abort}`);
        break;
      case "abort-failed":
        warnings.push(`multipart upload ${id} of s3://${u.bucket}/${u.key}, left open by ${run}, could not be aborted (${u.detail}); the next run tries again, or: ${abort}`);
        break;
      case "id-unknown":
        warnings.push(
          `multipart upload ${id} of s3://${u.bucket}/${u.key}${u.initiated !== null ? ` (started ${u.initiated})` : ""} may be the one ${run} was creating when it was stopped, before its id was recorded, so it was left alone; if nothing else is uploading that key, abort it: ${abort}`,
        );
        break;
      case "not-recorded":
        break;
    }
  }
  const others = report.named.filter((u) => u.reason === "not-recorded");
  if (others.length > 0) {
    const listed = others.slice(0, 5).map((u) => `${JSON.stringify(u.key)} (${u.uploadId}${u.initiated !== null ? `, started ${u.initiated}` : ""})`);
    const more = report.notRecorded > listed.length ? `, … ${report.notRecorded - listed.length} more` : "";
    warnings.push(
      `${report.notRecorded} multipart upload(s) open under s3://${where.bucket}/${where.prefix} were not started by a restore-prefix run on this host (another client's, or a run on another machine) and were left alone: ${listed.join(", ")}${more}; if nothing is uploading them, abort each with aws s3api abort-multipart-upload --bucket ${shellWord(where.bucket)} --key <key> --upload-id <id>`,
    );
  }
  if (report.named.length > 0) {
    warnings.push(
      report.abortAfterDays !== null
        ? `The bucket's lifecycle aborts incomplete uploads under s3://${where.bucket}/${where.prefix} ${report.abortAfterDays} day(s) after they start.`
        : `No lifecycle rule of bucket ${where.bucket} that this run could read aborts incomplete uploads under ${where.prefix === "" ? "the whole bucket" : where.prefix}; parts left open are billed until they are aborted.`,
    );
  }
  for (const r of report.kept) warnings.push(`kept ${r.dir}: it records the open uploads above, for a later run to abort`);
  for (const dir of report.legacy) warnings.push(`found the temp files of a restore-prefix made before runs recorded their process (${dir}); remove them if no restore-prefix is running: rm -r ${shellWord(dir)}`);
  warnings.push(...report.problems);
  return { done, warnings };
}
