import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  GetObjectTaggingCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  HeadObjectCommandOutput,
  LifecycleRule,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PublicAccessBlockConfiguration,
  PutObjectCommand,
  ReplicationConfiguration,
  S3Client,
  ServerSideEncryption,
  StorageClass,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { OperationError } from "../errors";
import { callAws, httpStatusOf, isAwsError, isConditionFailed, rethrowAws } from "./errors";

/**
 * The S3 edge: every S3 request the tool makes is sent here, each failure turned into
 * one sentence by callAws/rethrowAws, and the answers S3 gives as data ("no such
 * bucket", "that version is a delete marker", "the condition did not hold") returned
 * as values instead of errors. What the commands decide with them lives in their own
 * modules; nothing here knows about restores.
 */

// ---------------------------------------------------------------------------------------------
// Buckets

export type VersioningStatus = "Enabled" | "Suspended" | "Disabled";

/** The bucket's versioning status, or undefined when S3 has no such bucket (for these credentials and region). */
export async function readBucketVersioning(s3: S3Client, bucket: string): Promise<VersioningStatus | undefined> {
  try {
    const status = (await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
    return status === "Enabled" || status === "Suspended" ? status : "Disabled";
  } catch (error) {
    if (isAwsError(error, "NoSuchBucket", "NotFound") || httpStatusOf(error) === 404) return undefined;
    return rethrowAws(`read the versioning status of bucket ${bucket}`, error);
  }
}

/** The bucket's own public-access block, or undefined when it has none. */
export async function readPublicAccessBlock(s3: S3Client, bucket: string): Promise<PublicAccessBlockConfiguration | undefined> {
  try {
    return (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration ?? {};
  } catch (error) {
    if (isAwsError(error, "NoSuchPublicAccessBlockConfiguration")) return undefined;
    return rethrowAws(`read the public-access block of bucket ${bucket}`, error);
  }
}

/** The bucket's lifecycle rules (none when it has no lifecycle configuration). */
export async function readLifecycleRules(s3: S3Client, bucket: string): Promise<LifecycleRule[]> {
  try {
    return (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (error) {
    if (isAwsError(error, "NoSuchLifecycleConfiguration")) return [];
    return rethrowAws(`read the lifecycle rules of bucket ${bucket}`, error);
  }
}

/** The bucket's replication configuration, or undefined when it has none. */
export async function readBucketReplication(s3: S3Client, bucket: string): Promise<ReplicationConfiguration | undefined> {
  try {
    return (await s3.send(new GetBucketReplicationCommand({ Bucket: bucket }))).ReplicationConfiguration;
  } catch (error) {
    if (isAwsError(error, "ReplicationConfigurationNotFoundError")) return undefined;
    return rethrowAws(`read the replication configuration of bucket ${bucket}`, error);
  }
}

export interface ObjectLockSettings {
  enabled: boolean;
  /** The default retention of every new version: `GOVERNANCE` or `COMPLIANCE`, for days or years; absent without one. */
  mode?: string | undefined;
  days?: number | undefined;
  years?: number | undefined;
}

/** The bucket's Object Lock configuration, or undefined when Object Lock is not enabled on it. */
export async function readObjectLock(s3: S3Client, bucket: string): Promise<ObjectLockSettings | undefined> {
  try {
    const config = (await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))).ObjectLockConfiguration;
    const retention = config?.Rule?.DefaultRetention;
    return {
      enabled: config?.ObjectLockEnabled === "Enabled",
      ...(retention?.Mode !== undefined ? { mode: retention.Mode } : {}),
      // S3 answers the one that was set; a zero is no retention.
      ...(retention?.Days ? { days: retention.Days } : {}),
      ...(retention?.Years ? { years: retention.Years } : {}),
    };
  } catch (error) {
    if (isAwsError(error, "ObjectLockConfigurationNotFoundError")) return undefined;
    return rethrowAws(`read the Object Lock configuration of bucket ${bucket}`, error);
  }
}

export interface CurrentObject {
  key: string;
  lastModified: Date;
  size: number;
}

/** Up to `limit` current objects of the bucket in key order (ListObjectsV2, 1,000 a page); `truncated` when there were more. */
export async function listCurrentObjects(s3: S3Client, bucket: string, limit: number): Promise<{ objects: CurrentObject[]; truncated: boolean }> {
  const objects: CurrentObject[] = [];
  let token: string | undefined;
  for (;;) {
    const page = await callAws(`list the objects of s3://${bucket}`, () =>
      s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: Math.min(1000, limit - objects.length), ...(token !== undefined ? { ContinuationToken: token } : {}) })),
    );
    for (const o of page.Contents ?? []) if (o.Key !== undefined) objects.push({ key: o.Key, lastModified: o.LastModified ?? new Date(0), size: o.Size ?? 0 });
    if (page.IsTruncated !== true || page.NextContinuationToken === undefined) return { objects, truncated: false };
    if (objects.length >= limit) return { objects, truncated: true };
    token = page.NextContinuationToken;
  }
}

