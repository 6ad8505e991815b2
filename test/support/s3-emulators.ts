/**
 * The asset tests run on two S3 implementations, moto and versitygw, so that no behaviour
 * rests on one emulator's quirks. Where one of them departs from S3's documented
 * behaviour, `supports` says so, and a test that needs that behaviour proves it on the
 * emulator that has it (docs/testing.md, "moto and versitygw").
 */
import type { AwsClientOptions } from "../../automation/aws/clients";
import type { S3Client } from "@aws-sdk/client-s3";
import { BucketHistory } from "./bucket-history";
import { EmulatorHandle, motoEndpoint, useServer } from "./emulator";
import { ACCESS_KEY, SECRET_KEY } from "./versitygw";

export type S3EmulatorName = "moto" | "versitygw";

export interface S3Behaviours {
  /** SSE-S3 / SSE-KMS are stored and reported, a copy without them takes the bucket default (versitygw ignores encryption). */
  encryption: boolean;
  /** Storage classes other than STANDARD are kept (versitygw stores every object as STANDARD). */
  storageClasses: boolean;
  /**
   * Null versions (written before versioning was enabled) behave as S3 documents. versitygw
   * makes a null version current when the delete marker above it and newer versions is
   * removed (S3: the newest), and ends a listing whose page stopped at a null version.
   */
  nullVersions: boolean;
  /** A multipart upload with a FULL_OBJECT CRC64NVME checksum reports the checksum of the whole object (moto reports another value). */
  fullObjectChecksums: boolean;
  /**
   * Entries of one key written within one second are listed in the order they were written
   * (S3: millisecond stamps and the body's order; versitygw through its proxy). moto stamps
   * whole seconds and lists versions before markers, so only IsLatest orders such a tie.
   */
  subSecondOrder: boolean;
  /**
   * A page starts after NextKeyMarker/NextVersionIdMarker. versitygw starts at them when a
   * page ended on a key's current version, listing that version again (one-entry pages
   * never progress), and names as NextKeyMarker of a delimiter page the key it did not list yet.
   */
  exclusiveMarkers: boolean;
  /** CompleteMultipartUpload honours If-Match (moto ignores it). */
  conditionalComplete: boolean;
  /** Bucket lifecycle configurations are stored (versitygw answers NotImplemented). */
  lifecycle: boolean;
  /** PutBucketReplication / GetBucketReplication store and answer a configuration (versitygw: NotImplemented). Neither replicates anything. */
  replicationConfiguration: boolean;
  /**
   * A CopyObject into a bucket with an Object Lock default retention is refused unless it
   * names a checksum (MissingUploadObjectWithObjectLockHeaders). S3 documents the rule for
   * uploads (PutObject: Content-MD5 or x-amz-sdk-checksum-algorithm); whether S3 applies it
   * to a server-side copy is not documented (moto does, versitygw doesn't).
   */
  lockedCopyNeedsChecksum: boolean;
}

export interface S3Emulator extends EmulatorHandle {
  readonly name: S3EmulatorName;
  readonly supports: S3Behaviours;
  /** A new bucket and its recorded history, with checkpoints as fine as this emulator's stamps. */
  history(s3: S3Client, bucket: string, options?: Omit<Parameters<typeof BucketHistory.create>[2], "stampMs">): Promise<BucketHistory>;
}

const EMULATORS: Record<S3EmulatorName, { endpoint: () => string | undefined; reset: string; defaults?: AwsClientOptions; supports: S3Behaviours }> = {
  moto: {
    endpoint: motoEndpoint,
    reset: "/moto-api/reset",
    supports: { encryption: true, storageClasses: true, nullVersions: true, fullObjectChecksums: false, subSecondOrder: false, exclusiveMarkers: true, conditionalComplete: false, lifecycle: true, replicationConfiguration: true, lockedCopyNeedsChecksum: true },
  },
  versitygw: {
    endpoint: () => process.env.GAMETRACKER_TEST_VERSITYGW,
    reset: "/__reset",
    // versitygw refuses session tokens (InvalidToken), which the test environment sets.
    defaults: { credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY } },
    supports: { encryption: false, storageClasses: false, nullVersions: false, fullObjectChecksums: true, subSecondOrder: true, exclusiveMarkers: false, conditionalComplete: true, lifecycle: false, replicationConfiguration: false, lockedCopyNeedsChecksum: false },
  },
};

/** `describe(title (moto))` and `describe(title (versitygw))`, each with its emulator reset before every test. */
export function describeOnS3Emulators(title: string, body: (emulator: S3Emulator) => void): void {
  for (const name of Object.keys(EMULATORS) as S3EmulatorName[]) {
    const spec = EMULATORS[name];
    describe(`${title} (${name})`, () => {
      const handle = useServer(spec.endpoint, spec.reset, spec.defaults);
      const history: S3Emulator["history"] = (s3, bucket, options = {}) => BucketHistory.create(s3, bucket, { ...options, stampMs: spec.supports.subSecondOrder ? 1 : 1000 });
      body({ ...handle, name, supports: spec.supports, history });
    });
  }
}
