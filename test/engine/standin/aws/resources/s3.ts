/**
 * TEST DOUBLE: the S3 bucket and its per-configuration resources, as
 * terraform-provider-aws internal/service/s3/bucket*.go apply them: one Put* per resource,
 * Get* on read (a missing configuration means the resource is gone), Delete* on delete —
 * except versioning, which AWS cannot turn off: deleting it suspends it, and Object Lock,
 * which can't be turned off either: deleting it puts the configuration back without its
 * default retention. A bucket without forceDestroy is deleted with a bare DeleteBucket, so
 * a bucket with objects refuses.
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketOwnershipControlsCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketReplicationCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectsCommand,
  DeletePublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  LifecycleRule,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketReplicationCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  PutPublicAccessBlockCommand,
  ReplicationRule,
  S3Client,
} from "@aws-sdk/client-s3";
import type { Props } from "../../protocol/wire";
import { isNotFound } from "../clients";
import { ResourceContext, ResourceHandler, defined, tagList, tagMap } from "./types";

/** internal/service/s3/hosted_zones.go (the regions the tests use). */
const HOSTED_ZONE_IDS: Record<string, string> = {
  "us-east-1": "Z3AQBSTGFYJSTF",
  "us-east-2": "Z2O1EMRO9K5GLX",
  "us-west-1": "Z2F56UZL2M1ACD",
  "us-west-2": "Z3BJ6K6RIION7M",
  "eu-west-1": "Z1BKCTXD74EZPE",
  "eu-central-1": "Z21DNDUVLTQW6Q",
};

function missing(error: unknown, ...codes: string[]): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return isNotFound(error) || codes.includes(e?.name ?? "") || codes.includes(e?.Code ?? "") || e?.$metadata?.httpStatusCode === 404;
}

async function readOrGone<T>(codes: string[], action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    if (missing(error, ...codes)) return undefined;
    throw error;
  }
}

async function gone(codes: string[], action: () => Promise<unknown>): Promise<void> {
  await readOrGone(codes, action);
}

// ---------------------------------------------------------------------------------------

async function putTags(s3: S3Client, bucket: string, tags: unknown): Promise<void> {
  const list = tagList(tags);
  if (list.length > 0) await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: list } }));
  else await gone(["NoSuchTagSet"], () => s3.send(new DeleteBucketTaggingCommand({ Bucket: bucket })));
}

async function emptyBucket(s3: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (objects.length === 0) return;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
  }
}

export const bucket: ResourceHandler = {
  async create(ctx, inputs) {
    const { s3 } = ctx.clients;
    const name = inputs.bucket as string;
    await s3.send(
      new CreateBucketCommand(
        defined({
          Bucket: name,
          CreateBucketConfiguration: ctx.region === "us-east-1" ? undefined : { LocationConstraint: ctx.region as never },
          ObjectLockEnabledForBucket: inputs.objectLockEnabled === true ? true : undefined,
        }),
      ),
    );
    await putTags(s3, name, inputs.tags);
    return (await this.read(ctx, name, inputs))!;
  },
  async read(ctx, id, state) {
    const { s3 } = ctx.clients;
    const head = await readOrGone(["NotFound", "NoSuchBucket"], () => s3.send(new HeadBucketCommand({ Bucket: id })));
    if (head === undefined) return undefined;
    const tagging = await readOrGone(["NoSuchTagSet"], () => s3.send(new GetBucketTaggingCommand({ Bucket: id })));
    const tags = tagMap(tagging?.TagSet);
    const region = head.BucketRegion ?? ctx.region;
    return {
      id,
      state: {
        ...state,
        bucket: id,
        arn: `arn:aws:s3:::${id}`,
        bucketDomainName: `${id}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${id}.s3.${region}.amazonaws.com`,
        bucketRegion: region,
        hostedZoneId: HOSTED_ZONE_IDS[region] ?? "",
        objectLockEnabled: state.objectLockEnabled === true,
        tags,
        tagsAll: tags,
        region,
      },
    };
  },
  async update(ctx, id, _olds, news, changed) {
    if (changed.has("tags")) await putTags(ctx.clients.s3, id, news.tags);
    return (await this.read(ctx, id, news))!.state;
  },
  async delete(ctx, id, state) {
    const { s3 } = ctx.clients;
    if (state.forceDestroy === true) await emptyBucket(s3, id);
    await gone(["NoSuchBucket"], () => s3.send(new DeleteBucketCommand({ Bucket: id })));
  },
};

