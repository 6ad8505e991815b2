/**
 * The shape of a key's history as S3 lists it, and the pure rules for reading it.
 *
 * ListObjectVersions returns versions and delete markers in two separate arrays, each
 * ordered by key and then newest first; the SDK's parser drops how they were
 * interleaved. `mergeKeyHistory` puts one key's two arrays back into a single
 * newest-first sequence, which is what every decision in this module reads.
 */

export interface ObjectVersion {
  readonly kind: "version";
  readonly key: string;
  /** `null` (the string) for an object written before versioning was enabled. */
  readonly versionId: string;
  readonly lastModified: Date;
  readonly isLatest: boolean;
  readonly size: number;
  readonly etag: string;
  readonly storageClass: string | undefined;
}

export interface DeleteMarker {
  readonly kind: "delete-marker";
  readonly key: string;
  readonly versionId: string;
  readonly lastModified: Date;
  readonly isLatest: boolean;
}

export type HistoryEntry = ObjectVersion | DeleteMarker;

/** Every version and delete marker of one key, newest first. */
export interface KeyHistory {
  readonly key: string;
  readonly entries: readonly HistoryEntry[];
}

/**
 * One key's versions and delete markers (each newest first, as listed) as one
 * newest-first sequence. Same-kind entries keep the listing's order, so ties within
 * a kind follow S3's own newest-first order. A version and a marker with the same
 * timestamp can only be ordered by `IsLatest` when one of them is the current entry;
 * otherwise the version goes first. (Real S3 stamps milliseconds, so such ties are an
 * emulator artefact in practice; moto stamps whole seconds.)
 */
export function mergeKeyHistory(versions: readonly ObjectVersion[], markers: readonly DeleteMarker[]): HistoryEntry[] {
  const merged: HistoryEntry[] = [];
  let v = 0;
  let m = 0;
  while (v < versions.length && m < markers.length) {
    const version = versions[v]!;
    const marker = markers[m]!;
    const dv = version.lastModified.getTime();
    const dm = marker.lastModified.getTime();
    const markerFirst = dm > dv || (dm === dv && marker.isLatest && !version.isLatest);
    if (markerFirst) {
      merged.push(marker);
      m++;
    } else {
      merged.push(version);
      v++;
    }
  }
  while (v < versions.length) merged.push(versions[v++]!);
  while (m < markers.length) merged.push(markers[m++]!);
  return merged;
}

/**
 * The entry that was current at `at`: the newest entry (in the merged newest-first
 * order) whose LastModified is at or before `at`. `undefined` when the key did not
 * exist yet.
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

/**
 * Whether two versions hold the same bytes as far as S3 tells without reading them:
 * same version, or same ETag and size. A server-side copy of a single-part object keeps
 * its ETag (the MD5 of the content), and our multipart copy mirrors the source's part
 * layout so that it keeps a multipart ETag too; that is what makes a second restore
 * plan zero writes.
 */
export function sameContent(a: ObjectVersion, b: ObjectVersion): boolean {
  return a.versionId === b.versionId || (a.etag === b.etag && a.size === b.size);
}

/** Storage classes whose objects must be restored from the archive before they can be copied. */
export const ARCHIVED_STORAGE_CLASSES: ReadonlySet<string> = new Set(["GLACIER", "DEEP_ARCHIVE"]);

/** S3 lists keys in UTF-8 byte order; JavaScript compares UTF-16 code units, which differs for astral characters. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
