/**
 * Names of the manual snapshots this tool creates. Which snapshots `prune` may delete is
 * decided by the created-by tag (contracts/tags.ts): only snapshots carrying it are ever
 * deleted, so a snapshot someone took by hand in the console (untagged) is never at risk.
 */
import { normalizeRdsIdentifier } from "../../contracts/aws-names";

/** `yyyyMMddHHmmss` in UTC. Pure. */
export function utcStamp(at: Date): string {
  const iso = at.toISOString(); // 2026-11-25T21:01:10.266Z
  return iso.slice(0, 19).replace(/[-:T]/g, "");
}

/** The default name of a manual snapshot: `<instance>-manual-<UTC yyyyMMddHHmmss>`. Pure. */
export function defaultSnapshotName(instanceIdentifier: string, at: Date): string {
  return normalizeRdsIdentifier(`${instanceIdentifier}-manual-${utcStamp(at)}`);
}
