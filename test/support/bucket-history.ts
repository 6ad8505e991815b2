/**
 * Builds a versioned bucket's history in an S3 emulator step by step and records, independently
 * of anything S3 lists, what every key held at each checkpoint. Tests and the
 * benchmark compare the bucket after a restore with `stateAt(checkpoint)`.
 *
 * Moto stamps LastModified in whole seconds, so a checkpoint there waits for the next
 * second boundary: every write before it lists at or before the checkpoint, every
 * write after it lists after (with millisecond stamps it waits a few milliseconds).
 */
import { createHash } from "node:crypto";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { runBounded } from "../../automation/assets/pool";

/**
 * `markerOnly` leaves a key with nothing but a delete marker, as S3 does for a DELETE
 * of a key that never existed. Moto creates no marker then, so the test setup writes a
 * version, hides it, and removes that version by id (setup only; the code under test
 * never does that).
 */
export type Op = { put: string; body: string } | { delete: string } | { markerOnly: string };

/** What each key holds: its body, absent keys missing. */
export type BucketState = Map<string, string>;

export function md5(body: string | Buffer): string {
  return createHash("md5").update(body).digest("hex");
}

export class BucketHistory {
  private readonly model: BucketState = new Map();
  /** The version id each present key's body was written as. */
  private readonly ids = new Map<string, string>();
  private readonly checkpoints: Array<{ at: Date; state: BucketState; ids: Map<string, string> }> = [];
  /** Every write this history made, in order: the number of versions and markers S3 must still have. */
  writes = 0;

  private constructor(
    readonly s3: S3Client,
    readonly bucket: string,
    /** How finely the server stamps LastModified: 1000 for whole seconds (moto), 1 for milliseconds (S3, versitygw through its proxy). */
    private readonly stampMs: number,
  ) {}

  /**
   * A new bucket. `beforeVersioning` objects are written while versioning is still off
   * (their version id lists as `null`); then versioning is enabled unless `versioning`
   * says otherwise.
   */
  static async create(
    s3: S3Client,
    bucket: string,
    options: { beforeVersioning?: Array<{ key: string; body: string }>; versioning?: "Enabled" | "Suspended" | "never"; stampMs?: number } = {},
  ): Promise<BucketHistory> {
    const history = new BucketHistory(s3, bucket, options.stampMs ?? 1000);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const { key, body } of options.beforeVersioning ?? []) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      history.model.set(key, body);
      history.ids.set(key, "null");
      history.writes++;
    }
    const versioning = options.versioning ?? "Enabled";
    if (versioning !== "never") {
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
      if (versioning === "Suspended") {
        await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Suspended" } }));
      }
    }
    return history;
  }

  /**
   * Applies operations: those on the same key in the given order, different keys with
   * up to `concurrency` in flight (same-key order is what makes a history).
   */
  async apply(ops: readonly Op[], concurrency = 1): Promise<void> {
    const byKey = new Map<string, Op[]>();
    for (const op of ops) {
      const key = "put" in op ? op.put : "delete" in op ? op.delete : op.markerOnly;
      byKey.set(key, [...(byKey.get(key) ?? []), op]);
    }
    await runBounded([...byKey.values()], concurrency, async (keyOps) => {
      for (const op of keyOps) {
        if ("put" in op) {
          const put = await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: op.put, Body: op.body }));
          this.model.set(op.put, op.body);
          this.ids.set(op.put, put.VersionId ?? "null");
        } else if ("delete" in op) {
          await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: op.delete }));
          this.model.delete(op.delete);
          this.ids.delete(op.delete);
        } else {
          const put = await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: op.markerOnly, Body: "setup" }));
          await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: op.markerOnly }));
          await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: op.markerOnly, VersionId: put.VersionId }));
          this.model.delete(op.markerOnly);
          this.ids.delete(op.markerOnly);
        }
        this.writes++;
      }
    });
  }

  /** Waits for the server's next stamp boundary and returns a moment that orders every write so far before it and every later one after it. */
  async checkpoint(): Promise<Date> {
    const now = Date.now();
    const boundary = Math.floor(now / this.stampMs) * this.stampMs + this.stampMs;
    await new Promise((r) => setTimeout(r, boundary - now + 20));
    const at = new Date(boundary - 1);
    this.checkpoints.push({ at, state: new Map(this.model), ids: new Map(this.ids) });
    return at;
  }

  private checkpointAt(at: Date) {
    const found = this.checkpoints.find((c) => c.at.getTime() === at.getTime());
    if (!found) throw new Error(`no checkpoint at ${at.toISOString()}`);
    return found;
  }

  /** What the bucket held at a checkpoint, from the recorded operations (not from S3). */
  stateAt(at: Date): BucketState {
    return new Map(this.checkpointAt(at).state);
  }

  /** The version id of what each key held at a checkpoint, as S3 answered the writes. */
  versionIdsAt(at: Date): Map<string, string> {
    return new Map(this.checkpointAt(at).ids);
  }

  /** What the bucket holds now according to the recorded operations. */
  current(): BucketState {
    return new Map(this.model);
  }
}

