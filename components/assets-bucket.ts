/**
 * The bucket of character images and other game assets. Versioning is what makes an
 * overwritten or deleted image recoverable, so it is on by construction, and the
 * lifecycle only ever trims old *noncurrent* versions beyond the newest K.
 *
 * For region loss, a primary's bucket replicates to a bucket in the standby region
 * (`replicationBucket`, an AssetsReplication child), and the standby's bucket is that
 * replica (`replicaSourceBucket`): tagged gametracker:replica-of and under S3 Object Lock,
 * so no credential erases a replica version inside the retention.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { InvalidConfigError, show, validateWholeNumber } from "./errors";

export { validateWholeNumber } from "./errors";
import { BUCKET_NAME_RULE, bucketNameProblem } from "../contracts/aws-names";
import { ASSETS_ROLE, TagKeys } from "../contracts/tags";
import { AssetsReplication, AssetsReplicationPlan, planAssetsReplication } from "./assets-replication";

export const DEFAULT_BUCKET_NAME = "gametracker-assets";
export const DEFAULT_NONCURRENT_EXPIRATION_DAYS = 30;
export const DEFAULT_NONCURRENT_VERSIONS_TO_KEEP = 3;
export const DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS = 7;
export const DEFAULT_OBJECT_LOCK_RETENTION_DAYS = 30;
/** S3 takes a default retention of at most 100 years (PutObjectLockConfiguration, DefaultRetention). */
export const MAX_OBJECT_LOCK_RETENTION_DAYS = 36500;
/** S3 Object Lock's retention modes: in GOVERNANCE a principal with s3:BypassGovernanceRetention may still delete; in COMPLIANCE no one can, root included. */
export const OBJECT_LOCK_MODES = ["GOVERNANCE", "COMPLIANCE"] as const;
export type ObjectLockMode = (typeof OBJECT_LOCK_MODES)[number];
export function validateBucketName(value: unknown, key: string): string {
  const problem = typeof value === "string" ? bucketNameProblem(value) : "it is not a string";
  if (problem !== undefined) throw new InvalidConfigError(key, `${key} is ${show(value)}, but an S3 bucket name must be ${BUCKET_NAME_RULE} (${problem}).`);
  return value as string;
}

export interface LifecyclePolicy {
  /** Days a version stays after it stops being current, before it may expire. */
  noncurrentVersionExpirationDays: number;
  /** Noncurrent versions always kept, however old (S3 allows 1–100). */
  noncurrentVersionsToKeep: number;
  /** Days before an unfinished multipart upload's parts are removed. */
  abortIncompleteUploadDays: number;
}

/**
 * The lifecycle rules. No rule expires *current* objects or delete markers on a
 * schedule: only noncurrent versions older than N days and beyond the newest K go.
 */
export function lifecycleRules(policy: LifecyclePolicy): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  return [
    {
      id: "expire-old-noncurrent-versions",
      status: "Enabled",
      filter: {},
      noncurrentVersionExpiration: {
        noncurrentDays: policy.noncurrentVersionExpirationDays,
        newerNoncurrentVersions: policy.noncurrentVersionsToKeep,
      },
    },
    {
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: {},
      abortIncompleteMultipartUpload: { daysAfterInitiation: policy.abortIncompleteUploadDays },
    },
  ];
}

