/** Builders of listing entries for the pure asset-history tests: `v("a", 3)` is version a written at 12:00:03. */
import type { DeleteMarker, ObjectVersion } from "../../automation/assets/history";

export const t = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s));

export function v(id: string, s: number, etag = `e-${id}`, extra: Partial<ObjectVersion> = {}): ObjectVersion {
  return { kind: "version", key: "k", versionId: id, lastModified: t(s), isLatest: false, size: 10, etag, storageClass: "STANDARD", ...extra };
}

export function m(id: string, s: number, extra: Partial<DeleteMarker> = {}): DeleteMarker {
  return { kind: "delete-marker", key: "k", versionId: id, lastModified: t(s), isLatest: false, ...extra };
}
