/** Builders of listing entries and HEAD answers for the pure asset tests: `v("a", 3)` is version a written at 12:00:03. */
import type { HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import { VersionFacts, versionFacts } from "../../automation/aws/s3";
import type { DeleteMarker, HistoryEntry, ObjectVersion } from "../../automation/assets/history";

export const t = (s: number, ms = 0) => new Date(Date.UTC(2026, 10, 25, 12, 0, s, ms));

export function v(id: string, s: number, etag = `e-${id}`, extra: Partial<ObjectVersion> = {}): ObjectVersion {
  return { kind: "version", key: "k", versionId: id, lastModified: t(s), isLatest: false, size: 10, etag, storageClass: "STANDARD", ...extra };
}

export function m(id: string, s: number, extra: Partial<DeleteMarker> = {}): DeleteMarker {
  return { kind: "delete-marker", key: "k", versionId: id, lastModified: t(s), isLatest: false, ...extra };
}

/** The entry as the current one of its key (IsLatest). */
export const latest = <T extends HistoryEntry>(e: T): T => ({ ...e, isLatest: true });

/** What a HEAD of a version answers, from the fields S3 sends (ContentLength, ETag, ChecksumCRC32, ServerSideEncryption, …). */
export function head(fields: Partial<HeadObjectCommandOutput>): VersionFacts {
  return versionFacts({ $metadata: {}, ContentLength: 10, ...fields });
}
