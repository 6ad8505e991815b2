import { expect } from "chai";
import { StackResourceView } from "../../../policy/rule";
import { assetBuckets, checkAssetBucketPublicAccessBlock, checkAssetBucketVersioning, checkReplicaBucketObjectLock, configurationsFor, replicaBuckets, s3Rules } from "../../../policy/s3";
import { ASSETS_ROLE, TagKeys } from "../../../contracts/tags";
import { Props, Unknown } from "../../../policy/values";

const urn = (type: string, name: string) => `urn:pulumi:dev::gametracker::gametracker:assets:AssetsBucket$${type}::${name}`;

function resource(type: string, name: string, props: Props, propertyDependencies: Record<string, string[]> = {}): StackResourceView {
  return { urn: urn(type, name), type, name, props, propertyDependencies };
}

const BUCKET = "aws:s3/bucket:Bucket";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";

const assetsBucket = (props: Props = {}) => resource(BUCKET, "assets-bucket", { bucket: "gametracker-assets", tags: { [TagKeys.role]: ASSETS_ROLE }, ...props });
const versioning = (props: Props = {}, deps: Record<string, string[]> = {}) =>
  resource(VERSIONING, "assets-versioning", { bucket: "gametracker-assets", versioningConfiguration: { status: "Enabled" }, ...props }, deps);
const allFlags = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
const block = (props: Props = {}, deps: Record<string, string[]> = {}) => resource(BLOCK, "assets-public-access", { bucket: "gametracker-assets", ...allFlags, ...props }, deps);

const messages = (r: { violations: { message: string }[] }) => r.violations.map((v) => v.message);

