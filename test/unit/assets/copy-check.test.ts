import { expect } from "chai";
import type { HeadResult } from "../../../automation/aws/s3";
import { copySettings, judgeCopy } from "../../../automation/assets/copy-check";
import { CopyDecision } from "../../../automation/assets/plan";
import { head, latest, m, v } from "../../support/object-versions";

const KMS = { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: "arn:aws:kms:us-east-1:123456789012:key/k1", BucketKeyEnabled: true };
const found = (fields: Parameters<typeof head>[0]): HeadResult => ({ kind: "version", facts: head(fields) });
const copy = (source = v("v1", 10, '"aaa"'), current: CopyDecision["current"] = latest(v("v2", 30, '"bbb"'))): CopyDecision => ({ action: "copy", key: "k", source, current });

describe("assets/copy-check", () => {
  it("carries the source's encryption (with its KMS key and bucket key) and storage class", () => {
    const overwritten = latest(v("v2", 30, '"bbb"', { size: 99 }));
    const verdict = judgeCopy(copy(v("v1", 10, '"aaa"', { storageClass: "STANDARD_IA" }), overwritten), found({ ...KMS, StorageClass: "STANDARD_IA" }));
    expect(verdict).to.deep.equal({
      verdict: "copy",
      settings: { encryption: { algorithm: "aws:kms", kmsKeyId: KMS.SSEKMSKeyId, bucketKeyEnabled: true }, storageClass: "STANDARD_IA" },
    });
    expect(copySettings(v("v1", 10), head({})), "unencrypted STANDARD: nothing to pass").to.deep.equal({});
    expect(copySettings(v("v1", 10, "e", { storageClass: undefined }), head({ StorageClass: "ONEZONE_IA" }))).to.deep.equal({ storageClass: "ONEZONE_IA" });
  });

  it("blocks an archived source in the plan instead of failing at apply time", () => {
    const verdict = judgeCopy(copy(v("v1", 10, '"aaa"', { storageClass: "INTELLIGENT_TIERING" })), found({ StorageClass: "INTELLIGENT_TIERING", ArchiveStatus: "ARCHIVE_ACCESS" }));
    expect(verdict.verdict).to.equal("blocked");
    expect(verdict.verdict === "blocked" && verdict.reason).to.contain("INTELLIGENT_TIERING ARCHIVE_ACCESS tier");
    expect(judgeCopy(copy(v("v1", 10, '"aaa"', { storageClass: "GLACIER" })), found({ StorageClass: "GLACIER" })).verdict).to.equal("blocked");
  });

  it("blocks a source that disappeared since it was listed", () => {
    const verdict = judgeCopy(copy(), { kind: "absent" });
    expect(verdict.verdict === "blocked" && verdict.reason).to.contain("no longer in the bucket");
  });

  it("asks for the current version's HEAD when ETags can't tell (SSE-KMS, or other part layouts), and leaves a same-checksum key alone", () => {
    const sourceHead = found({ ...KMS, ChecksumCRC32: "x957Gw==", ChecksumType: "FULL_OBJECT" });
    expect(judgeCopy(copy(), sourceHead)).to.deep.equal({ verdict: "compare-current" });
    expect(judgeCopy(copy(), sourceHead, found({ ...KMS, ChecksumCRC32: "x957Gw==", ChecksumType: "FULL_OBJECT" }))).to.deep.equal({ verdict: "unchanged" });
    expect(judgeCopy(copy(), sourceHead, found({ ...KMS, ChecksumCRC32: "other===", ChecksumType: "FULL_OBJECT" })).verdict).to.equal("copy");
    const parts = copy(v("v1", 10, '"aaa"'), latest(v("v2", 30, '"bbb-1"')));
    expect(judgeCopy(parts, found({ ChecksumCRC64NVME: "0uejyQXHJuY=" })).verdict).to.equal("compare-current");
  });

  it("copies without asking when MD5 ETags differ, when sizes differ, or when the current entry is a delete marker", () => {
    expect(judgeCopy(copy(), found({})).verdict).to.equal("copy");
    expect(judgeCopy(copy(v("v1", 10, '"aaa"'), latest(v("v2", 30, '"bbb"', { size: 99 }))), found(KMS)).verdict).to.equal("copy");
    expect(judgeCopy(copy(v("v1", 10), latest(m("m", 30))), found(KMS)).verdict).to.equal("copy");
  });
});
