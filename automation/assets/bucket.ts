import { S3Client } from "@aws-sdk/client-s3";
import { readBucketVersioning } from "../aws/s3";
import { UsageError } from "../errors";

/**
 * Refuses buckets whose history can't be trusted before anything is read or written:
 * unknown buckets, buckets that never had versioning (nothing to restore from), and
 * suspended versioning (an overwrite there replaces the `null` version for good, so a
 * copy-back could destroy the very content it is meant to save).
 */
export async function assertVersionedBucket(s3: S3Client, bucket: string): Promise<void> {
  const status = await readBucketVersioning(s3, bucket);
  if (status === undefined) {
    throw new UsageError(`Bucket ${bucket} does not exist (or is not visible to these credentials and region); check --bucket or the stack's assetsBucketName output.`);
  }
  if (status === "Enabled") return;
  if (status === "Suspended") {
    throw new UsageError(`Bucket ${bucket} has versioning suspended, where an overwrite destroys the previous null version; re-enable versioning (aws s3api put-bucket-versioning --versioning-configuration Status=Enabled) before restoring.`);
  }
  throw new UsageError(`Bucket ${bucket} is not versioned, so it keeps no older versions to restore; enable versioning on it (the GameTracker assets bucket has it by construction).`);
}