// ---------------------------------------------------------------------------------------------
// Listing versions

export interface ListedVersion {
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

export interface ListedMarker {
  readonly kind: "delete-marker";
  readonly key: string;
  readonly versionId: string;
  readonly lastModified: Date;
  readonly isLatest: boolean;
}

export type ListedEntry = ListedVersion | ListedMarker;

export interface VersionPageRequest {
  bucket: string;
  prefix?: string | undefined;
  delimiter?: string | undefined;
  keyMarker?: string | undefined;
  versionIdMarker?: string | undefined;
  /** Entries per page; S3's maximum and default is 1,000. */
  maxKeys?: number | undefined;
}

export interface VersionPage {
  /** Versions and delete markers in the order the response body lists them. */
  entries: ListedEntry[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker: string | undefined;
  nextVersionIdMarker: string | undefined;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML text as the characters it stands for (the five named entities and numeric references). Pure. */
export function xmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e.startsWith("#x") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!,
  );
}

const childText = (xml: string, tag: string): string | undefined => {
  const open = xml.indexOf(`<${tag}>`);
  if (open < 0) return undefined;
  const from = open + tag.length + 2;
  const close = xml.indexOf(`</${tag}>`, from);
  return close < 0 ? undefined : xmlText(xml.slice(from, close));
};

/**
 * A ListObjectVersions response body read directly, entries in document order. S3 lists
 * a key's versions and delete markers interleaved, newest first; the SDK's parser returns
 * them as two arrays and drops that order, which is the only thing that orders a version
 * and a marker stamped in the same millisecond. Reading the body once also spares the
 * SDK's generic parse of every page, most of a large listing's memory churn. Element
 * text is XML-escaped, so a `<` inside a key can't look like a tag. Pure.
 */
export function parseVersionPage(xml: string): VersionPage {
  const entries: ListedEntry[] = [];
  const commonPrefixes: string[] = [];
  // Top-level fields come before, between or after the entries; read them outside of the entries.
  let outside = "";
  let last = 0;
  for (const m of xml.matchAll(/<(Version|DeleteMarker|CommonPrefixes)>([\s\S]*?)<\/\1>/g)) {
    outside += xml.slice(last, m.index);
    last = m.index! + m[0].length;
    const body = m[2]!;
    if (m[1] === "CommonPrefixes") {
      const prefix = childText(body, "Prefix");
      if (prefix !== undefined) commonPrefixes.push(prefix);
      continue;
    }
    const key = childText(body, "Key");
    if (key === undefined) continue;
    const common = { key, versionId: childText(body, "VersionId") ?? "null", lastModified: new Date(childText(body, "LastModified") ?? 0), isLatest: childText(body, "IsLatest") === "true" };
    entries.push(
      m[1] === "Version"
        ? { kind: "version", ...common, size: Number(childText(body, "Size") ?? 0), etag: childText(body, "ETag") ?? "", storageClass: childText(body, "StorageClass") }
        : { kind: "delete-marker", ...common },
    );
  }
  outside += xml.slice(last);
  return {
    entries,
    commonPrefixes,
    isTruncated: childText(outside, "IsTruncated") === "true",
    nextKeyMarker: childText(outside, "NextKeyMarker") || undefined,
    nextVersionIdMarker: childText(outside, "NextVersionIdMarker") || undefined,
  };
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body === undefined || body === null) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const EMPTY_LISTING = new TextEncoder().encode('<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></ListVersionsResult>');

/** One page of ListObjectVersions, entries in the response body's order. */
export async function listVersionPage(s3: S3Client, request: VersionPageRequest): Promise<VersionPage> {
  const command = new ListObjectVersionsCommand({
    Bucket: request.bucket,
    ...(request.prefix ? { Prefix: request.prefix } : {}),
    ...(request.delimiter !== undefined ? { Delimiter: request.delimiter } : {}),
    ...(request.keyMarker !== undefined ? { KeyMarker: request.keyMarker } : {}),
    ...(request.versionIdMarker !== undefined ? { VersionIdMarker: request.versionIdMarker } : {}),
    ...(request.maxKeys !== undefined ? { MaxKeys: request.maxKeys } : {}),
  });
  let page: VersionPage | undefined;
  // Sits between the transport and the deserializer: a successful body is read here, and
  // the SDK's parser gets an empty result instead; errors reach the SDK's error handling as sent.
  command.middlewareStack.addRelativeTo(
    (next: any) => async (args: any) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; body?: unknown };
      if (response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300) {
        page = parseVersionPage((await bodyBytes(response.body)).toString("utf8"));
        response.body = EMPTY_LISTING;
      }
      return result;
    },
    { relation: "after", toMiddleware: "deserializerMiddleware", name: "gametrackerListingBody" },
  );
  const where = `s3://${request.bucket}/${request.prefix ?? ""}`;
  await callAws(`list the versions under ${where}`, () => s3.send(command));
  if (page === undefined) throw new OperationError(`Listing the versions under ${where} gave no response body to read; try again.`);
  return page;
}

