/**
 * `check --stack prod`'s assets replication rows on moto: the configuration as moto holds
 * it (read back with its gap corrected), the standby's bucket read in its region, and the
 * replication status S3 reports for the newest objects, which the replication test double
 * (test/support/s3-replication.ts) gives as S3's rules make it: PENDING until a pass of
 * replication, FAILED where S3 can't replicate, none for what existed before.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CreateBucketCommand, DeleteBucketReplicationCommand, PutBucketVersioningCommand, PutObjectCommand, PutObjectLockConfigurationCommand, S3Client } from "@aws-sdk/client-s3";
import type { MiddlewareStack } from "@smithy/types";
import { EnvironmentOutputNames } from "../../contracts/stacks";
import { ManualClock } from "../support/manual-clock";
import { useEmulator } from "../support/emulator";
import { applyS3MotoGaps, s3MotoGapMiddleware } from "../support/moto-gaps";
import { createEnvironmentFixture, environmentOutputs, runCli, stacksWithOutputs } from "../support/rds-fixtures";
import { componentReplicationConfiguration, S3ReplicationDouble } from "../support/s3-replication";

const DB = "gametracker-mssql";
const REPLICA = "gametracker-assets-dr";
const MINUTE = 60_000;

describe("check: assets replication to the standby region (moto and the replication double)", function () {
  this.timeout(60_000);
  const emulator = useEmulator();
  let state: string;
  beforeEach(() => (state = fs.mkdtempSync(path.join(os.tmpdir(), "check-replication-"))));
  afterEach(() => fs.rmSync(state, { recursive: true, force: true }));

  async function environment(options: { lock?: boolean; beforeReplication?: string[] } = {}) {
    const clients = emulator.clients();
    const raw = clients.s3;
    applyS3MotoGaps(raw, state);
    const env = await createEnvironmentFixture(clients, { instance: { identifier: DB } });
    await raw.send(new CreateBucketCommand({ Bucket: REPLICA }));
    await raw.send(new PutBucketVersioningCommand({ Bucket: REPLICA, VersioningConfiguration: { Status: "Enabled" } }));
    if (options.lock !== false) {
      await raw.send(new PutObjectLockConfigurationCommand({ Bucket: REPLICA, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 30 } } } }));
    }
    for (const key of options.beforeReplication ?? []) await raw.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: key }));
    const double = new S3ReplicationDouble({ s3: raw, configuration: "emulator" });
    await double.putConfiguration(
      env.bucket,
      componentReplicationConfiguration({ destinationBucket: REPLICA, destinationRegion: "us-west-2", replicaKmsKeyId: undefined, replicationTimeControl: true }, "arn:aws:iam::123456789012:role/assets-replication"),
    );
    const stacks = stacksWithOutputs({
      prod: environmentOutputs({
        dbInstance: DB,
        bucket: env.bucket,
        manualSnapshots: [env.declaredSnapshot],
        extra: { [EnvironmentOutputNames.assetsReplicationBucket]: REPLICA, [EnvironmentOutputNames.assetsReplicationRegion]: "us-west-2" },
      }),
    });
    // The CLI's clients see S3 as the double models it, on moto with its gaps corrected.
    const middleware = (stack: MiddlewareStack<any, any>) => {
      s3MotoGapMiddleware(state)(stack);
      double.middleware(stack);
    };
    const write = (key: string) => emulator.clients({ middleware }).s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: key }));
    return { raw, env, double, stacks, middleware, write };
  }

  const rows = (report: { checks: Array<{ id: string; status: string; detail: string; fix?: string }> }) =>
    Object.fromEntries(report.checks.filter((c) => c.id.startsWith("assets-") || c.id === "bucket-object-lock").map((c) => [c.id, c]));

  it("passes a replication that is configured, locked at the destination and keeping up: every sampled object COMPLETED", async () => {
    const { double, stacks, middleware, write } = await environment();
    for (const key of ["characters/1.png", "characters/2.png", "maps/a.png"]) await write(key);
    await double.replicate();
    const run = await runCli(["check", "--stack", "prod", "--json"], { clients: emulator.clients, stacks, middleware, clock: new ManualClock(new Date(Date.now() + MINUTE)) });
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const r = rows(run.json());
    expect(r["assets-replication"]).to.deep.include({ status: "pass" });
    expect(r["assets-replication"]!.detail).to.contain("-> s3://gametracker-assets-dr (us-west-2): rule assets-to-standby-region enabled, delete markers replicated").and.contain("Replication Time Control on").and.contain("Object Lock COMPLIANCE, 30 days");
    expect(r["assets-replication-status"]).to.deep.include({ status: "pass", detail: "3 newest of 3 objects: 3 COMPLETED, 0 PENDING, 0 FAILED" });
    expect(r["assets-replication-pending"]).to.deep.include({ status: "pass" });
    expect(r["assets-replication-failed"]).to.deep.include({ status: "pass" });
    expect(r["bucket-object-lock"]).to.deep.include({ status: "info" });
  });

  it("finds a FAILED replication, a PENDING one past Replication Time Control's 15 minutes, and objects S3 will never replicate, each with its fix (exit 1)", async () => {
    const { raw, double, stacks, middleware, write } = await environment({ beforeReplication: ["legacy/old.png"] });
    await write("characters/1.png");
    // S3 can't replicate while the standby's versioning is suspended: FAILED, and S3 does not retry it.
    await raw.send(new PutBucketVersioningCommand({ Bucket: REPLICA, VersioningConfiguration: { Status: "Suspended" } }));
    await double.replicate();
    await raw.send(new PutBucketVersioningCommand({ Bucket: REPLICA, VersioningConfiguration: { Status: "Enabled" } }));
    await write("characters/2.png");
    await double.replicate({ hold: (key) => key === "characters/2.png" });
    const clock = new ManualClock(new Date(Date.now() + 20 * MINUTE));
    const run = await runCli(["check", "--stack", "prod", "--json"], { clients: emulator.clients, stacks, middleware, clock });
    expect(run.code).to.equal(1);
    const r = rows(run.json());
    expect(r["assets-replication"]!.status).to.equal("pass");
    expect(r["assets-replication-failed"]).to.deep.include({ status: "fail", detail: "1 of the 3 newest of 3 objects FAILED and are not in the replica: characters/1.png" });
    expect(r["assets-replication-failed"]!.fix).to.contain("S3 does not retry a FAILED replication").and.contain("gametracker-dr assets replicate --bucket gametracker-assets-dev --statuses failed");
    expect(r["assets-replication-pending"]!.status).to.equal("fail");
    expect(r["assets-replication-pending"]!.detail).to.match(/^characters\/2\.png, written .*, PENDING for 2\dm\d+s \(limit 15m, Replication Time Control's SLA; 1 PENDING of the 3 newest of 3 objects\)$/);
    expect(r["assets-replication-status"]).to.deep.include({ status: "fail" });
    expect(r["assets-replication-status"]!.detail).to.contain("1 of the 3 newest of 3 objects have no replication status").and.contain("legacy/old.png");
    expect(r["assets-replication-status"]!.fix).to.contain("S3 Batch Replication: gametracker-dr assets replicate --bucket gametracker-assets-dev --statuses none");

    // A longer limit given on the command line lets the PENDING one pass.
    const relaxed = await runCli(["check", "--stack", "prod", "--json", "--max-replication-pending", "1h"], { clients: emulator.clients, stacks, middleware, clock });
    expect(rows(relaxed.json())["assets-replication-pending"]!.status).to.equal("pass");
  });

  it("fails the configuration when the replica is not locked, and when the source has no rule", async () => {
    const { raw, env, stacks, middleware } = await environment({ lock: false });
    let run = await runCli(["check", "--stack", "prod", "--json"], { clients: emulator.clients, stacks, middleware });
    let row = rows(run.json())["assets-replication"]!;
    expect(row).to.deep.include({ status: "fail", detail: "s3://gametracker-assets-dr (us-west-2) has no Object Lock: a credential that may delete versions can erase the region-loss copy" });
    expect(row.fix).to.contain("assetsObjectLockMode");
    await (raw as S3Client).send(new DeleteBucketReplicationCommand({ Bucket: env.bucket }));
    run = await runCli(["check", "--stack", "prod", "--json"], { clients: emulator.clients, stacks, middleware });
    row = rows(run.json())["assets-replication"]!;
    expect(row).to.deep.include({ status: "fail", detail: `s3://${env.bucket} has no replication configuration, but the stack replicates it to s3://gametracker-assets-dr (us-west-2)` });
  });
});
