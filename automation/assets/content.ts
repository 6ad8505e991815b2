import type { VersionFacts } from "../aws/s3";
import type { ObjectVersion } from "./history";

/**
 * Pure rules for "does this key already hold the version we want", and "can this version
 * be copied right now", from what S3 lists and what a HEAD of a version says.
 */

/** The part count of a multipart ETag (`"…-3"` → 3), or undefined for a single-part ETag. */
export function multipartEtagParts(etag: string): number | undefined {
  const match = /-(\d+)"?$/.exec(etag);
  return match ? Number(match[1]) : undefined;
}

/**
 * Whether two listed versions hold the same bytes as far as the listing tells: the same
 * version, or the same ETag and size. A server-side copy of an unencrypted or SSE-S3
 * object keeps its ETag (the MD5 of its bytes), and the multipart copy mirrors the
 * source's part layout so it keeps a multipart ETag too.
 */
export function sameListedContent(a: ObjectVersion, b: ObjectVersion): boolean {
  return a.versionId === b.versionId || (a.etag === b.etag && a.size === b.size);
}

const KMS = new Set(["aws:kms", "aws:kms:dsse"]);

/**
 * Whether different ETags prove different bytes. They don't when the source is encrypted
 * with SSE-KMS (S3: such an ETag is not an MD5 of the data, and a copy gets a new one),
 * nor when one was uploaded in parts and the other not, or in other parts (a multipart
 * ETag is a digest of the parts' digests). Then only a checksum can tell.
 */
export function etagsProveDifference(source: ObjectVersion, current: ObjectVersion, sourceFacts: VersionFacts): boolean {
  if (sourceFacts.encryption !== undefined && KMS.has(sourceFacts.encryption.algorithm)) return false;
  return multipartEtagParts(source.etag) === multipartEtagParts(current.etag);
}

/**
 * Whether the current version is the same stored object as the source, from both HEADs:
 * the same size, the same checksum (algorithm, type and value: a full-object checksum of
 * the same bytes is the same however they were uploaded), and the same encryption, since
 * a restore to a moment brings back how the object was encrypted as well.
 */
export function sameStoredObject(source: VersionFacts, current: VersionFacts): boolean {
  if (source.checksum === undefined || current.checksum === undefined) return false;
  if (source.size !== current.size) return false;
  const sameChecksum =
    source.checksum.algorithm === current.checksum.algorithm && source.checksum.value === current.checksum.value && (source.checksum.type ?? "FULL_OBJECT") === (current.checksum.type ?? "FULL_OBJECT");
  const a = source.encryption;
  const b = current.encryption;
  const sameEncryption = (a?.algorithm ?? "none") === (b?.algorithm ?? "none") && (a?.kmsKeyId ?? "") === (b?.kmsKeyId ?? "");
  return sameChecksum && sameEncryption;
}

/** Storage classes whose objects must be restored from the archive before they can be copied. */
export const ARCHIVED_STORAGE_CLASSES: ReadonlySet<string> = new Set(["GLACIER", "DEEP_ARCHIVE"]);
/** INTELLIGENT_TIERING's opt-in tiers, which behave like Glacier (HEAD reports them as `x-amz-archive-status`). */
export const ARCHIVE_ACCESS_TIERS: ReadonlySet<string> = new Set(["ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS"]);

/** Whether a restored, readable copy of an archived object exists (`x-amz-restore: ongoing-request="false", …`). */
export function isRestoredCopyReadable(restore: string | undefined): boolean {
  return restore !== undefined && /ongoing-request="false"/.test(restore);
}

/**
 * Why a version can't be copied now (S3 would answer InvalidObjectState), or undefined.
 * The listing shows GLACIER and DEEP_ARCHIVE; the INTELLIGENT_TIERING archive tiers only
 * show in a HEAD. A version with a readable restored copy can be copied.
 */
export function archiveBlock(source: ObjectVersion, facts: VersionFacts | undefined): string | undefined {
  if (isRestoredCopyReadable(facts?.restore)) return undefined;
  const restoring = facts?.restore !== undefined && /ongoing-request="true"/.test(facts.restore);
  const then = restoring ? "its restore is still in progress; run again when it has finished" : "restore it from the archive (aws s3api restore-object) and run again";
  if (source.storageClass !== undefined && ARCHIVED_STORAGE_CLASSES.has(source.storageClass)) {
    return `version ${source.versionId} is in ${source.storageClass}; ${then}`;
  }
  if (facts?.archiveStatus !== undefined && ARCHIVE_ACCESS_TIERS.has(facts.archiveStatus)) {
    return `version ${source.versionId} is in the INTELLIGENT_TIERING ${facts.archiveStatus} tier; ${then}`;
  }
  return undefined;
}
