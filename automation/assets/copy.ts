import { S3Client } from "@aws-sdk/client-s3";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  CONDITION_FAILED,
  ConditionFailed,
  copyPart,
  copyVersionOver,
  headObject,
  readObjectTags,
  startMultipartUpload,
  WriteCondition,
} from "../aws/s3";
import { OperationError } from "../errors";
import { multipartEtagParts } from "./content";
import { HistoryEntry, ObjectVersion } from "./history";
import { CopySettings } from "./plan";
import { runBounded } from "./pool";
import { UploadRecorder } from "./upload-journal";

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
  /** Told before an upload is created, once it is, and once it is completed or aborted, so that a run after a kill can abort it. */
  uploads?: UploadRecorder | undefined;
}

export type CopyMethod = "single" | "multipart";

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
 * The condition under which a copy may replace the key's current entry: that entry must
 * still be the one the plan saw. A version is matched by its ETag; a delete marker (or
 * nothing) by "no current version". Pure.
 */
export function conditionFor(current: HistoryEntry | undefined): WriteCondition {
  return current !== undefined && current.kind === "version" ? { ifMatch: current.etag } : { ifNoneMatch: "*" };
}

export type CopyOutcome = { versionId: string | undefined; method: CopyMethod } | ConditionFailed;

/**
 * Makes `source` the current version of its key with a server-side copy (no bytes pass
 * through this machine), stored with `settings` (the source's encryption and class), and
 * only while the key's current entry is still `current` (S3 conditional write; a key the
 * application wrote since the plan answers "condition-failed" and is not overwritten).
 */
export async function copyVersion(
  s3: S3Client,
  bucket: string,
  source: ObjectVersion,
  current: HistoryEntry | undefined,
  settings: CopySettings = {},
  options: CopyOptions = {},
): Promise<CopyOutcome> {
  const method = copyMethod(source, options.singleCopyLimit);
  const condition = conditionFor(current);
  if (method === "single") {
    const done = await copyVersionOver(s3, { bucket, key: source.key, sourceVersionId: source.versionId, encryption: settings.encryption, storageClass: settings.storageClass, condition });
    return done === CONDITION_FAILED ? done : { versionId: done.versionId, method };
  }
  const done = await multipartCopy(s3, bucket, source, settings, condition, options);
  return done === CONDITION_FAILED ? done : { versionId: done.versionId, method };
}

async function multipartCopy(s3: S3Client, bucket: string, source: ObjectVersion, settings: CopySettings, condition: WriteCondition, options: CopyOptions) {
  const { key, versionId } = source;
  // A multipart upload starts empty: content headers, metadata and tags are carried over from the source by hand.
  const head = await headObject(s3, bucket, key, { versionId });
  if (head.kind !== "version") throw new OperationError(`Version ${versionId} of s3://${bucket}/${key} disappeared before it could be copied; run the restore again to re-plan this key.`);
  const tags = await readObjectTags(s3, bucket, key, versionId);
  const etagParts = multipartEtagParts(source.etag);
  let firstPartSize: number | undefined;
  if (etagParts !== undefined) {
    const part = await headObject(s3, bucket, key, { versionId, partNumber: 1 });
    firstPartSize = part.kind === "version" ? part.facts.size : undefined;
  }
  const partSize = choosePartSize(source.size, etagParts, firstPartSize, options.partSize);
  const uploads = options.uploads;
  uploads?.starting(bucket, key);
  const uploadId = await startMultipartUpload(s3, { bucket, key, head: head.facts.head, tags, encryption: settings.encryption, storageClass: settings.storageClass });
  uploads?.started(bucket, key, uploadId);
  // An abandoned upload keeps billing for its parts; an upload whose abort failed stays on record for the next run.
  const abort = async () => {
    if (await abortMultipartUpload(s3, bucket, key, uploadId)) uploads?.ended(bucket, key, uploadId);
  };
  try {
    const ranges = partRanges(source.size, partSize);
    const etags: string[] = new Array(ranges.length);
    await runBounded(ranges, options.partConcurrency ?? 8, async (range, i) => {
      etags[i] = await copyPart(s3, {
        bucket,
        key,
        uploadId,
        partNumber: range.partNumber,
        sourceVersionId: versionId,
        range: range.last >= range.first ? { first: range.first, last: range.last } : undefined,
      });
    });
    const done = await completeMultipartUpload(s3, { bucket, key, uploadId, parts: ranges.map((r, i) => ({ partNumber: r.partNumber, etag: etags[i]! })), condition });
    if (done === CONDITION_FAILED) await abort();
    else uploads?.ended(bucket, key, uploadId);
    return done;
  } catch (error) {
    await abort();
    throw error;
  }
}
