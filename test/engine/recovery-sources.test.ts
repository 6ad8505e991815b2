/**
 * Issue 11's restore modes on the real engine: every recovery source besides the live
 * primary, restored by a restore stack the engine creates through the stand-in plugins.
 * moto lacks RDS's automated-backup APIs (retained backups of a deleted instance, backup
 * replication); moto-rds-backups.ts answers for them as RDS's API reference says, on one
 * state shared by this process and every plugin process (Engine.rdsBackups), so what the
 * engine's resources do — prod's replication resource starting replication, a restore
 * stack restoring by resource id or by replicated-backups ARN — is what the CLI then sees.
 */
import { expect } from "chai";
import { DeleteDBInstanceCommand, DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import type { MiddlewareStack } from "@smithy/types";
import { DrillReport } from "../../automation/drill/report";
import { RestoreResult } from "../../automation/restore/restore";
import { configureRestoreStack, readRestoreSpec } from "../../automation/restore/restore-stack";
import { ENVIRONMENT_PROJECT, EnvironmentOutputNames, RESTORE_PROJECT } from "../../contracts/stacks";
import type { StackOutputs } from "../../automation/stacks/port";
import { backupsFingerprint, primaryFingerprint } from "../support/rds-fixtures";
import { useDeployedEnvironment } from "../support/engine/deployed-environment";

const PRIMARY = "gametracker-mssql";
const REPLICATION_TYPE = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";

/** A KMS key in moto (KMS's JSON protocol by hand: the project has no KMS client, and needs none outside this test). */
async function createKmsKey(endpoint: string, region: string): Promise<string> {
  const response = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.CreateKey", Authorization: `AWS4-HMAC-SHA256 Credential=testing/20261202/${region}/kms/aws4_request, SignedHeaders=host, Signature=0` },
    body: JSON.stringify({ Description: "the standby region's key for snapshot copies" }),
  });
  if (!response.ok) throw new Error(`moto CreateKey: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn;
}

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

    // Nothing needed the lost region, and nothing touched prod.
    expect(attempts.get("us-east-1") ?? 0).to.equal(0);
    expect(attempts.get("us-west-2") ?? 0).to.be.greaterThan(0);
    expect({ primary: await primaryFingerprint(east.rds, PRIMARY), east: await backupsFingerprint(east.rds, PRIMARY), west: await backupsFingerprint(west.rds, PRIMARY) }).to.deep.equal(before);
    expect(await instanceIds(east.rds)).to.deep.equal([PRIMARY]);
  });

  it("the weekly drill of the replica restores and cleans up in us-west-2 through the engine, leaving the cut-over database alone", async () => {
    const west = world.aws({ region: "us-west-2" }).rds;
    const before = await instanceIds(west);
    const drill = await world.run(["drill", "--stack", "prod-dr", "--from", "replica:latest", "--json"]);
    expect(drill.code, drill.stderr).to.equal(0);
    const report = drill.json<DrillReport>();
    expect(report).to.deep.include({ outcome: "passed", environment: "prod-dr" });
    expect(report.recoveryPoint).to.deep.include({ label: "replica:latest", source: "replica", region: "us-west-2" });
    expect(report.cleanup.status).to.equal("destroyed");
    expect(await instanceIds(west)).to.deep.equal(before);
    expect((await world.stacks().list(RESTORE_PROJECT)).map((s) => s.name).filter((n) => n.includes("-drill-"))).to.deep.equal([]);
  });

  it("a snapshot copy in the standby region: snapshots copy --stack prod --to-region us-west-2, then a drill of prod-dr restores the copy there through the engine and cleans up", async () => {
    const west = world.aws({ region: "us-west-2" }).rds;
    // An encrypted snapshot's copy needs a key of the destination that exists (moto checks, as RDS does).
    const key = await createKmsKey(world.engine.motoEndpoint, "us-west-2");
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
