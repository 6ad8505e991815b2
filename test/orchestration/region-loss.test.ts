import { expect } from "chai";
import { FakeInterrupts } from "../support/interrupts";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { AwsClientOptions, AwsClients } from "../../automation/aws/clients";
import { DrillReport } from "../../automation/drill/report";
import { newRunId } from "../../automation/restore/naming";
import { restoreProgram } from "../../automation/restore/program";
import { RestoreResult } from "../../automation/restore/restore";
import { createRestoreStack, upRestoreStack } from "../../automation/restore/restore-stack";
import { RestoreSpec } from "../../automation/restore/spec";
import { plainOutput, StackOutputs } from "../../automation/stacks/port";
import { DATABASE_SOURCE_KEY, ENVIRONMENT_PROJECT, EnvironmentOutputNames, RESTORE_PROJECT, restoreStackName } from "../../contracts/stacks";
import { environmentProgram } from "../../environment-program";
import { useEmulator } from "../support/emulator";
import { ManualClock } from "../support/manual-clock";
import { MemoryStacks } from "../support/memory-stacks/stacks";
import { MotoRdsBackups } from "../support/moto-rds-backups";
import { motoBehaviours, MotoBehaviours } from "../support/moto-behaviours";
import { ClientMiddleware, backupsFingerprint, combineMiddleware, primaryFingerprint } from "../support/rds-fixtures";
import { envId, lambdaEnvironment } from "./cutover-fixtures";
import { rdsEndpointDns } from "../support/rds-dns";
import { runCli } from "../support/cli";

/**
 * Region loss, end to end, through the real CLI and the REAL environment and restore
 * programs (in-memory stacks, resources in moto): prod in us-east-1 replicates its
 * automated backups to us-west-2 (moto-rds-backups.ts answers for the replication API
 * moto lacks), prod-dr is a standby stack of the same program there (Pulumi.prod-dr.yaml's
 * shape). us-east-1 then goes down — every call to it fails — and the README's runbook
 * gets the API serving from a database restored in us-west-2 without calling it once.
 */
