import { expect } from "chai";
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { applyWrites } from "../../../automation/assets/apply";
import { copyVersion } from "../../../automation/assets/copy";
import { sameListedContent } from "../../../automation/assets/content";
import { HistoryEntry, ObjectVersion } from "../../../automation/assets/history";
import { keyHistory } from "../../../automation/assets/listing";
import { ManualClock } from "../../support/manual-clock";
import { describeOnS3Emulators } from "../../support/s3-emulators";
import { FaultInjector } from "../../support/faults";
import { md5, putInParts } from "../../support/bucket-history";

const BUCKET = "gametracker-assets-copy";
const MiB = 1024 * 1024;

const uploadInParts = (s3: S3Client, key: string, body: Buffer, extra: Parameters<typeof putInParts>[4] = {}) => putInParts(s3, BUCKET, key, body, extra);

const contents = async (s3: S3Client, key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());

describeOnS3Emulators("assets/copy", (emulator) => {
  it("a multipart-uploaded version is copied part by part with its layout, metadata and tags, keeping its ETag (a re-run sees the same content)", async () => {
    const s3 = emulator.clients().s3;
    await emulator.history(s3, BUCKET);
    const big = Buffer.alloc(11 * MiB, 7);
    big.write("header", 0);
    // S3 takes only US-ASCII in metadata headers; non-ASCII text travels RFC 2047-encoded ("zoë").
    const owner = "=?UTF-8?B?em/Dqw==?=";
    await uploadInParts(s3, "big.bin", big, { ContentType: "image/png", Metadata: { owner }, CacheControl: "max-age=60", Tagging: "team=art&kind=raw%20image" });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "big.bin", Body: "overwritten", ContentType: "text/plain" }));

    const [current, original] = (await keyHistory(s3, BUCKET, "big.bin")).entries as ObjectVersion[];
    expect(original!.etag).to.match(/-3"$/);
    const faults = new FaultInjector();
    const counted = emulator.clients({ middleware: faults.middleware }).s3;
    const result = await copyVersion(counted, BUCKET, original!, current);
    expect(result !== "condition-failed" && result.method).to.equal("multipart");
    expect(faults.count("UploadPartCopy")).to.equal(3);
    expect(faults.count("CopyObject")).to.equal(0);

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "big.bin" }));
    expect(head.ETag).to.equal(original!.etag);
    expect(head.ContentType).to.equal("image/png");
    expect(head.Metadata).to.deep.equal({ owner });
    expect(head.CacheControl).to.equal("max-age=60");
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: "big.bin" }));
    expect(tags.TagSet).to.have.deep.members([{ Key: "team", Value: "art" }, { Key: "kind", Value: "raw image" }]);
    expect(md5(await contents(s3, "big.bin"))).to.equal(md5(big));

    // What makes the next plan write nothing for this key: a new version with the same content.
    const [copy] = (await keyHistory(s3, BUCKET, "big.bin")).entries as ObjectVersion[];
    expect(copy!.versionId).not.to.equal(original!.versionId);
    expect(sameListedContent(copy!, original!)).to.equal(true);
  });

  it("objects over the single-copy limit go through UploadPartCopy (limit and part size injected), and a failed part aborts the upload; the journal hears of each upload's start and end", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    const body = Buffer.alloc(6 * MiB + 123, 1);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "large.bin", Body: body }));
    await history.apply([{ put: "large.bin", body: "small now" }]);
    const [current, source] = (await keyHistory(s3, BUCKET, "large.bin")).entries as ObjectVersion[];
    expect(source!.etag).not.to.contain("-");

    const faults = new FaultInjector().add({ operation: "UploadPartCopy", kind: "server", times: Infinity });
    const failing = emulator.clients({ middleware: faults.middleware, maxAttempts: 1 }).s3;
    const lines: string[] = [];
    const uploads = { starting: () => void lines.push("starting"), started: () => void lines.push("started"), ended: () => void lines.push("ended") };
    const view = await applyWrites(failing, BUCKET, [{ action: "copy", key: "large.bin", source: source!, current: current! }], {
      concurrency: 2,
      total: 1,
      clock: new ManualClock(),
      copy: { singleCopyLimit: 1 * MiB, partSize: 5 * MiB, uploads },
    });
    expect(view.failed.map((f) => f.key)).to.deep.equal(["large.bin"]);
    expect(view.failed[0]!.error).to.match(/^Could not copy part 1 of version .* of s3:\/\/gametracker-assets-copy\/large\.bin: AWS answered ServiceUnavailable/);
    expect(faults.count("AbortMultipartUpload")).to.equal(1);
    expect(lines, "aborted").to.deep.equal(["starting", "started", "ended"]);

    const ok = await copyVersion(s3, BUCKET, source!, current, {}, { singleCopyLimit: 1 * MiB, partSize: 5 * MiB, uploads });
    expect(ok !== "condition-failed" && ok.method).to.equal("multipart");
    expect(lines.slice(3), "completed").to.deep.equal(["starting", "started", "ended"]);
    const copied = await contents(s3, "large.bin");
    expect(copied.length).to.equal(body.length);
    expect(md5(copied)).to.equal(md5(body));
  });

  if (emulator.supports.conditionalComplete) {
    it("a multipart copy onto a key the application wrote since the plan is refused at completion, and the upload aborted", async () => {
      const s3 = emulator.clients().s3;
      const history = await emulator.history(s3, BUCKET);
      await uploadInParts(s3, "parts.bin", Buffer.alloc(6 * MiB, 2));
      await history.apply([{ put: "parts.bin", body: "overwritten" }]);
      const [current, source] = (await keyHistory(s3, BUCKET, "parts.bin")).entries as HistoryEntry[];
      await history.apply([{ put: "parts.bin", body: "the application again" }]);
      const faults = new FaultInjector();
      const outcome = await copyVersion(emulator.clients({ middleware: faults.middleware }).s3, BUCKET, source as ObjectVersion, current);
      expect(outcome).to.equal("condition-failed");
      expect(faults.count("AbortMultipartUpload")).to.equal(1);
      expect((await contents(s3, "parts.bin")).toString()).to.equal("the application again");
    });
  }
});