// ---------------------------------------------------------------------------------------------
// What one version holds

export interface StoredChecksum {
  /** `CRC32`, `CRC32C`, `CRC64NVME`, `SHA1`, `SHA256`, … */
  readonly algorithm: string;
  readonly value: string;
  /** `FULL_OBJECT` or `COMPOSITE` (of the parts); undefined when S3 does not say. */
  readonly type: string | undefined;
}

export interface Encryption {
  /** `AES256`, `aws:kms`, `aws:kms:dsse`. */
  readonly algorithm: string;
  readonly kmsKeyId?: string | undefined;
  readonly bucketKeyEnabled?: boolean | undefined;
}

export interface VersionFacts {
  readonly versionId: string | undefined;
  readonly etag: string | undefined;
  readonly size: number | undefined;
  /** As HEAD reports it: S3 leaves it out for STANDARD. */
  readonly storageClass: string | undefined;
  /** INTELLIGENT_TIERING only: `ARCHIVE_ACCESS` or `DEEP_ARCHIVE_ACCESS` once the object has moved there. */
  readonly archiveStatus: string | undefined;
  /** The `x-amz-restore` header of an archived object: `ongoing-request="false", expiry-date=…` once a restored copy is readable. */
  readonly restore: string | undefined;
  readonly encryption: Encryption | undefined;
  /** Encrypted with a customer-provided key (SSE-C): S3 can't copy it without that key. */
  readonly customerKey: boolean;
  readonly checksum: StoredChecksum | undefined;
  /** `x-amz-replication-status`: PENDING, COMPLETED or FAILED on a replicated bucket's version, REPLICA on a replica; absent otherwise. */
  readonly replicationStatus: string | undefined;
  /** The whole HEAD answer, for a multipart copy that must carry content headers and metadata by hand. */
  readonly head: HeadObjectCommandOutput;
}

export type HeadResult =
  | { kind: "version"; facts: VersionFacts }
  /** `versionId` is undefined when the server did not say which marker (versitygw, unlike S3). */
  | { kind: "delete-marker"; versionId: string | undefined }
  | { kind: "absent" };

const CHECKSUM_FIELD = /^Checksum(?!Type$|Mode$)([A-Z0-9]+)$/;