describe("policy: asset buckets (stack rules)", () => {
  describe("which buckets are asset buckets", () => {
    it("only buckets tagged gametracker:role=assets, of either bucket type", () => {
      const v2 = resource("aws:s3/bucketV2:BucketV2", "legacy", { bucket: "legacy-assets", tags: { [TagKeys.role]: ASSETS_ROLE } });
      const logs = resource(BUCKET, "logs", { bucket: "gametracker-logs", tags: { [TagKeys.role]: "logs" } });
      const untagged = resource(BUCKET, "scratch", { bucket: "scratch" });
      const found = assetBuckets([assetsBucket(), v2, logs, untagged, versioning()]);
      expect(found.buckets.map((b) => b.name)).to.deep.equal(["assets-bucket", "legacy"]);
    });

    it("a bucket whose tags are unknown is undecided", () => {
      const tags = new Unknown(["tags"]);
      expect(assetBuckets([assetsBucket({ tags })]).undecided).to.deep.equal([tags]);
    });

    it("untagged buckets need neither versioning nor a public access block", () => {
      const scratch = [resource(BUCKET, "scratch", { bucket: "scratch" })];
      expect(checkAssetBucketVersioning(scratch).violations).to.be.empty;
      expect(checkAssetBucketPublicAccessBlock(scratch).violations).to.be.empty;
    });
  });

  describe("pairing a configuration with its bucket", () => {
    it("by name when both are known", () => {
      const other = versioning({ bucket: "someone-else" });
      expect(configurationsFor(assetsBucket(), [versioning(), other]).matched.map((c) => c.props["bucket"])).to.deep.equal(["gametracker-assets"]);
    });

    it("by the bucket input's recorded dependency while the bucket's name is unknown (preview of a new bucket)", () => {
      const bucket = assetsBucket({ bucket: new Unknown(["bucket"]) });
      const v = versioning({ bucket: new Unknown(["bucket"]) }, { bucket: [bucket.urn] });
      const unrelated = versioning({ bucket: new Unknown(["bucket"]) }, { bucket: [urn(BUCKET, "other")] });
      const pairing = configurationsFor(bucket, [v, unrelated]);
      expect(pairing.matched).to.deep.equal([v]);
      expect(pairing.possible).to.be.empty;
    });

    it("a known bucket name against an unknown input falls back to the dependency", () => {
      const bucket = assetsBucket();
      const v = versioning({ bucket: new Unknown(["bucket"]) }, { bucket: [bucket.urn] });
      expect(configurationsFor(bucket, [v]).matched).to.deep.equal([v]);
    });

    it("an unknown input with no recorded dependencies may be for any bucket", () => {
      const target = new Unknown(["bucket"]);
      expect(configurationsFor(assetsBucket(), [versioning({ bucket: target })])).to.deep.equal({ matched: [], possible: [target] });
    });
  });

  describe("versioning", () => {
    it("passes with a BucketVersioning Enabled (V1 or V2 type)", () => {
      expect(checkAssetBucketVersioning([assetsBucket(), versioning()])).to.deep.equal({ violations: [], undecided: [] });
      const v2 = resource("aws:s3/bucketVersioningV2:BucketVersioningV2", "v2", { bucket: "gametracker-assets", versioningConfiguration: { status: "Enabled" } });
      expect(checkAssetBucketVersioning([assetsBucket(), v2]).violations).to.be.empty;
    });

    it("fails without any BucketVersioning for the bucket, on the bucket's URN", () => {
      const result = checkAssetBucketVersioning([assetsBucket(), versioning({ bucket: "another-bucket" })]);
      expect(messages(result)).to.deep.equal([
        'asset bucket "gametracker-assets" has no aws.s3.BucketVersioning resource, so overwritten or deleted objects can\'t be recovered; add one for this bucket with versioningConfiguration.status "Enabled".',
      ]);
      expect(result.violations[0]!.urn).to.equal(assetsBucket().urn);
    });

    it("fails with status Suspended, and with a second, conflicting configuration", () => {
      expect(messages(checkAssetBucketVersioning([assetsBucket(), versioning({ versioningConfiguration: { status: "Suspended" } })])).join()).to.contain('with status "Suspended"');
      const conflicting = resource(VERSIONING, "other-versioning", { bucket: "gametracker-assets", versioningConfiguration: { status: "Disabled" } });
      expect(messages(checkAssetBucketVersioning([assetsBucket(), versioning(), conflicting]))).to.have.length(1);
    });

    it("is undecided, not failed, while the only candidate's target or status is unknown", () => {
      const target = new Unknown(["bucket"]);
      expect(checkAssetBucketVersioning([assetsBucket(), versioning({ bucket: target })])).to.deep.equal({ violations: [], undecided: [target] });
      const status = new Unknown(["versioningConfiguration", "status"]);
      expect(checkAssetBucketVersioning([assetsBucket(), versioning({ versioningConfiguration: { status } })])).to.deep.equal({ violations: [], undecided: [status] });
    });
  });

  describe("public access block", () => {
    it("passes with all four flags true", () => {
      expect(checkAssetBucketPublicAccessBlock([assetsBucket(), block()])).to.deep.equal({ violations: [], undecided: [] });
    });

    it("fails without a block, naming the flags to set", () => {
      expect(messages(checkAssetBucketPublicAccessBlock([assetsBucket()])).join()).to.contain("has no aws.s3.BucketPublicAccessBlock resource");
    });

    it("fails when any flag is false or unset, naming exactly those", () => {
      const result = checkAssetBucketPublicAccessBlock([assetsBucket(), block({ blockPublicPolicy: false, restrictPublicBuckets: undefined })]);
      expect(messages(result)).to.deep.equal([
        'asset bucket "gametracker-assets" has a BucketPublicAccessBlock "assets-public-access" with blockPublicPolicy, restrictPublicBuckets not true, so objects could be made public; set all four flags to true.',
      ]);
    });

    it("pairs through dependencies during preview too", () => {
      const bucket = assetsBucket({ bucket: new Unknown(["bucket"]) });
      const b = block({ bucket: new Unknown(["bucket"]) }, { bucket: [bucket.urn] });
      expect(checkAssetBucketPublicAccessBlock([bucket, b])).to.deep.equal({ violations: [], undecided: [] });
      expect(checkAssetBucketPublicAccessBlock([bucket, block({ bucket: new Unknown(["bucket"]), ignorePublicAcls: false }, { bucket: [bucket.urn] })]).violations).to.have.length(1);
    });
  });

  it("are three named stack rules", () => {
    expect(s3Rules.map((r) => r.name)).to.deep.equal(["s3-assets-versioning-enabled", "s3-assets-public-access-blocked", "s3-replica-object-lock"]);
  });
});

