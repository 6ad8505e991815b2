import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DBInstance, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, DescribeDBSubnetGroupsCommand } from "@aws-sdk/client-rds";
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { plainOutput } from "../../automation/stacks/port";
import { EnvironmentOutputNames, RestoreOutputNames } from "../../contracts/stacks";
import { useEmulator } from "./emulator";
import { venvBin } from "./moto";
import { subnetCidrs, zipFiles } from "./moto-behaviours";
import { allSnapshots } from "./rds-fixtures";
import { DECLARED_SNAPSHOT, deployEnvironment, deployRestore, envId, lambdaEnvironment, newWorld, restoreId, World } from "../orchestration/cutover-fixtures";

describe("moto behaviours: pure parts", () => {
  it("carves subnet CIDRs out of the VPC CIDR", () => {
    expect(subnetCidrs("10.0.0.0/16", 4)).to.deep.equal(["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20", "10.0.48.0/20"]);
    expect(subnetCidrs("172.16.8.0/22", 2)).to.deep.equal(["172.16.8.0/26", "172.16.8.64/26"]);
    expect(() => subnetCidrs("10.0.0.0/16", 17)).to.throw("cannot hold 17");
  });

  it("writes zips that a real unzipper reads back", function () {
    if (!fs.existsSync(venvBin("python"))) this.skip();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zip-")), "code.zip");
    fs.writeFileSync(file, zipFiles([{ name: "index.js", data: Buffer.from("exports.handler = 1;\n") }, { name: "lib/ü.txt", data: Buffer.from("x") }]));
    const read = spawnSync(venvBin("python"), ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); z.testzip(); print(sorted(z.namelist()), z.read('index.js').decode())", file], { encoding: "utf8" });
    expect(read.stderr).to.equal("");
    expect(read.stdout).to.contain("['index.js', 'lib/ü.txt'] exports.handler = 1;");
  });
});

