/**
 * What a killed `assets restore-prefix` leaves — its temp files and an open multipart
 * upload — finished by the next run, on moto and versitygw. The killed runs are real:
 * the CLI as an OS process in its own process group, held by a proxy at a part of its
 * multipart copy and SIGKILLed there, beside a second run that stays alive.
 */
import { expect } from "chai";
import type { MiddlewareStack } from "@smithy/types";
import { ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ListMultipartUploadsCommand, CreateMultipartUploadCommand, HeadObjectCommand, PutBucketLifecycleConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { copyVersion } from "../../../automation/assets/copy";
import { ObjectVersion } from "../../../automation/assets/history";
import { keyHistory } from "../../../automation/assets/listing";
import { RunFiles } from "../../../automation/assets/run-files";
import { UploadRecorder } from "../../../automation/assets/upload-journal";
import { ProcessIdentity } from "../../../automation/host-process";
import { runCli } from "../../support/assets-cli";
import { census, censusDiff, currentEtags, etagsOf, putInParts, sortedEntries, underPrefix } from "../../support/bucket-history";
import { FaultInjector } from "../../support/faults";
import { killedProcess } from "../../support/processes";
import { describeOnS3Emulators, S3Emulator } from "../../support/s3-emulators";
import { S3Proxy } from "../../support/s3-proxy";
import { ACCESS_KEY, SECRET_KEY } from "../../support/versitygw";

const REPO = path.resolve(__dirname, "../../..");
const BUCKET = "gametracker-assets-leftovers";
const P = "characters/";
const Q = "guilds/";
const MiB = 1024 * 1024;

async function openUploads(s3: S3Client): Promise<Array<{ key: string; uploadId: string }>> {
  const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
  return (listed.Uploads ?? []).map((u) => ({ key: u.Key!, uploadId: u.UploadId! }));
}

const runDirs = (tmp: string) => fs.readdirSync(tmp).filter((n) => n.startsWith("gametracker-dr-plan-")).map((n) => path.join(tmp, n));

/** `bin/gametracker-dr` from source, as an OS process in its own process group. */
function startCli(argv: string[], tmpdir: string): { child: ChildProcess; output: () => string; kill(): Promise<void> } {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmpdir, AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY };
  // versitygw refuses session tokens; moto does not need one.
  delete env.AWS_SESSION_TOKEN;
  const child = spawn(process.execPath, ["--require", path.join(REPO, "register-ts.js"), path.join(REPO, "automation/cli/bin.ts"), ...argv], { cwd: REPO, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  return {
    child,
    output: () => output,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      process.kill(-child.pid!, "SIGKILL");
      await exited;
    },
  };
}

/** A recorder that passes on only some of what the copy code tells it: the journal as a process killed at that point left it. */
function cutShort(journal: UploadRecorder, keep: Array<keyof UploadRecorder>): UploadRecorder {
  return {
    starting: (b, k) => keep.includes("starting") && journal.starting(b, k),
    started: (b, k, u) => keep.includes("started") && journal.started(b, k, u),
    ended: (b, k, u) => keep.includes("ended") && journal.ended(b, k, u),
  };
}

describeOnS3Emulators("assets restore-prefix after a killed run", (emulator: S3Emulator) => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "leftovers-test-"))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("a run SIGKILLed mid multipart copy leaves its plan and an open upload; the next run aborts that upload, removes the files, ends exact, and leaves a live run's alone", async function () {
    this.timeout(120_000);
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    const big = Buffer.alloc(6 * MiB, 5);
    big.write("original", 0);
    await putInParts(s3, BUCKET, `${P}big.bin`, big);
    const original = (await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${P}big.bin` }))).ETag!.replace(/"/g, "");
    expect(original).to.match(/-2$/);
    await history.apply([
      { put: `${P}a.png`, body: "a1" },
      { put: `${P}b.png`, body: "b1" },
      { put: `${Q}guild.png`, body: "g1" },
    ]);
    const t = await history.checkpoint();
    await history.apply([
      { put: `${P}big.bin`, body: "overwritten" },
      { put: `${Q}guild.png`, body: "g2" },
      { put: `${P}a.png`, body: "a2" },
      { delete: `${P}b.png` },
    ]);
    const before = await census(s3, BUCKET);

    const proxy = new S3Proxy({ upstream: emulator.endpoint() });
    const endpoint = await proxy.listen(false);
    try {
      // The killed run makes part 1 of its multipart copy and is stopped while S3 has not answered part 2; the live run waits on its copy.
      proxy.hold = (kind, url) => (kind === "UploadPartCopy" && url.searchParams.get("partNumber") === "2") || (kind === "CopyObject" && url.pathname.includes(Q));
      const args = (prefix: string) => ["assets", "restore-prefix", "--bucket", BUCKET, "--prefix", prefix, "--at", t.toISOString(), "--endpoint", endpoint, "--concurrency", "4", "--yes", "--json"];
      const killed = startCli(args(P), tmp);
      const live = startCli(args(Q), tmp);
      try {
        await proxy.whenHeld(2, 60_000).catch((error) => {
          throw new Error(`${error}\nkilled run: ${killed.output()}\nlive run: ${live.output()}`);
        });
        await killed.kill();
        proxy.hold = undefined;

        const dirs = runDirs(tmp);
        expect(dirs, "one directory per run").to.have.length(2);
        const killedDir = dirs.find((d) => path.basename(d).startsWith(`gametracker-dr-plan-${killed.child.pid}-`))!;
        const liveDir = dirs.find((d) => d !== killedDir)!;
        expect(fs.readdirSync(killedDir).sort(), "as the kill left them").to.deep.equal(["run.json", "uploads.ndjson", "writes.ndjson"]);
        const liveFiles = fs.readdirSync(liveDir).sort();
        const [killedUpload, ...others] = await openUploads(s3);
        expect(killedUpload!.key).to.equal(`${P}big.bin`);
        expect(others).to.deep.equal([]);

        const next = await runCli(emulator, args(P), { tmpdir: tmp });
        expect(next.code, next.stderr).to.equal(0);
        const { leftovers, applied } = JSON.parse(next.stdout);
        expect(leftovers.removed).to.deep.equal([{ dir: killedDir, pid: killed.child.pid }]);
        expect(leftovers.aborted).to.deep.equal([{ bucket: BUCKET, key: `${P}big.bin`, uploadId: killedUpload!.uploadId, pid: killed.child.pid }]);
        expect(leftovers.named, "nothing it can't prove its own is open under the prefix").to.deep.equal([]);
        expect(next.stderr).to.contain(`aborted multipart upload ${killedUpload!.uploadId} of s3://${BUCKET}/${P}big.bin, left open by restore-prefix run ${killed.child.pid}`);
        expect(next.stderr).to.contain(`removed the temp files of restore-prefix run ${killed.child.pid}`);

        // Exact, nothing lost, nothing copied twice (the killed run may have made some of the copies before it was stopped).
        const now = await currentEtags(s3, BUCKET, P);
        expect(now.get(`${P}big.bin`)).to.equal(original);
        now.delete(`${P}big.bin`);
        expect(sortedEntries(now)).to.deep.equal(sortedEntries(etagsOf(underPrefix(history.stateAt(t), P))));
        const diff = censusDiff(before, await census(s3, BUCKET));
        expect(diff).to.deep.equal({ versionsLost: [], versionsAdded: 2, markersAdded: 0, markersRemoved: 1 });
        expect(applied.copied, "the next run copies what the killed one had not").to.be.at.least(1);

        expect(await openUploads(s3), "no upload is left open").to.deep.equal([]);
        expect(runDirs(tmp), "only the live run's files are left").to.deep.equal([liveDir]);
        expect(fs.readdirSync(liveDir).sort()).to.deep.equal(liveFiles);
      } finally {
        await killed.kill();
        await live.kill();
      }
    } finally {
      await proxy.close();
    }
  });

  it("aborts only the uploads a dead run recorded for this bucket on this S3, names every other one, and a dry run aborts nothing", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    const keys = ["open", "completed", "unknown", "elsewhere", "live"].map((k) => `${P}${k}.bin`);
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.alloc(2048, 1) }));
    await history.apply(keys.map((key) => ({ put: key, body: "current" })));
    const dead: ProcessIdentity = await killedProcess();
    const here = emulator.endpoint();
    const killedRun = RunFiles.create({ bucket: BUCKET, prefix: P, endpoint: here }, { tmpdir: tmp, owner: dead });
    fs.writeFileSync(killedRun.writesFile, '{"action":"hide"}\n');
    const otherS3Run = RunFiles.create({ bucket: BUCKET, prefix: P, endpoint: "http://127.0.0.1:1" }, { tmpdir: tmp, owner: dead });
    const liveRun = RunFiles.create({ bucket: BUCKET, prefix: P, endpoint: here }, { tmpdir: tmp });
    fs.writeFileSync(liveRun.writesFile, '{"action":"hide"}\n');

    // Each upload is made by the copy code (the single-copy limit lowered so that 2 KiB go part by part), stopped as a kill
    // stops it: a part failing and its abort failing leave the upload open.
    const stuck = emulator.clients({ maxAttempts: 1, middleware: new FaultInjector().add({ operation: "UploadPartCopy", kind: "server", times: Infinity }).add({ operation: "AbortMultipartUpload", kind: "server", times: Infinity }).middleware }).s3;
    const copy = async (client: S3Client, key: string, uploads: UploadRecorder) => {
      const [current, source] = (await keyHistory(s3, BUCKET, key)).entries as ObjectVersion[];
      return copyVersion(client, BUCKET, source!, current, {}, { singleCopyLimit: 1024, uploads }).catch((error: Error) => error);
    };
    await copy(stuck, `${P}open.bin`, killedRun.journal);
    // Killed after S3 completed the upload, before the journal heard of it.
    expect(await copy(s3, `${P}completed.bin`, cutShort(killedRun.journal, ["starting", "started"]))).not.to.be.an("error");
    // Killed while S3 was creating the upload: its id was never recorded.
    await copy(stuck, `${P}unknown.bin`, cutShort(killedRun.journal, ["starting"]));
    await copy(stuck, `${P}elsewhere.bin`, otherS3Run.journal);
    await copy(stuck, `${P}live.bin`, liveRun.journal);
    const app = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: `${P}app-upload.bin` }));
    const open = new Map((await openUploads(s3)).map((u) => [u.key, u.uploadId]));
    expect([...open.keys()].sort()).to.deep.equal([`${P}app-upload.bin`, `${P}elsewhere.bin`, `${P}live.bin`, `${P}open.bin`, `${P}unknown.bin`]);
    const before = await census(s3, BUCKET);
    const args = ["assets", "restore-prefix", "--bucket", BUCKET, "--prefix", P, "--at", new Date().toISOString(), "--json"];
    const byReason = (named: Array<{ key: string; reason: string }>) => Object.fromEntries(named.map((n) => [n.key.slice(P.length), n.reason]));

    const dry = await runCli(emulator, [...args, "--dry-run"], { tmpdir: tmp });
    expect(dry.code, dry.stderr).to.equal(0);
    const seen = JSON.parse(dry.stdout).leftovers;
    expect(byReason(seen.named)).to.deep.equal({ "open.bin": "dry-run", "completed.bin": "dry-run", "unknown.bin": "id-unknown", "elsewhere.bin": "other-bucket", "app-upload.bin": "not-recorded" });
    expect(seen.aborted).to.deep.equal([]);
    expect((await openUploads(s3)).length, "a dry run aborts nothing").to.equal(5);
    expect(fs.readdirSync(killedRun.dir).sort(), "its plan is gone, its journal kept").to.deep.equal(["run.json", "uploads.ndjson"]);

    const run = await runCli(emulator, [...args, "--yes"], { tmpdir: tmp });
    expect(run.code, run.stderr).to.equal(0);
    const done = JSON.parse(run.stdout).leftovers;
    expect(done.aborted).to.deep.equal([{ bucket: BUCKET, key: `${P}open.bin`, uploadId: open.get(`${P}open.bin`), pid: dead.pid }]);
    expect(done.alreadyEnded.map((u: { key: string }) => u.key)).to.deep.equal([`${P}completed.bin`]);
    expect(byReason(done.named)).to.deep.equal({ "unknown.bin": "id-unknown", "elsewhere.bin": "other-bucket", "app-upload.bin": "not-recorded" });
    expect(done.named.find((n: { reason: string }) => n.reason === "other-bucket").detail).to.equal("its run used http://127.0.0.1:1");
    expect(done.removed.map((r: { dir: string }) => r.dir)).to.deep.equal([killedRun.dir]);
    expect(done.kept.map((r: { dir: string }) => r.dir)).to.deep.equal([otherS3Run.dir]);
    expect(run.stderr).to.contain(`"${P}app-upload.bin" (${app.UploadId}`).and.to.contain("were left alone").and.to.contain("No lifecycle rule of bucket");

    expect(new Map((await openUploads(s3)).map((u) => [u.key, u.uploadId]))).to.deep.equal(new Map([...open].filter(([k]) => k !== `${P}open.bin`)));
    expect(censusDiff(before, await census(s3, BUCKET)), "an abort touches no version").to.deep.equal({ versionsLost: [], versionsAdded: 0, markersAdded: 0, markersRemoved: 0 });
    expect(fs.existsSync(killedRun.dir)).to.equal(false);
    expect(fs.readdirSync(liveRun.dir).sort(), "a live run's files are left alone").to.deep.equal(["run.json", "uploads.ndjson", "writes.ndjson"]);
  });

  it("goes on, and says so, when it may not list the open uploads (no s3:ListBucketMultipartUploads)", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    await history.apply([{ put: `${P}a.png`, body: "a1" }]);
    const t = await history.checkpoint();
    await history.apply([{ put: `${P}a.png`, body: "a2" }]);
    const denied = (stack: MiddlewareStack<any, any>) =>
      stack.add(
        (next: any, context: any) => async (args: any) => {
          if (context.commandName === "ListMultipartUploadsCommand") throw Object.assign(new Error("Access Denied"), { name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 } });
          return next(args);
        },
        { step: "deserialize", name: "denyListMultipartUploads", priority: "low" },
      );
    const run = await runCli(emulator, ["assets", "restore-prefix", "--bucket", BUCKET, "--prefix", P, "--at", t.toISOString(), "--yes", "--json"], { tmpdir: tmp, middleware: [denied] });
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout).applied.copied).to.equal(1);
    expect(run.stderr).to.match(new RegExp(`warning: Open multipart uploads under s3://${BUCKET}/${P} were not checked: Could not list the open multipart uploads .*AccessDenied`));
  });

  if (emulator.supports.lifecycle) {
    it("names the bucket's lifecycle rule that aborts what it leaves open", async () => {
      const s3 = emulator.clients().s3;
      const history = await emulator.history(s3, BUCKET);
      await history.apply([{ put: `${P}a.png`, body: "a" }]);
      await s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: BUCKET,
          LifecycleConfiguration: { Rules: [{ ID: "abort-incomplete-multipart-uploads", Status: "Enabled", Filter: {}, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }] },
        }),
      );
      await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: `${P}app-upload.bin` }));
      const run = await runCli(emulator, ["assets", "restore-prefix", "--bucket", BUCKET, "--prefix", P, "--at", new Date().toISOString(), "--dry-run", "--json"], { tmpdir: tmp });
      expect(run.code, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout).leftovers.abortAfterDays).to.equal(7);
      expect(run.stderr).to.contain(`The bucket's lifecycle aborts incomplete uploads under s3://${BUCKET}/${P} 7 day(s) after they start.`);
    });
  }
});