export function storedChecksum(head: HeadObjectCommandOutput): StoredChecksum | undefined {
  for (const [field, value] of Object.entries(head)) {
    const match = CHECKSUM_FIELD.exec(field);
    if (match && typeof value === "string" && value !== "") return { algorithm: match[1]!, value, type: head.ChecksumType };
  }
  return undefined;
}

export function versionFacts(head: HeadObjectCommandOutput): VersionFacts {
  return {
    versionId: head.VersionId,
    etag: head.ETag,
    size: head.ContentLength,
    storageClass: head.StorageClass,
    archiveStatus: head.ArchiveStatus,
    restore: head.Restore,
    encryption:
      head.ServerSideEncryption !== undefined
        ? { algorithm: head.ServerSideEncryption, kmsKeyId: head.SSEKMSKeyId, bucketKeyEnabled: head.BucketKeyEnabled }
        : undefined,
    customerKey: head.SSECustomerAlgorithm !== undefined,
    checksum: storedChecksum(head),
    replicationStatus: head.ReplicationStatus,
    head,
  };
}

/**
 * HEAD of a key (its current entry) or of one version, with its checksum. A delete marker
 * is an answer, not an error: S3 answers 404 (current marker) or 405 (a marker's version
 * id) with `x-amz-delete-marker: true` and the marker's `x-amz-version-id`.
 */
export async function headObject(s3: S3Client, bucket: string, key: string, options: { versionId?: string; partNumber?: number } = {}): Promise<HeadResult> {
  try {
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: key,
        ChecksumMode: "ENABLED",
        ...(options.versionId !== undefined ? { VersionId: options.versionId } : {}),
        ...(options.partNumber !== undefined ? { PartNumber: options.partNumber } : {}),
      }),
    );
    return { kind: "version", facts: versionFacts(head) };
  } catch (error) {
    const status = httpStatusOf(error);
    const headers = (error as { $response?: { headers?: Record<string, string> } }).$response?.headers ?? {};
    const marker = headers["x-amz-delete-marker"];
    if (status === 405 && marker !== "false") return { kind: "delete-marker", versionId: headers["x-amz-version-id"] ?? options.versionId };
    if (status === 404 && marker === "true") return { kind: "delete-marker", versionId: headers["x-amz-version-id"] };
    if (status === 404) return { kind: "absent" };
    const what = options.versionId !== undefined ? `version ${options.versionId} of s3://${bucket}/${key}` : `s3://${bucket}/${key}`;
    return rethrowAws(`read ${what}`, error);
  }
}

export interface BodyDigest {
  versionId: string | undefined;
  size: number;
  /** MD5 of the bytes read, hex. */
  md5: string;
  etag: string | undefined;
  encryption: string | undefined;
  /** S3 sent a whole-object checksum and the SDK checked the bytes against it (it throws on a mismatch). */
  checksumChecked: boolean;
}

/**
 * Reads one version's bytes, streaming, and returns their MD5 with what S3 says of them.
 * ChecksumMode ENABLED makes S3 send a stored whole-object checksum, which the SDK checks
 * the bytes against as they arrive; a mismatch fails the read.
 */
export async function readVersionDigest(s3: S3Client, bucket: string, key: string, versionId: string): Promise<BodyDigest> {
  return callAws(`read version ${versionId} of s3://${bucket}/${key}`, async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, ChecksumMode: "ENABLED" }));
    const md5 = createHash("md5");
    let size = 0;
    for await (const chunk of got.Body as AsyncIterable<Uint8Array>) {
      md5.update(chunk);
      size += chunk.length;
    }
    const checksumChecked = got.ChecksumType !== "COMPOSITE" && [got.ChecksumCRC32, got.ChecksumCRC32C, got.ChecksumCRC64NVME, got.ChecksumSHA1, got.ChecksumSHA256].some((c) => c !== undefined && c !== "");
    return { versionId: got.VersionId, size, md5: md5.digest("hex"), etag: got.ETag, encryption: got.ServerSideEncryption, checksumChecked };
  });
}

export async function readObjectTags(s3: S3Client, bucket: string, key: string, versionId: string): Promise<Array<{ key: string; value: string }>> {
  const tagging = await callAws(`read the tags of version ${versionId} of s3://${bucket}/${key}`, () =>
    s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId })),
  );
  return (tagging.TagSet ?? []).map((t) => ({ key: t.Key ?? "", value: t.Value ?? "" }));
}

