import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { describeOnS3Emulators, S3Emulator } from "../../support/s3-emulators";
import { FaultInjector } from "../../support/faults";
import { runCli, runCliJson } from "../../support/assets-cli";
import { archiveTierRule, conditionalCopyRule } from "../../support/s3-rules";
import { BucketHistory, census, censusDiff, currentEtags, etagsOf, md5, sortedEntries, underPrefix } from "../../support/bucket-history";

const BUCKET = "gametracker-assets-test";
const P = "characters/";
const MiB = 1024 * 1024;

/**
 * The history most tests here restore from (A, checkpoint T0, B, checkpoint T1, C):
 *
 * | key                       | before versioning | A        | B        | C (the incident)  |
 * | 1/portrait.png            |                   | a1       | a2       | a3                |
 * | 2/portrait.png            |                   | b1       |          | b2                |
 * | with space/Zoë 日本.png    |                   | u1       |          | deleted           |
 * | to-delete.png             |                   | d1       | deleted  | d2 (re-created)   |
 * | plus+percent%.png         |                   | p1       |          |                   |
 * | ghost.png                 |                   | deleted (marker only)                   |
 * | tie.png                   |                   | t1, t2 in the same second             |
 * | legacy.png                | legacy-null       |          | legacy2  | deleted           |
 * | recreated.png             |                   |          | r1       | deleted           |
 * | new.png                   |                   |          |          | n1                |
 * | other/readme.txt (outside)| outside           |          |          | outside2          |
 *
 * legacy.png is left out on versitygw: removing the delete marker above its null version
 * and legacy2 makes versitygw serve the null version, where S3 serves the newest (see
 * S3Behaviours.nullVersions); that case is proven on moto.
 */
async function buildHistory(s3: S3Client, emulator: S3Emulator): Promise<{ history: BucketHistory; t0: Date; t1: Date; keys: number }> {
  const legacy = emulator.supports.nullVersions;
  const history = await emulator.history(s3, BUCKET, {
    beforeVersioning: [...(legacy ? [{ key: `${P}legacy.png`, body: "legacy-null" }] : []), { key: "other/readme.txt", body: "outside" }],
  });
  await history.apply([
    { put: `${P}1/portrait.png`, body: "a1" },
    { put: `${P}2/portrait.png`, body: "b1" },
    { put: `${P}with space/Zoë 日本.png`, body: "u1" },
    { put: `${P}to-delete.png`, body: "d1" },
    { put: `${P}plus+percent%.png`, body: "p1" },
    { markerOnly: `${P}ghost.png` },
    { put: `${P}tie.png`, body: "t1" },
    { put: `${P}tie.png`, body: "t2" },
  ]);
  const t0 = await history.checkpoint();
  await history.apply([
    { put: `${P}1/portrait.png`, body: "a2" },
    { delete: `${P}to-delete.png` },
    ...(legacy ? [{ put: `${P}legacy.png`, body: "legacy2" }] : []),
    { put: `${P}recreated.png`, body: "r1" },
  ]);
  const t1 = await history.checkpoint();
  await history.apply([
    { put: `${P}1/portrait.png`, body: "a3" },
    { put: `${P}2/portrait.png`, body: "b2" },
    { delete: `${P}with space/Zoë 日本.png` },
    { put: `${P}to-delete.png`, body: "d2" },
    ...(legacy ? [{ delete: `${P}legacy.png` }] : []),
    { delete: `${P}recreated.png` },
    { put: `${P}new.png`, body: "n1" },
    { put: "other/readme.txt", body: "outside2" },
  ]);
  return { history, t0, t1, keys: legacy ? 10 : 9 };
}

const restoreArgs = (at: Date, ...extra: string[]) => ["assets", "restore-prefix", "--bucket", BUCKET, "--prefix", P, "--at", at.toISOString(), ...extra];

