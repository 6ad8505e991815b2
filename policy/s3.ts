/**
 * Guardrails for the assets bucket: versioning on (an overwritten or deleted character
 * image can be brought back) and every public-access block set; and for a replica bucket
 * (tagged gametracker:replica-of), Object Lock with a default retention and versioning, so
 * that the region-loss copy can't be erased by a credential that can delete versions. In
 * @pulumi/aws 7 these are separate resources that point at the bucket through their
 * `bucket` input, so these are stack-level rules that pair each configuration with the
 * bucket it applies to.
 */
import { StackResourceView, StackRule } from "./rule";
import { ASSETS_ROLE, TagKeys } from "../contracts/tags";
import { tagValue } from "./tags";
import { at, describe, Findings, isUnknown, RuleResult, Unknown } from "./values";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
export const VERSIONING_TYPES = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"];
export const PUBLIC_ACCESS_BLOCK_TYPE = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
export const OBJECT_LOCK_TYPES = ["aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"];
export const RETENTION_MODES = ["GOVERNANCE", "COMPLIANCE"];
export const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export interface AssetBuckets {
  buckets: StackResourceView[];
  /** Buckets whose tags are not known yet, so whether they are asset buckets is not known either. */
  undecided: Unknown[];
}

export function assetBuckets(resources: StackResourceView[]): AssetBuckets {
  return bucketsTagged(resources, (tags) => tags(TagKeys.role) === ASSETS_ROLE);
}

/** Buckets that receive S3 Replication: tagged gametracker:replica-of with the source bucket's name. */
export function replicaBuckets(resources: StackResourceView[]): AssetBuckets {
  return bucketsTagged(resources, (tags) => {
    const source = tags(TagKeys.replicaOf);
    return typeof source === "string" && source !== "";
  });
}

function bucketsTagged(resources: StackResourceView[], wanted: (tag: (key: string) => unknown) => boolean): AssetBuckets {
  const result: AssetBuckets = { buckets: [], undecided: [] };
  for (const resource of resources) {
    if (!BUCKET_TYPES.includes(resource.type)) continue;
    const tags = resource.props["tags"];
    if (isUnknown(tags)) {
      result.undecided.push(tags);
      continue;
    }
    let unknown: Unknown | undefined;
    const tag = (key: string) => {
      const value = tagValue(resource.props, key);
      if (isUnknown(value)) unknown ??= value;
      return value;
    };
    if (wanted(tag)) result.buckets.push(resource);
    else if (unknown !== undefined) result.undecided.push(unknown);
  }
  return result;
}

/** The bucket's known names: its `bucket` name and its id (the same for S3, but either may be the one known). */
function knownNames(bucket: StackResourceView): string[] {
  return [bucket.props["bucket"], bucket.props["id"]].filter((n): n is string => typeof n === "string" && n !== "");
}

export interface Pairing {
  /** Configurations that certainly apply to the bucket. */
  matched: StackResourceView[];
  /** Configurations that may apply to it, but whose target is unknown during preview. */
  possible: Unknown[];
}

/**
 * Which of `configurations` (versioning, public access blocks) apply to `bucket`. A known
 * `bucket` input is compared with the bucket's name; while either side is unknown (a
 * preview of a bucket not yet created), the input's recorded dependencies say which
 * bucket its value comes from.
 */
export function configurationsFor(bucket: StackResourceView, configurations: StackResourceView[]): Pairing {
  const names = knownNames(bucket);
  const pairing: Pairing = { matched: [], possible: [] };
  for (const configuration of configurations) {
    const target = configuration.props["bucket"];
    const dependsOnBucket = (configuration.propertyDependencies["bucket"] ?? []).includes(bucket.urn);
    if (typeof target === "string" && names.length > 0) {
      if (names.includes(target)) pairing.matched.push(configuration);
    } else if (dependsOnBucket) {
      pairing.matched.push(configuration);
    } else if (isUnknown(target) && configuration.propertyDependencies["bucket"] === undefined) {
      pairing.possible.push(target);
    }
  }
  return pairing;
}

