import { expect } from "chai";
import { archiveBlock, etagsProveDifference, multipartEtagParts, sameListedContent, sameStoredObject } from "../../../automation/assets/content";
import { head, v } from "../../support/object-versions";

const KMS = { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: "arn:aws:kms:us-east-1:123456789012:key/k1" };

describe("assets/content", () => {
  it("reads the part count of a multipart ETag", () => {
    expect(multipartEtagParts('"d41d8cd98f00b204e9800998ecf8427e-12"')).to.equal(12);
    expect(multipartEtagParts('"d41d8cd98f00b204e9800998ecf8427e"')).to.equal(undefined);
  });

  it("sameListedContent: same id, or same ETag and size", () => {
    expect(sameListedContent(v("a", 1, "x"), v("a", 2, "y"))).to.equal(true);
    expect(sameListedContent(v("a", 1, "x"), v("b", 2, "x"))).to.equal(true);
    expect(sameListedContent(v("a", 1, "x"), v("b", 2, "x", { size: 11 }))).to.equal(false);
    expect(sameListedContent(v("a", 1, "x"), v("b", 2, "y"))).to.equal(false);
  });

  it("different ETags prove different bytes only for MD5 ETags of the same kind", () => {
    const single = v("s", 1, '"aaa"');
    expect(etagsProveDifference(single, v("c", 2, '"bbb"'), head({}))).to.equal(true);
    expect(etagsProveDifference(single, v("c", 2, '"bbb"'), head({ ServerSideEncryption: "AES256" }))).to.equal(true);
    expect(etagsProveDifference(single, v("c", 2, '"bbb"'), head(KMS)), "SSE-KMS: not an MD5").to.equal(false);
    expect(etagsProveDifference(single, v("c", 2, '"bbb-1"'), head({})), "single part vs parts").to.equal(false);
    expect(etagsProveDifference(v("s", 1, '"aaa-2"'), v("c", 2, '"bbb-3"'), head({})), "other parts").to.equal(false);
    expect(etagsProveDifference(v("s", 1, '"aaa-2"'), v("c", 2, '"bbb-2"'), head({}))).to.equal(true);
  });

  it("sameStoredObject: same size, checksum (algorithm, type, value) and encryption", () => {
    const source = head({ ChecksumCRC64NVME: "0uejyQXHJuY=", ChecksumType: "FULL_OBJECT", ...KMS });
    expect(sameStoredObject(source, head({ ChecksumCRC64NVME: "0uejyQXHJuY=", ChecksumType: "FULL_OBJECT", ...KMS }))).to.equal(true);
    expect(sameStoredObject(source, head({ ChecksumCRC64NVME: "other=", ChecksumType: "FULL_OBJECT", ...KMS }))).to.equal(false);
    expect(sameStoredObject(source, head({ ChecksumCRC32: "0uejyQXHJuY=", ChecksumType: "FULL_OBJECT", ...KMS })), "other algorithm").to.equal(false);
    expect(sameStoredObject(source, head({ ChecksumCRC64NVME: "0uejyQXHJuY=", ChecksumType: "COMPOSITE", ...KMS })), "composite of parts").to.equal(false);
    expect(sameStoredObject(source, head({ ChecksumCRC64NVME: "0uejyQXHJuY=", ChecksumType: "FULL_OBJECT", ContentLength: 11, ...KMS }))).to.equal(false);
    expect(sameStoredObject(source, head({ ChecksumCRC64NVME: "0uejyQXHJuY=", ChecksumType: "FULL_OBJECT", ServerSideEncryption: "AES256" })), "other encryption").to.equal(false);
    expect(sameStoredObject(source, head({ ChecksumCRC64NVME: "0uejyQXHJuY=", ChecksumType: "FULL_OBJECT", ...KMS, SSEKMSKeyId: "k2" })), "other key").to.equal(false);
    expect(sameStoredObject(head({}), head({})), "no checksum: can't tell").to.equal(false);
  });

  describe("archiveBlock", () => {
    it("blocks GLACIER and DEEP_ARCHIVE versions, from the listing", () => {
      expect(archiveBlock(v("g", 1, "e", { storageClass: "GLACIER" }), head({ StorageClass: "GLACIER" }))).to.match(/version g is in GLACIER; restore it from the archive \(aws s3api restore-object\)/);
      expect(archiveBlock(v("d", 1, "e", { storageClass: "DEEP_ARCHIVE" }), undefined)).to.contain("DEEP_ARCHIVE");
      expect(archiveBlock(v("ir", 1, "e", { storageClass: "GLACIER_IR" }), head({ StorageClass: "GLACIER_IR" })), "instant retrieval is readable").to.equal(undefined);
    });
    it("blocks INTELLIGENT_TIERING versions in an archive access tier, which only a HEAD shows", () => {
      const it = v("i", 1, "e", { storageClass: "INTELLIGENT_TIERING" });
      expect(archiveBlock(it, head({ StorageClass: "INTELLIGENT_TIERING", ArchiveStatus: "DEEP_ARCHIVE_ACCESS" }))).to.contain("INTELLIGENT_TIERING DEEP_ARCHIVE_ACCESS tier");
      expect(archiveBlock(it, head({ StorageClass: "INTELLIGENT_TIERING", ArchiveStatus: "ARCHIVE_ACCESS" }))).to.contain("ARCHIVE_ACCESS");
      expect(archiveBlock(it, head({ StorageClass: "INTELLIGENT_TIERING" })), "frequent or infrequent access").to.equal(undefined);
    });
    it("lets a version with a finished restore through, and says when a restore is still running", () => {
      const glacier = v("g", 1, "e", { storageClass: "GLACIER" });
      expect(archiveBlock(glacier, head({ StorageClass: "GLACIER", Restore: 'ongoing-request="false", expiry-date="Fri, 21 Dec 2026 00:00:00 GMT"' }))).to.equal(undefined);
      expect(archiveBlock(glacier, head({ StorageClass: "GLACIER", Restore: 'ongoing-request="true"' }))).to.contain("its restore is still in progress");
    });
  });
});