/** The per-configuration resources share one shape: Put on create/update, Get on read, a delete. */
function bucketConfiguration(spec: {
  put(s3: S3Client, inputs: Props): Promise<unknown>;
  get(s3: S3Client, bucket: string): Promise<Props | undefined>;
  remove(s3: S3Client, bucket: string, state: Props): Promise<unknown>;
  missingCodes: string[];
}): ResourceHandler {
  const read = async (ctx: ResourceContext, id: string, state: Props) => {
    const got = await readOrGone(["NoSuchBucket", ...spec.missingCodes], () => spec.get(ctx.clients.s3, state.bucket as string));
    return got === undefined ? undefined : { id, state: { ...state, ...got, region: ctx.region } };
  };
  return {
    async create(ctx, inputs) {
      await spec.put(ctx.clients.s3, inputs);
      const id = inputs.expectedBucketOwner ? `${String(inputs.bucket)},${String(inputs.expectedBucketOwner)}` : String(inputs.bucket);
      const result = await read(ctx, id, inputs);
      if (result === undefined) throw new Error(`${ctx.type} ${id} was not found right after it was put`);
      return result;
    },
    read,
    async update(ctx, id, _olds, news) {
      await spec.put(ctx.clients.s3, news);
      return (await read(ctx, id, news))?.state ?? news;
    },
    async delete(ctx, _id, state) {
      await gone(["NoSuchBucket", ...spec.missingCodes], () => spec.remove(ctx.clients.s3, state.bucket as string, state));
    },
  };
}

export const bucketVersioning = bucketConfiguration({
  put: (s3, inputs) => {
    const config = inputs.versioningConfiguration as Props;
    return s3.send(
      new PutBucketVersioningCommand(
        defined({
          Bucket: inputs.bucket as string,
          ExpectedBucketOwner: inputs.expectedBucketOwner as string,
          MFA: inputs.mfa as string,
          VersioningConfiguration: defined({ Status: config.status as never, MFADelete: config.mfaDelete as never }),
        }),
      ),
    );
  },
  async get(s3, bucket) {
    const v = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    // bucket_versioning.go: no status at all means versioning was never configured.
    if (v.Status === undefined) return undefined;
    return { versioningConfiguration: { status: v.Status, mfaDelete: v.MFADelete ?? "" } };
  },
  // "You cannot disable versioning once enabled": delete suspends it (bucket_versioning.go delete).
  remove: (s3, bucket) => s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Suspended" } })),
  missingCodes: [],
});

export const bucketEncryption = bucketConfiguration({
  put: (s3, inputs) =>
    s3.send(
      new PutBucketEncryptionCommand(
        defined({
          Bucket: inputs.bucket as string,
          ExpectedBucketOwner: inputs.expectedBucketOwner as string,
          ServerSideEncryptionConfiguration: {
            Rules: ((inputs.rules ?? []) as Props[]).map((r) => {
              const byDefault = r.applyServerSideEncryptionByDefault as Props | undefined;
              return defined({
                ApplyServerSideEncryptionByDefault: byDefault ? defined({ SSEAlgorithm: byDefault.sseAlgorithm as never, KMSMasterKeyID: byDefault.kmsMasterKeyId as string }) : undefined,
                BucketKeyEnabled: r.bucketKeyEnabled as boolean,
              });
            }),
          },
        }),
      ),
    ),
  async get(s3, bucket) {
    const out = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    return {
      rules: (out.ServerSideEncryptionConfiguration?.Rules ?? []).map((r) => ({
        applyServerSideEncryptionByDefault: defined({ sseAlgorithm: r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, kmsMasterKeyId: r.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID }),
        bucketKeyEnabled: r.BucketKeyEnabled ?? false,
      })),
    };
  },
  remove: (s3, bucket) => s3.send(new DeleteBucketEncryptionCommand({ Bucket: bucket })),
  missingCodes: ["ServerSideEncryptionConfigurationNotFoundError"],
});

