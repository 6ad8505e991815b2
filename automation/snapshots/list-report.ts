import { formatDuration, table } from "../output";
import type { RestoreWindow, SnapshotInfo } from "../aws/rds";
import { createdByTool, isoSeconds, newestFirst } from "./model";
import { normalizeRdsIdentifier } from "../../contracts/aws-names";

/**
 * What `snapshots list` shows: every recovery point of the instance, newest first, and
 * the point-in-time window, so the on-call engineer sees at a glance what they could
 * restore to. Pure: built from plain data and "now".
 */
export interface SnapshotListInput {
  instanceIdentifier: string;
  snapshots: SnapshotInfo[];
  window: RestoreWindow;
  declared: string[];
  now: Date;
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
}

export interface SnapshotList {
  instance: string;
  pointInTimeWindow: { earliest: string | null; latest: string | null; earliestSource: RestoreWindow["earliestSource"] };
  snapshots: SnapshotListEntry[];
}

export function snapshotList(input: SnapshotListInput): SnapshotList {
  const declared = new Set(input.declared.map(normalizeRdsIdentifier));
  return {
    instance: input.instanceIdentifier,
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
    })),
  };
}

export function renderSnapshotList(list: SnapshotList): string {
  const w = list.pointInTimeWindow;
  const window =
    w.latest === null
      ? `Point-in-time window: none (automated backups are off for ${list.instance})`
      : `Point-in-time window: ${w.earliest === null ? "unknown" : isoSeconds(new Date(w.earliest))} .. ${isoSeconds(new Date(w.latest))}` +
        (w.earliestSource === "oldest-automated-snapshot" ? " (earliest from the oldest automated snapshot)" : "");
  if (list.snapshots.length === 0) return `Snapshots of ${list.instance}: none\n${window}`;
  const rows = list.snapshots.map((s) => [
    s.identifier,
    s.type,
    s.status,
    s.createdAt === null ? "-" : isoSeconds(new Date(s.createdAt)),
    s.ageSeconds === null ? "-" : formatDuration(s.ageSeconds * 1000),
    s.sizeGiB === null ? "-" : `${s.sizeGiB} GiB`,
    s.engineVersion ?? "-",
    [s.declared ? "declared" : "", s.createdByTool ? "by gametracker-dr" : ""].filter(Boolean).join(", "),
  ]);
  return [
    `Snapshots of ${list.instance} (${list.snapshots.length}, newest first):`,
    table(["SNAPSHOT", "TYPE", "STATUS", "CREATED (UTC)", "AGE", "SIZE", "ENGINE VERSION", "NOTES"], rows),
    window,
  ].join("\n");
}
