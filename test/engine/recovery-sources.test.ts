/**
 * Issue 11's restore modes on the real engine: every recovery source besides the live
 * primary, restored by a restore stack the engine creates through the stand-in plugins;
 * and issue 20's assets: prod's bucket replicated into prod-dr's locked bucket by the
 * rule and role the engine made (S3's replication itself by the replication double,
 * test/support/s3-replication.ts, which judges that role from moto's IAM), read back by
 * prod-dr's API and the assets commands with us-east-1 down, proven by the replica drill,
 * and its failures found by check.
 * moto lacks RDS's automated-backup APIs (retained backups of a deleted instance, backup
 * replication); moto-rds-backups.ts answers for them as RDS's API reference says, on one
 * state shared by this process and every plugin process (Engine.rdsBackups), so what the
 * engine's resources do — prod's replication resource starting replication, a restore
 * stack restoring by resource id or by replicated-backups ARN — is what the CLI then sees.
 */
import { expect } from "chai";
import { DeleteDBInstanceCommand, DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { IAMClient } from "@aws-sdk/client-iam";
import { DeleteObjectCommand, GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { MiddlewareStack } from "@smithy/types";
import { DrillReport } from "../../automation/drill/report";
import { RestoreResult } from "../../automation/restore/restore";
import { configureRestoreStack, readRestoreSpec } from "../../automation/restore/restore-stack";
import { ENVIRONMENT_PROJECT, EnvironmentOutputNames, RESTORE_PROJECT } from "../../contracts/stacks";
import type { StackOutputs } from "../../automation/stacks/port";
import { backupsFingerprint, primaryFingerprint } from "../support/rds-fixtures";
import { useDeployedEnvironment } from "../support/engine/deployed-environment";
import { createKmsKey, kmsKeyExists } from "../support/moto-kms";
import { applyS3MotoGaps, s3MotoGapMiddleware } from "../support/moto-gaps";
import { S3ReplicationDouble } from "../support/s3-replication";
import { evaluate, readRole } from "../support/iam-policy";

const PRIMARY = "gametracker-mssql";
const REPLICATION_TYPE = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";

const instanceIds = async (rds: RDSClient) => ((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((i) => i.DBInstanceIdentifier!).sort();
const describe1 = async (rds: RDSClient, id: string) => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;

describe("engine scenarios: region loss — prod replicating to its standby prod-dr, both from their stack files", function () {
  this.timeout(8 * 60_000);
  // prod-dr first: prod replicates its assets into prod-dr's bucket.
  const world = useDeployedEnvironment("prod", { first: ["prod-dr"] });
  let dr: StackOutputs;
  const drOut = (key: string) => dr[key]?.value;

  before(async function () {
    this.timeout(5 * 60_000);
    dr = await (await world.stacks().select({ project: ENVIRONMENT_PROJECT, stack: "prod-dr" })).outputs();
  });

  // The game's assets and S3's replication of them (set up by the first assets test, used by the later ones).
  let assets: { double: S3ReplicationDouble; view: (stack: MiddlewareStack<any, any>) => void; prod: string; dr: string; written: Map<string, string> };

  const lambdaUrl = async (region: string, name: string) =>
    (await world.aws({ region }).lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).Environment?.Variables?.SPRING_DATASOURCE_URL;

  it("prod's replication resource started replication in us-west-2 through the engine: the backend holds the replicated backups' ARN, and prod-dr lists them", async () => {
    const [replication] = (await world.engine.exportStack(ENVIRONMENT_PROJECT, "prod")).resources.filter((r) => r.type === REPLICATION_TYPE);
    const west = world.aws({ region: "us-west-2" }).rds;
    const [replica] = (await west.send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: PRIMARY }))).DBInstanceAutomatedBackups!;
    expect(replica).to.deep.include({ Status: "replicating", Region: "us-east-1", DBInstanceArn: (await describe1(world.aws().rds, PRIMARY)).DBInstanceArn });
    expect(replication?.id).to.equal(replica!.DBInstanceAutomatedBackupsArn);
    const listed = await world.run(["snapshots", "list", "--stack", "prod-dr", "--json"]);
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.json()).to.deep.include({ region: "us-west-2", instanceExists: false });
    expect(listed.json().automatedBackups.map((b: { kind: string; status: string; from: string }) => [b.kind, b.status, b.from])).to.deep.equal([["replica", "replicating", "replica:latest"]]);
  });

  it("prod's assets replicate into prod-dr's locked bucket by the rule and role the engine made: the replica holds them, keeps their version ids, refuses to delete one, and check --stack prod passes its replication rows", async () => {
    const gapState = world.engine.envVars.GAMETRACKER_STANDIN_GAP_STATE!;
    const raw = world.aws().s3;
    applyS3MotoGaps(raw, gapState);
    const prod = String(world.out(EnvironmentOutputNames.assetsBucketName));
    const drBucket = String(drOut(EnvironmentOutputNames.assetsBucketName));
    expect(world.out(EnvironmentOutputNames.assetsReplicationBucket)).to.equal(drBucket);
    const iam = new IAMClient({ region: "us-east-1", endpoint: world.engine.motoEndpoint });
    const double = new S3ReplicationDouble({ s3: raw, configuration: "emulator", iam, kmsKeyExists: kmsKeyExists(world.engine.motoEndpoint), regionOf: (b) => (b === drBucket ? "us-west-2" : "us-east-1") });
    await double.watch(prod);
    const view = (stack: MiddlewareStack<any, any>) => {
      s3MotoGapMiddleware(gapState)(stack);
      double.middleware(stack);
    };
    assets = { double, view, prod, dr: drBucket, written: new Map() };
    const game = world.aws({ middleware: view }).s3;
    for (const [key, body] of [
      ["characters/1/portrait.png", "p1"],
      ["characters/2/portrait.png", "p2"],
      ["maps/harbour.png", "h1"],
    ] as const) {
      const put = await game.send(new PutObjectCommand({ Bucket: prod, Key: key, Body: body, ContentType: "image/png" }));
      assets.written.set(key, put.VersionId!);
    }
    expect(await double.replicate()).to.deep.include({ completed: 3, failed: [], pending: [] });
    const replica = await game.send(new ListObjectVersionsCommand({ Bucket: drBucket }));
    expect(new Map(replica.Versions!.map((v) => [v.Key!, v.VersionId!]))).to.deep.equal(assets.written);
    // prod-dr locked it (COMPLIANCE, from its stack file): not even the bypass deletes a replica version.
    const refused = await game
      .send(new DeleteObjectCommand({ Bucket: drBucket, Key: "maps/harbour.png", VersionId: assets.written.get("maps/harbour.png"), BypassGovernanceRetention: true }))
      .then(() => "deleted", (e: Error) => e.name);
    expect(refused).to.equal("AccessDenied");

    const check = await world.run(["check", "--stack", "prod", "--json"], { middleware: view });
    const rows = Object.fromEntries((check.json().checks as Array<{ id: string; status: string; detail: string }>).map((c) => [c.id, c]));
    expect(rows["assets-replication"]!.status, rows["assets-replication"]!.detail).to.equal("pass");
    expect(rows["assets-replication"]!.detail).to.contain(`-> s3://${drBucket} (us-west-2)`).and.contain("Replication Time Control on").and.contain("Object Lock COMPLIANCE, 30 days");
    expect(rows["assets-replication-status"]).to.deep.include({ status: "pass", detail: "3 newest of 3 objects: 3 COMPLETED, 0 PENDING, 0 FAILED" });
    expect([rows["assets-replication-pending"]!.status, rows["assets-replication-failed"]!.status]).to.deep.equal(["pass", "pass"]);
  });

  it("the runbook: with us-east-1 down, restore --stack prod-dr --from replica:latest and cutover put prod-dr's API on a database the engine restored in us-west-2; the tool never calls us-east-1", async () => {
    const east = world.aws();
    const west = world.aws({ region: "us-west-2" });
    const before = { primary: await primaryFingerprint(east.rds, PRIMARY), east: await backupsFingerprint(east.rds, PRIMARY), west: await backupsFingerprint(west.rds, PRIMARY) };
    const drFunction = String(drOut(EnvironmentOutputNames.apiFunctionName));
    expect(await lambdaUrl("us-west-2", drFunction)).to.equal("");

    // The region goes down: every call the tool makes there fails, and nothing more is replicated from it.
    const attempts = new Map<string, number>();
    const outage = (stack: MiddlewareStack<any, any>, region: string) =>
      stack.add(
        (next: any) => async (args: any) => {
          attempts.set(region, (attempts.get(region) ?? 0) + 1);
          if (region === "us-east-1") throw Object.assign(new Error("connect ECONNREFUSED (us-east-1 is down)"), { code: "ECONNREFUSED" });
          return next(args);
        },
        { step: "initialize", priority: "high", name: "regionOutage" },
      );
    world.engine.rdsBackups.outage("us-east-1");
    const restoresBefore = world.engine.rdsBackups.restores.length;

    const restored = await world.run(["restore", "--stack", "prod-dr", "--from", "replica:latest", "--yes", "--json"], { middleware: outage });
    expect(restored.code, restored.stderr).to.equal(0);
    const restore = restored.json<RestoreResult>();
    expect(restore).to.deep.include({ passed: true, region: "us-west-2", targetInstance: `${PRIMARY}-restore` });
    expect(restore.recoveryPoint).to.deep.include({ label: "replica:latest", source: "replica", from: `automated backups of ${PRIMARY} replicated from us-east-1 to us-west-2` });
    // What RDS was asked, by the stand-in plugin the engine started for the restore stack: the replicated backups by ARN, in us-west-2.
    const arn = ((await backupsFingerprint(west.rds, PRIMARY)) as Array<{ arn: string }>)[0]!.arn;
    expect(world.engine.rdsBackups.restores.slice(restoresBefore)).to.deep.equal([{ region: "us-west-2", target: `${PRIMARY}-restore`, source: { kind: "replica", arn }, restoreTime: undefined, useLatestRestorableTime: true }]);
    const instance = await describe1(west.rds, `${PRIMARY}-restore`);
    expect(instance.DBSubnetGroup?.DBSubnetGroupName).to.equal(drOut(EnvironmentOutputNames.dbSubnetGroupName));
    expect(instance.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).to.deep.equal([drOut(EnvironmentOutputNames.dbSecurityGroupId)]);
    expect(instance.StorageEncrypted).to.equal(true);
    // The restore stack, from a fresh process: its recorded spec restores in us-west-2, and its
    // next preview plans nothing (it declares the replica's encryption and key, as RDS restored them).
    const restoreStack = await world.stacks().select({ project: RESTORE_PROJECT, stack: restore.stackName });
    await configureRestoreStack(restoreStack, await readRestoreSpec(restoreStack));
    expect(await restoreStack.getConfig("aws:region")).to.equal("us-west-2");
    const planned = (await restoreStack.preview()).steps.filter((step) => step.op !== "same");
    expect(planned, JSON.stringify(planned, null, 1)).to.deep.equal([]);

    const cut = await world.run(["cutover", "--stack", "prod-dr", "--to", restore.stackName, "--yes"], { middleware: outage });
    expect(cut.code, cut.stderr + cut.stdout).to.equal(0);
    expect(await lambdaUrl("us-west-2", drFunction)).to.contain(`//${instance.Endpoint!.Address}:1433;`);

    // The assets: prod-dr's API serves the replica (its bucket variable and its own policy name it), and the assets commands work on it, in us-west-2 only.
    const both = (stack: MiddlewareStack<any, any>, region: string) => {
      outage(stack, region);
      assets.view(stack);
    };
    const fn = await west.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: drFunction }));
    expect(fn.Environment?.Variables?.ASSETS_BUCKET).to.equal(assets.dr);
    const role = await readRole(new IAMClient({ region: "us-west-2", endpoint: world.engine.motoEndpoint }), fn.Role!);
    expect(evaluate(role.policies, "s3:GetObject", `arn:aws:s3:::${assets.dr}/characters/1/portrait.png`)).to.equal("allow");
    expect(evaluate(role.policies, "s3:GetObject", `arn:aws:s3:::${assets.prod}/characters/1/portrait.png`), "the home bucket is not the standby API's").to.equal("implicit-deny");
    const image = await world.aws({ region: "us-west-2", middleware: both }).s3.send(new GetObjectCommand({ Bucket: assets.dr, Key: "characters/1/portrait.png" }));
    expect(await image.Body!.transformToString()).to.equal("p1");
    const versions = await world.run(["assets", "versions", "characters/1/portrait.png", "--stack", "prod-dr", "--json"], { middleware: both });
    expect(versions.code, versions.stderr).to.equal(0);
    expect(versions.json().versions.map((v: { versionId: string }) => v.versionId), "the same version ids as at home").to.deep.equal([assets.written.get("characters/1/portrait.png")]);
    // A point-in-time restore of a prefix plans there as at home: every key already at its version of now.
    world.clock.advance(Math.max(0, Date.now() + 1000 - world.clock.now().getTime()));
    const plan = await world.run(["assets", "restore-prefix", "--stack", "prod-dr", "--prefix", "characters/", "--at", world.clock.now().toISOString(), "--dry-run", "--json"], { middleware: both });
    expect(plan.code, plan.stderr).to.equal(0);
    expect(plan.json().plan).to.deep.include({ bucket: assets.dr, keys: 2, writes: 0 });
    expect(plan.json().plan.counts).to.deep.include({ unchanged: 2 });

    // Nothing needed the lost region, and nothing touched prod.
    expect(attempts.get("us-east-1") ?? 0).to.equal(0);
    expect(attempts.get("us-west-2") ?? 0).to.be.greaterThan(0);
    expect({ primary: await primaryFingerprint(east.rds, PRIMARY), east: await backupsFingerprint(east.rds, PRIMARY), west: await backupsFingerprint(west.rds, PRIMARY) }).to.deep.equal(before);
    expect(await instanceIds(east.rds)).to.deep.equal([PRIMARY]);
  });

  it("the weekly drill of the replica restores and cleans up in us-west-2 through the engine, leaving the cut-over database alone", async () => {
    const west = world.aws({ region: "us-west-2" }).rds;
    const before = await instanceIds(west);
    const drill = await world.run(["drill", "--stack", "prod-dr", "--from", "replica:latest", "--json"], { middleware: assets.view });
    expect(drill.code, drill.stderr).to.equal(0);
    const report = drill.json<DrillReport>();
    expect(report).to.deep.include({ outcome: "passed", environment: "prod-dr" });
    expect(report.recoveryPoint).to.deep.include({ label: "replica:latest", source: "replica", region: "us-west-2" });
    // The assets beside the database: all of home's current objects are in the replica (RPO 0), and a sample prefix as of the recovery point checks out, read-only.
    expect(report.assets).to.deep.include({ replica: `s3://${assets.dr} (us-west-2)`, source: `s3://${assets.prod} (us-east-1)`, sourceReachable: true, rpoSeconds: 0, missing: 0, sourceObjects: 3, passed: true });
    expect(report.assets!.sample.verified, JSON.stringify(report.assets)).to.be.greaterThan(0);
    expect(report.assets!.sample.failed).to.deep.equal([]);
    expect(report.steps.find((st) => st.name === "assets")).to.deep.include({ status: "ok" });
    expect(report.cleanup.status).to.equal("destroyed");
    expect(await instanceIds(west)).to.deep.equal(before);
    expect((await world.stacks().list(RESTORE_PROJECT)).map((s) => s.name).filter((n) => n.includes("-drill-"))).to.deep.equal([]);
  });

  it("a snapshot copy in the standby region: snapshots copy --stack prod --to-region us-west-2, then a drill of prod-dr restores the copy there through the engine and cleans up", async () => {
    const west = world.aws({ region: "us-west-2" }).rds;
    // An encrypted snapshot's copy needs a key of the destination that exists (moto checks, as RDS does).
    const key = await createKmsKey(world.engine.motoEndpoint, "us-west-2", "the standby region's key for snapshot copies");
    const copied = await world.run(["snapshots", "copy", "--stack", "prod", "--name", "gametracker-manual-backup-v1", "--to-region", "us-west-2", "--kms-key", key, "--json"]);
    expect(copied.code, copied.stderr).to.equal(0);
    expect(copied.json()).to.deep.include({ snapshot: "gametracker-manual-backup-v1", region: "us-west-2", status: "available" });
    const arn = "arn:aws:rds:us-west-2:123456789012:snapshot:gametracker-manual-backup-v1";
    const before = await instanceIds(west);

    const drill = await world.run(["drill", "--stack", "prod-dr", "--from", `snapshot:${arn}`, "--json"]);
    expect(drill.code, drill.stderr).to.equal(0);
    const report = drill.json<DrillReport>();
    expect(report).to.deep.include({ outcome: "passed", environment: "prod-dr" });
    expect(report.recoveryPoint).to.deep.include({ source: "snapshot-copy", region: "us-west-2" });
    expect(report.checks.find((c) => c.id === "subnet-group")?.actual).to.equal(drOut(EnvironmentOutputNames.dbSubnetGroupName));
    expect(report.cleanup.status).to.equal("destroyed");
    expect(await instanceIds(west)).to.deep.equal(before);
  });

  it("check --stack prod finds a FAILED replication (the replica's KMS key does not exist in us-west-2) and one PENDING past Replication Time Control's 15 minutes, each with its fix", async () => {
    const game = world.aws({ middleware: assets.view }).s3;
    await game.send(new PutObjectCommand({ Bucket: assets.prod, Key: "characters/3/portrait.png", Body: "kms", ServerSideEncryption: "aws:kms", SSEKMSKeyId: "arn:aws:kms:us-east-1:123456789012:key/home-key" }));
    await game.send(new PutObjectCommand({ Bucket: assets.prod, Key: "maps/lighthouse.png", Body: "l1" }));
    const pass = await assets.double.replicate({ hold: (key) => key === "maps/lighthouse.png" });
    expect(pass.failed.map((f) => [f.key, f.reason])).to.deep.equal([["characters/3/portrait.png", "DstKmsKeyNotFound"]]);
    // Twenty minutes later, by the tool's clock.
    world.clock.advance(Math.max(0, Date.now() + 20 * 60_000 - world.clock.now().getTime()));
    const check = await world.run(["check", "--stack", "prod", "--json"], { middleware: assets.view });
    expect(check.code).to.equal(1);
    const rows = Object.fromEntries((check.json().checks as Array<{ id: string; status: string; detail: string; fix?: string }>).map((c) => [c.id, c]));
    expect(rows["assets-replication-failed"]).to.deep.include({ status: "fail", detail: "1 of the 5 newest of 5 objects FAILED and are not in the replica: characters/3/portrait.png" });
    expect(rows["assets-replication-failed"]!.fix).to.contain("the replica's KMS key in us-west-2").and.contain(`gametracker-dr assets replicate --bucket ${assets.prod} --statuses failed`);
    expect(rows["assets-replication-pending"]!.status).to.equal("fail");
    expect(rows["assets-replication-pending"]!.detail).to.match(/^maps\/lighthouse\.png, written .*, PENDING for 2\dm\d+s \(limit 15m, Replication Time Control's SLA; 1 PENDING of the 5 newest of 5 objects\)$/);
  });

  it("prod itself refuses the replica, which lives in another region than its network, before the engine creates anything", async () => {
    const stacksBefore = (await world.stacks().list(RESTORE_PROJECT)).map((s) => s.name);
    const result = await world.run(["restore", "--stack", "prod", "--from", "replica:latest", "--yes"]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain("error: The automated backups prod replicates are in us-west-2, but environment prod's subnet group and security groups are in us-east-1;");
    expect((await world.stacks().list(RESTORE_PROJECT)).map((s) => s.name)).to.deep.equal(stacksBefore);
  });

  // Last in this describe: it ends prod's replication.
  it("turning replication off is one config change: the engine deletes only the replication resource, which stops replication; the replica's backups are kept, retained", async () => {
    const prod = await world.stacks().select({ project: ENVIRONMENT_PROJECT, stack: "prod" });
    await prod.removeConfig("databaseBackupReplicationRegion");
    await prod.removeConfig("databaseBackupReplicationKmsKeyId");
    const preview = await prod.preview();
    expect(preview.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.type}`)).to.deep.equal([`delete ${REPLICATION_TYPE}`]);
    await prod.up();
    expect((await world.engine.exportStack(ENVIRONMENT_PROJECT, "prod")).resources.filter((r) => r.type === REPLICATION_TYPE)).to.deep.equal([]);
    const west = world.aws({ region: "us-west-2" }).rds;
    const [replica] = (await west.send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: PRIMARY }))).DBInstanceAutomatedBackups!;
    expect(replica).to.deep.include({ Status: "retained", Region: "us-east-1" });
    expect(await instanceIds(world.aws().rds)).to.include(PRIMARY);
    expect((await prod.preview()).steps.filter((s) => s.op !== "same")).to.deep.equal([]);
  });
});

describe("engine scenarios: the primary is deleted — its retained automated backups restored and cut over to", function () {
  this.timeout(8 * 60_000);
  const world = useDeployedEnvironment("dev");
  let dbi: string;
  let window: { earliest: Date; latest: Date };
  let windows: { backup: string | undefined; maintenance: string | undefined };

  before(async () => {
    // The disaster, as an operator's mistake would make it: deletion protection off, the
    // instance deleted; the automated backups are kept (the component's deleteAutomatedBackups: false).
    const rds = world.aws().rds;
    const primary = await describe1(rds, PRIMARY);
    dbi = primary.DbiResourceId!;
    windows = { backup: primary.PreferredBackupWindow, maintenance: primary.PreferredMaintenanceWindow };
    await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: PRIMARY, DeletionProtection: false, ApplyImmediately: true }));
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: PRIMARY, SkipFinalSnapshot: true, DeleteAutomatedBackups: false }));
    const [retained] = (await rds.send(new DescribeDBInstanceAutomatedBackupsCommand({ DbiResourceId: dbi }))).DBInstanceAutomatedBackups!;
    window = { earliest: retained!.RestoreWindow!.EarliestTime!, latest: retained!.RestoreWindow!.LatestTime! };
    // The tool's clock after the deletion, as a real one would be: the window ends in its past.
    world.clock.advance(Math.max(0, Date.now() + 1000 - world.clock.now().getTime()));
  });

  it("restore --from retained:<id>@<time>: the engine's restore stack restores exactly those backups to exactly that time onto dev's network, and cutover points the API at it", async () => {
    const rds = world.aws().rds;
    const before = await backupsFingerprint(rds, PRIMARY);
    const time = new Date(Math.floor((window.earliest.getTime() + window.latest.getTime()) / 2)).toISOString();
    const result = await world.run(["restore", "--stack", "dev", "--from", `retained:${dbi}@${time}`, "--yes", "--json"]);
    expect(result.code, result.stderr).to.equal(0);
    const restore = result.json<RestoreResult>();
    expect(restore).to.deep.include({ passed: true, region: "us-east-1", targetInstance: `${PRIMARY}-restore` });
    expect(restore.recoveryPoint).to.deep.equal({ label: `retained:${dbi}@${time}`, time, source: "retained", from: `retained automated backups of deleted instance ${PRIMARY} (${dbi}) in us-east-1` });
    expect(world.engine.rdsBackups.restores).to.deep.equal([{ region: "us-east-1", target: `${PRIMARY}-restore`, source: { kind: "retained", dbiResourceId: dbi }, restoreTime: new Date(time), useLatestRestorableTime: false }]);
    const instance = await describe1(rds, `${PRIMARY}-restore`);
    // A point-in-time restore cannot set the windows; the restore's second update did, before verify.
    expect(result.stderr).to.contain(`pulumi up gametracker-restore/${restore.stackName} again: the restore left update restored-instance (backupWindow, maintenanceWindow) to apply`);
    expect({ backup: instance.PreferredBackupWindow, maintenance: instance.PreferredMaintenanceWindow }).to.deep.equal(windows);
    expect(instance.DBSubnetGroup?.DBSubnetGroupName).to.equal(world.out(EnvironmentOutputNames.dbSubnetGroupName));
    expect(instance.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).to.deep.equal([world.out(EnvironmentOutputNames.dbSecurityGroupId)]);
    // The restore stack's next preview plans nothing: what the engine recorded is what RDS made.
    const restoreStack = await world.stacks().select({ project: RESTORE_PROJECT, stack: restore.stackName });
    await configureRestoreStack(restoreStack, await readRestoreSpec(restoreStack));
    const planned = (await restoreStack.preview()).steps.filter((step) => step.op !== "same");
    expect(planned, JSON.stringify(planned, null, 1)).to.deep.equal([]);

    const cut = await world.run(["cutover", "--stack", "dev", "--to", restore.stackName, "--yes"]);
    expect(cut.code, cut.stderr + cut.stdout).to.equal(0);
    const api = (await world.aws().lambda.send(new GetFunctionConfigurationCommand({ FunctionName: String(world.out(EnvironmentOutputNames.apiFunctionName)) }))).Environment?.Variables;
    expect(api?.SPRING_DATASOURCE_URL).to.contain(`//${instance.Endpoint!.Address}:1433;`);
    expect(await backupsFingerprint(rds, PRIMARY)).to.deep.equal(before);
  });

  it("a drill with no --from restores the newest point there is, the retained backups' last, through the engine, and cleans up", async () => {
    const rds = world.aws().rds;
    const before = await instanceIds(rds);
    const restoresBefore = world.engine.rdsBackups.restores.length;
    const drill = await world.run(["drill", "--stack", "dev", "--json"]);
    expect(drill.code, drill.stderr).to.equal(0);
    const report = drill.json<DrillReport>();
    expect(report.outcome).to.equal("passed");
    expect(report.recoveryPoint).to.deep.include({ label: `retained:${dbi}@latest`, source: "retained", region: "us-east-1" });
    expect(report.cleanup.status).to.equal("destroyed");
    expect(world.engine.rdsBackups.restores.slice(restoresBefore).map((r) => [r.source, r.useLatestRestorableTime])).to.deep.equal([[{ kind: "retained", dbiResourceId: dbi }, true]]);
    expect(await instanceIds(rds)).to.deep.equal(before);
  });
});