export const bucketPublicAccessBlock = bucketConfiguration({
  put: (s3, inputs) =>
    s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: inputs.bucket as string,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: inputs.blockPublicAcls === true,
          BlockPublicPolicy: inputs.blockPublicPolicy === true,
          IgnorePublicAcls: inputs.ignorePublicAcls === true,
          RestrictPublicBuckets: inputs.restrictPublicBuckets === true,
        },
      }),
    ),
  async get(s3, bucket) {
    const c = (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration;
    return { blockPublicAcls: c?.BlockPublicAcls ?? false, blockPublicPolicy: c?.BlockPublicPolicy ?? false, ignorePublicAcls: c?.IgnorePublicAcls ?? false, restrictPublicBuckets: c?.RestrictPublicBuckets ?? false };
  },
  remove: (s3, bucket, state) => (state.skipDestroy === true ? Promise.resolve() : s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }))),
  missingCodes: ["NoSuchPublicAccessBlockConfiguration"],
});

export const bucketOwnershipControls = bucketConfiguration({
  put: (s3, inputs) =>
    s3.send(new PutBucketOwnershipControlsCommand({ Bucket: inputs.bucket as string, OwnershipControls: { Rules: [{ ObjectOwnership: (inputs.rule as Props).objectOwnership as never }] } })),
  async get(s3, bucket) {
    const out = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    return { rule: { objectOwnership: out.OwnershipControls?.Rules?.[0]?.ObjectOwnership } };
  },
  remove: (s3, bucket) => s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: bucket })),
  missingCodes: ["OwnershipControlsNotFoundError"],
});

function toApiRule(rule: Props): LifecycleRule {
  const filter = rule.filter as Props | undefined;
  const nve = rule.noncurrentVersionExpiration as Props | undefined;
  const abort = rule.abortIncompleteMultipartUpload as Props | undefined;
  return defined({
    ID: rule.id as string,
    Status: rule.status as never,
    Prefix: rule.prefix as string,
    Filter: filter
      ? { Prefix: (filter.prefix as string) ?? "", ...defined({ ObjectSizeGreaterThan: filter.objectSizeGreaterThan as number, ObjectSizeLessThan: filter.objectSizeLessThan as number }) }
      : undefined,
    NoncurrentVersionExpiration: nve ? defined({ NoncurrentDays: nve.noncurrentDays as number, NewerNoncurrentVersions: nve.newerNoncurrentVersions as number }) : undefined,
    AbortIncompleteMultipartUpload: abort ? defined({ DaysAfterInitiation: abort.daysAfterInitiation as number }) : undefined,
  }) as LifecycleRule;
}

function fromApiRule(rule: LifecycleRule): Props {
  return defined({
    id: rule.ID,
    status: rule.Status,
    prefix: rule.Prefix,
    filter: rule.Filter ? defined({ prefix: rule.Filter.Prefix, objectSizeGreaterThan: rule.Filter.ObjectSizeGreaterThan, objectSizeLessThan: rule.Filter.ObjectSizeLessThan }) : undefined,
    noncurrentVersionExpiration: rule.NoncurrentVersionExpiration
      ? defined({ noncurrentDays: rule.NoncurrentVersionExpiration.NoncurrentDays, newerNoncurrentVersions: rule.NoncurrentVersionExpiration.NewerNoncurrentVersions })
      : undefined,
    abortIncompleteMultipartUpload: rule.AbortIncompleteMultipartUpload ? { daysAfterInitiation: rule.AbortIncompleteMultipartUpload.DaysAfterInitiation } : undefined,
  }) as Props;
}

