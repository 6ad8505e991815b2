import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  S3Client,
  StorageClass,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { ObjectVersion } from "./history";
import { runBounded } from "./pool";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** S3's limit for one CopyObject; larger objects must be copied part by part. */
export const SINGLE_COPY_LIMIT = 5 * GiB;
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 5 * GiB;
export const MAX_PARTS = 10_000;
export const DEFAULT_PART_SIZE = 512 * MiB;

export interface CopyOptions {
  /** Objects larger than this go through multipart copy (S3: 5 GiB). Injectable so tests can use small objects. */
  singleCopyLimit?: number;
  /** Part size when the source's own layout can't be mirrored. */
  partSize?: number;
  /** UploadPartCopy calls in flight for one object. */
  partConcurrency?: number;
}

export type CopyMethod = "single" | "multipart";

/** `CopySource` for a version: the key URL-encoded per path segment (S3 decodes it; spaces, `+`, unicode survive). */
export function copySource(bucket: string, key: string, versionId: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}?versionId=${encodeURIComponent(versionId)}`;
}

/** The part count of a multipart ETag (`"…-3"` → 3), or undefined for a single-part (MD5) ETag. */
export function multipartEtagParts(etag: string): number | undefined {
  const match = /-(\d+)"?$/.exec(etag);
  return match ? Number(match[1]) : undefined;
}

/**
 * Whether a version is copied part by part: when it's over the single-copy limit, and
 * when it was itself uploaded in parts. The second case is for idempotence: copying
 * with the same part layout reproduces the source's multipart ETag, so the next plan
 * sees the same content and writes nothing.
 */
export function copyMethod(source: Pick<ObjectVersion, "size" | "etag">, singleCopyLimit = SINGLE_COPY_LIMIT): CopyMethod {
  return source.size > singleCopyLimit || multipartEtagParts(source.etag) !== undefined ? "multipart" : "single";
}

/**
 * The part size of a multipart copy: the source's own (its first part's size, when
 * that layout accounts for exactly the ETag's part count), else the default, raised so
 * that no more than 10,000 parts are needed.
 */
export function choosePartSize(size: number, etagParts: number | undefined, firstPartSize: number | undefined, defaultPartSize = DEFAULT_PART_SIZE): number {
  if (etagParts !== undefined && firstPartSize !== undefined && firstPartSize > 0) {
    const fits = Math.ceil(size / firstPartSize) === etagParts && firstPartSize <= MAX_PART_SIZE && (etagParts === 1 || firstPartSize >= MIN_PART_SIZE);
    if (fits) return firstPartSize;
  }
  return Math.min(MAX_PART_SIZE, Math.max(defaultPartSize, Math.ceil(size / MAX_PARTS)));
}

export interface PartRange {
  partNumber: number;
  /** Inclusive byte range, as CopySourceRange wants it. */
  first: number;
  last: number;
}

export function partRanges(size: number, partSize: number): PartRange[] {
  if (size === 0) return [{ partNumber: 1, first: 0, last: -1 }];
  const ranges: PartRange[] = [];
  for (let first = 0, n = 1; first < size; first += partSize, n++) {
    ranges.push({ partNumber: n, first, last: Math.min(size, first + partSize) - 1 });
  }
  return ranges;
}

/**
 * Makes `source` the current version of its key with a server-side copy (no bytes
 * pass through this machine). Returns the new version id and how it was copied.
 */
export async function copyVersion(s3: S3Client, bucket: string, source: ObjectVersion, options: CopyOptions = {}): Promise<{ versionId: string | undefined; method: CopyMethod }> {
  const method = copyMethod(source, options.singleCopyLimit);
  if (method === "single") {
    const keepClass = source.storageClass !== undefined && source.storageClass !== "STANDARD" ? { StorageClass: source.storageClass as StorageClass } : {};
    const response = await s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: source.key, CopySource: copySource(bucket, source.key, source.versionId), ...keepClass }),
    );
    return { versionId: response.VersionId, method };
  }
  return { versionId: await multipartCopy(s3, bucket, source, options), method };
}

async function multipartCopy(s3: S3Client, bucket: string, source: ObjectVersion, options: CopyOptions): Promise<string | undefined> {
  const { key, versionId } = source;
  // A multipart upload starts empty: metadata, content headers and tags must be carried over by hand.
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  const tagging = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  const etagParts = multipartEtagParts(source.etag);
  let firstPartSize: number | undefined;
  if (etagParts !== undefined) {
    const part = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, PartNumber: 1 }));
    firstPartSize = part.ContentLength;
  }
  const partSize = choosePartSize(source.size, etagParts, firstPartSize, options.partSize);
  const tags = (tagging.TagSet ?? []).map((t) => `${encodeURIComponent(t.Key ?? "")}=${encodeURIComponent(t.Value ?? "")}`).join("&");
  const created = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      ...(head.ContentType !== undefined ? { ContentType: head.ContentType } : {}),
      ...(head.CacheControl !== undefined ? { CacheControl: head.CacheControl } : {}),
      ...(head.ContentDisposition !== undefined ? { ContentDisposition: head.ContentDisposition } : {}),
      ...(head.ContentEncoding !== undefined ? { ContentEncoding: head.ContentEncoding } : {}),
      ...(head.ContentLanguage !== undefined ? { ContentLanguage: head.ContentLanguage } : {}),
      ...(head.WebsiteRedirectLocation !== undefined ? { WebsiteRedirectLocation: head.WebsiteRedirectLocation } : {}),
      ...(head.Metadata !== undefined ? { Metadata: head.Metadata } : {}),
      ...(head.ServerSideEncryption !== undefined ? { ServerSideEncryption: head.ServerSideEncryption } : {}),
      ...(head.SSEKMSKeyId !== undefined ? { SSEKMSKeyId: head.SSEKMSKeyId } : {}),
      ...(head.StorageClass !== undefined && head.StorageClass !== "STANDARD" ? { StorageClass: head.StorageClass } : {}),
      ...(tags !== "" ? { Tagging: tags } : {}),
    }),
  );
  const uploadId = created.UploadId!;
  try {
    const ranges = partRanges(source.size, partSize);
    const etags: string[] = new Array(ranges.length);
    await runBounded(ranges, options.partConcurrency ?? 8, async (range, i) => {
      const part = await s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: range.partNumber,
          CopySource: copySource(bucket, key, versionId),
          ...(range.last >= range.first ? { CopySourceRange: `bytes=${range.first}-${range.last}` } : {}),
        }),
      );
      etags[i] = part.CopyPartResult?.ETag ?? "";
    });
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: ranges.map((r, i) => ({ PartNumber: r.partNumber, ETag: etags[i]! })) },
      }),
    );
    return done.VersionId;
  } catch (error) {
    // An abandoned upload keeps billing for its parts; abort it and report the original failure.
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw error;
  }
}
