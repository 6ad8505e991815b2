import { expect } from "chai";
import { S3Client } from "@aws-sdk/client-s3";
import { copySource, encodeKey, headObject, listVersionPage, parseVersionPage, storedChecksum, xmlText } from "../../../automation/aws/s3";
import { OperationError } from "../../../automation/errors";
import { CannedAnswer, CannedHttp } from "../../support/canned-http";

/** A client whose requests `answer` serves, through the SDK's own serializer and parser. */
function cannedS3(answer: () => CannedAnswer) {
  const http = new CannedHttp(answer);
  const s3 = new S3Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
  http.middleware(s3.middlewareStack as any);
  return { s3, http };
}

const version = (key: string, id: string, at: string, latest = false) =>
  `<Version><Key>${key}</Key><VersionId>${id}</VersionId><IsLatest>${latest}</IsLatest><LastModified>${at}</LastModified><ETag>&quot;e-${id}&quot;</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Version>`;
const marker = (key: string, id: string, at: string, latest = false) =>
  `<DeleteMarker><Key>${key}</Key><VersionId>${id}</VersionId><IsLatest>${latest}</IsLatest><LastModified>${at}</LastModified></DeleteMarker>`;
const listing = (...entries: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${entries.join("")}</ListVersionsResult>`;

describe("aws/s3", () => {
  describe("the order of a ListObjectVersions body", () => {
    it("reads the entries in document order, with their fields, and nothing else as an entry", () => {
      const page = parseVersionPage(listing(version("a &amp; b", "1", "2026-11-25T12:00:00.000Z", true), marker("b", "2", "2026-11-25T12:00:01.000Z"), version("b", "3", "2026-11-25T12:00:00.500Z")));
      expect(page.entries.map((e) => `${e.kind}:${e.key}:${e.versionId}`)).to.deep.equal(["version:a & b:1", "delete-marker:b:2", "version:b:3"]);
      expect(page.entries[0]).to.deep.include({ isLatest: true, etag: '"e-1"', size: 3, storageClass: "STANDARD" });
      expect(page).to.deep.include({ isTruncated: false, nextKeyMarker: undefined, commonPrefixes: [] });
      expect(parseVersionPage("<ListVersionsResult><VersionIdMarker>v</VersionIdMarker><NextVersionIdMarker>w</NextVersionIdMarker><IsTruncated>false</IsTruncated></ListVersionsResult>").entries).to.deep.equal([]);
    });

    it("reads XML text as S3 and versitygw escape it", () => {
      expect(xmlText("&quot;e&quot; &#34;v&#34; &lt;a&gt; &amp;amp; &#x1F600; &apos;")).to.equal('"e" "v" <a> &amp; \u{1F600} \'');
      const body = listing(version("k", "1", "2026-12-01T20:03:17.303952074Z")).replace("&quot;e-1&quot;", "&#34;e-1&#34;");
      expect(parseVersionPage(body).entries[0]).to.deep.include({ etag: '"e-1"', lastModified: new Date("2026-12-01T20:03:17.303Z") });
    });

    it("keeps S3's order of a write and a delete in the same millisecond, both ways round (the shape of the S3 API reference's example)", async () => {
      const same = "2026-11-25T12:00:10.123Z";
      const body = listing(
        marker("deleted-after-write.png", "d1", same, true),
        version("deleted-after-write.png", "v1", same),
        version("written-after-delete.png", "v2", same, true),
        marker("written-after-delete.png", "d2", same),
        version("written-after-delete.png", "v0", "2026-11-25T12:00:05.000Z"),
      );
      const { s3, http } = cannedS3(() => ({ body }));
      const page = await listVersionPage(s3, { bucket: "b", prefix: "" });
      expect(page.entries.map((e) => `${e.key}:${e.kind}:${e.versionId}`)).to.deep.equal([
        "deleted-after-write.png:delete-marker:d1",
        "deleted-after-write.png:version:v1",
        "written-after-delete.png:version:v2",
        "written-after-delete.png:delete-marker:d2",
        "written-after-delete.png:version:v0",
      ]);
      expect(page.entries[1]).to.deep.include({ etag: '"e-v1"', size: 3, storageClass: "STANDARD", isLatest: false });
      expect(page.entries[0]!.lastModified.toISOString()).to.equal(same);
      expect(http.requests[0]!.query).to.include({ versions: "" });
    });

    it("returns common prefixes and the markers of a truncated page", async () => {
      const body = listing(version("p/a", "1", "2026-11-25T12:00:00.000Z")).replace(
        "<IsTruncated>false</IsTruncated>",
        "<IsTruncated>true</IsTruncated><NextKeyMarker>p/a</NextKeyMarker><NextVersionIdMarker>1</NextVersionIdMarker><CommonPrefixes><Prefix>p/b/</Prefix></CommonPrefixes>",
      );
      const { s3, http } = cannedS3(() => ({ body }));
      const page = await listVersionPage(s3, { bucket: "b", prefix: "p/", delimiter: "/", keyMarker: "p/0", maxKeys: 2 });
      expect(page).to.deep.include({ isTruncated: true, nextKeyMarker: "p/a", nextVersionIdMarker: "1", commonPrefixes: ["p/b/"] });
      expect(http.requests[0]!.query).to.include({ prefix: "p/", delimiter: "/", "key-marker": "p/0", "max-keys": "2" });
    });

    it("turns an S3 error into one sentence naming the prefix", async () => {
      const { s3 } = cannedS3(() => ({ status: 403, body: "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>" }));
      let error: unknown;
      await listVersionPage(s3, { bucket: "b", prefix: "p/" }).catch((e) => (error = e));
      expect(error).to.be.instanceOf(OperationError);
      expect((error as Error).message).to.match(/^Could not list the versions under s3:\/\/b\/p\/: access was denied/);
    });
  });

  describe("headObject", () => {
    it("answers a delete marker as data: 404 for a key whose current entry is one, 405 for a marker's version id (S3's x-amz-delete-marker)", async () => {
      let answer: CannedAnswer = { status: 404, headers: { "x-amz-delete-marker": "true", "x-amz-version-id": "m1" } };
      const { s3 } = cannedS3(() => answer);
      expect(await headObject(s3, "b", "k")).to.deep.equal({ kind: "delete-marker", versionId: "m1" });
      answer = { status: 405, headers: { "x-amz-delete-marker": "true", "x-amz-version-id": "m1" } };
      expect(await headObject(s3, "b", "k", { versionId: "m1" })).to.deep.equal({ kind: "delete-marker", versionId: "m1" });
      answer = { status: 404 };
      expect(await headObject(s3, "b", "k")).to.deep.equal({ kind: "absent" });
      answer = { status: 200, headers: { etag: '"e"', "content-length": "3", "x-amz-version-id": "v", "x-amz-checksum-crc32": "x957Gw==", "x-amz-checksum-type": "FULL_OBJECT", "x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "k1", "x-amz-archive-status": "ARCHIVE_ACCESS", "x-amz-storage-class": "INTELLIGENT_TIERING", "x-amz-replication-status": "PENDING" } };
      const found = await headObject(s3, "b", "k", { versionId: "v" });
      expect(found.kind === "version" && { ...found.facts, head: undefined }).to.deep.equal({
        versionId: "v",
        etag: '"e"',
        size: 3,
        storageClass: "INTELLIGENT_TIERING",
        archiveStatus: "ARCHIVE_ACCESS",
        restore: undefined,
        encryption: { algorithm: "aws:kms", kmsKeyId: "k1", bucketKeyEnabled: undefined },
        customerKey: false,
        checksum: { algorithm: "CRC32", value: "x957Gw==", type: "FULL_OBJECT" },
        replicationStatus: "PENDING",
        head: undefined,
      });
    });

    it("turns other failures into one sentence naming the version", async () => {
      const { s3 } = cannedS3(() => ({ status: 403 }));
      let error: unknown;
      await headObject(s3, "b", "k", { versionId: "v9" }).catch((e) => (error = e));
      expect((error as Error).message).to.match(/^Could not read version v9 of s3:\/\/b\/k: /);
    });
  });

  it("encodes keys per path segment for CopySource and manifests, with the version id", () => {
    expect(encodeKey("chars/Zoë 1+1%.png")).to.equal("chars/Zo%C3%AB%201%2B1%25.png");
    expect(copySource("b", "chars/Zoë 1+1%.png", "null")).to.equal("b/chars/Zo%C3%AB%201%2B1%25.png?versionId=null");
    expect(copySource("b", "a?b#c", "x/y")).to.equal("b/a%3Fb%23c?versionId=x%2Fy");
  });

  it("reads whichever checksum a HEAD carries", () => {
    expect(storedChecksum({ $metadata: {}, ChecksumSHA256: "abc=", ChecksumType: "COMPOSITE" })).to.deep.equal({ algorithm: "SHA256", value: "abc=", type: "COMPOSITE" });
    expect(storedChecksum({ $metadata: {}, ChecksumType: "FULL_OBJECT" })).to.equal(undefined);
  });
});
