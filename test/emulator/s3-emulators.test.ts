import { expect } from "chai";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { createAwsClients } from "../../automation/aws/clients";
import { describeOnS3Emulators } from "../support/s3-emulators";
import { ACCESS_KEY, SECRET_KEY } from "../support/versitygw";

const BUCKET = "emulator-behaviours";

/**
 * What S3Behaviours claims about each emulator, checked against the emulator itself, so that
 * a test that skips a case on one of them skips it for a reason that is true (and notices
 * when an emulator upgrade fixes it). Each case states S3's documented behaviour.
 */
describeOnS3Emulators("S3 emulator behaviours", (emulator) => {
  const bucket = async () => {
    const s3 = emulator.clients().s3;
    return { s3, history: await emulator.history(s3, BUCKET) };
  };
  const current = async (s3: S3Client, key: string) => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();

  it(`encryption: a copy without encryption headers takes the bucket default (S3) — ${emulator.supports.encryption ? "kept" : "ignored"} here`, async () => {
    const { s3 } = await bucket();
    const configured = await s3
      .send(new PutBucketEncryptionCommand({ Bucket: BUCKET, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] } }))
      .then(() => true, () => false);
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSKeyId: "arn:aws:kms:us-east-1:123456789012:key/k1" }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "y" }));
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "k", CopySource: `${BUCKET}/k?versionId=${put.VersionId}` }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "k" }));
    expect(configured && head.ServerSideEncryption === "AES256").to.equal(emulator.supports.encryption);
  });

  it(`replication: a configuration is stored, and nothing is replicated (S3 replicates) — ${emulator.supports.replicationConfiguration ? "stored" : "NotImplemented"} here`, async () => {
    const { s3 } = await bucket();
    const stored = await s3
      .send(
        new PutBucketReplicationCommand({
          Bucket: BUCKET,
          ReplicationConfiguration: { Role: "arn:aws:iam::123456789012:role/r", Rules: [{ ID: "r", Priority: 1, Status: "Enabled", Filter: {}, DeleteMarkerReplication: { Status: "Enabled" }, Destination: { Bucket: `arn:aws:s3:::${BUCKET}` } }] },
        }),
      )
      .then(() => true, (e: Error) => (e.name === "NotImplemented" ? false : Promise.reject(e)));
    expect(stored).to.equal(emulator.supports.replicationConfiguration);
  });

  it(`a copy into a bucket with an Object Lock default retention, naming no checksum — ${emulator.supports.lockedCopyNeedsChecksum ? "refused" : "taken"} here`, async () => {
    const s3 = emulator.clients().s3;
    await s3.send(new CreateBucketCommand({ Bucket: "locked-copy" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: "locked-copy", VersioningConfiguration: { Status: "Enabled" } }));
    await s3.send(new PutObjectLockConfigurationCommand({ Bucket: "locked-copy", ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 1 } } } }));
    const put = await s3.send(new PutObjectCommand({ Bucket: "locked-copy", Key: "k", Body: "x" }));
    const copied = await s3
      .send(new CopyObjectCommand({ Bucket: "locked-copy", Key: "k", CopySource: `locked-copy/k?versionId=${put.VersionId}`, MetadataDirective: "REPLACE", ContentType: "image/png" }))
      .then(() => "taken", (e: Error) => e.name);
    expect(copied).to.equal(emulator.supports.lockedCopyNeedsChecksum ? "MissingUploadObjectWithObjectLockHeaders" : "taken");
  });

  it(`storage classes: an INTELLIGENT_TIERING object stays in its class (S3) — ${emulator.supports.storageClasses ? "yes" : "stored as STANDARD"} here`, async () => {
    const { s3 } = await bucket();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "x", StorageClass: "INTELLIGENT_TIERING" }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "k" }));
    expect(head.StorageClass === "INTELLIGENT_TIERING").to.equal(emulator.supports.storageClasses);
  });

  it(`null versions: removing the marker above v1 and a null version makes v1 current (S3) — ${emulator.supports.nullVersions ? "yes" : "the null version"} here`, async () => {
    const s3 = emulator.clients().s3;
    await emulator.history(s3, BUCKET, { beforeVersioning: [{ key: "k", body: "null" }] });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "v1" }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "k" }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "k", VersionId: marker.VersionId }));
    expect((await current(s3, "k")) === "v1").to.equal(emulator.supports.nullVersions);
  });

  it(`full-object checksums: a FULL_OBJECT CRC64NVME multipart upload reports the whole object's checksum (S3) — ${emulator.supports.fullObjectChecksums ? "yes" : "another value"} here`, async () => {
    const { s3 } = await bucket();
    const single = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "a", Body: "same bytes", ChecksumAlgorithm: "CRC64NVME" }));
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "b", ChecksumAlgorithm: "CRC64NVME", ChecksumType: "FULL_OBJECT" }));
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "b", UploadId: upload.UploadId, PartNumber: 1, Body: "same bytes", ChecksumAlgorithm: "CRC64NVME" }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "b", UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumCRC64NVME: part.ChecksumCRC64NVME }] } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "b", ChecksumMode: "ENABLED" }));
    expect(head.ChecksumCRC64NVME === single.ChecksumCRC64NVME).to.equal(emulator.supports.fullObjectChecksums);
  });

  it(`conditional completion: CompleteMultipartUpload with a wrong If-Match is refused with 412 (S3) — ${emulator.supports.conditionalComplete ? "yes" : "completed anyway"} here`, async () => {
    const { s3 } = await bucket();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "x" }));
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "k" }));
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "k", UploadId: upload.UploadId, PartNumber: 1, Body: "y" }));
    const refused = await s3
      .send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "k", UploadId: upload.UploadId, IfMatch: '"0123456789abcdef0123456789abcdef"', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }))
      .then(() => false, (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 412);
    expect(refused).to.equal(emulator.supports.conditionalComplete);
  });

  it(`lifecycle: a bucket's lifecycle rule that aborts incomplete multipart uploads is stored (S3) — ${emulator.supports.lifecycle ? "yes" : "NotImplemented"} here`, async () => {
    const { s3 } = await bucket();
    const rule = { ID: "abort-incomplete-multipart-uploads", Status: "Enabled" as const, Filter: {}, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } };
    const stored = await s3
      .send(new PutBucketLifecycleConfigurationCommand({ Bucket: BUCKET, LifecycleConfiguration: { Rules: [rule] } }))
      .then(async () => (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }))).Rules?.[0]?.AbortIncompleteMultipartUpload?.DaysAfterInitiation === 7)
      .catch((e: { name?: string }) => (e.name === "NotImplemented" ? false : Promise.reject(e)));
    expect(stored).to.equal(emulator.supports.lifecycle);
  });

  it(`listing order: entries of one key written within a second are listed newest first with their own stamps (S3: milliseconds) — ${emulator.supports.subSecondOrder ? "yes" : "whole seconds"} here`, async () => {
    const { s3 } = await bucket();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "1" }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "k" }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "2" }));
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
    const stamps = new Set([...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((e) => e.LastModified!.getTime()));
    expect(stamps.size === 3).to.equal(emulator.supports.subSecondOrder);
  });

  it(`markers: a page starts after NextKeyMarker/NextVersionIdMarker (S3) — ${emulator.supports.exclusiveMarkers ? "yes" : "at them, when a page ended on a key's current version"} here`, async () => {
    const { s3 } = await bucket();
    for (const key of ["a", "b", "c"]) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "1" }));
    const first = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, MaxKeys: 2 }));
    const next = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, MaxKeys: 2, KeyMarker: first.NextKeyMarker, VersionIdMarker: first.NextVersionIdMarker }));
    const seen = new Set((first.Versions ?? []).map((v) => v.VersionId));
    expect((next.Versions ?? []).every((v) => !seen.has(v.VersionId))).to.equal(emulator.supports.exclusiveMarkers);
  });

  if (emulator.name === "versitygw") {
    it("versitygw lists a version's LastModified as the moment it stopped being current; its proxy gives S3's creation time", async () => {
      const { s3 } = await bucket();
      const raw = createAwsClients({ endpoint: process.env.GAMETRACKER_TEST_VERSITYGW_RAW!, region: "us-east-1", credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY } });
      const written = Date.now();
      const v1 = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "1" }));
      await new Promise((r) => setTimeout(r, 1_100));
      const superseded = Date.now();
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "2" }));
      const stampOf = async (client: S3Client) => (await client.send(new ListObjectVersionsCommand({ Bucket: BUCKET }))).Versions!.find((v) => v.VersionId === v1.VersionId)!.LastModified!.getTime();
      // versitygw's stamp is the mtime of v1's copy into its versioning directory, taken by the
      // kernel's coarse clock (up to a tick, 4–10 ms, behind Date.now()), so allow 20 ms before
      // the second; v1 was written at least 1.1 s earlier, so its write time stays below that.
      expect(await stampOf(raw.s3), "raw versitygw: when v1 was superseded, to the second").to.be.at.least(Math.floor((superseded - 20) / 1000) * 1000);
      expect(Math.abs((await stampOf(s3)) - written), "through the proxy: when v1 was written").to.be.below(250);
      raw.destroy();
    });
  }
});
