import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { OperationError } from "../../automation/errors";
import { applyWrites } from "../../automation/assets/apply";
import { copyVersion } from "../../automation/assets/copy";
import { hideKey, removeDeleteMarker } from "../../automation/assets/delete-marker";
import { DeleteMarker, ObjectVersion, sameContent } from "../../automation/assets/history";
import { keyHistory } from "../../automation/assets/listing";
import { ManualClock } from "../support/manual-clock";
import { useEmulator } from "../support/emulator";
import { FaultInjector } from "../support/faults";
import { BucketHistory, census, censusDiff, md5 } from "../support/bucket-history";

const BUCKET = "gametracker-assets-safety";
const MiB = 1024 * 1024;
const REPO = path.resolve(__dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith(".ts") ? [full] : [];
  });
}

describe("assets safety and large objects (moto)", () => {
  const emulator = useEmulator();

  it("only automation/assets/delete-marker.ts sends S3 deletions", () => {
    const senders = sourceFiles(path.join(REPO, "automation"))
      .filter((f) => /\bDeleteObjects?Command\b/.test(fs.readFileSync(f, "utf8")))
      .map((f) => path.relative(REPO, f));
    expect(senders).to.deep.equal([path.join("automation", "assets", "delete-marker.ts")]);
  });

  it("removeDeleteMarker refuses a real version even when it is passed as a marker, and deletes nothing", async () => {
    const s3 = emulator.clients().s3;
    const history = await BucketHistory.create(s3, BUCKET);
    await history.apply([{ put: "k.png", body: "precious" }]);
    const [version] = (await keyHistory(s3, BUCKET, "k.png")).entries as ObjectVersion[];
    const before = await census(s3, BUCKET);

    const disguised = { ...version!, kind: "delete-marker" } as unknown as DeleteMarker;
    let error: unknown;
    await removeDeleteMarker(s3, BUCKET, disguised).catch((e) => (error = e));
    expect(error).to.be.instanceOf(OperationError);
    expect((error as Error).message).to.contain("not a delete marker").and.to.contain("nothing was deleted");

    error = undefined;
    await removeDeleteMarker(s3, BUCKET, version as unknown as DeleteMarker).catch((e) => (error = e));
    expect((error as Error).message).to.contain("it is an object version");
    expect(censusDiff(before, await census(s3, BUCKET)).versionsLost).to.deep.equal([]);
  });

  it("removeDeleteMarker removes a marker once and then reports it already gone; hideKey adds a marker and deletes nothing", async () => {
    const s3 = emulator.clients().s3;
    const history = await BucketHistory.create(s3, BUCKET);
    await history.apply([{ put: "k.png", body: "v1" }]);
    const markerId = await hideKey(s3, BUCKET, "k.png");
    const [marker] = (await keyHistory(s3, BUCKET, "k.png")).entries as DeleteMarker[];
    expect(marker!.kind).to.equal("delete-marker");
    expect(marker!.versionId).to.equal(markerId);
    expect(await removeDeleteMarker(s3, BUCKET, marker!)).to.equal("removed");
    expect(await removeDeleteMarker(s3, BUCKET, marker!)).to.equal("already-gone");
    const after = await keyHistory(s3, BUCKET, "k.png");
    expect(after.entries.map((e) => e.kind)).to.deep.equal(["version"]);
  });

  it("a multipart-uploaded version is copied part by part with its layout, metadata and tags, keeping its ETag (a re-run sees the same content)", async () => {
    const s3 = emulator.clients().s3;
    await BucketHistory.create(s3, BUCKET);
    const big = Buffer.alloc(11 * MiB, 7);
    big.write("header", 0);
    const created = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "big.bin", ContentType: "image/png", Metadata: { owner: "zoë" }, CacheControl: "max-age=60", Tagging: "team=art&kind=raw%20image" }),
    );
    const parts = [];
    for (let i = 0; i * 5 * MiB < big.length; i++) {
      const body = big.subarray(i * 5 * MiB, Math.min(big.length, (i + 1) * 5 * MiB));
      const p = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "big.bin", UploadId: created.UploadId, PartNumber: i + 1, Body: body }));
      parts.push({ PartNumber: i + 1, ETag: p.ETag! });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "big.bin", UploadId: created.UploadId, MultipartUpload: { Parts: parts } }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "big.bin", Body: "overwritten", ContentType: "text/plain" }));

    const [, original] = (await keyHistory(s3, BUCKET, "big.bin")).entries as ObjectVersion[];
    expect(original!.etag).to.match(/-3"$/);
    const faults = new FaultInjector();
    const counted = emulator.clients({ middleware: faults.middleware }).s3;
    const result = await copyVersion(counted, BUCKET, original!);
    expect(result.method).to.equal("multipart");
    expect(faults.count("UploadPartCopy")).to.equal(3);
    expect(faults.count("CopyObject")).to.equal(0);

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "big.bin" }));
    expect(head.ETag).to.equal(original!.etag);
    expect(head.ContentType).to.equal("image/png");
    expect(head.Metadata).to.deep.equal({ owner: "zoë" });
    expect(head.CacheControl).to.equal("max-age=60");
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: "big.bin" }));
    expect(tags.TagSet).to.have.deep.members([{ Key: "team", Value: "art" }, { Key: "kind", Value: "raw image" }]);
    const copied = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "big.bin" }))).Body!.transformToByteArray());
    expect(md5(copied)).to.equal(md5(big));

    // What makes the next plan write nothing for this key: a new version with the same content.
    const [current] = (await keyHistory(s3, BUCKET, "big.bin")).entries as ObjectVersion[];
    expect(current!.versionId).not.to.equal(original!.versionId);
    expect(sameContent(current!, original!)).to.equal(true);
  });

  it("objects over the single-copy limit go through UploadPartCopy (limit and part size injected), and a failed part aborts the upload", async () => {
    const s3 = emulator.clients().s3;
    const history = await BucketHistory.create(s3, BUCKET);
    const body = Buffer.alloc(6 * MiB + 123, 1);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "large.bin", Body: body }));
    await history.apply([{ put: "large.bin", body: "small now" }]);
    const [, source] = (await keyHistory(s3, BUCKET, "large.bin")).entries as ObjectVersion[];
    expect(source!.etag).not.to.contain("-");

    const faults = new FaultInjector().add({ operation: "UploadPartCopy", kind: "server", times: Infinity });
    const failing = emulator.clients({ middleware: faults.middleware, maxAttempts: 1 }).s3;
    const view = await applyWrites(failing, BUCKET, [{ action: "copy", key: "large.bin", source: source!, current: source! }], {
      concurrency: 2,
      clock: new ManualClock(),
      copy: { singleCopyLimit: 1 * MiB, partSize: 5 * MiB },
    });
    expect(view.failed.map((f) => f.key)).to.deep.equal(["large.bin"]);
    expect(faults.count("AbortMultipartUpload")).to.equal(1);

    const ok = await copyVersion(s3, BUCKET, source!, { singleCopyLimit: 1 * MiB, partSize: 5 * MiB });
    expect(ok.method).to.equal("multipart");
    const copied = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "large.bin" }))).Body!.transformToByteArray());
    expect(copied.length).to.equal(body.length);
    expect(md5(copied)).to.equal(md5(body));
  });
});
