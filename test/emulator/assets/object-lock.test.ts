/**
 * The replica bucket under S3 Object Lock, as the AssetsBucket component locks it (versioning,
 * then PutObjectLockConfiguration with the default retention), on both emulators: no one
 * deletes a replica version inside the retention — in COMPLIANCE mode not even with the
 * governance bypass, in GOVERNANCE mode no one without it, and none of this project's roles
 * (the API's, the replication role) may bypass or delete a version at all. What the
 * operator does on the replica after a region loss: a delete marker is added and removed
 * (`assets undelete`) on both; an older version made current again (`assets restore`, a
 * CopyObject) where the emulator takes a copy into a locked bucket without a checksum
 * (S3Behaviours.lockedCopyNeedsChecksum: moto refuses it, and the refusal is one sentence).
 */
import { expect } from "chai";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { objectLockRule, ObjectLockMode } from "../../../components/assets-bucket";
import { apiPolicyDocument } from "../../../components/api";
import { replicationPolicyDocument } from "../../../components/assets-replication";
import { describeOnS3Emulators } from "../../support/s3-emulators";
import { runCli, runCliJson } from "../../support/assets-cli";
import { evaluate, PolicyDocument } from "../../support/iam-policy";

const REPLICA = "gt-assets-dr-locked";

/** The replica as the component makes it: an existing bucket, versioned, then locked with the default retention (a new bucket needs no ObjectLockEnabledForBucket). */
async function lockedReplica(s3: S3Client, mode: ObjectLockMode, days = 1): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: REPLICA }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: REPLICA, VersioningConfiguration: { Status: "Enabled" } }));
  const retention = objectLockRule({ mode, retentionDays: days }).defaultRetention as { mode: ObjectLockMode; days: number };
  await s3.send(
    new PutObjectLockConfigurationCommand({
      Bucket: REPLICA,
      ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: retention.mode, Days: retention.days } } },
    }),
  );
}

const outcome = (promise: Promise<unknown>) => promise.then(() => "deleted", (e: Error & { $metadata?: { httpStatusCode?: number } }) => `${e.$metadata?.httpStatusCode} ${e.name}`);

