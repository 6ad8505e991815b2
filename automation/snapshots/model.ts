import type { DBSnapshot } from "@aws-sdk/client-rds";
import { CREATED_BY_TAG_KEY, CREATED_BY_TAG_VALUE, normalizeSnapshotIdentifier } from "./naming";

/**
 * A DB snapshot as the decisions (list, prune, check) see it: plain data, so the pure
 * functions can be tested with literal values and fixed times.
 */
export interface SnapshotInfo {
  identifier: string;
  instanceIdentifier: string;
  /** `automated` or `manual` (RDS also knows `shared`, `public`, `awsbackup`; kept as given). */
  type: string;
  status: string;
  /** When RDS started the snapshot; undefined while it is being created. */
  createdAt: Date | undefined;
  allocatedStorageGiB: number | undefined;
  engine: string | undefined;
  engineVersion: string | undefined;
  tags: Record<string, string>;
}

export function snapshotInfo(s: DBSnapshot): SnapshotInfo {
  return {
    identifier: normalizeSnapshotIdentifier(s.DBSnapshotIdentifier ?? ""),
    instanceIdentifier: s.DBInstanceIdentifier ?? "",
    type: s.SnapshotType ?? "unknown",
    status: s.Status ?? "unknown",
    createdAt: s.SnapshotCreateTime,
    allocatedStorageGiB: s.AllocatedStorage,
    engine: s.Engine,
    engineVersion: s.EngineVersion,
    tags: Object.fromEntries((s.TagList ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""])),
  };
}

/** Whether this tool created the snapshot (it carries `created-by=gametracker-dr`). */
export function createdByTool(s: SnapshotInfo): boolean {
  return s.tags[CREATED_BY_TAG_KEY] === CREATED_BY_TAG_VALUE;
}

/**
 * Newest first. A snapshot still being created (no time yet) counts as the newest; ties
 * break on the identifier so the order, and so a prune plan, is deterministic.
 */
export function newestFirst(a: SnapshotInfo, b: SnapshotInfo): number {
  const ta = a.createdAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const tb = b.createdAt?.getTime() ?? Number.POSITIVE_INFINITY;
  if (ta !== tb) return tb > ta ? 1 : -1;
  return a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0;
}

/** The point-in-time restore window of an instance, as far as RDS tells it. */
export interface RestoreWindow {
  earliest: Date | undefined;
  latest: Date | undefined;
  /** Where `earliest` came from: RDS's automated-backups RestoreWindow, or (when RDS gives none) the oldest automated snapshot. */
  earliestSource: "automated-backups" | "oldest-automated-snapshot" | "unknown";
}

/** A UTC time to the second, as the tables print it: 2026-11-25T21:01:10Z. */
export function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}