describe("region loss: the standby stack restores the replicated backups and its API is cut over (in-memory stacks + moto)", () => {
  const emulator = useEmulator();
  const PRIMARY = "gametracker-mssql";
  let backups: MotoRdsBackups;
  let down: Set<string>;
  let attempts: Map<string, number>;
  let clients: (o?: AwsClientOptions) => AwsClients;
  let moto: MotoBehaviours;
  let stacks: MemoryStacks;
  let clock: ManualClock;

  beforeEach(() => {
    backups = new MotoRdsBackups(emulator.endpoint());
    down = new Set();
    attempts = new Map();
    // A region outage as a client sees it: the endpoint does not answer.
    const outage: ClientMiddleware = (stack, region) =>
      stack.add(
        (next: any) => async (args: any) => {
          attempts.set(region, (attempts.get(region) ?? 0) + 1);
          if (down.has(region)) throw Object.assign(new Error(`connect ECONNREFUSED (${region} is down)`), { name: "Error", code: "ECONNREFUSED" });
          return next(args);
        },
        { step: "initialize", priority: "high", name: "regionOutage" },
      );
    clients = (o = {}) => emulator.clients({ ...o, middleware: combineMiddleware(outage, backups.middleware, o.middleware) });
    clock = new ManualClock(new Date());
    moto = motoBehaviours(clients(), { clientsIn: (region) => clients({ region }) });
    stacks = new MemoryStacks({ programs: { [ENVIRONMENT_PROJECT]: environmentProgram, [RESTORE_PROJECT]: restoreProgram }, behaviours: moto, clock });
  });
  afterEach(() => {
    moto.destroy();
    backups.destroy();
  });

  async function up(name: string, config: Record<string, string>): Promise<StackOutputs> {
    const stack = await stacks.createOrSelect(envId(name));
    for (const [key, value] of Object.entries(config)) await stack.setConfig(key, value);
    return (await stack.up()).outputs;
  }

  /** prod (Pulumi defaults, replicating to us-west-2) and its standby prod-dr in us-west-2, as `pulumi up` makes them. */
  async function deployBoth(): Promise<{ prod: StackOutputs; dr: StackOutputs }> {
    const prod = await up("prod", { "aws:region": "us-east-1", assetsBucketName: "gametracker-assets-prod-test", [DATABASE_SOURCE_KEY]: "primary", databaseBackupReplicationRegion: "us-west-2" });
    const dr = await up("prod-dr", {
      "aws:region": "us-west-2",
      databaseRole: "standby",
      databaseIdentifier: PRIMARY,
      [DATABASE_SOURCE_KEY]: "none",
      assetsBucketName: "gametracker-assets-prod-dr-test",
      networkCidrBlock: "10.30.0.0/16",
    });
    clock.advance(1000);
    stacks.clearHistory();
    return { prod, dr };
  }

  const run = (argv: string[]) =>
    runCli(argv, {
      clients: (o) => clients(o),
      stacks: () => stacks,
      clock,
      random: () => 0.25,
      // The test looks endpoints up in moto directly (not through the outage): DNS is not the RDS API.
      resolver: rdsEndpointDns([emulator.clients().rds, emulator.clients({ region: "us-west-2" }).rds]),
      onInterrupt: new FakeInterrupts().install,
    });

  const out = (outputs: StackOutputs, key: string) => plainOutput(outputs, key);
  const describe1 = async (rds: RDSClient, id: string) => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;

  it("the runbook: with us-east-1 down, restore --stack prod-dr --from replica:latest (interrupted, resumed from a new process) and cutover get the API serving in us-west-2, never calling us-east-1", async () => {
    const { prod, dr } = await deployBoth();
    const east = clients();
    const west = clients({ region: "us-west-2" });
    // The standby stack made its network in us-west-2, and its API waits for a database.
    expect(out(dr, EnvironmentOutputNames.awsRegion)).to.equal("us-west-2");
    expect(out(dr, EnvironmentOutputNames.databaseRole)).to.equal("standby");
    const drGroup = String(out(dr, EnvironmentOutputNames.dbSecurityGroupId));
    expect((await west.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [drGroup] }))).SecurityGroups).to.have.length(1);
    const drFunction = String(out(dr, EnvironmentOutputNames.apiFunctionName));
    expect(await lambdaEnvironment(west, drFunction)).to.include({ SPRING_DATASOURCE_URL: "", GAMETRACKER_DATABASE_SOURCE: "none" });
    // Before the outage, prod's check sees its replica in us-west-2 (the in-memory stacks make no bucket: made here).
    await east.s3.send(new CreateBucketCommand({ Bucket: String(out(prod, EnvironmentOutputNames.assetsBucketName)) }));
    const check = await run(["check", "--stack", "prod", "--json"]);
    expect(check.json().checks.find((c: { id: string }) => c.id === "replica-lag")).to.deep.include({ status: "pass" });
    const before = { primary: await primaryFingerprint(east.rds, PRIMARY), east: await backupsFingerprint(east.rds, PRIMARY), west: await backupsFingerprint(west.rds, PRIMARY) };

    down.add("us-east-1");
    backups.outage("us-east-1");
    attempts.clear();

    // What there is to restore in us-west-2, read from the standby stack alone (its region, no --region).
    const listed = await run(["snapshots", "list", "--stack", "prod-dr", "--json"]);
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.json()).to.deep.include({ region: "us-west-2", instanceExists: false });
    expect(listed.json().automatedBackups.map((b: { kind: string; status: string; sourceRegion: string; from: string }) => [b.kind, b.status, b.sourceRegion, b.from])).to.deep.equal([["replica", "replicating", "us-east-1", "replica:latest"]]);

    const id = newRunId(clock.now(), () => 0.25);
    const stackName = restoreStackName("prod-dr", id);
    stacks.failNext(stackName, "up", new Error("connection to the backend lost"), { after: true });
    const failed = await run(["restore", "--stack", "prod-dr", "--from", "replica:latest", "--yes"]);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.contain(`continue with gametracker-dr restore --stack prod-dr --resume ${id}`);
    const elsewhere = await run(["restore", "--stack", "prod-dr", "--resume", id, "--region", "us-east-1"]);
    expect(elsewhere.code).to.equal(2);
    expect(elsewhere.stderr).to.contain(`error: Restore ${id} restores in us-west-2 (its spec says so), but this run works in us-east-1; resume it with --region us-west-2, or leave --region out.`);
    const resumed = await run(["restore", "--stack", "prod-dr", "--resume", id, "--json"]);
    expect(resumed.code, resumed.stderr).to.equal(0);
    const restore = resumed.json<RestoreResult>();
    expect(restore).to.deep.include({ passed: true, resumed: true, region: "us-west-2", stackName, targetInstance: "gametracker-mssql-restore" });
    expect(restore.recoveryPoint).to.deep.include({ label: "replica:latest", source: "replica", from: `automated backups of ${PRIMARY} replicated from us-east-1 to us-west-2` });
    const arn = (await backupsFingerprint(west.rds, PRIMARY) as Array<{ arn: string }>)[0]!.arn;
    expect(backups.restores).to.deep.equal([{ region: "us-west-2", target: "gametracker-mssql-restore", source: { kind: "replica", arn }, restoreTime: undefined, useLatestRestorableTime: true }]);
    const restored = await describe1(west.rds, "gametracker-mssql-restore");
    expect(restored.DBSubnetGroup?.DBSubnetGroupName).to.equal(out(dr, EnvironmentOutputNames.dbSubnetGroupName));
    expect(restored.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).to.deep.equal([drGroup]);
    expect(restored.DeletionProtection).to.equal(true);

    const cut = await run(["cutover", "--stack", "prod-dr", "--to", stackName, "--yes"]);
    expect(cut.code, cut.stderr + cut.stdout).to.equal(0);
    const api = await lambdaEnvironment(west, drFunction);
    expect(api.SPRING_DATASOURCE_URL).to.contain(`//${restored.Endpoint!.Address}:1433;`);
    expect(api).to.include({ GAMETRACKER_DATABASE_SOURCE: stackName });
    expect(api.DATABASE_SECRET_ARN).to.match(/^arn:aws:secretsmanager:/);

    // Nothing needed the lost region, and nothing touched prod: its stack, primary and backups are as they were.
    expect(attempts.get("us-east-1") ?? 0).to.equal(0);
    expect(stacks.mutations({ project: ENVIRONMENT_PROJECT, stack: "prod" })).to.deep.equal([]);
    down.clear();
    expect({ primary: await primaryFingerprint(east.rds, PRIMARY), east: await backupsFingerprint(east.rds, PRIMARY), west: await backupsFingerprint(west.rds, PRIMARY) }).to.deep.equal(before);
    expect(out(prod, EnvironmentOutputNames.backupReplicationRegion)).to.equal("us-west-2");
  });

  it("the weekly drill of the replica restores and cleans up in us-west-2; across regions, restore, rollback and cut-over are refused with the reason", async () => {
    const { prod } = await deployBoth();
    const east = clients();
    const west = clients({ region: "us-west-2" });
    const before = await primaryFingerprint(east.rds, PRIMARY);

    const drill = await run(["drill", "--stack", "prod-dr", "--from", "replica:latest", "--json"]);
    expect(drill.code, drill.stderr).to.equal(0);
    const report = drill.json<DrillReport>();
    expect(report).to.deep.include({ outcome: "passed", environment: "prod-dr" });
    expect(report.recoveryPoint).to.deep.include({ label: "replica:latest", source: "replica", region: "us-west-2" });
    expect(report.cleanup.status).to.equal("destroyed");
    expect(((await west.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((i) => i.DBInstanceIdentifier)).to.deep.equal([]);

    const fromProd = await run(["restore", "--stack", "prod", "--from", "replica:latest", "--yes"]);
    expect(fromProd.code).to.equal(2);
    expect(fromProd.stderr).to.contain("error: The automated backups prod replicates are in us-west-2, but environment prod's subnet group and security groups are in us-east-1; a restore runs in its source's region, so restore it with the standby stack of us-west-2 (e.g. --stack prod-dr; README: region loss).");
    const rollback = await run(["rollback", "--stack", "prod-dr", "--yes"]);
    expect(rollback.code).to.equal(2);
    expect(rollback.stderr).to.contain("error: Stack prod-dr is a standby (databaseRole standby) and owns no primary to roll back to");

    // A restore stack of prod holding a database in us-west-2 (made by hand, or by an older tool), on the
    // standby's network there so that the instance can exist at all: never prod's API's database.
    const drOutputs = await (await stacks.select(envId("prod-dr"))).outputs();
    const replicaArn = ((await backupsFingerprint(west.rds, PRIMARY)) as Array<{ arn: string }>)[0]!.arn;
    const spec: RestoreSpec = {
      environment: "prod",
      purpose: "cutover",
      drillId: undefined,
      region: "us-west-2",
      sourceDbInstanceIdentifier: PRIMARY,
      point: {
        kind: "latest-restorable",
        label: "replica:latest",
        time: new Date(),
        source: { kind: "replica", instanceIdentifier: PRIMARY, automatedBackupsArn: replicaArn, sourceRegion: "us-east-1" },
        engine: String(out(prod, EnvironmentOutputNames.databaseEngine)),
        engineVersion: String(out(prod, EnvironmentOutputNames.databaseEngineVersion)),
        minStorageGiB: 20,
        storageEncrypted: false,
      },
      targetIdentifier: "gametracker-mssql-elsewhere",
      instanceClass: undefined,
      multiAz: false,
      dbSubnetGroupName: String(out(drOutputs, EnvironmentOutputNames.dbSubnetGroupName)),
      securityGroupIds: [String(out(drOutputs, EnvironmentOutputNames.dbSecurityGroupId))],
      backupRetentionDays: undefined,
      startedAt: new Date(),
    };
    const elsewhere = restoreStackName("prod", "elsewhere");
    await upRestoreStack(await createRestoreStack(stacks, elsewhere, spec), spec);
    stacks.clearHistory();
    const sentence = `Restore stack ${elsewhere} holds a database in us-west-2, but environment prod runs its API in us-east-1; the API's Lambda reaches only databases in its own region's VPC`;
    const cut = await run(["cutover", "--stack", "prod", "--to", elsewhere, "--yes"]);
    expect(cut.code).to.equal(2);
    expect(cut.stderr).to.contain(`error: ${sentence}`);
    expect(stacks.mutations({ project: ENVIRONMENT_PROJECT, stack: "prod" })).to.deep.equal([]);
    // The program refuses it too, should someone set databaseSource by hand.
    const prodStack = await stacks.select(envId("prod"));
    await prodStack.setConfig(DATABASE_SOURCE_KEY, elsewhere);
    let refused: unknown;
    try {
      await prodStack.preview();
    } catch (error) {
      refused = error;
    }
    expect(String((refused as Error)?.message)).to.contain(sentence);
    await prodStack.setConfig(DATABASE_SOURCE_KEY, "primary");
    expect(await primaryFingerprint(east.rds, PRIMARY)).to.deep.equal(before);
  });
});
