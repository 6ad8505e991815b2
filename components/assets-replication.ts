/**
 * S3 Replication of the assets bucket to a bucket in the standby region: the region-loss
 * copy of every image. The destination is the standby stack's own assets bucket (its
 * stack owns and locks it, so after a region loss nothing needs the home region); this
 * side owns the rule and the replication role, which is the least S3 documents for it.
 *
 * What the rule replicates, as S3 documents it ("What does Amazon S3 replicate?"): new
 * object versions and delete markers (so a replicated delete is undone in the replica as
 * at home); SSE-KMS objects only with a key of the destination region, re-encrypted with
 * it; never a DELETE of a specific version (which is what protects the replica from a
 * malicious delete), never objects written before the rule (S3 Batch Replication, `assets
 * replicate`, copies those), never SSE-C objects, lifecycle actions or replicas of replicas.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { InvalidConfigError, show } from "./errors";
import { BUCKET_NAME_RULE, bucketNameProblem, kmsKeyArnProblem, parseKmsArn, regionNameProblem } from "../contracts/aws-names";
import { TagKeys } from "../contracts/tags";

/** Replication Time Control's only threshold (S3 API Reference, ReplicationTimeValue: "Valid Values: 15"). */
export const REPLICATION_TIME_MINUTES = 15;
/** The rule's id, stable so that `check` can name it. */
export const REPLICATION_RULE_ID = "assets-to-standby-region";

export interface AssetsReplicationPlan {
  destinationBucket: string;
  destinationRegion: string;
  /** KMS key ARN in destinationRegion; unset: SSE-KMS objects are not replicated. */
  replicaKmsKeyId: string | undefined;
  replicationTimeControl: boolean;
}

export interface ReplicationSettingsArgs {
  readonly replicationBucket?: string;
  readonly replicationRegion?: string;
  readonly replicationKmsKeyId?: string;
  readonly replicationTimeControl?: boolean;
}

/**
 * The replication the arguments ask for, or undefined for none; every inconsistent
 * combination refused with one sentence naming the key. Pure.
 */
export function planAssetsReplication(args: ReplicationSettingsArgs, sourceBucket: string, key: (arg: string) => string): AssetsReplicationPlan | undefined {
  const bucket = args.replicationBucket;
  const region = args.replicationRegion;
  if (bucket === undefined) {
    const stray = (
      [
        ["replicationRegion", region],
        ["replicationKmsKeyId", args.replicationKmsKeyId],
        ["replicationTimeControl", args.replicationTimeControl === true ? true : undefined],
      ] as const
    ).find(([, v]) => v !== undefined);
    if (stray !== undefined) {
      throw new InvalidConfigError(
        key(stray[0]),
        `${key(stray[0])} is ${show(stray[1])}, but ${key("replicationBucket")} is unset, so nothing is replicated; set the standby stack's bucket there too, or drop it.`,
      );
    }
    return undefined;
  }
  const problem = bucketNameProblem(bucket);
  if (problem !== undefined) throw new InvalidConfigError(key("replicationBucket"), `${key("replicationBucket")} is ${show(bucket)}, but an S3 bucket name must be ${BUCKET_NAME_RULE} (${problem}).`);
  if (bucket === sourceBucket) {
    throw new InvalidConfigError(key("replicationBucket"), `${key("replicationBucket")} is ${show(bucket)}, but that is the assets bucket itself; name the standby stack's bucket in another region.`);
  }
  if (region === undefined) {
    throw new InvalidConfigError(
      key("replicationRegion"),
      `${key("replicationRegion")} is unset, but ${key("replicationBucket")} is set, and the replica's region is needed for its KMS key and for reading it back; set it, e.g. us-west-2.`,
    );
  }
  if (regionNameProblem(region) !== undefined) throw new InvalidConfigError(key("replicationRegion"), `${key("replicationRegion")} is ${show(region)}, but it must be an AWS region name such as us-west-2.`);
  const kms = args.replicationKmsKeyId;
  if (kms !== undefined) {
    const problem = kmsKeyArnProblem(kms);
    const arn = parseKmsArn(kms);
    if (problem !== undefined || arn === undefined) {
      throw new InvalidConfigError(
        key("replicationKmsKeyId"),
        `${key("replicationKmsKeyId")} is ${show(kms)}, but ${problem ?? "it is not a KMS key ARN"}: the replication role may encrypt with the replica's key only by its key ARN, arn:aws:kms:<region>:<account>:key/<id>.`,
      );
    }
    if (arn.region !== region) {
      throw new InvalidConfigError(
        key("replicationKmsKeyId"),
        `${key("replicationKmsKeyId")} is a key of ${arn.region}, but replicas in ${region} are encrypted with a key of that region (a KMS key exists in one region only); give a key ARN of ${region}.`,
      );
    }
  }
  return { destinationBucket: bucket, destinationRegion: region, replicaKmsKeyId: kms, replicationTimeControl: args.replicationTimeControl === true };
}

/** S3 assumes the replication role (S3 User Guide, "Setting up permissions for live replication"). */
export const S3_REPLICATION_TRUST_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

export interface ReplicationPolicyScope {
  partition: string;
  accountId: string;
  sourceRegion: string;
  sourceBucketArn: string;
  destinationBucketArn: string;
  destinationRegion: string;
  replicaKmsKeyId: string | undefined;
}

