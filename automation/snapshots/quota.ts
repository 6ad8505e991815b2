/**
 * RDS allows 100 manual DB snapshots per region by default (all instances together).
 * At the quota CreateDBSnapshot fails — exactly when an operator wants a snapshot
 * before a risky change — so the tool warns well before.
 */
export const MANUAL_SNAPSHOT_QUOTA = 100;
export const MANUAL_SNAPSHOT_WARNING_AT = 80;

/** The warning to show for `count` manual snapshots in `region`, or undefined when there is room. Pure. */
export function manualSnapshotQuotaWarning(
  count: number,
  region: string,
  quota = MANUAL_SNAPSHOT_QUOTA,
  warnAt = MANUAL_SNAPSHOT_WARNING_AT,
): string | undefined {
  if (count < warnAt) return undefined;
  const state = count >= quota ? "has reached" : "is nearing";
  return `${region} holds ${count} manual DB snapshots and ${state} the default quota of ${quota}; prune old ones (gametracker-dr snapshots prune) or request a quota increase before CreateDBSnapshot starts failing.`;
}
