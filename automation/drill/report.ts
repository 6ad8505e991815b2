import { formatDuration, table } from "../output";
import { CleanupStatus, PipelineRun } from "../restore/pipeline";
import { PipelineStep, StepRecord } from "../restore/steps";
import { Check } from "../restore/verify";
import { describeRecoverySource, RecoverySourceKind, recoverySourceKind } from "../restore/recovery-point";
import { AssetsProof, MissingEntry, SampleCheck } from "../assets/replica-proof";

/**
 * The drill report: the evidence that backups restore. One model, rendered three ways:
 * JSON (machines, `--json`), Markdown (a PR comment or a workflow step summary) and a
 * short text summary (the terminal). All pure; writing files is report-files.ts.
 * No secrets: the report names the database secret's ARN, never a password.
 */

export interface DrillReport {
  kind: "gametracker-drill-report";
  version: 1;
  drillId: string;
  environment: string;
  /** `<project>/<stack>` of the restore stack. */
  restoreStack: string;
  sourceInstance: string;
  targetInstance: string;
  resumed: boolean;
  outcome: "passed" | "failed";
  failedStep?: PipelineStep;
  error?: string;
  /** What was restored: the point, which kind of copy it came from (`source`), where, in words (`from`). */
  recoveryPoint?: { label: string; kind: string; time: string; snapshotType?: string; source: RecoverySourceKind; region: string; from: string };
  startedAt: string;
  verifiedAt?: string;
  finishedAt: string;
  /** Recovery point objective met by this drill: drill start − recovery point, in seconds. */
  rpoSeconds?: number;
  /** Recovery time: drill start → restored instance verified, in seconds. */
  rtoSeconds?: number;
  /** The data validation, when one ran: which hook, its verdict and duration, and the newest data it found. */
  validation?: ReportValidation;
  /** A standby's drill: its replica of the assets against home (the assets RPO) and a sample checked as of the recovery point. */
  assets?: ReportAssets;
  steps: StepRecord[];
  checks: Check[];
  endpoint?: { address: string; port: number | undefined };
  secretArn?: string;
  /** What a resumed drill finished of the interrupted run (a stale lock cleared, interrupted creates imported or cleared). */
  recovered?: string[];
  cleanup: { status: CleanupStatus; detail: string };
}

export interface ReportValidation {
  /** How the hook is named (`command:/opt/validate`, `lambda:…`, the bundled validator and its function). */
  hook: string;
  passed: boolean;
  durationMs: number;
  /** The newest data the validator found (ISO-8601 UTC). */
  dataTime?: string;
  /** Data RPO: recovery point time − newest data found, in seconds; negative when rows newer than the point made it in. */
  dataRpoSeconds?: number;
}

export interface ReportAssets {
  /** `s3://<bucket> (<region>)`. */
  replica: string;
  source: string;
  sourceReachable: boolean;
  /** Assets RPO: now − the oldest current object at home that the replica lacks, in seconds (0: none); absent when home did not answer. */
  rpoSeconds?: number;
  /** Why the RPO was not measured. */
  unmeasured?: string;
  sourceObjects?: number;
  missing?: number;
  oldestMissing?: MissingEntry;
  newestMissing?: MissingEntry;
  sample: { prefix: string; at: string; verified: number; headOnly: number; failed: SampleCheck[] };
  cleanup: string;
  passed: boolean;
}

/** The report's view of an assets proof. Pure. */
export function reportAssets(proof: AssetsProof): ReportAssets {
  const c = proof.comparison;
  const s = proof.sample;
  return {
    replica: `s3://${proof.replica.bucket} (${proof.replica.region})`,
    source: `s3://${proof.source.bucket} (${proof.source.region})`,
    sourceReachable: c.reachable,
    ...(c.reachable
      ? {
          rpoSeconds: c.rpoSeconds,
          sourceObjects: c.sourceKeys,
          missing: c.missing,
          ...(c.oldestMissing !== undefined ? { oldestMissing: c.oldestMissing } : {}),
          ...(c.newestMissing !== undefined ? { newestMissing: c.newestMissing } : {}),
        }
      : { unmeasured: c.reason }),
    sample: {
      prefix: s.prefix,
      at: s.at,
      verified: s.checks.filter((x) => x.outcome === "verified").length,
      headOnly: s.checks.filter((x) => x.outcome === "head-only").length,
      failed: s.checks.filter((x) => x.outcome === "mismatch"),
    },
    cleanup: proof.cleanup,
    passed: proof.passed,
  };
}

/** Seconds from the recovery point to the drill's start: how much data a real incident would lose. */
export function rpoSeconds(recoveryPointTime: Date, drillStart: Date): number {
  return Math.max(0, Math.round((drillStart.getTime() - recoveryPointTime.getTime()) / 1000));
}

/** Seconds from the drill's start until the restored instance was verified. */
export function rtoSeconds(drillStart: Date, verifiedAt: Date): number {
  return Math.max(0, Math.round((verifiedAt.getTime() - drillStart.getTime()) / 1000));
}

