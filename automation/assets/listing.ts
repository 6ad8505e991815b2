import { ListObjectVersionsCommand, ListObjectVersionsCommandOutput, S3Client } from "@aws-sdk/client-s3";
import { OperationError } from "../errors";
import { compareKeys, DeleteMarker, KeyHistory, mergeKeyHistory, ObjectVersion } from "./history";

export interface ListOptions {
  prefix?: string;
  /** MaxKeys per ListObjectVersions page (S3's maximum and default is 1,000). */
  pageSize?: number;
  /** Called after each page with the number of entries read so far. */
  onPage?: (entriesSoFar: number) => void;
}

interface Group {
  versions: ObjectVersion[];
  markers: DeleteMarker[];
}

/**
 * Streams the history of every key under a prefix, one key at a time, in S3's key
 * order. Pages are followed by KeyMarker *and* VersionIdMarker, so a key with more
 * versions than fit in a page continues on the next one; a key is only yielded once
 * no later page can add to it (S3 names the key a truncated page stopped in as its
 * NextKeyMarker). Memory is bounded by one page plus one key, not by the bucket.
 */
export async function* listKeyHistories(s3: S3Client, bucket: string, options: ListOptions = {}): AsyncGenerator<KeyHistory> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  let carry = new Map<string, Group>();
  let entries = 0;
  for (;;) {
    const page: ListObjectVersionsCommandOutput = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        ...(options.prefix ? { Prefix: options.prefix } : {}),
        ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
        ...(versionIdMarker !== undefined ? { VersionIdMarker: versionIdMarker } : {}),
        ...(options.pageSize !== undefined ? { MaxKeys: options.pageSize } : {}),
      }),
    );
    const groups = carry;
    carry = new Map();
    const group = (key: string): Group => {
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { versions: [], markers: [] }));
      return g;
    };
    for (const v of page.Versions ?? []) {
      if (v.Key === undefined) continue;
      group(v.Key).versions.push({
        kind: "version",
        key: v.Key,
        versionId: v.VersionId ?? "null",
        lastModified: v.LastModified ?? new Date(0),
        isLatest: v.IsLatest === true,
        size: v.Size ?? 0,
        etag: v.ETag ?? "",
        storageClass: v.StorageClass,
      });
    }
    for (const m of page.DeleteMarkers ?? []) {
      if (m.Key === undefined) continue;
      group(m.Key).markers.push({
        kind: "delete-marker",
        key: m.Key,
        versionId: m.VersionId ?? "null",
        lastModified: m.LastModified ?? new Date(0),
        isLatest: m.IsLatest === true,
      });
    }
    entries += (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0);
    options.onPage?.(entries);

    const truncated = page.IsTruncated === true;
    const open = truncated ? page.NextKeyMarker : undefined;
    for (const key of [...groups.keys()].sort(compareKeys)) {
      const g = groups.get(key)!;
      if (key === open) carry.set(key, g);
      else yield { key, entries: mergeKeyHistory(g.versions, g.markers) };
    }
    if (!truncated) return;
    if (page.NextKeyMarker === undefined) {
      throw new OperationError(`Listing versions of s3://${bucket}/${options.prefix ?? ""} stopped: S3 said the page was truncated but gave no NextKeyMarker; try again.`);
    }
    if (page.NextKeyMarker === keyMarker && page.NextVersionIdMarker === versionIdMarker) {
      throw new OperationError(`Listing versions of s3://${bucket}/${options.prefix ?? ""} made no progress past key ${JSON.stringify(keyMarker)}; try again.`);
    }
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

/** The history of exactly one key (other keys that merely start with it are skipped). */
export async function keyHistory(s3: S3Client, bucket: string, key: string, options: Omit<ListOptions, "prefix"> = {}): Promise<KeyHistory> {
  for await (const history of listKeyHistories(s3, bucket, { ...options, prefix: key })) {
    if (history.key === key) return history;
  }
  return { key, entries: [] };
}
