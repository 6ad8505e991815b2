import { expect } from "chai";
import { runProgram } from "../../support/pulumi-mocks";
import { AssetsBucket, lifecycleRules, objectLockRule, planAssetsBucket, tlsOnlyPolicy, validateBucketName } from "../../../components/assets-bucket";
import { REPLICATION_RULE_ID, replicationPolicyDocument, replicationRule, S3_REPLICATION_TRUST_POLICY } from "../../../components/assets-replication";
import { InvalidConfigError } from "../../../components/errors";

/** prod's bucket replicating to prod-dr's, as the mocks' account and region see it. */
const REPLICATION_SCOPE = {
  partition: "aws",
  accountId: "123456789012",
  sourceRegion: "us-east-1",
  sourceBucketArn: "arn:aws:s3:::gt-assets-prod",
  destinationBucketArn: "arn:aws:s3:::gt-assets-dr",
  destinationRegion: "us-west-2",
  replicaKmsKeyId: undefined,
};

describe("AssetsBucket", () => {
  describe("bucket names (pure)", () => {
    it("refuses each broken rule (contracts/aws-names) with the reason, naming key and value", () => {
      const cases: Array<[string, string]> = [
        ["ab", "2 characters"],
        ["a".repeat(64), "64 characters"],
        ["GameTracker", 'contains "G"'],
        ["game_tracker", 'contains "_"'],
        ["-assets", "start and end"],
        ["assets.", "start and end"],
        ["a..b", "adjacent dots"],
        ["192.168.5.4", "IP address"],
        ["xn--assets", "prefix xn--"],
        ["sthree-assets", "prefix sthree-"],
        ["assets-s3alias", "suffix -s3alias"],
        ["assets--ol-s3", "suffix --ol-s3"],
      ];
      for (const [name, reason] of cases) {
        try {
          validateBucketName(name, "gametracker:assetsBucketName");
          expect.fail(`accepted ${name}`);
        } catch (error) {
          expect(error).to.be.instanceOf(InvalidConfigError);
          expect((error as Error).message).to.include("gametracker:assetsBucketName").and.include(JSON.stringify(name)).and.include(reason);
        }
      }
    });
  });

  describe("lifecycle (pure)", () => {
    it("expires only noncurrent versions older than N days beyond the newest K, and aborts stale uploads", () => {
      const rules = lifecycleRules({ noncurrentVersionExpirationDays: 30, noncurrentVersionsToKeep: 3, abortIncompleteUploadDays: 7 });
      expect(rules).to.deep.equal([
        { id: "expire-old-noncurrent-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 30, newerNoncurrentVersions: 3 } },
        { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
      ]);
      // Nothing that would delete a current object or a delete marker on a schedule.
      for (const rule of rules) expect(rule).to.not.have.any.keys("expiration", "transitions");
    });

    it("denies every request that is not over TLS", () => {
      const policy = tlsOnlyPolicy("arn:aws:s3:::b") as any;
      expect(policy.Statement[0]).to.deep.include({ Effect: "Deny", Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } });
    });
  });

  describe("component (mocks)", () => {
    it("registers a versioned, encrypted, private bucket owned by the account, with lifecycle and role tag", async () => {
      const run = await runProgram(() => {
        const b = new AssetsBucket("assets", { bucketName: "gt-assets-test", noncurrentVersionExpirationDays: 60, noncurrentVersionsToKeep: 5, abortIncompleteUploadDays: 2, tags: { "gametracker:environment": "dev" } });
        return { name: b.bucketName, arn: b.arn };
      });
      const bucket = run.one("aws:s3/bucket:Bucket");
      expect(bucket.inputs.bucket).to.equal("gt-assets-test");
      expect(bucket.inputs.forceDestroy ?? false, "destroy must never delete every version").to.equal(false);
      expect(bucket.inputs.tags).to.include({ "gametracker:role": "assets", "gametracker:environment": "dev" });
      expect(run.one("aws:s3/bucketVersioning:BucketVersioning").inputs).to.deep.include({ bucket: "gt-assets-test", versioningConfiguration: { status: "Enabled" } });
      expect(run.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules[0].applyServerSideEncryptionByDefault).to.deep.equal({ sseAlgorithm: "AES256" });
      expect(run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).to.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      expect(run.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
      const lifecycle = run.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
      expect(lifecycle[0].noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 60, newerNoncurrentVersions: 5 });
      expect(lifecycle[1].abortIncompleteMultipartUpload).to.deep.equal({ daysAfterInitiation: 2 });
      expect(JSON.parse(run.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy).Statement[0].Sid).to.equal("DenyInsecureTransport");
      for (const r of run.resources.filter((x) => x.type !== "gametracker:storage:AssetsBucket")) expect(r.parent, r.type).to.match(/AssetsBucket::assets$/);
      expect(run.outputs).to.deep.equal({ name: "gt-assets-test", arn: "arn:aws:s3:::gt-assets-test" });
    });

    it("uses SSE-KMS with a bucket key when given a KMS key", async () => {
      const run = await runProgram(() => new AssetsBucket("assets", { kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" }));
      expect(run.one("aws:s3/bucket:Bucket").inputs.bucket).to.equal("gametracker-assets");
      expect(run.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules[0]).to.deep.equal({
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" },
        bucketKeyEnabled: true,
      });
    });

    it("a replica: tagged with its source, Object Lock enabled after versioning with the default retention, on the bucket as it is (no replacement)", async () => {
      const run = await runProgram(() => new AssetsBucket("assets", { bucketName: "gt-assets-dr", replicaSourceBucket: "gt-assets-prod", objectLockMode: "COMPLIANCE", objectLockRetentionDays: 14 }));
      const bucket = run.one("aws:s3/bucket:Bucket");
      expect(bucket.inputs.tags).to.include({ "gametracker:role": "assets", "gametracker:replica-of": "gt-assets-prod" });
      // aws.s3.Bucket's objectLockEnabled forces a new bucket; PutObjectLockConfiguration enables it on the existing one.
      expect(bucket.inputs).to.not.have.property("objectLockEnabled");
      const lock = run.one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
      expect(lock.inputs).to.deep.equal({ bucket: "gt-assets-dr", objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: 14 } } });
      expect(run.dependsOn(lock).map((d) => d.type)).to.include("aws:s3/bucketVersioning:BucketVersioning");
      expect(run.resources.filter((r) => r.type.includes("Replication"))).to.deep.equal([]);
    });

    it("a source: an AssetsReplication child after versioning, with a role S3 assumes and the rule to the standby's bucket", async () => {
      const run = await runProgram(() =>
        new AssetsBucket("assets", {
          bucketName: "gt-assets-prod",
          replicationBucket: "gt-assets-dr",
          replicationRegion: "us-west-2",
          replicationKmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/k",
          replicationTimeControl: true,
          tags: { "gametracker:environment": "prod" },
        }),
      );
      const component = run.one("gametracker:storage:AssetsReplication");
      expect(component.parent).to.match(/AssetsBucket::assets$/);
      const role = run.one("aws:iam/role:Role");
      expect(JSON.parse(role.inputs.assumeRolePolicy)).to.deep.equal(S3_REPLICATION_TRUST_POLICY);
      expect(role.inputs.tags).to.include({ "gametracker:environment": "prod", "gametracker:component": "assets-replication" }).and.not.have.property("gametracker:role");
      const config = run.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig");
      expect(config.inputs.bucket).to.equal("gt-assets-prod");
      expect(config.inputs.role).to.equal(role.state.arn);
      expect(config.inputs.rules).to.deep.equal([
        replicationRule({ destinationBucket: "gt-assets-dr", destinationRegion: "us-west-2", replicaKmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/k", replicationTimeControl: true }, "arn:aws:s3:::gt-assets-dr"),
      ]);
      expect(run.dependsOn(component).map((d) => d.type)).to.include("aws:s3/bucketVersioning:BucketVersioning");
      expect(run.dependsOn(config).map((d) => d.type)).to.include("aws:iam/rolePolicy:RolePolicy");
      const policy = JSON.parse(run.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
      expect(policy).to.deep.equal(replicationPolicyDocument({ ...REPLICATION_SCOPE, replicaKmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/k" }));
    });

    it("refuses bad arguments before registering anything", async () => {
      for (const args of [
        { bucketName: "Bad_Name" },
        { noncurrentVersionsToKeep: 0 },
        { noncurrentVersionsToKeep: 101 },
        { noncurrentVersionExpirationDays: 0 },
        { abortIncompleteUploadDays: 1.5 },
        { objectLockMode: "LEGAL_HOLD" as never },
        { objectLockMode: "COMPLIANCE" as const, objectLockRetentionDays: 36501 },
        { objectLockRetentionDays: 30 },
        { replicaSourceBucket: "gt-assets-prod" },
        { replicationBucket: "gt-assets-dr" },
        { replicaSourceBucket: "gt-assets-prod", objectLockMode: "GOVERNANCE" as const, replicationBucket: "gt-assets-other", replicationRegion: "eu-west-1" },
      ]) {
        let registered = 0;
        let message = "";
        try {
          await runProgram(() => new AssetsBucket("assets", args), { behaviours: [() => void registered++] });
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message, JSON.stringify(args)).to.match(/^AssetsBucketArgs\.\w+ is .+, but /);
        expect(registered).to.equal(0);
      }
    });
  });

  describe("replication and lock (pure)", () => {
    const plan = { destinationBucket: "gt-assets-dr", destinationRegion: "us-west-2", replicaKmsKeyId: undefined, replicationTimeControl: false };
    const scope = REPLICATION_SCOPE;

    it("replicates the whole bucket with delete markers; SSE-KMS objects only with a replica key; RTC only with its metrics", () => {
      expect(replicationRule(plan, "arn:aws:s3:::gt-assets-dr")).to.deep.equal({
        id: REPLICATION_RULE_ID,
        status: "Enabled",
        priority: 1,
        filter: {},
        deleteMarkerReplication: { status: "Enabled" },
        destination: { bucket: "arn:aws:s3:::gt-assets-dr" },
      });
      const full = replicationRule({ ...plan, replicaKmsKeyId: "arn:aws:kms:us-west-2:1:key/k", replicationTimeControl: true }, "arn:aws:s3:::gt-assets-dr");
      expect(full.sourceSelectionCriteria).to.deep.equal({ sseKmsEncryptedObjects: { status: "Enabled" } });
      expect(full.destination).to.deep.equal({
        bucket: "arn:aws:s3:::gt-assets-dr",
        encryptionConfiguration: { replicaKmsKeyId: "arn:aws:kms:us-west-2:1:key/k" },
        replicationTime: { status: "Enabled", time: { minutes: 15 } },
        metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
      });
    });

    it("gives the replication role what S3 documents and nothing that erases a version", () => {
      const doc = replicationPolicyDocument(scope) as { Statement: Array<{ Action: string | string[]; Resource: string }> };
      expect(doc.Statement.map((s) => [s.Action, s.Resource])).to.deep.equal([
        [["s3:GetReplicationConfiguration", "s3:ListBucket"], "arn:aws:s3:::gt-assets-prod"],
        [["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "arn:aws:s3:::gt-assets-prod/*"],
        [["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "arn:aws:s3:::gt-assets-dr/*"],
      ]);
      const withKey = JSON.stringify(replicationPolicyDocument({ ...scope, replicaKmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/k" }));
      expect(withKey).to.contain('"kms:Encrypt","Resource":"arn:aws:kms:us-west-2:123456789012:key/k"').and.contain('"kms:ViaService":"s3.us-west-2.amazonaws.com"');
      expect(withKey).to.contain('"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:123456789012:key/*"').and.contain('"kms:EncryptionContext:aws:s3:arn":["arn:aws:s3:::gt-assets-prod/*"]');
      for (const doc of [JSON.stringify(replicationPolicyDocument(scope)), withKey]) {
        for (const forbidden of ["DeleteObject", "BypassGovernanceRetention", "PutObjectRetention", "PutBucketObjectLockConfiguration", "s3:*", "ObjectOwnerOverrideToBucketOwner"]) expect(doc).to.not.contain(forbidden);
      }
    });

    it("locks every new version for the retention in the chosen mode", () => {
      expect(objectLockRule({ mode: "GOVERNANCE", retentionDays: 30 })).to.deep.equal({ defaultRetention: { mode: "GOVERNANCE", days: 30 } });
      expect(planAssetsBucket({ objectLockMode: "COMPLIANCE" }).objectLock).to.deep.equal({ mode: "COMPLIANCE", retentionDays: 30 });
      expect(planAssetsBucket({}).objectLock).to.equal(undefined);
    });
  });
});