describe("moto behaviours: the real programs deployed to moto through MemoryStacks", function () {
  this.timeout(120_000);
  const emulator = useEmulator();
  let world: World;
  afterEach(() => world?.moto.destroy());

  async function primary(id: string): Promise<DBInstance> {
    return (await emulator.clients().rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
  }

  it("an environment up creates its network, primary, declared snapshot and API in moto, and outputs what moto says", async () => {
    const clients = emulator.clients();
    world = newWorld(clients);
    const outputs = await deployEnvironment(world.stacks);
    const out = (k: string) => plainOutput(outputs, k);

    const db = await primary(String(out(EnvironmentOutputNames.databaseIdentifier)));
    expect(out(EnvironmentOutputNames.databaseEndpoint)).to.equal(db.Endpoint!.Address);
    expect(db.DeletionProtection).to.equal(true);
    expect(db.BackupRetentionPeriod).to.equal(7);
    expect(db.DBSubnetGroup!.DBSubnetGroupName).to.equal(out(EnvironmentOutputNames.dbSubnetGroupName));
    expect(db.VpcSecurityGroups!.map((g) => g.VpcSecurityGroupId)).to.deep.equal([out(EnvironmentOutputNames.dbSecurityGroupId)]);
    expect(out(EnvironmentOutputNames.databaseSecretArn)).to.equal(db.MasterUserSecret!.SecretArn).and.to.match(/^arn:aws:secretsmanager:/);

    const ec2 = new EC2Client({ endpoint: emulator.endpoint(), region: "us-east-1" });
    try {
      const group = (await clients.rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: String(out(EnvironmentOutputNames.dbSubnetGroupName)) }))).DBSubnetGroups![0]!;
      const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [group.VpcId!] }))).Vpcs![0]!;
      expect(vpc.CidrBlock).to.equal("10.20.0.0/16"); // the program's default networkCidrBlock
      const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [group.VpcId!] }] }))).Subnets!;
      expect(subnets).to.have.length(4);
      expect(group.Subnets!.map((s) => s.SubnetIdentifier).sort()).to.have.length(2);
    } finally {
      ec2.destroy();
    }

    const snapshots = await allSnapshots(clients.rds, { instance: db.DBInstanceIdentifier!, type: "manual" });
    expect(snapshots.map((s) => s.DBSnapshotIdentifier)).to.deep.equal([DECLARED_SNAPSHOT]);

    const env = await lambdaEnvironment(clients, String(out(EnvironmentOutputNames.apiFunctionName)));
    expect(env.SPRING_DATASOURCE_URL).to.equal(out(EnvironmentOutputNames.datasourceUrl)).and.to.contain(`//${db.Endpoint!.Address}:1433;`);
    expect(env.DATABASE_SECRET_ARN).to.equal(db.MasterUserSecret!.SecretArn);

    // A second preview sees no drift: state came from moto and ignoreChanges is honoured.
    const preview = await (await world.stacks.select(envId())).preview();
    expect(Object.keys(preview.changeSummary)).to.deep.equal(["same"]);
  });

  it("a drill restore lands on the environment's subnet group and SGs, deletable and tagged; destroy deletes it without a final snapshot", async () => {
    const clients = emulator.clients();
    world = newWorld(clients);
    const envOutputs = await deployEnvironment(world.stacks);
    const primaryId = String(plainOutput(envOutputs, EnvironmentOutputNames.databaseIdentifier));
    const before = await allSnapshots(clients.rds, { instance: primaryId });

    const name = await deployRestore(world.stacks, envOutputs, { purpose: "drill", id: "d1" });
    const outputs = world.stacks.inspect(restoreId(name))!.outputs;
    const restored = await primary(String(outputs[RestoreOutputNames.identifier]!.value));
    expect(outputs[RestoreOutputNames.address]!.value).to.equal(restored.Endpoint!.Address);
    expect(restored.DBSubnetGroup!.DBSubnetGroupName).to.equal(plainOutput(envOutputs, EnvironmentOutputNames.dbSubnetGroupName));
    expect(restored.VpcSecurityGroups!.map((g) => g.VpcSecurityGroupId)).to.deep.equal([plainOutput(envOutputs, EnvironmentOutputNames.dbSecurityGroupId)]);
    expect(restored.DeletionProtection, "moto copies the snapshot's protection; the follow-up modify turns it off").to.equal(false);
    expect(restored.BackupRetentionPeriod).to.be.greaterThan(0);
    expect(restored.TagList).to.deep.include({ Key: "gametracker:drill-id", Value: "d1" });
    expect(restored.MasterUserSecret?.SecretArn).to.equal(outputs[RestoreOutputNames.secretArn]!.value);

    const stack = await world.stacks.select(restoreId(name));
    await stack.destroy();
    await stack.remove();
    const left = (await clients.rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.map((d) => d.DBInstanceIdentifier);
    expect(left).to.deep.equal([primaryId]);
    const finals = (await clients.rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: restored.DBInstanceIdentifier! }))).DBSnapshots!;
    expect(finals.filter((s) => s.SnapshotType === "manual")).to.deep.equal([]);
    expect((await allSnapshots(clients.rds, { instance: primaryId })).map((s) => [s.DBSnapshotIdentifier, s.Status])).to.deep.equal(before.map((s) => [s.DBSnapshotIdentifier, s.Status]));
  });

  it("a cut-over restore keeps deletion protection: AWS refuses its destroy and the stack keeps the instance", async () => {
    const clients = emulator.clients();
    world = newWorld(clients);
    const envOutputs = await deployEnvironment(world.stacks);
    const name = await deployRestore(world.stacks, envOutputs, { purpose: "cutover", id: "c1" });
    const identifier = String(world.stacks.inspect(restoreId(name))!.outputs[RestoreOutputNames.identifier]!.value);
    expect((await primary(identifier)).DeletionProtection).to.equal(true);
    let error: unknown;
    await (await world.stacks.select(restoreId(name))).destroy().catch((e) => (error = e));
    expect(String(error)).to.match(/deletion protection/i);
    expect(world.stacks.inspect(restoreId(name))!.resources.map((r) => r.type)).to.include("aws:rds/instance:Instance");
    expect((await primary(identifier)).DBInstanceStatus).to.equal("available");
  });

  it("the environment stack cannot be destroyed: its primary is protected, nothing is deleted", async () => {
    const clients = emulator.clients();
    world = newWorld(clients);
    const outputs = await deployEnvironment(world.stacks);
    let error: unknown;
    await (await world.stacks.select(envId())).destroy().catch((e) => (error = e));
    expect(String(error)).to.contain("cannot be deleted because it is protected");
    await lambdaEnvironment(clients, String(plainOutput(outputs, EnvironmentOutputNames.apiFunctionName)));
    expect((await primary(String(plainOutput(outputs, EnvironmentOutputNames.databaseIdentifier)))).DBInstanceStatus).to.equal("available");
  });
});