export const bucketLifecycle = bucketConfiguration({
  put: (s3, inputs) =>
    s3.send(
      new PutBucketLifecycleConfigurationCommand(
        defined({
          Bucket: inputs.bucket as string,
          ExpectedBucketOwner: inputs.expectedBucketOwner as string,
          LifecycleConfiguration: { Rules: ((inputs.rules ?? []) as Props[]).map(toApiRule) },
        }),
      ),
    ),
  async get(s3, bucket) {
    const out = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    return { rules: (out.Rules ?? []).map(fromApiRule), transitionDefaultMinimumObjectSize: out.TransitionDefaultMinimumObjectSize ?? "all_storage_classes_128K" };
  },
  remove: (s3, bucket) => s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket })),
  missingCodes: ["NoSuchLifecycleConfiguration"],
});

export const bucketPolicy = bucketConfiguration({
  put: (s3, inputs) => s3.send(new PutBucketPolicyCommand({ Bucket: inputs.bucket as string, Policy: typeof inputs.policy === "string" ? inputs.policy : JSON.stringify(inputs.policy) })),
  async get(s3, bucket) {
    return { policy: (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy };
  },
  remove: (s3, bucket) => s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket })),
  missingCodes: ["NoSuchBucketPolicy"],
});

export const bucketObjectLock = bucketConfiguration({
  put: (s3, inputs) => {
    const retention = (inputs.rule as Props | undefined)?.defaultRetention as Props | undefined;
    return s3.send(
      new PutObjectLockConfigurationCommand(
        defined({
          Bucket: inputs.bucket as string,
          ExpectedBucketOwner: inputs.expectedBucketOwner as string,
          Token: inputs.token as string,
          ObjectLockConfiguration: {
            // "ObjectLockEnabled is required by the API, even if configured directly on the S3 bucket" (the TF file).
            ObjectLockEnabled: ((inputs.objectLockEnabled as string | undefined) ?? "Enabled") as never,
            ...(retention !== undefined ? { Rule: { DefaultRetention: defined({ Mode: retention.mode as never, Days: retention.days as number, Years: retention.years as number }) } } : {}),
          },
        }),
      ),
    );
  },
  async get(s3, bucket) {
    const config = (await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))).ObjectLockConfiguration;
    const retention = config?.Rule?.DefaultRetention;
    // moto answers Years 0 beside Days; S3 answers only the one that was set.
    return {
      objectLockEnabled: config?.ObjectLockEnabled,
      ...(retention !== undefined ? { rule: { defaultRetention: defined({ mode: retention.Mode, days: retention.Days || undefined, years: retention.Years || undefined }) } } : {}),
    };
  },
  // Object Lock stays on: the delete removes the default retention only (bucket_object_lock_configuration.go delete).
  remove: (s3, bucket, state) =>
    s3.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: { ObjectLockEnabled: ((state.objectLockEnabled as string | undefined) ?? "Enabled") as never } })),
  missingCodes: ["ObjectLockConfigurationNotFoundError"],
});

