/**
 * S3 Replication of the assets bucket, on both emulators: the configuration checked
 * against S3's documented requirements, and the replication test double
 * (test/support/s3-replication.ts) applying S3's rules of what is and isn't replicated,
 * with the statuses the code under test reads. On moto the configuration is moto's own
 * (PutBucketReplication, read back with the moto gap corrected) and the replication role
 * is the component's, judged from moto's IAM; versitygw has no replication API, so the
 * double keeps the configuration there.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketReplicationCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  ReplicationConfiguration,
  S3Client,
} from "@aws-sdk/client-s3";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { createHash, randomBytes } from "node:crypto";
import { replicationPolicyDocument, S3_REPLICATION_TRUST_POLICY } from "../../../components/assets-replication";
import { describeOnS3Emulators, S3Emulator } from "../../support/s3-emulators";
import { applyS3MotoGaps } from "../../support/moto-gaps";
import { componentReplicationConfiguration, S3ReplicationDouble } from "../../support/s3-replication";

const SOURCE = "gt-assets-prod";
const REPLICA = "gt-assets-dr";
const ROLE = "assets-replication";
const ROLE_ARN = `arn:aws:iam::123456789012:role/${ROLE}`;
const REPLICA_KEY = "arn:aws:kms:us-west-2:123456789012:key/replica";

/** The rule the AssetsReplication component declares. */
function componentConfiguration(options: { kms?: boolean; deleteMarkers?: boolean } = {}): ReplicationConfiguration {
  return componentReplicationConfiguration(
    { destinationBucket: REPLICA, destinationRegion: "us-west-2", replicaKmsKeyId: options.kms ? REPLICA_KEY : undefined, replicationTimeControl: true },
    ROLE_ARN,
    options.deleteMarkers === false ? { deleteMarkers: false } : {},
  );
}

