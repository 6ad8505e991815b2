/**
 * The bucket of character images and other game assets. Versioning is what makes an
 * overwritten or deleted image recoverable, so it is on by construction, and the
 * lifecycle only ever trims old *noncurrent* versions beyond the newest K.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { InvalidConfigError, show, validateWholeNumber } from "./errors";

export { validateWholeNumber } from "./errors";
import { BUCKET_NAME_RULE, bucketNameProblem } from "../contracts/aws-names";
import { ASSETS_ROLE, TagKeys } from "../contracts/tags";

export const DEFAULT_BUCKET_NAME = "gametracker-assets";
export const DEFAULT_NONCURRENT_EXPIRATION_DAYS = 30;
export const DEFAULT_NONCURRENT_VERSIONS_TO_KEEP = 3;
export const DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS = 7;
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
  readonly tags?: Record<string, string>;
}

export function planAssetsBucket(args: AssetsBucketArgs, key: (arg: string) => string = (k) => `AssetsBucketArgs.${k}`): { bucketName: string; lifecycle: LifecyclePolicy } {
  return {
    bucketName: validateBucketName(args.bucketName ?? DEFAULT_BUCKET_NAME, key("bucketName")),
    lifecycle: {
      noncurrentVersionExpirationDays: validateWholeNumber(args.noncurrentVersionExpirationDays ?? DEFAULT_NONCURRENT_EXPIRATION_DAYS, key("noncurrentVersionExpirationDays"), 1, 3650, "days"),
      noncurrentVersionsToKeep: validateWholeNumber(args.noncurrentVersionsToKeep ?? DEFAULT_NONCURRENT_VERSIONS_TO_KEEP, key("noncurrentVersionsToKeep"), 1, 100, "versions"),
      abortIncompleteUploadDays: validateWholeNumber(args.abortIncompleteUploadDays ?? DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS, key("abortIncompleteUploadDays"), 1, 365, "days"),
    },
  };
}

/** A versioned, private, encrypted S3 bucket with a lifecycle that never touches current objects. */
export class AssetsBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly bucket: aws.s3.Bucket;

  constructor(name: string, args: AssetsBucketArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    const plan = planAssetsBucket(args);
    super("gametracker:storage:AssetsBucket", name, {}, opts);
    const tags = { ...args.tags, [TagKeys.component]: "assets-bucket", [TagKeys.role]: ASSETS_ROLE };
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

    this.bucket = bucket;
    this.bucketName = bucket.bucket;
    this.arn = bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
  }
}