/**
 * The replication role's only permissions, as the S3 User Guide lists them for live
 * replication: read the rule and list the source, read each source version with its ACL
 * and tags, write replicas, delete markers and tags into the destination. With a replica
 * key: decrypt SSE-KMS sources through S3 in the source region and encrypt through S3 in
 * the destination region, each limited to its bucket's encryption context. Never
 * s3:DeleteObjectVersion or s3:BypassGovernanceRetention: the role can't erase a replica
 * version, locked or not. Pure.
 */
export function replicationPolicyDocument(scope: ReplicationPolicyScope): object {
  const { partition, accountId, sourceRegion, sourceBucketArn, destinationBucketArn, destinationRegion, replicaKmsKeyId } = scope;
  const statements: object[] = [
    { Sid: "ReadTheRuleAndListTheSource", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: sourceBucketArn },
    {
      Sid: "ReadSourceVersions",
      Effect: "Allow",
      Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
      Resource: `${sourceBucketArn}/*`,
    },
    { Sid: "WriteReplicas", Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], Resource: `${destinationBucketArn}/*` },
  ];
  if (replicaKmsKeyId !== undefined) {
    statements.push(
      {
        Sid: "DecryptSourceObjects",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: `arn:${partition}:kms:${sourceRegion}:${accountId}:key/*`,
        Condition: { StringLike: { "kms:ViaService": `s3.${sourceRegion}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": [`${sourceBucketArn}/*`] } },
      },
      {
        Sid: "EncryptReplicas",
        Effect: "Allow",
        Action: "kms:Encrypt",
        Resource: replicaKmsKeyId,
        Condition: { StringLike: { "kms:ViaService": `s3.${destinationRegion}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": [`${destinationBucketArn}/*`] } },
      },
    );
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The one replication rule: the whole bucket (an empty filter, which the V2 schema needs
 * for delete marker replication), delete markers on, SSE-KMS objects re-encrypted with the
 * replica key when there is one, and Replication Time Control with its metrics when asked
 * (S3 requires metrics with RTC). Pure.
 */
export function replicationRule(plan: AssetsReplicationPlan, destinationBucketArn: string): aws.types.input.s3.BucketReplicationConfigRule {
  const rtc = plan.replicationTimeControl;
  return {
    id: REPLICATION_RULE_ID,
    status: "Enabled",
    priority: 1,
    filter: {},
    deleteMarkerReplication: { status: "Enabled" },
    ...(plan.replicaKmsKeyId !== undefined ? { sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } } } : {}),
    destination: {
      bucket: destinationBucketArn,
      ...(plan.replicaKmsKeyId !== undefined ? { encryptionConfiguration: { replicaKmsKeyId: plan.replicaKmsKeyId } } : {}),
      ...(rtc
        ? {
            replicationTime: { status: "Enabled", time: { minutes: REPLICATION_TIME_MINUTES } },
            metrics: { status: "Enabled", eventThreshold: { minutes: REPLICATION_TIME_MINUTES } },
          }
        : {}),
    },
  };
}

export interface AssetsReplicationArgs extends AssetsReplicationPlan {
  /** The source bucket's name and ARN (the AssetsBucket's). */
  readonly sourceBucket: pulumi.Input<string>;
  readonly sourceBucketArn: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

/** The replication role, its policy and the bucket's replication configuration. */
export class AssetsReplication extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;
  readonly destinationBucketArn: pulumi.Output<string>;

  constructor(name: string, args: AssetsReplicationArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("gametracker:storage:AssetsReplication", name, {}, opts);
    const tags = { ...args.tags, [TagKeys.component]: "assets-replication" };
    const child = { parent: this };
    const partition = aws.getPartitionOutput({}, child).partition;
    const sourceRegion = aws.getRegionOutput({}, child).region;
    const accountId = aws.getCallerIdentityOutput({}, child).accountId;
    const destinationBucketArn = pulumi.interpolate`arn:${partition}:s3:::${args.destinationBucket}`;

    const role = new aws.iam.Role(
      `${name}-role`,
      { assumeRolePolicy: JSON.stringify(S3_REPLICATION_TRUST_POLICY), description: `S3 Replication of the assets bucket to ${args.destinationBucket} (${args.destinationRegion})`, tags },
      child,
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.name,
        policy: pulumi.all([partition, accountId, sourceRegion, args.sourceBucketArn, destinationBucketArn]).apply(([p, account, region, source, destination]) =>
          JSON.stringify(
            replicationPolicyDocument({
              partition: p,
              accountId: account,
              sourceRegion: region,
              sourceBucketArn: source,
              destinationBucketArn: destination,
              destinationRegion: args.destinationRegion,
              replicaKmsKeyId: args.replicaKmsKeyId,
            }),
          ),
        ),
      },
      child,
    );
    // S3 replicates with the role from the rule's first object on: its policy exists before the rule does.
    new aws.s3.BucketReplicationConfig(
      `${name}-config`,
      { bucket: args.sourceBucket, role: role.arn, rules: [destinationBucketArn.apply((arn) => replicationRule(args, arn))] },
      { parent: this, dependsOn: [policy] },
    );

    this.roleArn = role.arn;
    this.destinationBucketArn = destinationBucketArn;
    this.registerOutputs({ roleArn: this.roleArn, destinationBucketArn: this.destinationBucketArn });
  }
}
