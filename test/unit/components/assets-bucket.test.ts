import { expect } from "chai";
import { runProgram } from "../../support/pulumi-mocks";
import { AssetsBucket, lifecycleRules, tlsOnlyPolicy, validateBucketName } from "../../../components/assets-bucket";
import { InvalidConfigError } from "../../../components/errors";

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

    it("refuses bad arguments before registering anything", async () => {
      for (const args of [{ bucketName: "Bad_Name" }, { noncurrentVersionsToKeep: 0 }, { noncurrentVersionsToKeep: 101 }, { noncurrentVersionExpirationDays: 0 }, { abortIncompleteUploadDays: 1.5 }]) {
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
});
