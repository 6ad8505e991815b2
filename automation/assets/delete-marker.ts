import { S3Client } from "@aws-sdk/client-s3";
import { addDeleteMarker, CONDITION_FAILED, deleteMarkerVersion, headObject } from "../aws/s3";
import { OperationError } from "../errors";
import { DeleteMarker, HistoryEntry, ObjectVersion } from "./history";

/**
 * The only module that calls the S3 edge's two deletions (a test keeps it that way).
 * Asset recovery never deletes an object version; the two deletions it knows are:
 *  - removing a delete marker (a versioned DeleteObject of the marker's id), and
 *  - hiding a key behind a new delete marker (a DeleteObject without a version id,
 *    which on a versioned bucket deletes nothing).
 * Both check what they are about to do first, so a wrong caller can't turn them into
 * a permanent deletion of data, nor undo a write the application made since the plan.
 */

/** `changed`: the key's current entry is no longer the marker the plan saw (the application wrote or deleted it since). */
export type MarkerRemoval = "removed" | "already-gone" | "changed";

/**
 * Permanently removes one delete marker, only while it is the key's current entry.
 * Refuses anything that is not a marker: the entry must have been listed as one (the
 * type), and S3 must confirm it right now. One HEAD of the key does both on S3: it
 * answers 404 with `x-amz-delete-marker: true` and the current marker's version id.
 * Otherwise the marker's own version id is asked about (405 with the marker header for
 * a marker, 200 for a real version, 404 when it is gone): a marker under a newer entry
 * (the application wrote or deleted the key since) is left alone, as "changed"; where a
 * server does not name the current marker (versitygw), an existing marker is removed.
 */
export async function removeDeleteMarker(s3: S3Client, bucket: string, marker: DeleteMarker): Promise<MarkerRemoval> {
  const entry = marker as HistoryEntry;
  if (entry.kind !== "delete-marker") {
    throw new OperationError(`Refusing to delete version ${entry.versionId} of ${JSON.stringify(entry.key)}: it is an object version, not a delete marker.`);
  }
  const current = await headObject(s3, bucket, marker.key);
  const confirmed = current.kind === "delete-marker" && current.versionId === marker.versionId;
  if (!confirmed) {
    // The marker is not (known to be) current: it is gone, or something else is on top, or the server did not say.
    const own = await headObject(s3, bucket, marker.key, { versionId: marker.versionId });
    if (own.kind === "absent") return "already-gone";
    if (own.kind === "version") {
      throw new OperationError(`Refusing to delete version ${marker.versionId} of ${JSON.stringify(marker.key)} in ${bucket}: S3 reports it as an object version, not a delete marker; nothing was deleted.`);
    }
    if (current.kind === "version" || (current.kind === "delete-marker" && current.versionId !== undefined)) return "changed";
  }
  const removed = await deleteMarkerVersion(s3, bucket, marker.key, marker.versionId);
  if (removed.wasDeleteMarker === false) {
    throw new OperationError(`S3 says version ${marker.versionId} of ${JSON.stringify(marker.key)} that was just removed was not a delete marker; check the bucket's version history with assets versions.`);
  }
  return "removed";
}

/**
 * Hides a key behind a new delete marker, only while `current` is still its current
 * version (S3 conditional delete on its ETag). Every version stays; `assets undelete`
 * brings it back. Must only be called on a bucket whose versioning is Enabled (the
 * callers check it before the plan and again before applying).
 */
export async function hideKey(s3: S3Client, bucket: string, current: Pick<ObjectVersion, "key" | "etag">): Promise<string | "changed"> {
  const response = await addDeleteMarker(s3, bucket, current.key, { ifMatch: current.etag });
  if (response === CONDITION_FAILED) return "changed";
  if (response.deleteMarker !== true || response.versionId === undefined || response.versionId === "null") {
    throw new OperationError(`Hiding ${JSON.stringify(current.key)} in ${bucket} did not create a versioned delete marker; versioning may have been suspended meanwhile: check it before running again.`);
  }
  return response.versionId;
}
