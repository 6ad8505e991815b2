import type { ListedMarker, ListedVersion } from "../aws/s3";

/**
 * The shape of a key's history as S3 lists it, and the pure rules for reading it.
 *
 * S3 lists a key's versions and delete markers interleaved, newest first (the order in
 * which they were stored); that order, kept from the response body, is what every
 * decision here reads. `LastModified` alone can't replace it: S3 stamps milliseconds, and
 * a write and a delete can share one.
 */

export type ObjectVersion = ListedVersion;
export type DeleteMarker = ListedMarker;
export type HistoryEntry = ObjectVersion | DeleteMarker;

/** Every version and delete marker of one key, newest first. */
export interface KeyHistory {
  readonly key: string;
  readonly entries: readonly HistoryEntry[];
}

/**
 * One key's entries, in listing order, as a newest-first history. For S3's own listing
 * this changes nothing: its order is newest first and its `IsLatest` entry comes first.
 * Emulators list all versions before all markers (moto) or all markers before all
 * versions (versitygw); for them a stable sort by `LastModified` restores the order as far
 * as their timestamps tell, ties keep the listing's order, and the `IsLatest` entry, which
 * every listing marks correctly, is put on top.
 */
export function orderKeyEntries(listed: readonly HistoryEntry[]): HistoryEntry[] {
  const ordered = listed
    .map((entry, position) => ({ entry, position }))
    .sort((a, b) => b.entry.lastModified.getTime() - a.entry.lastModified.getTime() || a.position - b.position)
    .map((x) => x.entry);
  const latest = ordered.findIndex((e) => e.isLatest);
  if (latest > 0) ordered.unshift(...ordered.splice(latest, 1));
  return ordered;
}

/**
 * The entry that was current at `at`: the newest entry (in newest-first order) whose
 * LastModified is at or before `at`. `undefined` when the key did not exist yet.
 */
export function entryAt(entries: readonly HistoryEntry[], at: Date): HistoryEntry | undefined {
  const t = at.getTime();
  return entries.find((e) => e.lastModified.getTime() <= t);
}

/** The current entry (top of the history), or undefined for an empty history. */
export function currentEntry(entries: readonly HistoryEntry[]): HistoryEntry | undefined {
  return entries[0];
}

/** The newest real version, ignoring delete markers. */
export function newestVersion(entries: readonly HistoryEntry[]): ObjectVersion | undefined {
  return entries.find((e): e is ObjectVersion => e.kind === "version");
}

/** The delete markers above a version (newest first): what removing makes it current again. */
export function markersAbove(entries: readonly HistoryEntry[], version: ObjectVersion): DeleteMarker[] {
  return entries.slice(0, entries.indexOf(version)).filter((e): e is DeleteMarker => e.kind === "delete-marker");
}

/** S3 lists keys in UTF-8 byte order; JavaScript compares UTF-16 code units, which differs for astral characters. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