// ---------------------------------------------------------------------------------------------
// Writes

/**
 * A conditional write on the key's current version (S3 conditional writes): `ifMatch` its
 * ETag, or `ifNoneMatch: "*"` when the key has no current version (none, or a delete
 * marker). S3 answers 412 when the condition does not hold, and the write is not made.
 */
export type WriteCondition = { ifMatch: string } | { ifNoneMatch: "*" };

/** A conditional write that S3 refused because the key changed. */
export const CONDITION_FAILED = "condition-failed" as const;
export type ConditionFailed = typeof CONDITION_FAILED;

/**
 * Whether S3 refused a conditional write because the key is no longer as the condition
 * says: 412 (or 409 when a concurrent write won), and for `ifMatch` also 404 NoSuchKey,
 * S3's answer when the key has no current version any more.
 */
function conditionRefused(error: unknown, condition: WriteCondition | undefined): boolean {
  if (condition === undefined) return false;
  return isConditionFailed(error) || ("ifMatch" in condition && (isAwsError(error, "NoSuchKey") || httpStatusOf(error) === 404));
}

function conditionHeaders(condition: WriteCondition | undefined): { IfMatch?: string; IfNoneMatch?: string } {
  if (condition === undefined) return {};
  return "ifMatch" in condition ? { IfMatch: condition.ifMatch } : { IfNoneMatch: condition.ifNoneMatch };
}

function encryptionHeaders(encryption: Encryption | undefined): { ServerSideEncryption?: ServerSideEncryption; SSEKMSKeyId?: string; BucketKeyEnabled?: boolean } {
  if (encryption === undefined) return {};
  return {
    ServerSideEncryption: encryption.algorithm as ServerSideEncryption,
    ...(encryption.kmsKeyId !== undefined ? { SSEKMSKeyId: encryption.kmsKeyId } : {}),
    ...(encryption.bucketKeyEnabled !== undefined ? { BucketKeyEnabled: encryption.bucketKeyEnabled } : {}),
  };
}

/** A key URL-encoded per path segment, as `CopySource` and Batch Operations manifests want it (S3 decodes it; spaces, `+`, unicode survive). Pure. */
export function encodeKey(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}

/** `CopySource` for a version. Pure. */
export function copySource(bucket: string, key: string, versionId: string): string {
  return `${bucket}/${encodeKey(key)}?versionId=${encodeURIComponent(versionId)}`;
}

export interface CopyOverRequest {
  bucket: string;
  key: string;
  sourceVersionId: string;
  /** The source's encryption: a copy without it takes the bucket default instead. */
  encryption?: Encryption | undefined;
  /** Omitted for STANDARD, S3's default. */
  storageClass?: string | undefined;
  condition?: WriteCondition | undefined;
}

/** A single-request server-side copy of one version of a key onto the same key: it becomes the current version. */
export async function copyVersionOver(s3: S3Client, request: CopyOverRequest): Promise<{ versionId: string | undefined } | ConditionFailed> {
  try {
    const response = await s3.send(
      new CopyObjectCommand({
        Bucket: request.bucket,
        Key: request.key,
        CopySource: copySource(request.bucket, request.key, request.sourceVersionId),
        ...encryptionHeaders(request.encryption),
        ...(request.storageClass !== undefined ? { StorageClass: request.storageClass as StorageClass } : {}),
        ...conditionHeaders(request.condition),
      }),
    );
    return { versionId: response.VersionId };
  } catch (error) {
    if (conditionRefused(error, request.condition)) return CONDITION_FAILED;
    return rethrowAws(`copy version ${request.sourceVersionId} of s3://${request.bucket}/${request.key} over its current version`, error);
  }
}

export interface MultipartStart {
  bucket: string;
  key: string;
  /** The source's HEAD: content headers and metadata are carried over from it. */
  head: HeadObjectCommandOutput;
  tags: Array<{ key: string; value: string }>;
  encryption?: Encryption | undefined;
  storageClass?: string | undefined;
}

