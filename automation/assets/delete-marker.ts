import { DeleteObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { OperationError } from "../errors";
import { DeleteMarker, HistoryEntry } from "./history";

/**
 * The only module that sends DeleteObject (a test keeps it that way). Asset recovery
 * never deletes an object version; the two deletions it knows are:
 *  - removing a delete marker (a versioned DeleteObject of the marker's id), and
 *  - hiding a key behind a new delete marker (a DeleteObject without a version id,
 *    which on a versioned bucket deletes nothing).
 * Both check what they are about to do first, so a wrong caller can't turn them into
 * a permanent deletion of data.
 */

export type MarkerRemoval = "removed" | "already-gone";

/**
 * Permanently removes one delete marker. Refuses anything that is not a marker: the
 * entry must have been listed as one (the type), and S3 must confirm it right now
 * (a HEAD of a marker's version id answers 405 with `x-amz-delete-marker: true`; a
 * HEAD of a real version answers 200, and then nothing is deleted).
 */
export async function removeDeleteMarker(s3: S3Client, bucket: string, marker: DeleteMarker): Promise<MarkerRemoval> {
  const entry = marker as HistoryEntry;
  if (entry.kind !== "delete-marker") {
    throw new OperationError(`Refusing to delete version ${entry.versionId} of ${JSON.stringify(entry.key)}: it is an object version, not a delete marker.`);
  }
  const state = await probeVersion(s3, bucket, marker.key, marker.versionId);
  if (state === "gone") return "already-gone";
  if (state === "version") {
    throw new OperationError(`Refusing to delete version ${marker.versionId} of ${JSON.stringify(marker.key)} in ${bucket}: S3 reports it as an object version, not a delete marker; nothing was deleted.`);
  }
  const response = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: marker.key, VersionId: marker.versionId }));
  if (response.DeleteMarker === false) {
    throw new OperationError(`S3 says version ${marker.versionId} of ${JSON.stringify(marker.key)} that was just removed was not a delete marker; check the bucket's version history with assets versions.`);
  }
  return "removed";
}

/**
 * Hides a key behind a new delete marker. Every version stays; `assets undelete`
 * brings it back. Must only be called on a bucket whose versioning is Enabled (the
 * callers check it before the plan and again before applying).
 */
export async function hideKey(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  const response = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  if (response.DeleteMarker !== true || response.VersionId === undefined || response.VersionId === "null") {
    throw new OperationError(`Hiding ${JSON.stringify(key)} in ${bucket} did not create a versioned delete marker; versioning may have been suspended meanwhile: check it before running again.`);
  }
  return response.VersionId;
}

type VersionState = "version" | "delete-marker" | "gone";

async function probeVersion(s3: S3Client, bucket: string, key: string, versionId: string): Promise<VersionState> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    return "version";
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
    const status = e.$metadata?.httpStatusCode;
    const markerHeader = e.$response?.headers?.["x-amz-delete-marker"];
    if (status === 405 && markerHeader !== "false") return "delete-marker";
    if (status === 404 && markerHeader !== "true") return "gone";
    throw new OperationError(`Could not check version ${versionId} of ${JSON.stringify(key)} in ${bucket} before removing it: ${e.name ?? "error"} (${status ?? "no status"}); nothing was deleted.`, { cause: error });
  }
}
