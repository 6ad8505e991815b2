import { GetBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { OperationError, UsageError } from "../errors";

/**
 * Refuses buckets whose history can't be trusted before anything is read or written:
 * unknown buckets, buckets that never had versioning (nothing to restore from), and
 * suspended versioning (an overwrite there replaces the `null` version for good, so a
 * copy-back could destroy the very content it is meant to save).
 */
export async function assertVersionedBucket(s3: S3Client, bucket: string): Promise<void> {
  let status: string | undefined;
  try {
    status = (await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
  } catch (error) {
    const name = (error as { name?: string }).name;
    const code = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name === "NoSuchBucket" || code === 404) {
      throw new UsageError(`Bucket ${bucket} does not exist (or is not visible to these credentials and region); check --bucket or the stack's assetsBucketName output.`);
    }
    if (name === "AccessDenied" || code === 403) {
      throw new UsageError(`Access to bucket ${bucket} was denied (s3:GetBucketVersioning); use credentials allowed to read and restore its versions.`);
    }
    throw new OperationError(`Could not read the versioning status of bucket ${bucket}: ${(error as Error).message}`, { cause: error });
  }
  if (status === "Enabled") return;
  if (status === "Suspended") {
    throw new UsageError(`Bucket ${bucket} has versioning suspended, where an overwrite destroys the previous null version; re-enable versioning (aws s3api put-bucket-versioning --versioning-configuration Status=Enabled) before restoring.`);
  }
  throw new UsageError(`Bucket ${bucket} is not versioned, so it keeps no older versions to restore; enable versioning on it (the GameTracker assets bucket has it by construction).`);
}
