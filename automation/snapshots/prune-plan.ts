import { formatDuration, table } from "../output";
import { formatDurationSpec } from "../../contracts/duration";
import type { SnapshotInfo } from "../aws/rds";
import { createdByTool, isoSeconds, newestFirst } from "./model";
import { normalizeRdsIdentifier } from "../../contracts/aws-names";

/**
 * Which manual snapshots `snapshots prune` deletes, and why every other one survives.
 * Pure: the command lists the snapshots, asks this, shows the answer, and only then
 * (with --yes) deletes exactly `plan.delete`.
 *
 * A snapshot is deleted only when it is a manual snapshot this tool created (tagged
 * `created-by=gametracker-dr`) and no reason to keep it applies. Reasons to keep:
 * - automated: RDS owns automated snapshots (they expire with the retention period);
 * - untagged: not created by this tool (someone took it by hand for a reason we can't see);
 * - declared: named in the environment's config (manualSnapshotIdentifiers);
 * - newest: the newest available manual snapshot of the instance, the last usable manual
 *   recovery point, kept even with --keep-last 0;
 * - keep-last: among this tool's snapshots, one of the N newest;
 * - younger: younger than --older-than;
 * - not-available: still being created or in a failed/odd state; RDS can't delete it
 *   cleanly and the operator should look at it.
 */
export type KeepReason = "automated" | "untagged" | "declared" | "newest" | "keep-last" | "younger" | "not-available";

export const KEEP_REASON_TEXT: Record<KeepReason, string> = {
  automated: "automated snapshot (owned by RDS)",
  untagged: "not created by this tool (no created-by=gametracker-dr tag)",
  declared: "declared in the environment's config",
  newest: "newest available manual snapshot",
  "keep-last": "within --keep-last",
  younger: "younger than --older-than",
  "not-available": "not available (still being created?)",
};

export interface PruneInput {
  /** Every snapshot of the instance, automated and manual, in any order. */
  snapshots: SnapshotInfo[];
  /** How many of this tool's newest manual snapshots to keep (0 or more). */
  keepLast: number;
  /** Only snapshots at least this old are deleted; undefined for no age limit. */
  olderThanMs: number | undefined;
  now: Date;
  /** Snapshot identifiers named in the environment's config. */
  declared: string[];
}

export interface PruneDecision {
  snapshot: SnapshotInfo;
  action: "delete" | "keep";
  /** Every reason the snapshot survives, in the order of KeepReason; empty for deletions. */
  reasons: KeepReason[];
}

export interface PrunePlan {
  keepLast: number;
  olderThanMs: number | undefined;
  /** Every snapshot, newest first. */
  decisions: PruneDecision[];
  /** The snapshots to delete, newest first. */
  delete: SnapshotInfo[];
}

export function planPrune(input: PruneInput): PrunePlan {
  if (!Number.isInteger(input.keepLast) || input.keepLast < 0) throw new RangeError(`keepLast must be a whole number ≥ 0, got ${input.keepLast}`);
  const declared = new Set(input.declared.map(normalizeRdsIdentifier));
  const sorted = [...input.snapshots].sort(newestFirst);
  const manual = sorted.filter((s) => s.type === "manual");
  const newestAvailable = manual.find((s) => s.status === "available");
  const keptByCount = new Set(manual.filter(createdByTool).slice(0, input.keepLast));
  const now = input.now.getTime();

  const decisions = sorted.map((snapshot): PruneDecision => {
    const reasons: KeepReason[] = [];
    if (snapshot.type !== "manual") reasons.push("automated");
    else if (!createdByTool(snapshot)) reasons.push("untagged");
    if (declared.has(normalizeRdsIdentifier(snapshot.identifier))) reasons.push("declared");
    if (snapshot === newestAvailable) reasons.push("newest");
    if (keptByCount.has(snapshot)) reasons.push("keep-last");
    if (input.olderThanMs !== undefined && (snapshot.createdAt === undefined || now - snapshot.createdAt.getTime() < input.olderThanMs)) {
      reasons.push("younger");
    }
    if (snapshot.status !== "available") reasons.push("not-available");
    return { snapshot, action: reasons.length === 0 ? "delete" : "keep", reasons };
  });
  return {
    keepLast: input.keepLast,
    olderThanMs: input.olderThanMs,
    decisions,
    delete: decisions.filter((d) => d.action === "delete").map((d) => d.snapshot),
  };
}

/** The plan as a table: action, snapshot, type, created (UTC), age, why it is kept. Pure. */
export function renderPrunePlan(plan: PrunePlan, now: Date): string {
  const rule = `Prune plan (keep the ${plan.keepLast} newest snapshot(s) created by this tool${
    plan.olderThanMs !== undefined ? `, delete only those older than ${formatDurationSpec(plan.olderThanMs)}` : ""
  }):`;
  if (plan.decisions.length === 0) return `${rule}\n(no snapshots)`;
  const rows = plan.decisions.map((d) => [
    d.action === "delete" ? "DELETE" : "keep",
    d.snapshot.identifier,
    d.snapshot.type,
    d.snapshot.createdAt === undefined ? "-" : isoSeconds(d.snapshot.createdAt),
    d.snapshot.createdAt === undefined ? "-" : formatDuration(now.getTime() - d.snapshot.createdAt.getTime()),
    d.reasons.map((r) => KEEP_REASON_TEXT[r]).join("; "),
  ]);
  const summary = `${plan.delete.length} to delete, ${plan.decisions.length - plan.delete.length} kept.`;
  return [rule, table(["ACTION", "SNAPSHOT", "TYPE", "CREATED (UTC)", "AGE", "KEPT BECAUSE"], rows), summary].join("\n");
}

/** The plan for --json: plain values, times as ISO strings. Pure. */
export function prunePlanJson(plan: PrunePlan) {
  return {
    keepLast: plan.keepLast,
    olderThan: plan.olderThanMs === undefined ? null : formatDurationSpec(plan.olderThanMs),
    decisions: plan.decisions.map((d) => ({
      identifier: d.snapshot.identifier,
      type: d.snapshot.type,
      status: d.snapshot.status,
      createdAt: d.snapshot.createdAt?.toISOString() ?? null,
      action: d.action,
      keptBecause: d.reasons,
    })),
    toDelete: plan.delete.map((s) => s.identifier),
  };
}