describeOnS3Emulators("assets restore-prefix", (emulator) => {
  const cli = (argv: string[], options: Parameters<typeof runCli>[2] = {}) => runCli(emulator, argv, options);
  const legacy = emulator.supports.nullVersions ? 1 : 0;

  it("shows the plan on --dry-run and without confirmation writes nothing", async () => {
    const s3 = emulator.clients().s3;
    const { t1, keys } = await buildHistory(s3, emulator);
    const before = await census(s3, BUCKET);

    const dry = await cli([...restoreArgs(t1, "--delete-new", "--dry-run"), "--json"]);
    expect(dry.code, dry.stderr).to.equal(0);
    const plan = JSON.parse(dry.stdout).plan;
    expect(plan.counts).to.deep.equal({ copy: 2, undelete: 2 + legacy, hide: 2, unchanged: 3, "keep-new": 0, blocked: 0 });
    expect(plan.writes).to.equal(6 + legacy);
    expect(plan.keys).to.equal(keys);
    expect(plan.samples.undelete).to.have.members([...(legacy ? [`${P}legacy.png`] : []), `${P}recreated.png`, `${P}with space/Zoë 日本.png`]);
    expect(plan.samples.hide).to.have.members([`${P}new.png`, `${P}to-delete.png`]);
    expect(dry.stderr).to.contain("listing versions of s3://gametracker-assets-test/characters/");

    const human = await cli(restoreArgs(t1, "--dry-run"));
    expect(human.code).to.equal(0);
    expect(human.stdout).to.contain("2  copy back").and.to.contain("created after the time, left as is").and.to.contain("Dry run: nothing was written.");

    const noTerminal = await cli(restoreArgs(t1, "--delete-new"));
    expect(noTerminal.code).to.equal(2);
    expect(noTerminal.stderr).to.contain("--yes");
    const declined = await cli(restoreArgs(t1, "--delete-new"), { ask: async () => false });
    expect(declined.code).to.equal(1);
    expect(declined.stderr).to.contain("Cancelled; nothing was changed.");

    expect(censusDiff(before, await census(s3, BUCKET))).to.deep.equal({ versionsLost: [], versionsAdded: 0, markersAdded: 0, markersRemoved: 0 });
  });

  it("with --delete-new brings the prefix back to the moment exactly, loses no version, and a second run writes nothing", async () => {
    const s3 = emulator.clients().s3;
    const { history, t1, keys } = await buildHistory(s3, emulator);
    const before = await census(s3, BUCKET);

    let asked = "";
    const run = await cli(restoreArgs(t1, "--delete-new", "--concurrency", "4"), { ask: async (q) => ((asked = q), true) });
    expect(run.code, run.stderr).to.equal(0);
    expect(asked).to.contain(`Apply ${6 + legacy} write(s)`).and.to.contain("No version is deleted");
    expect(run.stdout).to.contain(`2 copied back, ${2 + legacy} undeleted, 2 hidden (${6 + legacy} write(s))`);
    expect(run.stderr).to.match(new RegExp(`restoring \\[#+\\] ${6 + legacy}/${6 + legacy} \\(100%\\)`));

    expect(sortedEntries(await currentEtags(s3, BUCKET, P))).to.deep.equal(sortedEntries(etagsOf(underPrefix(history.stateAt(t1), P))));
    expect((await currentEtags(s3, BUCKET, "other/")).get("other/readme.txt"), "outside the prefix: untouched").to.equal(etagsOf(history.current()).get("other/readme.txt"));

    const after = await census(s3, BUCKET);
    expect(censusDiff(before, after)).to.deep.equal({ versionsLost: [], versionsAdded: 2, markersAdded: 2, markersRemoved: 2 + legacy });

    const again = await cli([...restoreArgs(t1, "--delete-new", "--yes"), "--json"]);
    expect(again.code).to.equal(0);
    const second = JSON.parse(again.stdout);
    expect(second.plan.writes).to.equal(0);
    expect(second.plan.counts.unchanged).to.equal(keys);
    expect(second.applied).to.equal(null);
    expect(censusDiff(after, await census(s3, BUCKET))).to.deep.equal({ versionsLost: [], versionsAdded: 0, markersAdded: 0, markersRemoved: 0 });
  });

  it("without --delete-new restores an earlier moment (the null version too) and leaves newer keys alone", async () => {
    const s3 = emulator.clients().s3;
    const { history, t0 } = await buildHistory(s3, emulator);
    const before = await census(s3, BUCKET);

    const run = await cli([...restoreArgs(t0, "--yes"), "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    const { plan, applied } = JSON.parse(run.stdout);
    // 1, 2, to-delete (d2 → d1) and legacy (copy of the null version) are copied; the space key is undeleted.
    expect(plan.counts).to.deep.equal({ copy: 3 + legacy, undelete: 1, hide: 0, unchanged: 4, "keep-new": 1, blocked: 0 });
    expect(applied).to.include({ copied: 3 + legacy, undeleted: 1, hidden: 0, writes: 4 + legacy });

    const expected = underPrefix(history.stateAt(t0), P);
    expected.set(`${P}new.png`, "n1");
    expect(sortedEntries(await currentEtags(s3, BUCKET, P))).to.deep.equal(sortedEntries(etagsOf(expected)));
    if (legacy) expect(expected.get(`${P}legacy.png`)).to.equal("legacy-null");
    expect(censusDiff(before, await census(s3, BUCKET)).versionsLost).to.deep.equal([]);

    const again = await cli([...restoreArgs(t0, "--yes"), "--json"]);
    expect(JSON.parse(again.stdout).plan.writes).to.equal(0);
  });

  it("lists a prefix of many sub-prefixes in parallel parts and restores it exactly", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    const key = (i: number) => `${P}${String(i).padStart(3, "0")}/${i % 7 === 0 ? "nested/" : ""}portrait.png`;
    const all = [...Array(120).keys()];
    await history.apply(all.map((i) => ({ put: key(i), body: `${i}-v1` })), 16);
    await history.apply([{ put: `${P}flat-${1}.png`, body: "f1" }, { put: `${P}zz.png`, body: "z1" }]);
    const t = await history.checkpoint();
    await history.apply(
      [...all.filter((i) => i % 3 === 0).map((i) => ({ put: key(i), body: `${i}-bad` })), ...all.filter((i) => i % 5 === 1).map((i) => ({ delete: key(i) })), { put: `${P}zz.png`, body: "z2" }],
      16,
    );
    const faults = new FaultInjector();
    const run = await cli([...restoreArgs(t, "--yes", "--concurrency", "8"), "--json"], { middleware: [faults.middleware] });
    expect(run.code, run.stderr).to.equal(0);
    const { plan } = JSON.parse(run.stdout);
    expect(plan.keys).to.equal(122);
    // Overwritten keys (deleted afterwards or not) and zz.png are copied back; deleted ones only undeleted.
    expect(plan.counts).to.include({ copy: all.filter((i) => i % 3 === 0).length + 1, undelete: all.filter((i) => i % 5 === 1 && i % 3 !== 0).length });
    const actual = await currentEtags(s3, BUCKET, P);
    const expected = etagsOf(underPrefix(history.stateAt(t), P));
    expect(sortedEntries(actual)).to.deep.equal(sortedEntries(expected));
    expect(faults.count("ListObjectVersions"), "one delimiter page, then the parts").to.be.greaterThan(1);
  });

  it("leaves keys the application wrote between the plan and the writes as the application wrote them, and says so", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    await history.apply([
      { put: `${P}copy-me.png`, body: "c1" },
      { put: `${P}undelete-me.png`, body: "u1" },
      { put: `${P}steady.png`, body: "s1" },
    ]);
    const t = await history.checkpoint();
    await history.apply([
      { put: `${P}copy-me.png`, body: "c2" },
      { put: `${P}steady.png`, body: "s2" },
      { delete: `${P}undelete-me.png` },
      { put: `${P}hide-me.png`, body: "h1" },
    ]);
    // While the operator reads the plan, the application writes three of the four keys again.
    const app = async () => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${P}copy-me.png`, Body: "app" }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${P}undelete-me.png`, Body: "app" }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${P}hide-me.png`, Body: "app" }));
      return true;
    };
    const run = await cli([...restoreArgs(t, "--delete-new"), "--json"], { ask: app, middleware: [conditionalCopyRule(emulator.clients().s3)] });
    expect(run.code, "changed keys make the run fail").to.equal(1);
    const { applied } = JSON.parse(run.stdout);
    expect(applied.changed).to.have.members([`${P}copy-me.png`, `${P}undelete-me.png`, `${P}hide-me.png`]);
    expect(applied).to.include({ changedCount: 3, copied: 1, writes: 1 });
    const now = await currentEtags(s3, BUCKET, P);
    for (const k of ["copy-me", "undelete-me", "hide-me"]) expect(now.get(`${P}${k}.png`), k).to.equal(md5("app"));
    expect(now.get(`${P}steady.png`)).to.equal(md5("s1"));
    const replan = await runCliJson(emulator, restoreArgs(t, "--delete-new", "--dry-run"));
    expect(replan.plan.counts, "a new plan would overwrite the application's writes").to.include({ copy: 2, hide: 1 });
  });

  it("rides out throttling, reports a key that keeps failing, and a re-run finishes the job", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    await history.apply([
      { put: `${P}a.png`, body: "a1" },
      { put: `${P}b.png`, body: "b1" },
      { put: `${P}c.png`, body: "c1" },
    ]);
    const t = await history.checkpoint();
    await history.apply([{ put: `${P}a.png`, body: "a2" }, { delete: `${P}b.png` }, { put: `${P}d.png`, body: "d1" }]);

    const faults = new FaultInjector()
      .add({ operation: "ListObjectVersions", kind: "throttle", times: 2 })
      .add({ operation: "CopyObject", kind: "server", times: Infinity });
    const failed = await cli(restoreArgs(t, "--delete-new", "--yes"), { middleware: [faults.middleware] });
    expect(failed.code).to.equal(1);
    expect(failed.stdout).to.contain("1 key(s) failed").and.to.contain(`"${P}a.png"`).and.to.contain("Run the same command again");
    expect(faults.count("ListObjectVersions"), "one page, throttled twice").to.equal(3);
    // The other keys were restored despite the failing one.
    const partial = await currentEtags(s3, BUCKET, P);
    expect(partial.has(`${P}b.png`)).to.equal(true);
    expect(partial.has(`${P}d.png`)).to.equal(false);

    const retry = await cli([...restoreArgs(t, "--delete-new", "--yes"), "--json"]);
    expect(retry.code, retry.stderr).to.equal(0);
    expect(JSON.parse(retry.stdout).plan.writes, "only the failed key is left").to.equal(1);
    expect(sortedEntries(await currentEtags(s3, BUCKET, P))).to.deep.equal(sortedEntries(etagsOf(underPrefix(history.stateAt(t), P))));
  });

  it("--manifest-out writes the plan's copies (bucket, key, version at the moment); running them as Batch Operations does, then the tool, gives the moment", async () => {
    const s3 = emulator.clients().s3;
    const { history, t1 } = await buildHistory(s3, emulator);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "manifest-")), "plan.csv");
    const dry = await cli([...restoreArgs(t1, "--delete-new", "--dry-run", "--manifest-out", file), "--json"]);
    expect(dry.code, dry.stderr).to.equal(0);
    expect(JSON.parse(dry.stdout).manifest).to.deep.equal({ file, copies: 2 });
    const lines = fs.readFileSync(file, "utf8").trim().split("\n");
    const ids = history.versionIdsAt(t1);
    const copied = [`${P}1/portrait.png`, `${P}2/portrait.png`];
    expect(lines.map((l) => l.split(","))).to.have.deep.members(copied.map((k) => [BUCKET, k.split("/").map(encodeURIComponent).join("/"), ids.get(k)!]));

    // What an S3PutObjectCopy job does with each line: a copy of that version onto its own key.
    for (const line of lines) {
      const [bucket, key, versionId] = line.split(",");
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: key!.split("/").map(decodeURIComponent).join("/"), CopySource: `${bucket}/${key}?versionId=${versionId}` }));
    }
    const rest = await cli([...restoreArgs(t1, "--delete-new", "--yes"), "--json"]);
    expect(rest.code, rest.stderr).to.equal(0);
    expect(JSON.parse(rest.stdout).plan.counts.copy, "the job made the copies").to.equal(0);
    expect(sortedEntries(await currentEtags(s3, BUCKET, P))).to.deep.equal(sortedEntries(etagsOf(underPrefix(history.stateAt(t1), P))));
  });

  it("refuses bad input before reading or writing anything", async () => {
    const s3 = emulator.clients().s3;
    await emulator.history(s3, BUCKET);
    const now = new Date().toISOString();
    const role = ["--batch-role-arn", "arn:aws:iam::123456789012:role/restore"];
    const cases: Array<[string[], string]> = [
      [["--at", "2026-01-01T00:00:00"], "no time zone"],
      [["--at", "2999-01-01T00:00:00Z"], "in the future"],
      [["--at", now, "--concurrency", "0"], "Invalid --concurrency 0"],
      [["--at", now, "--concurrency", "2.5"], "Invalid --concurrency 2.5"],
      [["--at", now, "--via", "batch"], "--via batch needs --batch-role-arn"],
      [["--at", now, ...role], "--batch-role-arn applies only with --via batch"],
      [["--at", now, "--via", "batch", "--batch-role-arn", "restore", "--report-bucket", "reports"], 'Invalid --batch-role-arn "restore"'],
      [["--at", now, "--via", "batch", ...role, "--report-bucket", "Bad_Bucket"], 'Invalid --report-bucket "Bad_Bucket"'],
      [["--at", now, "--via", "batch", ...role, "--report-bucket", "reports", "--batch-timeout", "90"], "--batch-timeout"],
      [["--at", now, "--manifest-out", "/nonexistent-dir/m.csv"], "Can't write the manifest"],
      [["--at", now, "--via", "ship"], `Invalid --via "ship": choose direct or batch.`],
    ];
    for (const [extra, message] of cases) {
      const r = await cli(["assets", "restore-prefix", "--bucket", BUCKET, ...extra]);
      expect(r.code, extra.join(" ")).to.equal(2);
      expect(r.stderr, extra.join(" ")).to.contain(message);
    }
    const missing = await cli(["assets", "restore-prefix", "--bucket", BUCKET]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("at");
  });

  if (emulator.supports.encryption) {
    it("carries SSE-KMS (and its key) on both copy paths instead of taking the bucket default, and a re-run writes nothing", async () => {
      const s3 = emulator.clients().s3;
      const history = await emulator.history(s3, BUCKET);
      await s3.send(new PutBucketEncryptionCommand({ Bucket: BUCKET, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] } }));
      const kms = { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555" };
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${P}single.png`, Body: "secret", ...kms }));
      const big = Buffer.alloc(6 * MiB, 3);
      const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: `${P}parts.bin`, ...kms }));
      const parts = [];
      for (let i = 0; i * 5 * MiB < big.length; i++) {
        const p = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: `${P}parts.bin`, UploadId: upload.UploadId, PartNumber: i + 1, Body: big.subarray(i * 5 * MiB, (i + 1) * 5 * MiB) }));
        parts.push({ PartNumber: i + 1, ETag: p.ETag! });
      }
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: `${P}parts.bin`, UploadId: upload.UploadId, MultipartUpload: { Parts: parts } }));
      const t = await history.checkpoint();
      await history.apply([{ put: `${P}single.png`, body: "overwritten" }, { put: `${P}parts.bin`, body: "overwritten" }]);

      const run = await cli([...restoreArgs(t, "--yes"), "--json"]);
      expect(run.code, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout).applied.copied).to.equal(2);
      for (const key of [`${P}single.png`, `${P}parts.bin`]) {
        const current = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
        expect(current.ServerSideEncryption, key).to.equal("aws:kms");
        expect(current.SSEKMSKeyId, key).to.equal(kms.SSEKMSKeyId);
      }
      expect(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${P}single.png` }))).Body!.transformToString()).to.equal("secret");
      const again = await cli([...restoreArgs(t, "--yes"), "--json"]);
      expect(JSON.parse(again.stdout).plan.writes).to.equal(0);
    });
  }

  if (emulator.supports.storageClasses) {
    it("reports a version in an INTELLIGENT_TIERING archive tier as blocked in the plan, and never sends its copy", async () => {
      const s3 = emulator.clients().s3;
      const history = await emulator.history(s3, BUCKET);
      const archived = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${P}cold.png`, Body: "cold", StorageClass: "INTELLIGENT_TIERING" }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${P}warm.png`, Body: "warm", StorageClass: "INTELLIGENT_TIERING" }));
      const t = await history.checkpoint();
      await history.apply([{ put: `${P}cold.png`, body: "new" }, { put: `${P}warm.png`, body: "new" }]);
      const faults = new FaultInjector();
      const rule = archiveTierRule(new Set([`${P}cold.png\u0000${archived.VersionId}`]), "DEEP_ARCHIVE_ACCESS");

      const dry = await cli([...restoreArgs(t, "--dry-run"), "--json"], { middleware: [rule] });
      expect(dry.code, "blocked keys fail the run").to.equal(1);
      const { plan } = JSON.parse(dry.stdout);
      expect(plan.counts).to.include({ copy: 1, blocked: 1 });
      expect(plan.blocked).to.deep.equal([{ key: `${P}cold.png`, reason: `version ${archived.VersionId} is in the INTELLIGENT_TIERING DEEP_ARCHIVE_ACCESS tier; restore it from the archive (aws s3api restore-object) and run again` }]);

      const run = await cli([...restoreArgs(t, "--yes"), "--json"], { middleware: [rule, faults.middleware] });
      expect(run.code).to.equal(1);
      expect(JSON.parse(run.stdout).applied).to.include({ copied: 1, writes: 1 });
      expect(faults.count("CopyObject"), "only the warm key").to.equal(1);
      expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${P}warm.png` }))).StorageClass, "copied in its class").to.equal("INTELLIGENT_TIERING");
    });
  }

  if (emulator.supports.fullObjectChecksums) {
    it("leaves a key alone whose current version is the same bytes uploaded differently (same full-object checksum, other ETag)", async () => {
      const s3 = emulator.clients().s3;
      const history = await emulator.history(s3, BUCKET);
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${P}same.bin`, Body: "same bytes", ChecksumAlgorithm: "CRC64NVME" }));
      const t = await history.checkpoint();
      const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: `${P}same.bin`, ChecksumAlgorithm: "CRC64NVME", ChecksumType: "FULL_OBJECT" }));
      const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: `${P}same.bin`, UploadId: upload.UploadId, PartNumber: 1, Body: "same bytes", ChecksumAlgorithm: "CRC64NVME" }));
      await s3.send(
        new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: `${P}same.bin`, UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumCRC64NVME: part.ChecksumCRC64NVME }] } }),
      );
      const dry = await runCliJson(emulator, restoreArgs(t, "--dry-run"));
      expect(dry.plan.counts).to.include({ copy: 0, unchanged: 1 });
      expect(dry.plan.writes).to.equal(0);
    });
  }
});