/** Starts a multipart upload that will carry the source's content headers, metadata, tags, encryption and class (a multipart upload starts empty). */
export async function startMultipartUpload(s3: S3Client, start: MultipartStart): Promise<string> {
  const { head } = start;
  const tagging = start.tags.map((t) => `${encodeURIComponent(t.key)}=${encodeURIComponent(t.value)}`).join("&");
  const created = await callAws(`start a multipart copy to s3://${start.bucket}/${start.key}`, () =>
    s3.send(
      new CreateMultipartUploadCommand({
        Bucket: start.bucket,
        Key: start.key,
        ...(head.ContentType !== undefined ? { ContentType: head.ContentType } : {}),
        ...(head.CacheControl !== undefined ? { CacheControl: head.CacheControl } : {}),
        ...(head.ContentDisposition !== undefined ? { ContentDisposition: head.ContentDisposition } : {}),
        ...(head.ContentEncoding !== undefined ? { ContentEncoding: head.ContentEncoding } : {}),
        ...(head.ContentLanguage !== undefined ? { ContentLanguage: head.ContentLanguage } : {}),
        ...(head.WebsiteRedirectLocation !== undefined ? { WebsiteRedirectLocation: head.WebsiteRedirectLocation } : {}),
        ...(head.Metadata !== undefined ? { Metadata: head.Metadata } : {}),
        ...encryptionHeaders(start.encryption),
        ...(start.storageClass !== undefined ? { StorageClass: start.storageClass as StorageClass } : {}),
        ...(tagging !== "" ? { Tagging: tagging } : {}),
      }),
    ),
  );
  return created.UploadId!;
}

export interface PartCopy {
  bucket: string;
  key: string;
  uploadId: string;
  partNumber: number;
  sourceVersionId: string;
  /** Inclusive byte range; undefined copies the whole (empty) object. */
  range?: { first: number; last: number } | undefined;
}

/** One UploadPartCopy; returns the part's ETag. */
export async function copyPart(s3: S3Client, part: PartCopy): Promise<string> {
  const response = await callAws(`copy part ${part.partNumber} of version ${part.sourceVersionId} of s3://${part.bucket}/${part.key}`, () =>
    s3.send(
      new UploadPartCopyCommand({
        Bucket: part.bucket,
        Key: part.key,
        UploadId: part.uploadId,
        PartNumber: part.partNumber,
        CopySource: copySource(part.bucket, part.key, part.sourceVersionId),
        ...(part.range !== undefined ? { CopySourceRange: `bytes=${part.range.first}-${part.range.last}` } : {}),
      }),
    ),
  );
  return response.CopyPartResult?.ETag ?? "";
}

export async function completeMultipartUpload(
  s3: S3Client,
  request: { bucket: string; key: string; uploadId: string; parts: Array<{ partNumber: number; etag: string }>; condition?: WriteCondition | undefined },
): Promise<{ versionId: string | undefined } | ConditionFailed> {
  try {
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: request.bucket,
        Key: request.key,
        UploadId: request.uploadId,
        MultipartUpload: { Parts: request.parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        ...conditionHeaders(request.condition),
      }),
    );
    return { versionId: done.VersionId };
  } catch (error) {
    if (conditionRefused(error, request.condition)) return CONDITION_FAILED;
    return rethrowAws(`complete the multipart copy to s3://${request.bucket}/${request.key}`, error);
  }
}

/**
 * Aborts one upload of one key: "aborted", or "gone" when S3 has no such upload (already
 * completed or aborted; S3 answers NoSuchUpload, and never removes an object for it).
 */
export async function abortUpload(s3: S3Client, bucket: string, key: string, uploadId: string): Promise<"aborted" | "gone"> {
  try {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    return "aborted";
  } catch (error) {
    if (isAwsError(error, "NoSuchUpload") || httpStatusOf(error) === 404) return "gone";
    return rethrowAws(`abort multipart upload ${uploadId} of s3://${bucket}/${key}`, error);
  }
}

/**
 * Aborts an upload (an abandoned one keeps billing for its parts); a failure to abort is
 * ignored, the caller reports its own. Returns whether the upload is surely no longer open.
 */