function bucketLabel(bucket: StackResourceView, kind = "asset bucket"): string {
  const name = bucket.props["bucket"];
  return `${kind} ${typeof name === "string" ? `"${name}"` : `"${bucket.name}"`}`;
}

function checkEachAssetBucket(
  resources: StackResourceView[],
  configurationTypes: string[],
  judge: (bucket: StackResourceView, pairing: Pairing, findings: Findings) => void,
  select: (resources: StackResourceView[]) => AssetBuckets = assetBuckets,
): RuleResult {
  const findings = new Findings();
  const { buckets, undecided } = select(resources);
  undecided.forEach((u) => findings.undecide(u));
  const configurations = resources.filter((r) => configurationTypes.includes(r.type));
  for (const bucket of buckets) judge(bucket, configurationsFor(bucket, configurations), findings);
  return findings.result();
}

export function checkAssetBucketVersioning(resources: StackResourceView[]): RuleResult {
  return checkEachAssetBucket(resources, VERSIONING_TYPES, (bucket, pairing, findings) => judgeVersioning(bucketLabel(bucket), bucket, pairing, findings));
}

/** Versioning Enabled by one matched configuration and by none with another status. */
function judgeVersioning(label: string, bucket: StackResourceView, { matched, possible }: Pairing, findings: Findings): void {
  {
    let enabled = 0;
    for (const versioning of matched) {
      const status = at(versioning.props, "versioningConfiguration", "status");
      if (isUnknown(status)) findings.undecide(status);
      else if (status === "Enabled") enabled++;
      else {
        findings.fail(
          `${label} has a BucketVersioning "${versioning.name}" with status ${describe(status)}, so overwritten or deleted objects can't be recovered; set versioningConfiguration.status to "Enabled".`,
          bucket.urn,
        );
      }
    }
    if (matched.length === 0) {
      if (possible.length > 0) possible.forEach((u) => findings.undecide(u));
      else {
        findings.fail(
          `${label} has no aws.s3.BucketVersioning resource, so overwritten or deleted objects can't be recovered; add one for this bucket with versioningConfiguration.status "Enabled".`,
          bucket.urn,
        );
      }
    } else if (enabled === 0 && possible.length > 0) {
      possible.forEach((u) => findings.undecide(u));
    }
  }
}

/**
 * A replica bucket has a BucketObjectLockConfiguration enabling Object Lock with a default
 * retention in GOVERNANCE or COMPLIANCE mode (replicas take the destination's default
 * retention; without one they arrive unlocked), and versioning Enabled.
 */
export function checkReplicaBucketObjectLock(resources: StackResourceView[]): RuleResult {
  const versionings = resources.filter((r) => VERSIONING_TYPES.includes(r.type));
  return checkEachAssetBucket(
    resources,
    OBJECT_LOCK_TYPES,
    (bucket, { matched, possible }, findings) => {
      const label = `${bucketLabel(bucket, "replica bucket")} (replica of "${String(tagValue(bucket.props, TagKeys.replicaOf))}")`;
      const erasable = "so a credential that may delete versions can erase the region-loss copy";
      judgeVersioning(label, bucket, configurationsFor(bucket, versionings), findings);
      for (const lock of matched) {
        const enabled = lock.props["objectLockEnabled"];
        const mode = at(lock.props, "rule", "defaultRetention", "mode");
        const days = at(lock.props, "rule", "defaultRetention", "days");
        const years = at(lock.props, "rule", "defaultRetention", "years");
        const unknown = [enabled, mode, days, years].find(isUnknown);
        if (unknown !== undefined) {
          findings.undecide(unknown);
          continue;
        }
        // objectLockEnabled defaults to "Enabled" (the provider's schema default).
        if (enabled !== undefined && enabled !== "Enabled") {
          findings.fail(`${label} has a BucketObjectLockConfiguration "${lock.name}" with objectLockEnabled ${describe(enabled)}, ${erasable}; set it to "Enabled".`, bucket.urn);
        } else if (typeof mode !== "string" || !RETENTION_MODES.includes(mode) || !((typeof days === "number" && days > 0) || (typeof years === "number" && years > 0))) {
          findings.fail(
            `${label} has a BucketObjectLockConfiguration "${lock.name}" without a default retention (mode ${describe(mode)}, days ${describe(days)}), so replicas arrive unlocked and ${erasable.slice(3)}; set rule.defaultRetention to a mode of ${RETENTION_MODES.join(" or ")} and days > 0.`,
            bucket.urn,
          );
        }
      }
      if (matched.length === 0) {
        if (possible.length > 0) possible.forEach((u) => findings.undecide(u));
        else {
          findings.fail(
            `${label} has no aws.s3.BucketObjectLockConfiguration resource, ${erasable}; add one for this bucket with objectLockEnabled "Enabled" and a default retention (the AssetsBucket component does with objectLockMode).`,
            bucket.urn,
          );
        }
      }
    },
    replicaBuckets,
  );
}

