import { formatDurationSpec } from "../../contracts/duration";
import { table } from "../output";
import { isoSeconds } from "../snapshots/model";
import { CheckResult, PostureThresholds } from "./evaluate";

/** The `check` result, for `--json` and for the terminal. Pure. */
export interface PostureReport {
  instance: string;
  bucket: string | null;
  stack: string | null;
  checkedAt: string;
  passed: boolean;
  summary: { pass: number; fail: number; skip: number; info: number };
  thresholds: {
    minRetentionDays: number;
    retentionSource: string;
    maxRestoreLag: string;
    maxAutomatedSnapshotAge: string;
    maxManualSnapshotAge: string;
    maxReplicaLag: string;
    maxCopyAge: string;
  };
  checks: CheckResult[];
}

export function postureReport(args: {
  instance: string;
  bucket: string | undefined;
  stack: string | undefined;
  now: Date;
  thresholds: PostureThresholds;
  checks: CheckResult[];
}): PostureReport {
  const count = (status: CheckResult["status"]) => args.checks.filter((c) => c.status === status).length;
  return {
    instance: args.instance,
    bucket: args.bucket ?? null,
    stack: args.stack ?? null,
    checkedAt: args.now.toISOString(),
    passed: count("fail") === 0,
    summary: { pass: count("pass"), fail: count("fail"), skip: count("skip"), info: count("info") },
    thresholds: {
      minRetentionDays: args.thresholds.minRetentionDays,
      retentionSource: args.thresholds.retentionSource,
      maxRestoreLag: formatDurationSpec(args.thresholds.maxRestoreLagMs),
      maxAutomatedSnapshotAge: formatDurationSpec(args.thresholds.maxAutomatedSnapshotAgeMs),
      maxManualSnapshotAge: formatDurationSpec(args.thresholds.maxManualSnapshotAgeMs),
      maxReplicaLag: formatDurationSpec(args.thresholds.maxReplicaLagMs),
      maxCopyAge: formatDurationSpec(args.thresholds.maxCopyAgeMs),
    },
    checks: args.checks,
  };
}

export function renderPostureReport(report: PostureReport): string {
  const where = [report.bucket !== null ? `bucket ${report.bucket}` : undefined, report.stack !== null ? `stack ${report.stack}` : undefined].filter(Boolean);
  const head = `Backup posture of ${report.instance}${where.length > 0 ? ` (${where.join(", ")})` : ""} at ${isoSeconds(new Date(report.checkedAt))}:`;
  const rows = report.checks.map((c) => [c.status.toUpperCase(), c.title, c.detail]);
  const failed = report.checks.filter((c) => c.status === "fail");
  const total = report.checks.length - report.summary.skip - report.summary.info;
  const verdict = failed.length === 0 ? `All ${total} checks passed${report.summary.skip > 0 ? ` (${report.summary.skip} skipped)` : ""}.` : `${failed.length} of ${total} checks FAILED.`;
  const fixes = failed.length === 0 ? [] : ["How to fix:", ...failed.map((c) => `- ${c.title}: ${c.fix ?? "see the detail above"}`)];
  return [head, table(["RESULT", "CHECK", "DETAIL"], rows), verdict, ...fixes].join("\n");
}