function toApiReplicationRule(rule: Props): ReplicationRule {
  const status = (block: unknown) => (block === undefined ? undefined : { Status: (block as Props).status as never });
  const destination = rule.destination as Props;
  const filter = rule.filter as Props | undefined;
  const criteria = rule.sourceSelectionCriteria as Props | undefined;
  const time = destination.replicationTime as Props | undefined;
  const metrics = destination.metrics as Props | undefined;
  const encryption = destination.encryptionConfiguration as Props | undefined;
  return defined({
    ID: rule.id as string,
    Status: rule.status as never,
    Priority: rule.priority as number,
    Prefix: rule.prefix as string,
    Filter: filter !== undefined ? { Prefix: (filter.prefix as string | undefined) ?? "" } : undefined,
    DeleteMarkerReplication: status(rule.deleteMarkerReplication),
    ExistingObjectReplication: status(rule.existingObjectReplication),
    SourceSelectionCriteria: criteria !== undefined ? defined({ SseKmsEncryptedObjects: status(criteria.sseKmsEncryptedObjects), ReplicaModifications: status(criteria.replicaModifications) }) : undefined,
    Destination: defined({
      Bucket: destination.bucket as string,
      Account: destination.account as string,
      StorageClass: destination.storageClass as never,
      EncryptionConfiguration: encryption !== undefined ? { ReplicaKmsKeyID: encryption.replicaKmsKeyId as string } : undefined,
      ReplicationTime: time !== undefined ? { Status: time.status as never, Time: { Minutes: (time.time as Props).minutes as number } } : undefined,
      Metrics: metrics !== undefined ? defined({ Status: metrics.status as never, EventThreshold: metrics.eventThreshold ? { Minutes: (metrics.eventThreshold as Props).minutes as number } : undefined }) : undefined,
    }),
  }) as ReplicationRule;
}

/** The rule as bucket_replication_configuration.go's FlattenRules reads it back. */
function fromApiReplicationRule(rule: ReplicationRule): Props {
  const status = (block: { Status?: string } | undefined) => (block === undefined ? undefined : { status: block.Status });
  const d = rule.Destination;
  return defined({
    id: rule.ID,
    status: rule.Status,
    priority: rule.Priority,
    prefix: rule.Prefix,
    filter: rule.Filter !== undefined ? defined({ prefix: rule.Filter.Prefix }) : undefined,
    deleteMarkerReplication: status(rule.DeleteMarkerReplication),
    existingObjectReplication: status(rule.ExistingObjectReplication),
    sourceSelectionCriteria: rule.SourceSelectionCriteria
      ? defined({ sseKmsEncryptedObjects: status(rule.SourceSelectionCriteria.SseKmsEncryptedObjects), replicaModifications: status(rule.SourceSelectionCriteria.ReplicaModifications) })
      : undefined,
    destination: defined({
      bucket: d?.Bucket,
      account: d?.Account,
      storageClass: d?.StorageClass,
      encryptionConfiguration: d?.EncryptionConfiguration ? { replicaKmsKeyId: d.EncryptionConfiguration.ReplicaKmsKeyID } : undefined,
      replicationTime: d?.ReplicationTime ? { status: d.ReplicationTime.Status, time: { minutes: d.ReplicationTime.Time?.Minutes } } : undefined,
      metrics: d?.Metrics ? defined({ status: d.Metrics.Status, eventThreshold: d.Metrics.EventThreshold ? { minutes: d.Metrics.EventThreshold.Minutes } : undefined }) : undefined,
    }),
  }) as Props;
}

export const bucketReplication = bucketConfiguration({
  put: (s3, inputs) =>
    s3.send(
      new PutBucketReplicationCommand(
        defined({
          Bucket: inputs.bucket as string,
          Token: inputs.token as string,
          ReplicationConfiguration: { Role: inputs.role as string, Rules: ((inputs.rules ?? []) as Props[]).map(toApiReplicationRule) },
        }),
      ),
    ),
  async get(s3, bucket) {
    const config = (await s3.send(new GetBucketReplicationCommand({ Bucket: bucket }))).ReplicationConfiguration;
    return { role: config?.Role, rules: (config?.Rules ?? []).map(fromApiReplicationRule) };
  },
  remove: (s3, bucket) => s3.send(new DeleteBucketReplicationCommand({ Bucket: bucket })),
  missingCodes: ["ReplicationConfigurationNotFoundError"],
});
