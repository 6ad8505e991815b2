import { expect } from "chai";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { GetBucketVersioningCommand } from "@aws-sdk/client-s3";
import { ManualClock } from "../support/manual-clock";
import { useEmulator } from "../support/emulator";
import { FaultInjector } from "../support/faults";
import { createEnvironmentFixture, environmentOutputs, runCli, snapshotIds, stacksWithOutputs } from "../support/rds-fixtures";

const HOUR = 3_600_000;

describe("check (moto)", () => {
  const emulator = useEmulator();
  const DB = "gametracker-mssql";

  async function environment(options: Parameters<typeof createEnvironmentFixture>[1] = {}, outputs: { backupRetentionDays?: number; manualSnapshots?: string[] } = {}) {
    const clients = emulator.clients();
    const env = await createEnvironmentFixture(clients, { instance: { identifier: DB }, ...options });
    const stacks = stacksWithOutputs({
      dev: environmentOutputs({ dbInstance: DB, bucket: env.bucket, backupRetentionDays: outputs.backupRetentionDays ?? 7, manualSnapshots: outputs.manualSnapshots ?? [env.declaredSnapshot] }),
    });
    return { ...clients, env, stacks, before: await snapshotIds(clients.rds) };
  }

  const statuses = (json: { checks: Array<{ id: string; status: string }> }) => Object.fromEntries(json.checks.map((c) => [c.id, c.status]));

  it("passes a healthy environment read from its stack, every check, exit 0 (--json)", async () => {
    const { stacks, env } = await environment();
    const run = await runCli(["check", "--stack", "dev", "--json"], { clients: emulator.clients, stacks });
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const report = run.json();
    expect(report).to.deep.include({ instance: DB, bucket: env.bucket, stack: "dev", passed: true });
    expect(report.summary).to.deep.equal({ pass: 10, fail: 0, skip: 3, info: 3 });
    expect(statuses(report)).to.deep.equal({
      "backup-retention": "pass",
      "restore-lag": "pass",
      "automated-snapshot-age": "pass",
      "manual-snapshot-age": "pass",
      "deletion-protection": "pass",
      "copy-tags-to-snapshot": "pass",
      "pending-modifications": "info",
      "declared-snapshot:gametracker-mssql-baseline": "pass",
      "replica-lag": "skip",
      "retained-backups": "info",
      "snapshot-copies": "skip",
      "bucket-versioning": "pass",
      "bucket-public-access-block": "pass",
      "bucket-noncurrent-lifecycle": "pass",
      "bucket-object-lock": "info",
      "assets-replication": "skip",
    });
    expect(report.thresholds.retentionSource).to.equal("configured in stack dev");
  });

  it("fails a neglected environment row by row with a fix for each, exit 1, and changes nothing", async () => {
    const { rds, s3, stacks, before } = await environment(
      {
        instance: { identifier: DB, backupRetentionDays: 1, deletionProtection: false, copyTagsToSnapshot: false },
        bucket: {
          versioning: "Suspended",
          publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false },
          noncurrentVersionExpirationDays: false,
        },
      },
      { backupRetentionDays: 7, manualSnapshots: ["gametracker-mssql-baseline", "declared-but-never-taken"] },
    );
    const run = await runCli(["check", "--stack", "dev"], { clients: emulator.clients, stacks });
    expect(run.code).to.equal(1);
    const out = run.stdout;
    expect(out).to.match(/FAIL\s+automated backups and retention\s+retention is 1 days, below the required 7 \(configured in stack dev\)/);
    expect(out).to.match(/FAIL\s+deletion protection\s+off/);
    expect(out).to.match(/FAIL\s+copy tags to snapshots\s+off/);
    expect(out).to.match(/PASS\s+declared snapshot gametracker-mssql-baseline\s+available/);
    expect(out).to.match(/FAIL\s+declared snapshot declared-but-never-taken\s+does not exist/);
    expect(out).to.match(/FAIL\s+bucket versioning\s+gametracker-assets-dev: Suspended/);
    expect(out).to.match(/FAIL\s+bucket public-access blocks\s+gametracker-assets-dev: off: BlockPublicPolicy, RestrictPublicBuckets/);
    expect(out).to.match(/FAIL\s+noncurrent-version lifecycle rule\s+gametracker-assets-dev: no rule expires or transitions noncurrent versions/);
    expect(out).to.contain("7 of 11 checks FAILED.");
    const fixes = out.slice(out.indexOf("How to fix:")).split("\n").slice(1).filter(Boolean);
    expect(fixes).to.have.length(7);
    expect(fixes[0]).to.match(/^- automated backups and retention: .*aws rds modify-db-instance --db-instance-identifier gametracker-mssql --backup-retention-period 7 --apply-immediately$/);
    expect(fixes.join("\n")).to.contain("aws s3api put-bucket-versioning --bucket gametracker-assets-dev --versioning-configuration Status=Enabled");

    // check only reads: the instance, its snapshots and the bucket are as they were.
    const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: DB }))).DBInstances![0]!;
    expect(db).to.deep.include({ BackupRetentionPeriod: 1, DeletionProtection: false, CopyTagsToSnapshot: false });
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: "gametracker-assets-dev" }))).Status).to.equal("Suspended");
    expect(await snapshotIds(rds)).to.deep.equal(before);
  });

  it("takes the required retention from the stack, overridden by --min-retention-days", async () => {
    const { stacks } = await environment({}, { backupRetentionDays: 14 });
    let run = await runCli(["check", "--stack", "dev", "--json"], { clients: emulator.clients, stacks });
    expect(run.code).to.equal(1);
    expect(run.json().checks.find((c: any) => c.id === "backup-retention").detail).to.equal("retention is 7 days, below the required 14 (configured in stack dev)");
    run = await runCli(["check", "--stack", "dev", "--min-retention-days", "7", "--json"], { clients: emulator.clients, stacks });
    expect(run.code, run.stdout).to.equal(0);
    expect(run.json().thresholds).to.deep.include({ minRetentionDays: 7, retentionSource: "from --min-retention-days" });
  });

  it("judges restore lag and snapshot ages against the CLI clock (moto's times are real): two days on, lag and automated age fail", async () => {
    const { stacks } = await environment();
    const later = new ManualClock(new Date(Date.now() + 48 * HOUR));
    const run = await runCli(["check", "--stack", "dev", "--json"], { clients: emulator.clients, stacks, clock: later });
    expect(run.code).to.equal(1);
    const report = run.json();
    expect(statuses(report)).to.deep.include({ "restore-lag": "fail", "automated-snapshot-age": "fail", "manual-snapshot-age": "pass" });
    expect(report.checks.find((c: any) => c.id === "restore-lag").detail).to.match(/^4[78]h\d\dm behind now/);
    // Thresholds are flags: generous enough, the same facts pass.
    const lenient = await runCli(["check", "--stack", "dev", "--max-restore-lag", "3d", "--max-automated-snapshot-age", "3d", "--json"], { clients: emulator.clients, stacks, clock: later });
    expect(lenient.code, lenient.stdout).to.equal(0);
  });

  it("works from --db-instance alone, skipping the bucket checks, and with --bucket checks the bucket", async () => {
    const { env } = await environment();
    let run = await runCli(["check", "--db-instance", DB, "--json"], { clients: emulator.clients });
    expect(run.code, run.stdout).to.equal(0);
    expect(run.json().summary).to.deep.equal({ pass: 6, fail: 0, skip: 8, info: 2 });
    run = await runCli(["check", "--db-instance", DB, "--bucket", env.bucket, "--json"], { clients: emulator.clients });
    expect(run.code, run.stdout).to.equal(0);
    expect(run.json().summary).to.deep.equal({ pass: 9, fail: 0, skip: 4, info: 3 });
  });

  it("refuses unknown instance, bucket and stack, and bad thresholds, with exit 2", async () => {
    await environment();
    const cases: Array<[string[], RegExp, boolean]> = [
      [["--db-instance", "gametracker-mssql-typo"], /^error: Unknown DB instance "gametracker-mssql-typo" in us-east-1/, true],
      [["--db-instance", DB, "--bucket", "no-such-bucket-here"], /^error: Unknown bucket "no-such-bucket-here": S3 has no bucket by that name/, true],
      [["--stack", "qa"], /^error: Unknown environment stack qa: /, false],
      [["--db-instance", DB, "--max-restore-lag", "fifteen"], /^error: Invalid --max-restore-lag "fifteen": /, false],
      [["--db-instance", DB, "--min-retention-days", "0"], /^error: Invalid --min-retention-days "0": RDS keeps automated backups for 1 to 35 days/, false],
      [["--db-instance", DB, "--min-retention-days", "36"], /^error: Invalid --min-retention-days "36"/, false],
      [["--db-instance", DB, "--replication-sample", "0"], /^error: Invalid --replication-sample "0": it is how many of the newest assets check reads/, false],
      [["--db-instance", DB, "--max-replication-pending", "soon"], /^error: Invalid --max-replication-pending "soon": /, false],
    ];
    for (const [flags, message, callsAws] of cases) {
      const spy = new FaultInjector();
      const run = await runCli(["check", ...flags], { clients: emulator.clients, middleware: spy.middleware, stacks: stacksWithOutputs({ dev: environmentOutputs({ dbInstance: DB }) }) });
      expect(run.code, flags.join(" ")).to.equal(2);
      expect(run.stderr).to.match(message);
      expect(run.stderr.trim().split("\n")).to.have.length(1);
      expect(run.stdout).to.equal("");
      if (!callsAws) expect(spy.total(), flags.join(" ")).to.equal(0);
    }
  });

  it("gets through throttling, and a persistent 5xx ends in one clear sentence (exit 1)", async () => {
    const { stacks } = await environment();
    const throttled = new FaultInjector()
      .add({ operation: "GetBucketVersioning", kind: "throttle", times: 2 })
      .add({ operation: "DescribeDBSnapshots", kind: "throttle", times: 1 });
    let run = await runCli(["check", "--stack", "dev", "--json"], { clients: emulator.clients, stacks, middleware: throttled.middleware });
    expect(run.code, run.stderr).to.equal(0);
    expect(throttled.count("GetBucketVersioning")).to.equal(3);
    expect(run.json().passed).to.equal(true);

    const down = new FaultInjector().add({ operation: "GetPublicAccessBlock", kind: "server", times: Infinity });
    run = await runCli(["check", "--stack", "dev"], { clients: emulator.clients, stacks, middleware: down.middleware });
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.equal(
      "error: Could not read the public-access block of bucket gametracker-assets-dev: AWS answered ServiceUnavailable (HTTP 503) after 5 attempts; the problem is on AWS's side, retry in a few minutes and check the AWS Health Dashboard.\n",
    );
  });
});
