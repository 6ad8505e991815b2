/**
 * Guardrails for the assets bucket: versioning on (an overwritten or deleted character
 * image can be brought back) and every public-access block set. In @pulumi/aws 7 both
 * are separate resources that point at the bucket through their `bucket` input, so these
 * are stack-level rules that pair each configuration with the bucket it applies to.
 */
import { StackResourceView, StackRule } from "./rule";
import { ASSETS_ROLE, TagKeys } from "../contracts/tags";
import { tagValue } from "./tags";
import { at, describe, Findings, isUnknown, RuleResult, Unknown } from "./values";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
export const VERSIONING_TYPES = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"];
export const PUBLIC_ACCESS_BLOCK_TYPE = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
export const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export interface AssetBuckets {
  buckets: StackResourceView[];
  /** Buckets whose tags are not known yet, so whether they are asset buckets is not known either. */
  undecided: Unknown[];
}

export function assetBuckets(resources: StackResourceView[]): AssetBuckets {
  const result: AssetBuckets = { buckets: [], undecided: [] };
  for (const resource of resources) {
    if (!BUCKET_TYPES.includes(resource.type)) continue;
    const role = tagValue(resource.props, TagKeys.role);
    if (isUnknown(role)) result.undecided.push(role);
    else if (role === ASSETS_ROLE) result.buckets.push(resource);
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

function bucketLabel(bucket: StackResourceView): string {
  const name = bucket.props["bucket"];
  return `asset bucket ${typeof name === "string" ? `"${name}"` : `"${bucket.name}"`}`;
}

function checkEachAssetBucket(
  resources: StackResourceView[],
  configurationTypes: string[],
  judge: (bucket: StackResourceView, pairing: Pairing, findings: Findings) => void,
): RuleResult {
  const findings = new Findings();
  const { buckets, undecided } = assetBuckets(resources);
  undecided.forEach((u) => findings.undecide(u));
  const configurations = resources.filter((r) => configurationTypes.includes(r.type));
  for (const bucket of buckets) judge(bucket, configurationsFor(bucket, configurations), findings);
  return findings.result();
}

export function checkAssetBucketVersioning(resources: StackResourceView[]): RuleResult {
  return checkEachAssetBucket(resources, VERSIONING_TYPES, (bucket, { matched, possible }, findings) => {
    let enabled = 0;
    for (const versioning of matched) {
      const status = at(versioning.props, "versioningConfiguration", "status");
      if (isUnknown(status)) findings.undecide(status);
      else if (status === "Enabled") enabled++;
      else {
        findings.fail(
          `${bucketLabel(bucket)} has a BucketVersioning "${versioning.name}" with status ${describe(status)}, so overwritten or deleted objects can't be recovered; set versioningConfiguration.status to "Enabled".`,
          bucket.urn,
        );
      }
    }
    if (matched.length === 0) {
      if (possible.length > 0) possible.forEach((u) => findings.undecide(u));
      else {
        findings.fail(
          `${bucketLabel(bucket)} has no aws.s3.BucketVersioning resource, so overwritten or deleted objects can't be recovered; add one for this bucket with versioningConfiguration.status "Enabled".`,
          bucket.urn,
        );
      }
    } else if (enabled === 0 && possible.length > 0) {
      possible.forEach((u) => findings.undecide(u));
    }
  });
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
];
