import { expect } from "chai";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { ManualClock } from "../../support/manual-clock";
import { describeOnS3Emulators } from "../../support/s3-emulators";
import { BatchOperationsDouble } from "../../support/batch-operations";
import { FaultInjector } from "../../support/faults";
import { runCli } from "../../support/assets-cli";
import { census, censusDiff, currentEtags, md5 } from "../../support/bucket-history";

const BUCKET = "gametracker-assets-batch";
const REPORTS = "gametracker-batch-reports";
const ROLE = "arn:aws:iam::123456789012:role/s3-batch-restore";
const P = "characters/";

/**
 * `--via batch` end to end: the S3 side (the plan, the manifest uploaded to the report
 * bucket, the undeletes and hides the tool makes itself) on the emulator; S3 Control, which
 * no emulator has, answered inside the SDK as its API reference documents (the job is
 * created, then reported New, Active, Complete or Failed). What the job itself copies is
 * S3's work and is not simulated: the copies are asserted as the manifest the job gets.
 */
describeOnS3Emulators("assets restore-prefix --via batch", (emulator) => {
  async function scenario() {
    const s3 = emulator.clients().s3;
    await s3.send(new CreateBucketCommand({ Bucket: REPORTS }));
    const history = await emulator.history(s3, BUCKET);
    await history.apply([
      { put: `${P}a.png`, body: "a1" },
      { put: `${P}b.png`, body: "b1" },
      { put: `${P}c b.png`, body: "c1" },
    ]);
    const t = await history.checkpoint();
    await history.apply([{ put: `${P}a.png`, body: "a2" }, { put: `${P}c b.png`, body: "c2" }, { delete: `${P}b.png` }, { put: `${P}new.png`, body: "n1" }]);
    return { s3, history, t };
  }
  const args = (t: Date) => ["assets", "restore-prefix", "--bucket", BUCKET, "--prefix", P, "--at", t.toISOString(), "--delete-new", "--via", "batch", "--batch-role-arn", ROLE, "--report-bucket", REPORTS, "--yes", "--json"];

  it("uploads the plan's copies as a manifest, creates the job on it, makes the undeletes and hides itself, and follows the job to the end", async () => {
    const { s3, history, t } = await scenario();
    const before = await census(s3, BUCKET);
    const double = new BatchOperationsDouble({ statuses: [{ status: "Preparing" }, { status: "Active", total: 2, succeeded: 1 }, { status: "Complete", total: 2, succeeded: 2 }] });
    const faults = new FaultInjector();
    const clock = new ManualClock(new Date());
    const run = await runCli(emulator, args(t), { middleware: [double.http.middleware, faults.middleware], clock });
    expect(run.code, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout);
    expect(result.applied).to.include({ copied: 0, undeleted: 1, hidden: 1, writes: 2 });
    expect(result.batch).to.have.length(1);
    expect(result.batch[0]).to.include({ jobId: "job-1", status: "Complete", succeeded: 2, failed: 0, copies: 2, ok: true });
    expect(faults.count("CopyObject"), "the job copies, not the tool").to.equal(0);
    expect(clock.sleeps, "polled with back-off").to.have.length(2);
    expect(run.stderr).to.contain("S3 Batch Operations job job-1 created for 2 copies").and.to.contain("job job-1: Complete, 2/2 tasks done");

    // The manifest the job reads: the plan's copies, pinned to the versions at the moment.
    const created = double.created[0]!.body;
    const manifestKey = /<ObjectArn>arn:aws:s3:::gametracker-batch-reports\/([^<]+)<\/ObjectArn>/.exec(created)![1]!;
    const manifest = await (await s3.send(new GetObjectCommand({ Bucket: REPORTS, Key: manifestKey }))).Body!.transformToString();
    const ids = history.versionIdsAt(t);
    expect(manifest.trim().split("\n")).to.have.members([`${BUCKET},${P}a.png,${ids.get(`${P}a.png`)}`, `${BUCKET},${P}c%20b.png,${ids.get(`${P}c b.png`)}`]);
    const etag = (await s3.send(new HeadObjectCommand({ Bucket: REPORTS, Key: manifestKey }))).ETag!.replace(/"/g, "");
    expect(created).to.contain(`<ETag>${etag}</ETag>`);
    expect(created).to.contain(`<RoleArn>${ROLE}</RoleArn>`).and.to.contain(`<TargetResource>arn:aws:s3:::${BUCKET}</TargetResource>`);

    const now = await currentEtags(s3, BUCKET, P);
    expect(now.get(`${P}b.png`), "undeleted by the tool").to.equal(md5("b1"));
    expect(now.has(`${P}new.png`), "hidden by the tool").to.equal(false);
    expect(censusDiff(before, await census(s3, BUCKET))).to.deep.include({ versionsLost: [], markersAdded: 1, markersRemoved: 1 });
  });

  it("fails with the job's reasons and where its report is when the job fails or some copies fail", async () => {
    const { t } = await scenario();
    const failed = new BatchOperationsDouble({ statuses: [{ status: "Failed", reasons: [{ code: "AccessDenied", reason: "The role can't read the manifest" }] }] });
    const run = await runCli(emulator, args(t).filter((a) => a !== "--json"), { middleware: [failed.http.middleware], clock: new ManualClock(new Date()) });
    expect(run.code).to.equal(1);
    expect(run.stdout).to.contain("S3 Batch Operations job job-1: Failed").and.to.contain("job job-1: AccessDenied: The role can't read the manifest");
    expect(run.stdout).to.contain(`completion report under s3://${REPORTS}/gametracker-dr/batch/`).and.to.contain("run restore-prefix again");

    const partly = new BatchOperationsDouble({ statuses: [{ status: "Complete", total: 2, succeeded: 1, failed: 1 }] });
    const again = await runCli(emulator, args(t), { middleware: [partly.http.middleware], clock: new ManualClock(new Date()) });
    expect(again.code).to.equal(1);
    expect(JSON.parse(again.stdout).batch[0]).to.include({ status: "Complete", failed: 1, ok: false });
  });

  it("turns S3 Control's refusal to create the job into one sentence, after the manifest was uploaded and before any copy", async () => {
    const { t } = await scenario();
    const refused = new BatchOperationsDouble({ statuses: [] }, { status: 403, body: "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error></ErrorResponse>" });
    const run = await runCli(emulator, args(t), { middleware: [refused.http.middleware], clock: new ManualClock(new Date()) });
    expect(run.code).to.equal(1);
    expect(run.stderr.trim().split("\n").at(-1)).to.match(/^error: Could not create an S3 Batch Operations job in account 123456789012: access was denied/);
  });
});