/** The drill's report of a pipeline run. Pure. */
export function drillReport(run: PipelineRun, finishedAt: Date): DrillReport {
  const report: DrillReport = {
    kind: "gametracker-drill-report",
    version: 1,
    drillId: run.id,
    environment: run.environment,
    restoreStack: run.restoreStack,
    sourceInstance: run.sourceInstance,
    targetInstance: run.targetInstance,
    resumed: run.resumed,
    outcome: run.failure === undefined && run.failedStep === undefined && run.cleanup.status !== "failed" ? "passed" : "failed",
    startedAt: run.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    steps: run.steps,
    checks: run.checks,
    cleanup: run.cleanup,
  };
  if (run.recovery !== undefined && run.recovery.actions.length > 0) report.recovered = run.recovery.actions;
  if (run.failedStep !== undefined) report.failedStep = run.failedStep;
  if (run.error !== undefined) report.error = run.error;
  const spec = run.spec;
  if (spec !== undefined) {
    report.recoveryPoint = {
      label: spec.point.label,
      kind: spec.point.kind,
      time: spec.point.time.toISOString(),
      ...(spec.point.kind === "snapshot" ? { snapshotType: spec.point.snapshotType } : {}),
      source: recoverySourceKind(spec.point),
      region: spec.region,
      from: describeRecoverySource(spec.point, spec.region),
    };
    report.rpoSeconds = rpoSeconds(spec.point.time, run.startedAt);
  }
  if (run.verifiedAt !== undefined) {
    report.verifiedAt = run.verifiedAt.toISOString();
    report.rtoSeconds = rtoSeconds(run.startedAt, run.verifiedAt);
  }
  if (run.validation !== undefined) {
    const { hook, passed, durationMs, dataTime, dataRpoSeconds } = run.validation;
    report.validation = { hook, passed, durationMs, ...(dataTime !== undefined ? { dataTime } : {}), ...(dataRpoSeconds !== undefined ? { dataRpoSeconds } : {}) };
  }
  if (run.assets !== undefined) report.assets = reportAssets(run.assets);
  if (run.restored !== undefined) {
    report.endpoint = { address: run.restored.address, port: run.restored.port };
    if (run.restored.secretArn !== undefined) report.secretArn = run.restored.secretArn;
  }
  return report;
}

/** Report file names carry the drill id so that a directory of reports sorts by time. */
export function reportFileNames(drillId: string): { json: string; markdown: string } {
  return { json: `drill-${drillId}.json`, markdown: `drill-${drillId}.md` };
}

const CLEANUP_TEXT: Record<CleanupStatus, string> = {
  destroyed: "restore stack destroyed and removed",
  kept: "kept (--keep)",
  failed: "FAILED",
  "nothing-to-clean": "nothing was created",
  pending: "pending",
};

function seconds(s: number | undefined): string {
  return s === undefined ? "n/a" : formatDuration(s * 1000);
}

/** A signed number of seconds: the data RPO is negative when the restore holds rows newer than its recovery point. */
function signedSeconds(s: number | undefined): string {
  return s === undefined ? "n/a" : s < 0 ? `−${formatDuration(-s * 1000)} (data newer than the recovery point)` : formatDuration(s * 1000);
}

/** The data RPO as the report states it, or why there is none. */
function dataRpo(report: DrillReport): string {
  if (report.validation === undefined) return "n/a (no data validation)";
  if (report.validation.dataRpoSeconds === undefined) return "n/a (the validator reported no data time)";
  return `${signedSeconds(report.validation.dataRpoSeconds)} (newest data ${report.validation.dataTime})`;
}

/** The assets RPO as the report states it. */
function assetsRpo(a: ReportAssets): string {
  if (!a.sourceReachable) return `not measured: ${a.unmeasured}`;
  if (a.missing === 0) return `0 (all ${a.sourceObjects} current objects at home are in the replica)`;
  return `${seconds(a.rpoSeconds)} (${a.missing} of ${a.sourceObjects} current objects at home not in the replica yet; oldest ${a.oldestMissing!.key} of ${a.oldestMissing!.lastModified}, newest ${a.newestMissing!.key} of ${a.newestMissing!.lastModified})`;
}

function assetsSample(a: ReportAssets): string {
  const s = a.sample;
  const failed = s.failed.length > 0 ? `, ${s.failed.length} FAILED: ${s.failed.map((f) => `${f.key} (${f.detail})`).join("; ")}` : "";
  return `${s.verified} verified${s.headOnly > 0 ? `, ${s.headOnly} by HEAD only` : ""}${failed} under ${a.replica.split(" ")[0]}/${s.prefix} as of ${s.at}; ${a.cleanup}`;
}