export async function abortMultipartUpload(s3: S3Client, bucket: string, key: string, uploadId: string): Promise<boolean> {
  return abortUpload(s3, bucket, key, uploadId).then(
    () => true,
    () => false,
  );
}

export interface OpenUpload {
  key: string;
  uploadId: string;
  /** When S3 says it was created (moto answers a fixed date). */
  initiated: Date | undefined;
}

/** Pages of ListMultipartUploads read at most: the uploads are for naming, not for a bulk job. */
const UPLOAD_PAGES = 10;

/** The multipart uploads open under a prefix, in key order; `complete` is false when there were more than the pages read. */
export async function listOpenUploads(s3: S3Client, bucket: string, prefix: string): Promise<{ uploads: OpenUpload[]; complete: boolean }> {
  const uploads: OpenUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (let page = 0; page < UPLOAD_PAGES; page++) {
    const answer = await callAws(`list the open multipart uploads under s3://${bucket}/${prefix}`, () =>
      s3.send(
        new ListMultipartUploadsCommand({
          Bucket: bucket,
          ...(prefix !== "" ? { Prefix: prefix } : {}),
          ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
          ...(uploadIdMarker !== undefined ? { UploadIdMarker: uploadIdMarker } : {}),
        }),
      ),
    );
    for (const u of answer.Uploads ?? []) if (u.Key !== undefined && u.UploadId !== undefined) uploads.push({ key: u.Key, uploadId: u.UploadId, initiated: u.Initiated });
    const nextKey = answer.NextKeyMarker || undefined;
    const nextId = answer.NextUploadIdMarker || undefined;
    if (answer.IsTruncated !== true || nextKey === undefined || (nextKey === keyMarker && nextId === uploadIdMarker)) return { uploads, complete: true };
    keyMarker = nextKey;
    uploadIdMarker = nextId;
  }
  return { uploads, complete: false };
}

/**
 * A versioned DeleteObject of one delete marker's version id: the only permanent removal
 * the tool makes. Called only by automation/assets/delete-marker.ts, after S3 confirmed
 * that this version id is a delete marker. Returns whether S3 says it was one.
 */
export async function deleteMarkerVersion(s3: S3Client, bucket: string, key: string, versionId: string): Promise<{ wasDeleteMarker: boolean | undefined }> {
  const response = await callAws(`remove delete marker ${versionId} of s3://${bucket}/${key}`, () =>
    s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId })),
  );
  return { wasDeleteMarker: response.DeleteMarker };
}

/**
 * A DeleteObject without a version id: on a versioned bucket it deletes nothing and adds
 * a delete marker on top. With `ifMatch`, S3 adds it only while the current version still
 * has that ETag. Called only by automation/assets/delete-marker.ts.
 */
export async function addDeleteMarker(
  s3: S3Client,
  bucket: string,
  key: string,
  condition?: { ifMatch: string },
): Promise<{ versionId: string | undefined; deleteMarker: boolean | undefined } | ConditionFailed> {
  try {
    const response = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, ...(condition !== undefined ? { IfMatch: condition.ifMatch } : {}) }));
    return { versionId: response.VersionId, deleteMarker: response.DeleteMarker };
  } catch (error) {
    if (conditionRefused(error, condition)) return CONDITION_FAILED;
    return rethrowAws(`add a delete marker to s3://${bucket}/${key}`, error);
  }
}

/** Uploads a small object (a Batch Operations manifest); returns its ETag and version id. */
export async function putObjectBody(
  s3: S3Client,
  request: { bucket: string; key: string; body: Buffer | Readable; contentLength?: number; contentType: string },
): Promise<{ etag: string; versionId: string | undefined }> {
  const response = await callAws(`upload s3://${request.bucket}/${request.key}`, () =>
    s3.send(
      new PutObjectCommand({
        Bucket: request.bucket,
        Key: request.key,
        Body: request.body,
        ContentType: request.contentType,
        ...(request.contentLength !== undefined ? { ContentLength: request.contentLength } : {}),
      }),
    ),
  );
  return { etag: response.ETag ?? "", versionId: response.VersionId };
}
