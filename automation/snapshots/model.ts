import type { SnapshotInfo } from "../aws/rds";
import { CREATED_BY_TAG } from "../../contracts/tags";

/** How `snapshots` and `check` judge and print the DB snapshots read by aws/rds.ts. Pure. */

/** Whether this tool created the snapshot (it carries `created-by=gametracker-dr`). */
export function createdByTool(s: SnapshotInfo): boolean {
  return s.tags[CREATED_BY_TAG.key] === CREATED_BY_TAG.value;
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

/** A UTC time to the second, as the tables print it: 2026-11-25T21:01:10Z. */
export function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}
