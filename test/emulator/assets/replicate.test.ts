/**
 * `assets replicate` end to end on moto: the bucket's replication configuration read from
 * moto, the S3 Batch Replication job created through S3 Control (answered inside the SDK as
 * its API reference documents, test/support/batch-operations.ts), the job's S3ReplicateObject
 * performed by the replication double (test/support/s3-replication.ts) on exactly the
 * objects the job's manifest generator selects, and followed to its end.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CreateBucketCommand, HeadObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { MiddlewareStack } from "@smithy/types";
import { runCli } from "../../support/assets-cli";
import { BatchOperationsDouble } from "../../support/batch-operations";
import { useEmulator } from "../../support/emulator";
import { FaultInjector } from "../../support/faults";
import { ManualClock } from "../../support/manual-clock";
import { applyS3MotoGaps, s3MotoGapMiddleware } from "../../support/moto-gaps";
import { componentReplicationConfiguration, S3ReplicationDouble } from "../../support/s3-replication";

const SOURCE = "gt-assets-prod";
const REPLICA = "gt-assets-dr";
const REPORTS = "gt-batch-reports";
const ROLE = "arn:aws:iam::123456789012:role/s3-batch-replication";

describe("assets replicate: S3 Batch Replication of what live replication never copied (moto)", function () {
  this.timeout(60_000);
  const emulator = useEmulator();
  let state: string;
  beforeEach(() => (state = fs.mkdtempSync(path.join(os.tmpdir(), "replicate-"))));
  afterEach(() => fs.rmSync(state, { recursive: true, force: true }));

  async function world() {
    const raw = emulator.clients().s3;
    applyS3MotoGaps(raw, state);
    for (const bucket of [SOURCE, REPLICA, REPORTS]) {
      await raw.send(new CreateBucketCommand({ Bucket: bucket }));
      if (bucket !== REPORTS) await raw.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    }
    // Objects written before replication was turned on: S3 never replicates them by itself.
    for (const key of ["characters/1.png", "characters/2.png"]) await raw.send(new PutObjectCommand({ Bucket: SOURCE, Key: key, Body: key }));
    const replication = new S3ReplicationDouble({ s3: raw, configuration: "emulator" });
    await replication.putConfiguration(
      SOURCE,
      componentReplicationConfiguration({ destinationBucket: REPLICA, destinationRegion: "us-west-2", replicaKmsKeyId: undefined, replicationTimeControl: false }, "arn:aws:iam::123456789012:role/live"),
    );
    // The job, when S3 runs it: the objects its generator's filter selects, replicated by the bucket's own configuration.
    const jobs = new BatchOperationsDouble({ statuses: [{ status: "Preparing" }, { status: "Active" }, { status: "Complete" }] }, undefined, async (request) => {
      const bucket = /<SourceBucket>arn:aws:s3:::([^<]+)<\/SourceBucket>/.exec(request.body)![1]!;
      const statuses = [...request.body.matchAll(/<member>(NONE|FAILED|COMPLETED)<\/member>/g)].map((m) => m[1] as "NONE" | "FAILED");
      return replication.batchReplicate(bucket, statuses);
    });
    const middleware = (stack: MiddlewareStack<any, any>) => {
      s3MotoGapMiddleware(state)(stack);
      replication.middleware(stack);
      jobs.http.middleware(stack);
    };
    return { raw, replication, jobs, middleware };
  }

  const args = (extra: string[] = []) => ["assets", "replicate", "--bucket", SOURCE, "--batch-role-arn", ROLE, "--report-bucket", REPORTS, "--yes", ...extra];

  it("creates one S3ReplicateObject job over the bucket's eligible NONE and FAILED objects, follows it to Complete, and the replica then holds them", async () => {
    const { raw, jobs, middleware } = await world();
    const clock = new ManualClock(new Date());
    const run = await runCli(emulator, [...args(), "--json"], { middleware: [middleware], clock });
    expect(run.code, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout);
    expect(result).to.deep.include({ bucket: SOURCE, destination: REPLICA, statuses: ["NONE", "FAILED"] });
    expect(result.job).to.deep.include({ jobId: "job-1", status: "Complete", total: 2, succeeded: 2, failed: 0, ok: true });
    expect(clock.sleeps, "followed with back-off").to.have.length(2);
    const created = jobs.created[0]!.body;
    expect(created).to.match(/<Operation><S3ReplicateObject(\/>|><\/S3ReplicateObject>)<\/Operation>/);
    expect(created).to.contain(`<SourceBucket>arn:aws:s3:::${SOURCE}</SourceBucket>`).and.contain("<EligibleForReplication>true</EligibleForReplication>");
    expect(created).to.contain(`<RoleArn>${ROLE}</RoleArn>`).and.contain(`<Bucket>arn:aws:s3:::${REPORTS}</Bucket>`).and.contain("<ReportScope>AllTasks</ReportScope>");
    expect(created).to.not.contain("<Manifest>");
    expect(run.stderr).to.contain(`S3 Batch Replication job job-1 created for s3://${SOURCE}`);
    const replicated = await raw.send(new ListObjectVersionsCommand({ Bucket: REPLICA }));
    expect(replicated.Versions!.map((v) => v.Key).sort()).to.deep.equal(["characters/1.png", "characters/2.png"]);
    // Nothing at home changed: still one version each.
    expect((await raw.send(new ListObjectVersionsCommand({ Bucket: SOURCE }))).Versions).to.have.length(2);
  });

  it("replicates only the FAILED ones when asked, and their status becomes COMPLETED", async () => {
    const { raw, replication, middleware } = await world();
    await raw.send(new PutBucketVersioningCommand({ Bucket: REPLICA, VersioningConfiguration: { Status: "Suspended" } }));
    const seen = emulator.clients({ middleware }).s3;
    await seen.send(new PutObjectCommand({ Bucket: SOURCE, Key: "characters/3.png", Body: "3" }));
    await replication.replicate();
    await raw.send(new PutBucketVersioningCommand({ Bucket: REPLICA, VersioningConfiguration: { Status: "Enabled" } }));
    expect((await seen.send(new HeadObjectCommand({ Bucket: SOURCE, Key: "characters/3.png" }))).ReplicationStatus).to.equal("FAILED");
    const run = await runCli(emulator, [...args(["--statuses", "failed"]), "--json"], { middleware: [middleware], clock: new ManualClock(new Date()) });
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout).job).to.deep.include({ total: 1, succeeded: 1 });
    expect((await seen.send(new HeadObjectCommand({ Bucket: SOURCE, Key: "characters/3.png" }))).ReplicationStatus).to.equal("COMPLETED");
    expect((await seen.send(new HeadObjectCommand({ Bucket: SOURCE, Key: "characters/1.png" }))).ReplicationStatus, "not asked for").to.equal(undefined);
  });

  it("refuses, with one sentence and before any job, a bucket without replication, bad statuses and missing flags", async () => {
    const { raw, middleware } = await world();
    await raw.send(new CreateBucketCommand({ Bucket: "gt-unreplicated" }));
    const cases: Array<[string[], RegExp, boolean]> = [
      [["assets", "replicate", "--bucket", "gt-unreplicated", "--batch-role-arn", ROLE, "--report-bucket", REPORTS, "--yes"], /^error: Bucket gt-unreplicated has no enabled replication rule, and Batch Replication replicates by the bucket's own replication configuration;/, true],
      [args(["--statuses", "pending"]), /^error: Invalid --statuses "pending": give a comma-separated list of none, failed, completed/, false],
      [["assets", "replicate", "--bucket", SOURCE, "--yes"], /^error: assets replicate needs --batch-role-arn/, false],
      [["assets", "replicate", "--bucket", SOURCE, "--batch-role-arn", "role/x", "--report-bucket", REPORTS], /^error: Invalid --batch-role-arn "role\/x"/, false],
    ];
    for (const [argv, message, readsS3] of cases) {
      const spy = new FaultInjector();
      const run = await runCli(emulator, argv, { middleware: [middleware, spy.middleware] });
      expect(run.code, argv.join(" ")).to.equal(2);
      expect(run.stderr.trim()).to.match(message);
      expect(run.stderr.trim().split("\n")).to.have.length(1);
      expect(spy.count("CreateJob")).to.equal(0);
      if (!readsS3) expect(spy.total(), argv.join(" ")).to.equal(0);
    }
  });
});