export function checkAssetBucketPublicAccessBlock(resources: StackResourceView[]): RuleResult {
  return checkEachAssetBucket(resources, [PUBLIC_ACCESS_BLOCK_TYPE], (bucket, { matched, possible }, findings) => {
    for (const block of matched) {
      const off: string[] = [];
      for (const flag of PUBLIC_ACCESS_FLAGS) {
        const value = block.props[flag];
        if (isUnknown(value)) findings.undecide(value);
        else if (value !== true) off.push(flag);
      }
      if (off.length > 0) {
        findings.fail(
          `${bucketLabel(bucket)} has a BucketPublicAccessBlock "${block.name}" with ${off.join(", ")} not true, so objects could be made public; set all four flags to true.`,
          bucket.urn,
        );
      }
    }
    if (matched.length === 0) {
      if (possible.length > 0) possible.forEach((u) => findings.undecide(u));
      else {
        findings.fail(
          `${bucketLabel(bucket)} has no aws.s3.BucketPublicAccessBlock resource, so objects could be made public; add one for this bucket with ${PUBLIC_ACCESS_FLAGS.join(", ")} all true.`,
          bucket.urn,
        );
      }
    }
  });
}

export const s3Rules: StackRule[] = [
  {
    name: "s3-assets-versioning-enabled",
    severity: "high",
    description: `Buckets tagged ${TagKeys.role}=${ASSETS_ROLE} have an aws.s3.BucketVersioning resource with status "Enabled" (and none with another status), so every overwritten or deleted asset can be restored.`,
    remediation: 'Add an aws.s3.BucketVersioning for the bucket with versioningConfiguration: { status: "Enabled" } (the AssetsBucket component does this).',
    check: checkAssetBucketVersioning,
  },
  {
    name: "s3-assets-public-access-blocked",
    severity: "critical",
    description: `Buckets tagged ${TagKeys.role}=${ASSETS_ROLE} have an aws.s3.BucketPublicAccessBlock with ${PUBLIC_ACCESS_FLAGS.join(", ")} all true.`,
    remediation: "Add an aws.s3.BucketPublicAccessBlock for the bucket with all four flags true (the AssetsBucket component does this).",
    check: checkAssetBucketPublicAccessBlock,
  },
  {
    name: "s3-replica-object-lock",
    severity: "critical",
    description: `Buckets tagged ${TagKeys.replicaOf} (an S3 Replication replica, the copy a region loss is recovered from) have Object Lock enabled with a default retention in ${RETENTION_MODES.join(" or ")} mode, and versioning "Enabled", so no credential can erase a replica version inside the retention.`,
    remediation: 'Add an aws.s3.BucketObjectLockConfiguration for the bucket with objectLockEnabled "Enabled" and rule.defaultRetention { mode, days }, and an aws.s3.BucketVersioning with status "Enabled" (the AssetsBucket component does both with objectLockMode and replicaSourceBucket).',
    check: checkReplicaBucketObjectLock,
  },
];