describe("policy: replica buckets are locked and versioned (s3-replica-object-lock)", () => {
  const LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
  const replica = (props: Props = {}) =>
    resource(BUCKET, "assets-bucket", { bucket: "gt-assets-dr", tags: { [TagKeys.role]: ASSETS_ROLE, [TagKeys.replicaOf]: "gt-assets-prod" }, ...props });
  const replicaVersioning = (status = "Enabled") => resource(VERSIONING, "assets-versioning", { bucket: "gt-assets-dr", versioningConfiguration: { status } });
  const lock = (props: Props = {}) => resource(LOCK, "assets-object-lock", { bucket: "gt-assets-dr", objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: 30 } }, ...props });
  const prefix = 'replica bucket "gt-assets-dr" (replica of "gt-assets-prod")';

  it("knows a replica by its gametracker:replica-of tag (defined once in contracts/tags.ts)", () => {
    expect(TagKeys.replicaOf).to.equal("gametracker:replica-of");
    expect(replicaBuckets([replica(), assetsBucket(), versioning()]).buckets.map((b) => b.props["bucket"])).to.deep.equal(["gt-assets-dr"]);
  });

  it("passes a replica with Object Lock, a default retention in either mode and versioning; ignores buckets that are no replica", () => {
    expect(checkReplicaBucketObjectLock([replica(), replicaVersioning(), lock()])).to.deep.equal({ violations: [], undecided: [] });
    expect(checkReplicaBucketObjectLock([replica(), replicaVersioning(), lock({ rule: { defaultRetention: { mode: "GOVERNANCE", years: 1 } } })]).violations).to.deep.equal([]);
    expect(checkReplicaBucketObjectLock([assetsBucket(), versioning()]).violations).to.deep.equal([]);
  });

  it("refuses a replica without Object Lock", () => {
    expect(messages(checkReplicaBucketObjectLock([replica(), replicaVersioning()]))).to.deep.equal([
      `${prefix} has no aws.s3.BucketObjectLockConfiguration resource, so a credential that may delete versions can erase the region-loss copy; add one for this bucket with objectLockEnabled "Enabled" and a default retention (the AssetsBucket component does with objectLockMode).`,
    ]);
    // Object Lock enabled on the bucket alone sets no default retention: replicas would arrive unlocked.
    expect(messages(checkReplicaBucketObjectLock([replica({ objectLockEnabled: true }), replicaVersioning()]))[0]).to.contain("has no aws.s3.BucketObjectLockConfiguration resource");
  });

  it("refuses a lock without a default retention, or not enabled", () => {
    expect(messages(checkReplicaBucketObjectLock([replica(), replicaVersioning(), lock({ rule: undefined })]))[0]).to.equal(
      `${prefix} has a BucketObjectLockConfiguration "assets-object-lock" without a default retention (mode not set, days not set), so replicas arrive unlocked and a credential that may delete versions can erase the region-loss copy; set rule.defaultRetention to a mode of GOVERNANCE or COMPLIANCE and days > 0.`,
    );
    expect(messages(checkReplicaBucketObjectLock([replica(), replicaVersioning(), lock({ rule: { defaultRetention: { mode: "COMPLIANCE", days: 0 } } })]))[0]).to.contain("without a default retention");
    expect(messages(checkReplicaBucketObjectLock([replica(), replicaVersioning(), lock({ objectLockEnabled: "Disabled" })]))[0]).to.contain('with objectLockEnabled "Disabled"');
  });

  it("refuses a replica without versioning, or with it suspended", () => {
    expect(messages(checkReplicaBucketObjectLock([replica(), lock()]))).to.deep.equal([
      `${prefix} has no aws.s3.BucketVersioning resource, so overwritten or deleted objects can't be recovered; add one for this bucket with versioningConfiguration.status "Enabled".`,
    ]);
    expect(messages(checkReplicaBucketObjectLock([replica(), replicaVersioning("Suspended"), lock()]))[0]).to.contain('with status "Suspended"');
  });

  it("is undecided while the lock's retention or the tags are unknown (preview)", () => {
    const days = new Unknown(["rule", "defaultRetention", "days"]);
    expect(checkReplicaBucketObjectLock([replica(), replicaVersioning(), lock({ rule: { defaultRetention: { mode: "COMPLIANCE", days } } })])).to.deep.equal({ violations: [], undecided: [days] });
    const tags = new Unknown(["tags"]);
    expect(checkReplicaBucketObjectLock([replica({ tags })]).undecided).to.deep.equal([tags]);
  });
});
