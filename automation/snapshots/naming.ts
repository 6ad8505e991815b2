/**
 * Names and tags of the manual snapshots this tool creates. The tag is what `prune`
 * trusts: only snapshots carrying it are ever deleted, so a snapshot someone took by
 * hand in the console (untagged) is never at risk.
 */
export const CREATED_BY_TAG_KEY = "created-by";
export const CREATED_BY_TAG_VALUE = "gametracker-dr";

/** RDS's own limit for DB snapshot identifiers. */
export const MAX_SNAPSHOT_IDENTIFIER_LENGTH = 255;

/**
 * Why `name` can't be a manual DB snapshot identifier, or undefined when it can. The RDS
 * rules: 1–255 letters, digits and hyphens; a letter first; no two consecutive hyphens;
 * no trailing hyphen. Checked before any AWS call so a typo never reaches RDS. Pure.
 */
export function snapshotIdentifierProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > MAX_SNAPSHOT_IDENTIFIER_LENGTH) return `it is ${name.length} characters long (at most ${MAX_SNAPSHOT_IDENTIFIER_LENGTH})`;
  const bad = name.match(/[^A-Za-z0-9-]/);
  if (bad) return `it contains "${bad[0]}" (only letters, digits and hyphens are allowed)`;
  if (!/^[A-Za-z]/.test(name)) return "it must start with a letter";
  if (name.includes("--")) return "it contains two consecutive hyphens";
  if (name.endsWith("-")) return "it ends with a hyphen";
  return undefined;
}

/**
 * RDS stores snapshot identifiers in lowercase; comparing and reporting in the same form
 * keeps "Pre-Upgrade" and "pre-upgrade" from looking like two snapshots.
 */
export function normalizeSnapshotIdentifier(name: string): string {
  return name.toLowerCase();
}

/** `yyyyMMddHHmmss` in UTC. Pure. */
export function utcStamp(at: Date): string {
  const iso = at.toISOString(); // 2026-11-25T21:01:10.266Z
  return iso.slice(0, 19).replace(/[-:T]/g, "");
}

/** The default name of a manual snapshot: `<instance>-manual-<UTC yyyyMMddHHmmss>`. Pure. */
export function defaultSnapshotName(instanceIdentifier: string, at: Date): string {
  return normalizeSnapshotIdentifier(`${instanceIdentifier}-manual-${utcStamp(at)}`);
}