/** Restricts a state to keys under a prefix. */
export function underPrefix(state: BucketState, prefix: string): BucketState {
  return new Map([...state].filter(([k]) => k.startsWith(prefix)));
}

/** The bucket's current objects as key → ETag (no quotes), read with ListObjectsV2. */
export async function currentEtags(s3: S3Client, bucket: string, prefix = ""): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) result.set(o.Key!, (o.ETag ?? "").replace(/"/g, ""));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return result;
}

/** A state as key → ETag (MD5 of the body), to compare with `currentEtags`. */
export function etagsOf(state: BucketState): Map<string, string> {
  return new Map([...state].map(([k, body]) => [k, md5(body)]));
}

export function sortedEntries<V>(map: Map<string, V>): Array<[string, V]> {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface VersionCensus {
  /** `key\u0000versionId` of every version. */
  versions: Set<string>;
  /** `key\u0000versionId` of every delete marker. */
  markers: Set<string>;
}

/** Every version and delete marker in the bucket, read with plain paging (independent of the code under test). */
export async function census(s3: S3Client, bucket: string, prefix = ""): Promise<VersionCensus> {
  const versions = new Set<string>();
  const markers = new Set<string>();
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, ...(keyMarker !== undefined ? { KeyMarker: keyMarker, VersionIdMarker: versionIdMarker } : {}) }),
    );
    for (const v of page.Versions ?? []) versions.add(`${v.Key}\u0000${v.VersionId}`);
    for (const m of page.DeleteMarkers ?? []) markers.add(`${m.Key}\u0000${m.VersionId}`);
    if (!page.IsTruncated) return { versions, markers };
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

/** What changed between two censuses: versions must only ever be added. */
export function censusDiff(before: VersionCensus, after: VersionCensus): { versionsLost: string[]; versionsAdded: number; markersAdded: number; markersRemoved: number } {
  return {
    versionsLost: [...before.versions].filter((v) => !after.versions.has(v)),
    versionsAdded: [...after.versions].filter((v) => !before.versions.has(v)).length,
    markersAdded: [...after.markers].filter((m) => !before.markers.has(m)).length,
    markersRemoved: [...before.markers].filter((m) => !after.markers.has(m)).length,
  };
}

const MiB = 1024 * 1024;

/** Uploads `body` as a multipart upload of 5 MiB parts, as a client uploading a large file does: its ETag ends in -<parts>. */
export async function putInParts(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Buffer,
  extra: { ContentType?: string; Metadata?: Record<string, string>; CacheControl?: string; Tagging?: string } = {},
): Promise<void> {
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...extra }));
  const parts = [];
  for (let i = 0; i * 5 * MiB < body.length; i++) {
    const p = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: created.UploadId, PartNumber: i + 1, Body: body.subarray(i * 5 * MiB, Math.min(body.length, (i + 1) * 5 * MiB)) }));
    parts.push({ PartNumber: i + 1, ETag: p.ETag! });
  }
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: created.UploadId, MultipartUpload: { Parts: parts } }));
}
