import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { runProgram, RegisteredResource, RunOptions } from "../support/pulumi-mocks";
import { environmentProgram } from "../../environment-program";
import { EnvironmentOutputNames, RestoreOutputNames } from "../../contracts/stacks";
import { TagKeys } from "../../contracts/tags";
import { InvalidConfigError } from "../../components/errors";

const RESTORE_STACK = "dev-restore-r20250601";
const RESTORE_REF = `organization/gametracker-restore/${RESTORE_STACK}`;
const restoreOutputs = {
  [RestoreOutputNames.identifier]: "gametracker-mssql-r20250601",
  [RestoreOutputNames.address]: "gametracker-mssql-r20250601.abc123xyz.us-east-1.rds.amazonaws.com",
  [RestoreOutputNames.port]: 1433,
  [RestoreOutputNames.secretArn]: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-5678-GhIjKl",
  [RestoreOutputNames.arn]: "arn:aws:rds:us-east-1:123456789012:db:gametracker-mssql-r20250601",
  [RestoreOutputNames.engine]: "sqlserver-ex",
};

const base = { "assetsBucketName": "gametracker-assets-dev-test" };

function environment(config: Record<string, string> = {}, options: RunOptions = {}) {
  return runProgram(environmentProgram, { stack: "dev", ...options, config: { ...base, ...config } });
}

function cutOver() {
  return environment({ "databaseSource": RESTORE_STACK }, { stackReferences: { [RESTORE_REF]: restoreOutputs } });
}

/** Runs the program with a config that must be refused; returns the message and how many resources were registered. */
async function refused(config: Record<string, string>, options: RunOptions = {}): Promise<{ message: string; registered: number; error: unknown }> {
  let registered = 0;
  try {
    await environment(config, { ...options, behaviours: [() => void registered++] });
  } catch (error) {
    return { message: (error as Error).message, registered, error };
  }
  return expect.fail(`accepted ${JSON.stringify(config)}`);
}

/** Every registered resource's inputs by `type::name`, for comparing two runs. */
function inputsByResource(resources: RegisteredResource[]): Map<string, unknown> {
  return new Map(resources.map((r) => [`${r.type}::${r.name}`, JSON.parse(JSON.stringify(r.inputs))]));
}

/** Paths (a.b.c) where two JSON values differ. */
function differingPaths(a: unknown, b: unknown, at = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => differingPaths((a as any)[k], (b as any)[k], at ? `${at}.${k}` : k));
  }
  return [at];
}