describeOnS3Emulators("assets replication (the S3 Replication test double)", (emulator: S3Emulator) => {
  const onMoto = emulator.name === "moto";
  let state: string;
  beforeEach(() => (state = fs.mkdtempSync(path.join(os.tmpdir(), "replication-"))));
  afterEach(() => fs.rmSync(state, { recursive: true, force: true }));

  /** The emulator as the double and the test see it (moto with its S3 gaps corrected); and a client of the code under test, with the double's view. */
  function world(options: { iam?: IAMClient } = {}) {
    const raw = emulator.clients().s3;
    if (onMoto) applyS3MotoGaps(raw, state);
    const double = new S3ReplicationDouble({ s3: raw, configuration: onMoto ? "emulator" : "double", ...(options.iam !== undefined ? { iam: options.iam } : {}) });
    const seen = emulator.clients({ middleware: (stack) => double.middleware(stack) }).s3;
    return { raw, double, seen };
  }

  async function buckets(s3: S3Client, versioned: { source?: boolean; replica?: boolean | "missing" } = {}) {
    for (const [bucket, on] of [
      [SOURCE, versioned.source ?? true],
      [REPLICA, versioned.replica ?? true],
    ] as const) {
      if (on === "missing") continue;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      if (on) await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    }
  }

  const refusal = (promise: Promise<unknown>) => promise.then(() => "accepted", (e: Error) => `${e.name}: ${e.message}`);

  it("takes a configuration only as S3 does: both buckets versioned, the destination there, a replica key with SSE-KMS selection and only then, RTC with its metrics", async () => {
    const { raw, double } = world();
    await buckets(raw, { source: false, replica: "missing" });
    expect(await refusal(double.putConfiguration(SOURCE, componentConfiguration()))).to.equal("InvalidRequest: Versioning must be 'Enabled' on the bucket to apply a replication configuration");
    await raw.send(new PutBucketVersioningCommand({ Bucket: SOURCE, VersioningConfiguration: { Status: "Enabled" } }));
    expect(await refusal(double.putConfiguration(SOURCE, componentConfiguration()))).to.equal("InvalidRequest: Destination bucket must exist.");
    await raw.send(new CreateBucketCommand({ Bucket: REPLICA }));
    expect(await refusal(double.putConfiguration(SOURCE, componentConfiguration()))).to.equal("InvalidRequest: Destination bucket must have versioning enabled.");
    await raw.send(new PutBucketVersioningCommand({ Bucket: REPLICA, VersioningConfiguration: { Status: "Enabled" } }));
    const noKey = componentConfiguration({ kms: true });
    delete noKey.Rules![0]!.Destination!.EncryptionConfiguration;
    expect(await refusal(double.putConfiguration(SOURCE, noKey))).to.match(/^InvalidRequest: ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects/);
    const noMetrics = componentConfiguration();
    delete noMetrics.Rules![0]!.Destination!.Metrics;
    expect(await refusal(double.putConfiguration(SOURCE, noMetrics))).to.equal("InvalidRequest: Replication destination must contain both ReplicationTime and Metrics or neither.");
    expect(await refusal(double.putConfiguration(SOURCE, componentConfiguration({ kms: true })))).to.equal("accepted");
    // moto keeps it (and answers it back as put, its read-back gap corrected); versitygw has no replication API at all.
    const stored = await refusal(raw.send(new GetBucketReplicationCommand({ Bucket: SOURCE })));
    expect(stored).to.equal(emulator.supports.replicationConfiguration ? "accepted" : "NotImplemented: A header you provided implies functionality that is not implemented.");
    if (emulator.supports.replicationConfiguration) {
      const rule = (await raw.send(new GetBucketReplicationCommand({ Bucket: SOURCE }))).ReplicationConfiguration!.Rules![0]!;
      expect(rule).to.deep.include({ DeleteMarkerReplication: { Status: "Enabled" }, SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" } } });
    } else {
      expect(await refusal(raw.send(new PutBucketReplicationCommand({ Bucket: SOURCE, ReplicationConfiguration: componentConfiguration() })))).to.match(/^NotImplemented/);
    }
  });

  it("replicates versions written after the configuration, with body, metadata and tags, keeping the source's version id and creation time; what existed before stays unreplicated, without a status", async () => {
    const { raw, double, seen } = world();
    await buckets(raw);
    const before = await raw.send(new PutObjectCommand({ Bucket: SOURCE, Key: "characters/1/old.png", Body: "old" }));
    await double.putConfiguration(SOURCE, componentConfiguration());
    const put = await seen.send(new PutObjectCommand({ Bucket: SOURCE, Key: "characters/1/portrait.png", Body: "v1", ContentType: "image/png", Metadata: { artist: "ada" }, Tagging: "season=3" }));
    // S3 marks the source PENDING at once; the replica doesn't exist yet.
    await double.discover();
    expect((await seen.send(new HeadObjectCommand({ Bucket: SOURCE, Key: "characters/1/portrait.png" }))).ReplicationStatus).to.equal("PENDING");
    const sourceListed = (await raw.send(new ListObjectVersionsCommand({ Bucket: SOURCE, Prefix: "characters/1/portrait.png" }))).Versions![0]!;
    // Replicated a moment later: on moto (whole-second stamps) in a later second, so the creation time is the source's and not the emulator's.
    await new Promise((r) => setTimeout(r, onMoto ? 1100 : 20));
    const pass = await double.replicate();
    expect(pass).to.deep.include({ completed: 1, failed: [], pending: [] });
    expect((await seen.send(new HeadObjectCommand({ Bucket: SOURCE, Key: "characters/1/portrait.png" }))).ReplicationStatus).to.equal("COMPLETED");
    expect((await seen.send(new HeadObjectCommand({ Bucket: SOURCE, Key: "characters/1/old.png" }))).ReplicationStatus, "existed before: no status").to.equal(undefined);

    const replica = await seen.send(new GetObjectCommand({ Bucket: REPLICA, Key: "characters/1/portrait.png" }));
    expect(await replica.Body!.transformToString()).to.equal("v1");
    expect(replica).to.deep.include({ ReplicationStatus: "REPLICA", VersionId: put.VersionId, ContentType: "image/png", Metadata: { artist: "ada" } });
    // An HTTP Last-Modified header has whole seconds; the listing below has S3's milliseconds.
    expect(replica.LastModified!.getTime()).to.equal(Math.floor(sourceListed.LastModified!.getTime() / 1000) * 1000);
    expect((await seen.send(new GetObjectTaggingCommand({ Bucket: REPLICA, Key: "characters/1/portrait.png", VersionId: put.VersionId }))).TagSet).to.deep.equal([{ Key: "season", Value: "3" }]);
    const listed = await seen.send(new ListObjectVersionsCommand({ Bucket: REPLICA }));
    expect(listed.Versions!.map((v) => [v.Key, v.VersionId, v.LastModified!.getTime()])).to.deep.equal([["characters/1/portrait.png", put.VersionId, sourceListed.LastModified!.getTime()]]);
    // The emulator itself gave the replica an id of its own: the double's view is what S3 would show.
    const emulatorId = (await raw.send(new ListObjectVersionsCommand({ Bucket: REPLICA }))).Versions![0]!.VersionId;
    expect(emulatorId).to.not.equal(put.VersionId);
    expect(before.VersionId).to.be.a("string");
  });

  it("replicates a delete marker only with delete marker replication on; never a DELETE of a version, a lifecycle expiration, or a replica onward", async () => {
    const { raw, double, seen } = world();
    await buckets(raw);
    await raw.send(new CreateBucketCommand({ Bucket: "gt-assets-third" }));
    await raw.send(new PutBucketVersioningCommand({ Bucket: "gt-assets-third", VersioningConfiguration: { Status: "Enabled" } }));
    await double.putConfiguration(SOURCE, componentConfiguration());
    const a = await seen.send(new PutObjectCommand({ Bucket: SOURCE, Key: "a.png", Body: "a" }));
    await seen.send(new PutObjectCommand({ Bucket: SOURCE, Key: "b.png", Body: "b1" }));
    const b2 = await seen.send(new PutObjectCommand({ Bucket: SOURCE, Key: "b.png", Body: "b2" }));
    await seen.send(new PutObjectCommand({ Bucket: SOURCE, Key: "c.png", Body: "c" }));
    await double.replicate();
    const marker = await seen.send(new DeleteObjectCommand({ Bucket: SOURCE, Key: "a.png" }));
    await seen.send(new DeleteObjectCommand({ Bucket: SOURCE, Key: "b.png", VersionId: b2.VersionId }));
    await double.expireByLifecycle(SOURCE, "c.png");
    const pass = await double.replicate();
    expect(pass.completed).to.equal(1);
    expect(pass.notReplicated.map((n) => n.reason)).to.deep.equal(["made by a lifecycle rule: S3 does not replicate lifecycle actions"]);
    const replica = await seen.send(new ListObjectVersionsCommand({ Bucket: REPLICA }));
    // a.png: hidden behind the replicated marker (same marker id), its version kept: undeletable at home and here alike.
    expect(replica.DeleteMarkers!.map((m) => [m.Key, m.VersionId, m.IsLatest])).to.deep.equal([["a.png", marker.VersionId, true]]);
    expect(replica.Versions!.filter((v) => v.Key === "a.png").map((v) => v.VersionId)).to.deep.equal([a.VersionId]);
    // b.png: the version deleted at home is still in the replica; c.png: still current there.
    expect(replica.Versions!.filter((v) => v.Key === "b.png").map((v) => v.VersionId)).to.include(b2.VersionId);
    expect(await (await seen.send(new GetObjectCommand({ Bucket: REPLICA, Key: "c.png" }))).Body!.transformToString()).to.equal("c");

    // A replica bucket that replicates onward copies its own writes, not the replicas it holds.
    const onward: ReplicationConfiguration = { ...componentConfiguration(), Rules: [{ ...componentConfiguration().Rules![0]!, Destination: { Bucket: "arn:aws:s3:::gt-assets-third" } }] };
    await double.putConfiguration(REPLICA, onward);
    await seen.send(new PutObjectCommand({ Bucket: REPLICA, Key: "written-there.png", Body: "w" }));
    await double.replicate();
    expect((await raw.send(new ListObjectVersionsCommand({ Bucket: "gt-assets-third" }))).Versions?.map((v) => v.Key)).to.deep.equal(["written-there.png"]);

    // With delete marker replication off, a delete stays at home.
    const { raw: raw2, double: off, seen: seen2 } = world();
    await off.putConfiguration(SOURCE, componentConfiguration({ deleteMarkers: false }));
    await seen2.send(new PutObjectCommand({ Bucket: SOURCE, Key: "d.png", Body: "d" }));
    await seen2.send(new DeleteObjectCommand({ Bucket: SOURCE, Key: "d.png" }));
    expect((await off.replicate()).notReplicated.map((n) => n.reason)).to.deep.equal(["delete marker replication is not enabled"]);
    expect(await (await raw2.send(new GetObjectCommand({ Bucket: REPLICA, Key: "d.png" }))).Body!.transformToString()).to.equal("d");
  });

  it("replicates SSE-KMS objects only when selected, re-encrypted with the replica key; never SSE-C objects", async function () {
    const { raw, double, seen } = world();
    await buckets(raw);
    await double.putConfiguration(SOURCE, componentConfiguration({ kms: true }));
    const customerKey = randomBytes(32);
    await seen.send(
      new PutObjectCommand({
        Bucket: SOURCE,
        Key: "ssec.png",
        Body: "c",
        SSECustomerAlgorithm: "AES256",
        SSECustomerKey: customerKey.toString("base64"),
        SSECustomerKeyMD5: createHash("md5").update(customerKey).digest("base64"),
      }),
    );
    await seen.send(new PutObjectCommand({ Bucket: SOURCE, Key: "kms.png", Body: "k", ServerSideEncryption: "aws:kms", SSEKMSKeyId: "arn:aws:kms:us-east-1:123456789012:key/home" }));
    const pass = await double.replicate();
    expect(pass.notReplicated).to.deep.equal([{ key: "ssec.png", versionId: pass.notReplicated[0]?.versionId, reason: "SSE-C objects are not replicated" }]);
    expect(pass.completed).to.equal(1);
    if (!emulator.supports.encryption) return; // versitygw keeps no encryption to re-encrypt.
    const head = await seen.send(new HeadObjectCommand({ Bucket: REPLICA, Key: "kms.png" }));
    expect(head).to.deep.include({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: REPLICA_KEY, ReplicationStatus: "REPLICA" });

    // Without the selection, S3 leaves SSE-KMS objects at home (no status).
    const { double: unselected, seen: seen2 } = world();
    await unselected.putConfiguration(SOURCE, componentConfiguration());
    await seen2.send(new PutObjectCommand({ Bucket: SOURCE, Key: "kms2.png", Body: "k", ServerSideEncryption: "aws:kms", SSEKMSKeyId: "arn:aws:kms:us-east-1:123456789012:key/home" }));
    expect((await unselected.replicate()).notReplicated.map((n) => n.reason)).to.include("SSE-KMS objects are replicated only with SseKmsEncryptedObjects Enabled");
  });

  it("fails a replication S3 can't make (the destination's versioning suspended) and leaves it FAILED; Batch Replication then copies the failed and the pre-existing objects", async () => {
    const { raw, double, seen } = world();
    await buckets(raw);
    await raw.send(new PutObjectCommand({ Bucket: SOURCE, Key: "existing.png", Body: "e" }));
    await double.putConfiguration(SOURCE, componentConfiguration());
    await raw.send(new PutBucketVersioningCommand({ Bucket: REPLICA, VersioningConfiguration: { Status: "Suspended" } }));
    await seen.send(new PutObjectCommand({ Bucket: SOURCE, Key: "new.png", Body: "n" }));
    const pass = await double.replicate();
    expect(pass.failed.map((f) => [f.key, f.reason])).to.deep.equal([["new.png", "DstBucketUnversioned"]]);
    expect((await seen.send(new HeadObjectCommand({ Bucket: SOURCE, Key: "new.png" }))).ReplicationStatus).to.equal("FAILED");
    await raw.send(new PutBucketVersioningCommand({ Bucket: REPLICA, VersioningConfiguration: { Status: "Enabled" } }));
    expect((await double.replicate()).failed, "S3 does not retry a FAILED replication").to.deep.equal([]);
    expect((await seen.send(new HeadObjectCommand({ Bucket: SOURCE, Key: "new.png" }))).ReplicationStatus).to.equal("FAILED");

    expect(await double.batchReplicate(SOURCE, ["NONE", "FAILED"])).to.deep.equal({ total: 2, succeeded: 2, failed: 0 });
    for (const key of ["new.png", "existing.png"]) expect((await seen.send(new HeadObjectCommand({ Bucket: SOURCE, Key: key }))).ReplicationStatus, key).to.equal("COMPLETED");
    expect((await seen.send(new ListObjectVersionsCommand({ Bucket: REPLICA }))).Versions!.map((v) => v.Key).sort()).to.deep.equal(["existing.png", "new.png"]);
  });

  if (onMoto) {
    it("replicates with the component's role only when S3 may assume it and it allows what S3 documents (judged from moto's IAM)", async () => {
      const iam = new IAMClient({ region: "us-east-1", endpoint: emulator.endpoint() });
      try {
        const { raw, double, seen } = world({ iam });
        await buckets(raw);
        await iam.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }));
        await double.putConfiguration(SOURCE, componentConfiguration());
        await seen.send(new PutObjectCommand({ Bucket: SOURCE, Key: "a.png", Body: "a" }));
        expect((await double.replicate()).failed.map((f) => f.reason)).to.deep.equal(["AssumeRoleNotPermitted"]);

        // The component's trust and policy, for the whole bucket.
        const { double: second, seen: seen2 } = world({ iam });
        await iam.send(new CreateRoleCommand({ RoleName: `${ROLE}-2`, AssumeRolePolicyDocument: JSON.stringify(S3_REPLICATION_TRUST_POLICY) }));
        const scope = { partition: "aws", accountId: "123456789012", sourceRegion: "us-east-1", sourceBucketArn: `arn:aws:s3:::${SOURCE}`, destinationBucketArn: `arn:aws:s3:::${REPLICA}`, destinationRegion: "us-west-2", replicaKmsKeyId: undefined };
        const withoutWrite = replicationPolicyDocument(scope) as { Statement: Array<{ Sid: string }> };
        withoutWrite.Statement = withoutWrite.Statement.filter((st) => st.Sid !== "WriteReplicas");
        await iam.send(new PutRolePolicyCommand({ RoleName: `${ROLE}-2`, PolicyName: "replication", PolicyDocument: JSON.stringify(withoutWrite) }));
        await second.putConfiguration(SOURCE, { ...componentConfiguration(), Role: `${ROLE_ARN}-2` });
        await seen2.send(new PutObjectCommand({ Bucket: SOURCE, Key: "b.png", Body: "b" }));
        await seen2.send(new DeleteObjectCommand({ Bucket: SOURCE, Key: "b.png" }));
        expect((await second.replicate()).failed.map((f) => f.reason)).to.deep.equal(["DstPutObjNotPermitted", "DstDelObjNotPermitted"]);

        const { double: third, seen: seen3 } = world({ iam });
        await iam.send(new PutRolePolicyCommand({ RoleName: `${ROLE}-2`, PolicyName: "replication", PolicyDocument: JSON.stringify(replicationPolicyDocument(scope)) }));
        await third.putConfiguration(SOURCE, { ...componentConfiguration(), Role: `${ROLE_ARN}-2` });
        await seen3.send(new PutObjectCommand({ Bucket: SOURCE, Key: "c.png", Body: "c" }));
        await seen3.send(new DeleteObjectCommand({ Bucket: SOURCE, Key: "c.png" }));
        expect(await third.replicate()).to.deep.include({ completed: 2, failed: [] });
      } finally {
        iam.destroy();
      }
    });
  }
});
