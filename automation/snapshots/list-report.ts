import { formatDuration, table } from "../output";
import type { AutomatedBackupInfo, RestoreWindow, SnapshotInfo } from "../aws/rds";
import { isReplicated, isRetained } from "../restore/recovery-point";
import { createdByTool, isoSeconds, newestFirst } from "./model";
import { normalizeRdsIdentifier } from "../../contracts/aws-names";

/**
 * What `snapshots list` shows: every recovery point of the instance in one region,
 * newest first — its snapshots and the copies made there, the live instance's
 * point-in-time window, and the automated backups a restore can use without it (retained
 * backups of a deleted instance, backups replicated from another region) — so the
 * on-call engineer sees at a glance what they could restore to. Pure: built from plain
 * data and "now".
 */
export interface SnapshotListInput {
  instanceIdentifier: string;
  /** The region listed. */
  region: string;
  /** Whether the instance itself exists in the region (a copy region or a deleted primary: no). */
  instanceExists: boolean;
  snapshots: SnapshotInfo[];
  window: RestoreWindow;
  /** The identifier's automated backups in the region (the live instance's own are its window, not listed again). */
  backups: AutomatedBackupInfo[];
  declared: string[];
  now: Date;
}

export interface AutomatedBackupEntry {
  /** `retained` (a deleted instance's) or `replica` (replicated from `sourceRegion`). */
  kind: "retained" | "replica";
  dbiResourceId: string | null;
  status: string;
  sourceRegion: string | null;
  earliest: string | null;
  latest: string | null;
  /** Since the latest restorable time: how long ago the instance was deleted, or how far the replica lags. */
  ageSeconds: number | null;
  /** The `--from` that restores its newest point. */
  from: string;
}

export interface SnapshotListEntry {
  identifier: string;
  type: string;
  status: string;
  createdAt: string | null;
  ageSeconds: number | null;
  sizeGiB: number | null;
  engineVersion: string | null;
  createdByTool: boolean;
  declared: boolean;
  /** For a copy: the region it was copied from. */
  copiedFrom: string | null;
}

export interface SnapshotList {
  instance: string;
  region: string;
  instanceExists: boolean;
  pointInTimeWindow: { earliest: string | null; latest: string | null; earliestSource: RestoreWindow["earliestSource"] };
  snapshots: SnapshotListEntry[];
  automatedBackups: AutomatedBackupEntry[];
}

export function snapshotList(input: SnapshotListInput): SnapshotList {
  const declared = new Set(input.declared.map(normalizeRdsIdentifier));
  const age = (t: Date | undefined) => (t === undefined ? null : Math.max(0, Math.round((input.now.getTime() - t.getTime()) / 1000)));
  const automatedBackups = input.backups
    .filter((b) => isRetained(b, input.region) || isReplicated(b, input.region))
    .map((b): AutomatedBackupEntry => {
      const kind = isReplicated(b, input.region) ? "replica" : "retained";
      return {
        kind,
        dbiResourceId: b.dbiResourceId ?? null,
        status: b.status,
        sourceRegion: b.sourceRegion ?? null,
        earliest: b.earliest?.toISOString() ?? null,
        latest: b.latest?.toISOString() ?? null,
        ageSeconds: age(b.latest),
        from: kind === "replica" ? "replica:latest" : `retained:${b.dbiResourceId ?? "?"}@latest`,
      };
    })
    .sort((a, b) => (b.latest ?? "").localeCompare(a.latest ?? ""));
  return {
    instance: input.instanceIdentifier,
    region: input.region,
    instanceExists: input.instanceExists,
    automatedBackups,
    pointInTimeWindow: {
      earliest: input.window.earliest?.toISOString() ?? null,
      latest: input.window.latest?.toISOString() ?? null,
      earliestSource: input.window.earliestSource,
    },
    snapshots: [...input.snapshots].sort(newestFirst).map((s) => ({
      identifier: s.identifier,
      type: s.type,
      status: s.status,
      createdAt: s.createdAt?.toISOString() ?? null,
      ageSeconds: s.createdAt === undefined ? null : Math.max(0, Math.round((input.now.getTime() - s.createdAt.getTime()) / 1000)),
      sizeGiB: s.allocatedStorageGiB ?? null,
      engineVersion: s.engineVersion ?? null,
      createdByTool: createdByTool(s),
      declared: declared.has(s.identifier),
      copiedFrom: s.copiedFrom ?? null,
    })),
  };
}

export function renderSnapshotList(list: SnapshotList): string {
  const w = list.pointInTimeWindow;
  const window = !list.instanceExists
    ? `Point-in-time window: none (${list.instance} does not run in ${list.region})`
    : w.latest === null
      ? `Point-in-time window: none (automated backups are off for ${list.instance})`
      : `Point-in-time window: ${w.earliest === null ? "unknown" : isoSeconds(new Date(w.earliest))} .. ${isoSeconds(new Date(w.latest))}` +
        (w.earliestSource === "oldest-automated-snapshot" ? " (earliest from the oldest automated snapshot)" : "");
  const backups = renderAutomatedBackups(list);
  if (list.snapshots.length === 0) return [`Snapshots of ${list.instance} in ${list.region}: none`, window, ...backups].join("\n");
  const rows = list.snapshots.map((s) => [
    s.identifier,
    s.type,
    s.status,
    s.createdAt === null ? "-" : isoSeconds(new Date(s.createdAt)),
    s.ageSeconds === null ? "-" : formatDuration(s.ageSeconds * 1000),
    s.sizeGiB === null ? "-" : `${s.sizeGiB} GiB`,
    s.engineVersion ?? "-",
    [s.declared ? "declared" : "", s.createdByTool ? "by gametracker-dr" : "", s.copiedFrom !== null ? `copy from ${s.copiedFrom}` : ""].filter(Boolean).join(", "),
  ]);
  return [
    `Snapshots of ${list.instance} in ${list.region} (${list.snapshots.length}, newest first):`,
    table(["SNAPSHOT", "TYPE", "STATUS", "CREATED (UTC)", "AGE", "SIZE", "ENGINE VERSION", "NOTES"], rows),
    window,
    ...backups,
  ].join("\n");
}

/** The retained and replicated automated backups, when there are any: restorable without the instance. */
function renderAutomatedBackups(list: SnapshotList): string[] {
  if (list.automatedBackups.length === 0) return [];
  const rows = list.automatedBackups.map((b) => [
    b.kind === "replica" ? `replica from ${b.sourceRegion ?? "?"}` : `retained (${b.dbiResourceId ?? "?"})`,
    b.status,
    b.earliest === null ? "-" : isoSeconds(new Date(b.earliest)),
    b.latest === null ? "-" : isoSeconds(new Date(b.latest)),
    b.ageSeconds === null ? "-" : formatDuration(b.ageSeconds * 1000),
    b.from,
  ]);
  return [`Automated backups restorable without a live ${list.instance}:`, table(["BACKUPS", "STATUS", "EARLIEST (UTC)", "LATEST (UTC)", "SINCE LATEST", "RESTORE WITH --from"], rows)];
}