/** Refuses any request that is not over TLS. */
export function tlsOnlyPolicy(bucketArn: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

export interface AssetsBucketArgs {
  /** Bucket name (global across AWS). Default `gametracker-assets`. */
  readonly bucketName?: string;
  /** Days before a noncurrent version may expire. Default 30. */
  readonly noncurrentVersionExpirationDays?: number;
  /** Newest noncurrent versions kept regardless of age, 1–100. Default 3. */
  readonly noncurrentVersionsToKeep?: number;
  /** Days before incomplete multipart uploads are aborted. Default 7. */
  readonly abortIncompleteUploadDays?: number;
  /** KMS key for SSE-KMS; unset means SSE-S3 (AES256). */
  readonly kmsKeyId?: pulumi.Input<string>;
  /** S3 Object Lock's default retention mode for every new version; unset: no Object Lock. Object Lock can't be turned off again. */
  readonly objectLockMode?: ObjectLockMode;
  /** Days each new version is locked, 1–36500. Default 30; only with objectLockMode. */
  readonly objectLockRetentionDays?: number;
  /** The bucket this one is the S3 Replication replica of; tags it gametracker:replica-of and needs objectLockMode. */
  readonly replicaSourceBucket?: string;
  /** A bucket in another region to replicate to with S3 Replication (created beforehand: S3 refuses a destination that doesn't exist or isn't versioned). */
  readonly replicationBucket?: string;
  /** The region of replicationBucket. */
  readonly replicationRegion?: string;
  /** KMS key ARN of replicationRegion that SSE-KMS objects are re-encrypted with; unset: SSE-KMS objects are not replicated. */
  readonly replicationKmsKeyId?: string;
  /** S3 Replication Time Control (15-minute SLA) with its metrics. */
  readonly replicationTimeControl?: boolean;
  readonly tags?: Record<string, string>;
}

export interface ObjectLockPolicy {
  mode: ObjectLockMode;
  retentionDays: number;
}

export interface AssetsBucketPlan {
  bucketName: string;
  lifecycle: LifecyclePolicy;
  objectLock: ObjectLockPolicy | undefined;
  replicaSourceBucket: string | undefined;
  replication: AssetsReplicationPlan | undefined;
}

export function planAssetsBucket(args: AssetsBucketArgs, key: (arg: string) => string = (k) => `AssetsBucketArgs.${k}`): AssetsBucketPlan {
  const bucketName = validateBucketName(args.bucketName ?? DEFAULT_BUCKET_NAME, key("bucketName"));
  let objectLock: ObjectLockPolicy | undefined;
  if (args.objectLockMode !== undefined) {
    if (!(OBJECT_LOCK_MODES as readonly string[]).includes(args.objectLockMode)) {
      throw new InvalidConfigError(key("objectLockMode"), `${key("objectLockMode")} is ${show(args.objectLockMode)}, but it must be one of ${OBJECT_LOCK_MODES.join(", ")}.`);
    }
    const days = validateWholeNumber(args.objectLockRetentionDays ?? DEFAULT_OBJECT_LOCK_RETENTION_DAYS, key("objectLockRetentionDays"), 1, MAX_OBJECT_LOCK_RETENTION_DAYS, "days");
    objectLock = { mode: args.objectLockMode, retentionDays: days };
  } else if (args.objectLockRetentionDays !== undefined) {
    throw new InvalidConfigError(
      key("objectLockRetentionDays"),
      `${key("objectLockRetentionDays")} is ${show(args.objectLockRetentionDays)}, but ${key("objectLockMode")} is unset, so nothing is locked; set the mode too or drop the retention.`,
    );
  }
  let replicaSourceBucket: string | undefined;
  if (args.replicaSourceBucket !== undefined) {
    replicaSourceBucket = validateBucketName(args.replicaSourceBucket, key("replicaSourceBucket"));
    if (replicaSourceBucket === bucketName) {
      throw new InvalidConfigError(key("replicaSourceBucket"), `${key("replicaSourceBucket")} is ${show(replicaSourceBucket)}, but that is this bucket itself; name the primary's bucket it receives replicas of.`);
    }
    if (objectLock === undefined) {
      throw new InvalidConfigError(
        key("objectLockMode"),
        `${key("objectLockMode")} is unset, but ${key("replicaSourceBucket")} makes this bucket a replica, and a replica must be locked so that no credential can erase it; set it to governance or compliance.`,
      );
    }
  }
  const replication = planAssetsReplication(args, bucketName, key);
  if (replication !== undefined && replicaSourceBucket !== undefined) {
    throw new InvalidConfigError(
      key("replicationBucket"),
      `${key("replicationBucket")} is ${show(args.replicationBucket)}, but this bucket is itself a replica (${key("replicaSourceBucket")}), and S3 does not replicate replicas onwards; replicate from the primary's bucket.`,
    );
  }
  return {
    bucketName,
    objectLock,
    replicaSourceBucket,
    replication,
    lifecycle: {
      noncurrentVersionExpirationDays: validateWholeNumber(args.noncurrentVersionExpirationDays ?? DEFAULT_NONCURRENT_EXPIRATION_DAYS, key("noncurrentVersionExpirationDays"), 1, 3650, "days"),
      noncurrentVersionsToKeep: validateWholeNumber(args.noncurrentVersionsToKeep ?? DEFAULT_NONCURRENT_VERSIONS_TO_KEEP, key("noncurrentVersionsToKeep"), 1, 100, "versions"),
      abortIncompleteUploadDays: validateWholeNumber(args.abortIncompleteUploadDays ?? DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS, key("abortIncompleteUploadDays"), 1, 365, "days"),
    },
  };
}

/** The Object Lock configuration S3 gets: enabled, with a default retention for every new version (replicas included). Pure. */
export function objectLockRule(policy: ObjectLockPolicy): aws.types.input.s3.BucketObjectLockConfigurationRule {
  return { defaultRetention: { mode: policy.mode, days: policy.retentionDays } };
}

/** A versioned, private, encrypted S3 bucket with a lifecycle that never touches current objects. */
export class AssetsBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly bucket: aws.s3.Bucket;

  constructor(name: string, args: AssetsBucketArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    const plan = planAssetsBucket(args);
    super("gametracker:storage:AssetsBucket", name, {}, opts);
    const tags = {
      ...args.tags,
      [TagKeys.component]: "assets-bucket",
      [TagKeys.role]: ASSETS_ROLE,
      ...(plan.replicaSourceBucket !== undefined ? { [TagKeys.replicaOf]: plan.replicaSourceBucket } : {}),
    };
    const child = { parent: this };

    // No forceDestroy: a destroy must fail rather than delete every version of every asset.
    const bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: plan.bucketName, tags }, child);
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: args.kmsKeyId === undefined ? { sseAlgorithm: "AES256" } : { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyId },
            bucketKeyEnabled: args.kmsKeyId !== undefined,
          },
        ],
      },
      child,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    // S3 applies lifecycle rules to noncurrent versions only once versioning is on.
    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, { bucket: bucket.id, rules: lifecycleRules(plan.lifecycle) }, { parent: this, dependsOn: [versioning] });
    // After the public access block, so the policy is never evaluated as a possible public grant mid-update.
    new aws.s3.BucketPolicy(`${name}-tls-only`, { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyPolicy(arn))) }, { parent: this, dependsOn: [publicAccess] });
    // S3 enables Object Lock on an existing bucket once versioning is on (PutObjectLockConfiguration),
    // so the bucket itself is not created with objectLockEnabled, which would replace a bucket that exists.
    if (plan.objectLock !== undefined) {
      new aws.s3.BucketObjectLockConfiguration(
        `${name}-object-lock`,
        { bucket: bucket.id, objectLockEnabled: "Enabled", rule: objectLockRule(plan.objectLock) },
        { parent: this, dependsOn: [versioning] },
      );
    }
    // S3 refuses a replication configuration on a bucket whose versioning is not Enabled.
    if (plan.replication !== undefined) {
      new AssetsReplication(`${name}-replication`, { ...plan.replication, sourceBucket: bucket.id, sourceBucketArn: bucket.arn, tags: args.tags }, { parent: this, dependsOn: [versioning] });
    }

    this.bucket = bucket;
    this.bucketName = bucket.bucket;
    this.arn = bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
  }
}