function validationText(v: ReportValidation | undefined): string {
  return v === undefined ? "none" : `${v.hook}: ${v.passed ? "passed" : "FAILED"} in ${formatDuration(v.durationMs)}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY`. */
export function renderMarkdown(report: DrillReport): string {
  const passed = report.outcome === "passed";
  const lines: string[] = [];
  lines.push(`## Restore drill ${report.drillId}: ${passed ? "✅ passed" : `❌ failed${report.failedStep ? ` at step ${report.failedStep}` : ""}`}`);
  lines.push("");
  if (!passed && report.error) lines.push(`> ${cell(report.error)}`, "");
  const facts: Array<[string, string]> = [
    ["Environment", `\`${report.environment}\``],
    ["Source instance", `\`${report.sourceInstance}\``],
    ["Recovery point", report.recoveryPoint ? `\`${report.recoveryPoint.label}\` (${report.recoveryPoint.time})` : "not chosen"],
    ["Source", report.recoveryPoint ? cell(report.recoveryPoint.from) : "n/a"],
    ["Region", report.recoveryPoint ? `\`${report.recoveryPoint.region}\`` : "n/a"],
    ["RPO (drill start − recovery point)", seconds(report.rpoSeconds)],
    ["Data RPO (recovery point − newest data found)", dataRpo(report)],
    ["RTO (drill start → verified)", seconds(report.rtoSeconds)],
    ["Data validation", cell(validationText(report.validation))],
    ...(report.assets !== undefined
      ? ([
          ["Assets RPO (now − oldest current object at home not in the replica)", cell(assetsRpo(report.assets))],
          ["Assets sample", cell(assetsSample(report.assets))],
        ] as Array<[string, string]>)
      : []),
    ["Restore stack", `\`${report.restoreStack}\`${report.resumed ? " (resumed)" : ""}`],
    ["Restored instance", `\`${report.targetInstance}\``],
    ["Endpoint", report.endpoint ? `\`${report.endpoint.address}:${report.endpoint.port ?? "?"}\`` : "n/a"],
    ["Credentials", report.secretArn ? `Secrets Manager \`${report.secretArn}\`` : "n/a"],
    ["Started / finished", `${report.startedAt} / ${report.finishedAt}`],
    ["Cleanup", `${CLEANUP_TEXT[report.cleanup.status]}${report.cleanup.detail ? ` — ${cell(report.cleanup.detail)}` : ""}`],
  ];
  lines.push("| | |", "| --- | --- |", ...facts.map(([k, v]) => `| ${k} | ${v} |`), "");
  lines.push("### Steps", "", "| Step | Status | Started | Duration | Note |", "| --- | --- | --- | --- | --- |");
  for (const step of report.steps) {
    const mark = step.status === "ok" ? "✅ ok" : step.status === "failed" ? "❌ failed" : "⏭️ skipped";
    lines.push(`| ${step.name} | ${mark} | ${step.startedAt ?? ""} | ${step.status === "skipped" ? "" : formatDuration(step.durationMs)} | ${cell(step.note ?? "")} |`);
  }
  lines.push("");
  lines.push("### Checks", "");
  if (report.checks.length === 0) {
    lines.push("No checks ran.");
  } else {
    lines.push("| Check | Result | Expected | Actual |", "| --- | --- | --- | --- |");
    for (const c of report.checks) lines.push(`| ${cell(c.name)} | ${c.status === "pass" ? "✅ pass" : "❌ fail"} | ${cell(c.expected)} | ${cell(c.actual)} |`);
  }
  lines.push("");
  return lines.join("\n");
}

/** The few lines an operator reads at the end of a drill. */
export function renderSummary(report: DrillReport, files?: { json: string; markdown: string }): string {
  const lines = [
    `drill ${report.drillId}: ${report.outcome.toUpperCase()}${report.failedStep ? ` at step ${report.failedStep}` : ""}${report.error ? ` — ${report.error}` : ""}`,
    `recovery point ${report.recoveryPoint?.label ?? "not chosen"}${report.recoveryPoint ? ` (${report.recoveryPoint.time}) from ${report.recoveryPoint.from}` : ""}; RPO ${seconds(report.rpoSeconds)}, RTO ${seconds(report.rtoSeconds)}`,
    ...(report.validation !== undefined ? [`data validation ${validationText(report.validation)}; data RPO ${dataRpo(report)}`] : []),
    ...(report.assets !== undefined ? [`assets ${report.assets.replica}: RPO ${assetsRpo(report.assets)}; sample ${assetsSample(report.assets)}`] : []),
    "",
    table(
      ["step", "status", "duration"],
      report.steps.map((s) => [s.name, s.status, s.status === "skipped" ? "" : formatDuration(s.durationMs)]),
    ),
  ];
  if (report.checks.length > 0) {
    lines.push("", table(["check", "result", "expected", "actual"], report.checks.map((c) => [c.name, c.status, c.expected, c.actual])));
  }
  lines.push("", `cleanup: ${CLEANUP_TEXT[report.cleanup.status]}${report.cleanup.detail ? ` — ${report.cleanup.detail}` : ""}`);
  if (files) lines.push(`report: ${files.markdown}, ${files.json}`);
  return lines.join("\n");
}