describeOnS3Emulators("assets replica under S3 Object Lock", (emulator) => {
  it("COMPLIANCE: no one deletes a version inside the retention, with or without the governance bypass, singly or in a batch", async () => {
    const s3 = emulator.clients().s3;
    await lockedReplica(s3, "COMPLIANCE");
    expect((await s3.send(new GetObjectLockConfigurationCommand({ Bucket: REPLICA }))).ObjectLockConfiguration).to.deep.include({ ObjectLockEnabled: "Enabled" });
    const put = await s3.send(new PutObjectCommand({ Bucket: REPLICA, Key: "characters/7/portrait.png", Body: "replica" }));
    expect(await outcome(s3.send(new DeleteObjectCommand({ Bucket: REPLICA, Key: "characters/7/portrait.png", VersionId: put.VersionId })))).to.equal("403 AccessDenied");
    expect(await outcome(s3.send(new DeleteObjectCommand({ Bucket: REPLICA, Key: "characters/7/portrait.png", VersionId: put.VersionId, BypassGovernanceRetention: true })))).to.equal("403 AccessDenied");
    const batch = await s3.send(new DeleteObjectsCommand({ Bucket: REPLICA, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: "characters/7/portrait.png", VersionId: put.VersionId }] } }));
    expect(batch.Deleted ?? []).to.deep.equal([]);
    expect(batch.Errors?.map((e) => e.Key)).to.deep.equal(["characters/7/portrait.png"]);
    const versions = (await s3.send(new ListObjectVersionsCommand({ Bucket: REPLICA }))).Versions ?? [];
    expect(versions.map((v) => v.VersionId)).to.deep.equal([put.VersionId]);
  });

  it("GOVERNANCE: no one without s3:BypassGovernanceRetention deletes a version, and no role of this project holds it or s3:DeleteObjectVersion", async () => {
    const s3 = emulator.clients().s3;
    await lockedReplica(s3, "GOVERNANCE");
    const put = await s3.send(new PutObjectCommand({ Bucket: REPLICA, Key: "a.png", Body: "a" }));
    expect(await outcome(s3.send(new DeleteObjectCommand({ Bucket: REPLICA, Key: "a.png", VersionId: put.VersionId })))).to.equal("403 AccessDenied");
    // The production API's role (prod-dr's, on this very bucket) and the replication role writing into it.
    const api = apiPolicyDocument({ partition: "aws", region: "us-west-2", accountId: "123456789012", databaseIdentifier: "gametracker-mssql", bucketArn: `arn:aws:s3:::${REPLICA}` }) as PolicyDocument;
    const replication = replicationPolicyDocument({
      partition: "aws",
      accountId: "123456789012",
      sourceRegion: "us-east-1",
      sourceBucketArn: "arn:aws:s3:::gt-assets-prod",
      destinationBucketArn: `arn:aws:s3:::${REPLICA}`,
      destinationRegion: "us-west-2",
      replicaKmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/k",
    }) as PolicyDocument;
    for (const [role, policy] of [
      ["api", api],
      ["replication", replication],
    ] as const) {
      for (const action of ["s3:DeleteObjectVersion", "s3:BypassGovernanceRetention", "s3:PutObjectRetention", "s3:PutBucketObjectLockConfiguration", "s3:PutObjectLegalHold"]) {
        expect(evaluate([policy], action, `arn:aws:s3:::${REPLICA}/a.png`), `${role} ${action}`).to.equal("implicit-deny");
        expect(evaluate([policy], action, `arn:aws:s3:::${REPLICA}`), `${role} ${action} (bucket)`).to.equal("implicit-deny");
      }
    }
    // What the API does need on the replica after a region loss, it has.
    for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) expect(evaluate([api], action, `arn:aws:s3:::${REPLICA}/a.png`), action).to.equal("allow");
  });

  it(`the operator's assets commands on the locked replica: undelete removes the marker; restore makes an older version current${emulator.supports.lockedCopyNeedsChecksum ? " (refused here: a copy without a checksum)" : ""}; no version is lost`, async () => {
    const s3 = emulator.clients().s3;
    await lockedReplica(s3, "COMPLIANCE");
    const v1 = await s3.send(new PutObjectCommand({ Bucket: REPLICA, Key: "k.png", Body: "v1" }));
    await s3.send(new PutObjectCommand({ Bucket: REPLICA, Key: "k.png", Body: "v2" }));
    await s3.send(new DeleteObjectCommand({ Bucket: REPLICA, Key: "k.png" }));
    const undeleted = await runCliJson(emulator, ["assets", "undelete", "k.png", "--bucket", REPLICA, "--yes"]);
    expect(undeleted.removedMarkers).to.have.length(1);
    expect(await (await s3.send(new GetObjectCommand({ Bucket: REPLICA, Key: "k.png" }))).Body!.transformToString()).to.equal("v2");
    const restored = await runCli(emulator, ["assets", "restore", "k.png", "--version-id", v1.VersionId!, "--bucket", REPLICA, "--yes"]);
    if (emulator.supports.lockedCopyNeedsChecksum) {
      expect(restored.code).to.equal(1);
      expect(restored.stderr.trim()).to.match(/^error: Could not copy version .* over its current version: AWS answered MissingUploadObjectWithObjectLockHeaders/);
    } else {
      expect(restored.code, restored.stderr).to.equal(0);
      expect(await (await s3.send(new GetObjectCommand({ Bucket: REPLICA, Key: "k.png" }))).Body!.transformToString()).to.equal("v1");
    }
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: REPLICA }));
    expect(listed.Versions).to.have.length(emulator.supports.lockedCopyNeedsChecksum ? 2 : 3);
    expect(listed.DeleteMarkers ?? []).to.deep.equal([]);
  });
});