describe("environment program (mocks)", () => {
  it("exports exactly the stack outputs the driver reads, with their types", async () => {
    const run = await environment();
    const outputs = run.outputs as Record<string, unknown>;
    expect(Object.keys(outputs).sort()).to.deep.equal(Object.values(EnvironmentOutputNames).sort());
    expect(outputs).to.deep.include({
      databaseIdentifier: "gametracker-mssql",
      databaseArn: "arn:aws:rds:us-east-1:123456789012:db:gametracker-mssql",
      databaseEndpoint: "gametracker-mssql.abc123xyz.us-east-1.rds.amazonaws.com",
      databasePort: 1433,
      databaseEngine: "sqlserver-ex",
      dbSubnetGroupName: "gametracker-mssql-subnets",
      dbSecurityGroupId: "sg-database-sg",
      backupRetentionDays: 7,
      manualSnapshotIdentifiers: ["gametracker-manual-backup-v1"],
      assetsBucketName: "gametracker-assets-dev-test",
      apiFunctionName: "gametracker-dev-api",
      activeDatabase: "primary",
      activeDatabaseEndpoint: "gametracker-mssql.abc123xyz.us-east-1.rds.amazonaws.com",
    });
    expect(outputs.databaseSecretArn).to.match(/:secret:rds!db-/);
    // Where the bundled validator runs, and the validation the drill reads without the stack's config file.
    expect(outputs.apiSubnetIds).to.deep.equal(["subnet-network-vpc-private-a", "subnet-network-vpc-private-b"]);
    expect(outputs.apiSecurityGroupId).to.equal("sg-network-api-sg");
    expect(outputs.validation).to.deep.equal({
      validationWith: "",
      validationTimeout: "15m",
      validationDatabase: "gametracker",
      validationMinRows: [],
      validationFreshnessColumns: [],
      validationCheckDb: false,
    });
    expect(outputs.datasourceUrl).to.equal(
      "jdbc:sqlserver://gametracker-mssql.abc123xyz.us-east-1.rds.amazonaws.com:1433;databaseName=gametracker;encrypt=true;trustServerCertificate=false;loginTimeout=30;applicationName=gametracker-api",
    );
    expect(JSON.stringify(outputs)).to.not.match(/password/i);
  });

  it("wires the components: the database admits the API's group, the Lambda runs in the private subnets", async () => {
    const run = await environment();
    const vpc = run.one("awsx:ec2:Vpc");
    const apiSg = run.resources.find((r) => r.name === "network-api-sg")!;
    expect(apiSg.inputs.vpcId).to.equal("vpc-network-vpc");
    expect(run.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).to.deep.equal([`subnet-${vpc.name}-private-a`, `subnet-${vpc.name}-private-b`]);
    expect(run.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").inputs).to.include({ referencedSecurityGroupId: "sg-network-api-sg", fromPort: 1433, toPort: 1433 });
    const fn = run.one("aws:lambda/function:Function");
    expect(fn.inputs.vpcConfig).to.deep.equal({ subnetIds: [`subnet-${vpc.name}-private-a`, `subnet-${vpc.name}-private-b`], securityGroupIds: ["sg-network-api-sg"] });
    expect(fn.inputs.environment.variables).to.include({ ASSETS_BUCKET: "gametracker-assets-dev-test", GAMETRACKER_DATABASE_SOURCE: "primary" });
    expect(run.resources.find((r) => r.name === "api-sql-out")!.inputs.referencedSecurityGroupId).to.equal("sg-database-sg");
    expect(run.one("aws:rds/instance:Instance").protect).to.equal(true);
    expect(run.one("aws:rds/snapshot:Snapshot").retainOnDelete).to.equal(true);
  });

  it("tags every taggable resource with environment, stack and managed-by", async () => {
    const run = await environment();
    const untaggable = new Set([
      "aws:s3/bucketVersioning:BucketVersioning",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "aws:s3/bucketPolicy:BucketPolicy",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    ]);
    const resources = run.resources.filter((r) => r.custom || r.type === "awsx:ec2:Vpc");
    expect(resources.length).to.be.greaterThan(15);
    for (const r of resources) {
      if (untaggable.has(r.type)) {
        expect(r.inputs, `${r.type} has no tags argument`).to.not.have.property("tags");
        continue;
      }
      expect(r.inputs.tags, `${r.type} ${r.name}`).to.include({ [TagKeys.environment]: "dev", [TagKeys.stack]: "gametracker/dev", [TagKeys.managedBy]: "pulumi" });
    }
    expect(run.one("aws:s3/bucket:Bucket").inputs.tags).to.include({ [TagKeys.role]: "assets" });
  });

  describe("databaseSource (declarative cut-over)", () => {
    it("points the Lambda at the restore stack's endpoint and secret when it names one", async () => {
      const run = await cutOver();
      const env = run.one("aws:lambda/function:Function").inputs.environment.variables;
      expect(env).to.deep.equal({
        SPRING_DATASOURCE_URL:
          "jdbc:sqlserver://gametracker-mssql-r20250601.abc123xyz.us-east-1.rds.amazonaws.com:1433;databaseName=gametracker;encrypt=true;trustServerCertificate=false;loginTimeout=30;applicationName=gametracker-api",
        DATABASE_SECRET_ARN: restoreOutputs.secretArn,
        GAMETRACKER_DATABASE_SOURCE: RESTORE_STACK,
        ASSETS_BUCKET: "gametracker-assets-dev-test",
      });
      expect(run.one("pulumi:pulumi:StackReference").inputs.name).to.equal(RESTORE_REF);
      expect(run.outputs).to.deep.include({ activeDatabase: RESTORE_STACK, activeDatabaseEndpoint: restoreOutputs.address, databaseIdentifier: "gametracker-mssql" });
    });

    it("changes nothing but the Lambda's environment between primary and a restore stack", async () => {
      const primaryRun = await environment();
      const primary = inputsByResource(primaryRun.resources);
      const restored = inputsByResource((await cutOver()).resources);
      // The engine never diffs a property a resource ignores (the final snapshot name holds the creation second).
      const ignored = new Map(primaryRun.resources.map((r) => [`${r.type}::${r.name}`, r.ignoreChanges]));
      const added = [...restored.keys()].filter((k) => !primary.has(k));
      const removed = [...primary.keys()].filter((k) => !restored.has(k));
      expect(removed).to.deep.equal([]);
      // Reading the restore stack's outputs is a read, not a change to any resource.
      expect(added).to.deep.equal([`pulumi:pulumi:StackReference::${RESTORE_REF}`]);
      const changes = [...primary.keys()].flatMap((key) =>
        differingPaths(primary.get(key), restored.get(key))
          .filter((p) => !(ignored.get(key) ?? []).includes(p.split(".")[0]!))
          .map((p) => `${key} ${p}`),
      );
      expect(changes.sort()).to.deep.equal([
        "aws:lambda/function:Function::api-function environment.variables.DATABASE_SECRET_ARN",
        "aws:lambda/function:Function::api-function environment.variables.GAMETRACKER_DATABASE_SOURCE",
        "aws:lambda/function:Function::api-function environment.variables.SPRING_DATASOURCE_URL",
      ]);
    });

    it("keeps the IAM permission covering the restored instance's secret in both states", async () => {
      const policy = JSON.parse((await cutOver()).one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
      const patterns: string[] = policy.Statement[0].Condition.StringLike["aws:ResourceTag/aws:rds:primaryDBInstanceArn"];
      const matches = (p: string) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(restoreOutputs[RestoreOutputNames.arn]);
      expect(patterns.some(matches)).to.equal(true);
    });

    it("refuses a drill stack before registering anything, and says why", async () => {
      const { message, registered, error } = await refused({ "databaseSource": "dev-drill-7f3a" });
      expect(error).to.be.instanceOf(InvalidConfigError);
      expect(message).to.include("drill stacks are destroyed when the drill ends");
      expect(registered).to.equal(0);
    });

    it("fails the update when the restore stack's instance is outside the API's secret permission", async () => {
      let message = "";
      try {
        await runProgram(
          () => environmentProgram(),
          { stack: "dev", config: { ...base, "databaseSource": RESTORE_STACK }, stackReferences: { [RESTORE_REF]: { ...restoreOutputs, identifier: "someone-elses-db" } } },
        );
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.include(`Restore stack ${RESTORE_STACK} holds instance "someone-elses-db"`).and.include("gametracker-mssql-");
    });

    it("fails the update when the restore stack's database is in another region than the stack's API, saying why", async () => {
      let message = "";
      try {
        await runProgram(() => environmentProgram(), {
          stack: "dev",
          config: { ...base, "databaseSource": RESTORE_STACK },
          stackReferences: { [RESTORE_REF]: { ...restoreOutputs, [RestoreOutputNames.region]: "us-west-2" } },
        });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.include(`Restore stack ${RESTORE_STACK} holds a database in us-west-2, but environment dev runs its API in us-east-1;`).and.include("never cut over across regions");
      // The same region is fine.
      await runProgram(() => environmentProgram(), { stack: "dev", config: { ...base, "databaseSource": RESTORE_STACK }, stackReferences: { [RESTORE_REF]: { ...restoreOutputs, [RestoreOutputNames.region]: "us-east-1" } } });
    });
  });

  describe("databaseRole standby (a DR stack in another region)", () => {
    const standby = { ...base, "aws:region": "us-west-2", databaseRole: "standby", databaseSource: "none" };
    const DR_REF = "organization/gametracker-restore/dev-restore-dr1";
    const drOutputs = {
      ...restoreOutputs,
      [RestoreOutputNames.identifier]: "gametracker-mssql-restore",
      [RestoreOutputNames.address]: "gametracker-mssql-restore.abc123xyz.us-west-2.rds.amazonaws.com",
      [RestoreOutputNames.region]: "us-west-2",
    };

    it("owns no database: the network, the DB subnet group and security group for restores, and an API that waits for a database", async () => {
      const run = await runProgram(() => environmentProgram(), { stack: "dev", config: standby });
      expect(run.ofType("aws:rds/instance:Instance")).to.have.length(0);
      expect(run.ofType("aws:rds/snapshot:Snapshot")).to.have.length(0);
      expect(run.ofType("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")).to.have.length(0);
      expect(run.one("aws:rds/subnetGroup:SubnetGroup").inputs.name).to.equal("gametracker-mssql-subnets");
      const outputs = run.outputs as Record<string, unknown>;
      expect(Object.keys(outputs).sort()).to.deep.equal(Object.values(EnvironmentOutputNames).sort());
      expect(outputs).to.deep.include({
        databaseIdentifier: "gametracker-mssql",
        databaseRole: "standby",
        awsRegion: "us-west-2",
        dbSubnetGroupName: "gametracker-mssql-subnets",
        dbSecurityGroupId: "sg-database-sg",
        activeDatabase: "none",
        datasourceUrl: "",
        databaseArn: "",
        databaseEngine: "",
        backupReplicationRegion: "",
        manualSnapshotIdentifiers: [],
      });
      const fn = run.one("aws:lambda/function:Function");
      expect(fn.inputs.environment.variables).to.deep.include({ SPRING_DATASOURCE_URL: "", DATABASE_SECRET_ARN: "", GAMETRACKER_DATABASE_SOURCE: "none" });
      // The API may reach the restores' security group on 1433.
      const sqlOut = run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").find((r) => r.name === "api-sql-out")!;
      expect(sqlOut.inputs).to.deep.include({ referencedSecurityGroupId: "sg-database-sg", fromPort: 1433 });
    });

    it("cut over, points its API at a restore stack of its own region", async () => {
      const run = await runProgram(() => environmentProgram(), { stack: "dev", config: { ...standby, databaseSource: "dev-restore-dr1" }, stackReferences: { [DR_REF]: drOutputs } });
      const vars = run.one("aws:lambda/function:Function").inputs.environment.variables;
      expect(vars.SPRING_DATASOURCE_URL).to.contain("//gametracker-mssql-restore.abc123xyz.us-west-2.rds.amazonaws.com:1433;");
      expect(vars.GAMETRACKER_DATABASE_SOURCE).to.equal("dev-restore-dr1");
      expect((run.outputs as Record<string, unknown>).databaseEndpoint).to.equal(drOutputs[RestoreOutputNames.address]);
    });

    it("refuses keys that shape a primary, before registering anything", async () => {
      const { message, registered } = await refused({ "aws:region": "us-west-2", databaseRole: "standby", databaseSource: "none", databaseManualSnapshots: '["x-1"]' });
      expect(message).to.contain("gametracker:databaseManualSnapshots is");
      expect(registered).to.equal(0);
    });
  });

  describe("assets replication to the standby region (Pulumi.prod.yaml and Pulumi.prod-dr.yaml)", () => {
    const stackFile = (stack: string) => (parse(fs.readFileSync(path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, string | string[]> }).config;

    it("prod replicates its bucket to prod-dr's, and says where in its outputs; prod-dr's bucket is the locked replica its own API reads", async () => {
      const prod = await runProgram(environmentProgram, { stack: "prod", config: stackFile("prod") });
      const dr = await runProgram(environmentProgram, { stack: "prod-dr", config: stackFile("prod-dr") });
      const drBucket = dr.one("aws:s3/bucket:Bucket").inputs.bucket as string;
      const rule = prod.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig").inputs.rules[0];
      expect(rule.destination.bucket).to.equal(`arn:aws:s3:::${drBucket}`);
      expect(prod.outputs).to.deep.include({ assetsReplicationBucket: drBucket, assetsReplicationRegion: "us-west-2", assetsReplicaSourceBucket: "", assetsReplicaSourceRegion: "" });
      // prod-dr owns the replica: tagged with its source, locked; nothing of it in prod's stack, no provider for another region anywhere.
      expect(dr.one("aws:s3/bucket:Bucket").inputs.tags).to.include({ [TagKeys.replicaOf]: prod.one("aws:s3/bucket:Bucket").inputs.bucket });
      expect(dr.one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").inputs.rule).to.deep.equal({ defaultRetention: { mode: "COMPLIANCE", days: 30 } });
      expect(prod.ofType("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")).to.have.length(0);
      expect(dr.ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")).to.have.length(0);
      for (const run of [prod, dr]) expect(run.resources.filter((r) => r.type === "pulumi:providers:aws")).to.deep.equal([]);
      expect(dr.outputs).to.deep.include({ assetsBucketName: drBucket, assetsReplicaSourceBucket: "gametracker-assets-prod-example", assetsReplicaSourceRegion: "us-east-1", assetsReplicationBucket: "" });
      // After a region loss the API reads the replica: its bucket variable and its policy name it, in us-west-2.
      const fn = dr.one("aws:lambda/function:Function");
      expect(fn.inputs.environment.variables.ASSETS_BUCKET).to.equal(drBucket);
      const statements = JSON.parse(dr.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "api-data-access")!.inputs.policy).Statement;
      expect(statements.find((st: { Sid: string }) => st.Sid === "ReadWriteAssets").Resource).to.equal(`arn:aws:s3:::${drBucket}/*`);
    });

    it("refuses replication within the stack's own region before registering anything", async () => {
      const { message, registered } = await refused({ "aws:region": "us-east-1", assetsReplicationBucket: "gt-assets-dr", assetsReplicationRegion: "us-east-1" });
      expect(message).to.equal('gametracker:assetsReplicationRegion is "us-east-1", this stack\'s own region, but the replica must be in another region to survive the loss of this one.');
      expect(registered).to.equal(0);
    });
  });

  it("places everything in an existing VPC when given one", async () => {
    const run = await environment({ "networkVpcId": "vpc-existing", "networkPrivateSubnetIds": '["subnet-1","subnet-2"]' });
    expect(run.ofType("awsx:ec2:Vpc")).to.have.length(0);
    expect(run.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).to.deep.equal(["subnet-1", "subnet-2"]);
    expect(run.one("aws:lambda/function:Function").inputs.vpcConfig.subnetIds).to.deep.equal(["subnet-1", "subnet-2"]);
  });

  it("takes the database settings from config", async () => {
    const run = await environment({
      "databaseEdition": "standard",
      "databaseBackupRetentionDays": "14",
      "databaseBackupWindow": "01:00-02:00",
      "databaseMaintenanceWindow": "sat:03:00-sat:04:00",
      "databaseManualSnapshots": '["gametracker-manual-backup-v1","pre-season-3"]',
      "databaseBackupReplicationRegion": "us-west-2",
      "databaseBackupReplicationKmsKeyId": "arn:aws:kms:us-west-2:123456789012:key/r",
    });
    expect(run.one("aws:rds/instance:Instance").inputs).to.include({ engine: "sqlserver-se", storageEncrypted: true, backupRetentionPeriod: 14, backupWindow: "01:00-02:00", maintenanceWindow: "sat:03:00-sat:04:00" });
    expect(run.ofType("aws:rds/snapshot:Snapshot").map((s) => s.inputs.dbSnapshotIdentifier)).to.deep.equal(["gametracker-manual-backup-v1", "pre-season-3"]);
    expect(run.one("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication").inputs).to.include({ region: "us-west-2", retentionPeriod: 14 });
    expect(run.outputs).to.deep.include({ backupRetentionDays: 14, manualSnapshotIdentifiers: ["gametracker-manual-backup-v1", "pre-season-3"] });
  });

  it("deploys a configured Spring Boot artifact, and refuses a missing one before registering anything", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gt-artifact-"));
    const artifact = path.join(dir, "api.zip");
    fs.writeFileSync(artifact, "zip");
    const run = await environment({ "apiArtifactPath": artifact, "apiHandler": "com.gametracker.StreamLambdaHandler::handleRequest" });
    expect(run.one("aws:lambda/function:Function").inputs).to.include({ runtime: "java21", handler: "com.gametracker.StreamLambdaHandler::handleRequest" });
    const { message, registered } = await refused({ "apiArtifactPath": path.join(dir, "missing.zip"), "apiHandler": "x::y" });
    expect(message).to.include("gametracker:apiArtifactPath is").and.include("no file is there");
    expect(registered).to.equal(0);
  });

  describe("invalid config registers no resource at all", () => {
    it("(the counter does see a valid program's registrations)", async () => {
      let registered = 0;
      await environment({}, { behaviours: [() => void registered++] });
      expect(registered).to.be.greaterThan(20);
    });

    const cases: Array<[string, Record<string, string>, string]> = [
      ["retention 0", { "databaseBackupRetentionDays": "0" }, "gametracker:databaseBackupRetentionDays is 0"],
      ["overlapping windows", { "databaseBackupWindow": "05:30-06:30" }, "overlaps"],
      ["encryption on Express", { "databaseStorageEncrypted": "true" }, "no encryption at rest"],
      ["invalid identifier", { "databaseIdentifier": "gt--db" }, "gametracker:databaseIdentifier"],
      ["invalid bucket name", { "assetsBucketName": "Assets!" }, "gametracker:assetsBucketName"],
      ["unknown edition", { "databaseEdition": "free" }, "gametracker:databaseEdition"],
      ["bad databaseSource", { "databaseSource": "somewhere" }, "gametracker:databaseSource"],
      ["unknown key", { "database.retention": "7" }, "not a config key"],
      ["bad validation hook", { validationWith: "lambda:" }, "gametracker:validationWith"],
      ["bad validation row minimum", { validationWith: "bundled", validationMinRows: '["Players>=10"]' }, "gametracker:validationMinRows[0]"],
    ];
    for (const [name, config, expected] of cases) {
      it(name, async () => {
        const { message, registered, error } = await refused(config);
        expect(error).to.be.instanceOf(InvalidConfigError);
        expect(message).to.include(expected);
        expect(registered).to.equal(0);
      });
    }
  });
});
