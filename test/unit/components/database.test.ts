import { expect } from "chai";
import { runProgram, RegisteredResource } from "../../support/pulumi-mocks";
import { Database, DatabaseArgs } from "../../../components/database";
import { DatabaseNetwork } from "../../../components/database-network";
import { InvalidConfigError } from "../../../components/errors";

const INSTANCE = "aws:rds/instance:Instance";
const SNAPSHOT = "aws:rds/snapshot:Snapshot";
const CREATED = new Date("2025-06-01T12:34:56Z");

const primaryNetwork = { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], allowedSecurityGroupIds: ["sg-api"] };
const restoreNetwork = { dbSubnetGroupName: "gametracker-mssql-subnets", vpcSecurityGroupIds: ["sg-db"] };

function database(args: DatabaseArgs, options: Parameters<typeof runProgram>[1] = {}) {
  return runProgram(() => {
    const db = new Database("db", { createdAt: CREATED, ...args });
    return {
      identifier: db.identifier,
      secretArn: db.secretArn,
      address: db.address,
      port: db.port,
      endpoint: db.endpoint,
      engine: db.engine,
      dbSubnetGroupName: db.dbSubnetGroupName,
      securityGroupIds: db.securityGroupIds,
      backupRetentionDays: db.backupRetentionDays,
      manualSnapshotIdentifiers: db.manualSnapshotIdentifiers,
    };
  }, options);
}

/** Runs a program that must fail; returns the error and how many resources were registered first. */
async function refused(args: DatabaseArgs): Promise<{ message: string; registered: number }> {
  let registered = 0;
  try {
    await runProgram(() => new Database("db", args), { behaviours: [() => void registered++] });
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidConfigError);
    return { message: (error as Error).message, registered };
  }
  return expect.fail("expected the component to refuse its arguments");
}

describe("Database component (mocks)", () => {
  describe("primary", () => {
    it("registers a hardened, backed-up, private SQL Server Express instance", async () => {
      const run = await database(primaryNetwork);
      const db = run.one(INSTANCE);
      expect(db.inputs).to.include({
        identifier: "gametracker-mssql",
        engine: "sqlserver-ex",
        licenseModel: "license-included",
        instanceClass: "db.t3.micro",
        allocatedStorage: 20,
        port: 1433,
        publiclyAccessible: false,
        manageMasterUserPassword: true,
        username: "gtadmin",
        backupRetentionPeriod: 7,
        backupWindow: "03:00-04:00",
        maintenanceWindow: "sun:05:00-sun:06:00",
        copyTagsToSnapshot: true,
        deleteAutomatedBackups: false,
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: "gametracker-mssql-final-20250601-123456",
        storageEncrypted: false,
        dbSubnetGroupName: "gametracker-mssql-subnets",
      });
      expect(db.inputs).to.not.have.any.keys("password", "passwordWo", "snapshotIdentifier", "restoreToPointInTime");
      expect(db.inputs.vpcSecurityGroupIds).to.deep.equal(["sg-db-sg"]);
      expect(db.protect, "the primary is protected").to.equal(true);
      expect(db.ignoreChanges).to.deep.equal(["finalSnapshotIdentifier"]);
      expect(db.parent).to.match(/gametracker:database:Database::db$/);
    });

    it("creates its own subnet group and a security group open on 1433 to the API's group only", async () => {
      const run = await database(primaryNetwork);
      expect(run.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).to.deep.equal(["subnet-a", "subnet-b"]);
      expect(run.one("aws:ec2/securityGroup:SecurityGroup").inputs.vpcId).to.equal("vpc-1");
      const ingress = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
      expect(ingress).to.have.length(1);
      expect(ingress[0]!.inputs).to.include({ referencedSecurityGroupId: "sg-api", ipProtocol: "tcp", fromPort: 1433, toPort: 1433, securityGroupId: "sg-db-sg" });
      expect(ingress[0]!.inputs).to.not.have.any.keys("cidrIpv4", "cidrIpv6", "prefixListId");
    });

    it("exposes what the provider reports for the instance: its endpoint and the ARN of its managed secret, never a password", async () => {
      // The provider's answer is set here, so the test shows the wiring, not the mocks' inventions.
      const reported = {
        address: "reported.example.rds.amazonaws.com",
        port: 1433,
        endpoint: "reported.example.rds.amazonaws.com:1433",
        engineVersionActual: "16.00.4185.3.v1",
        masterUserSecrets: [{ secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-reported", secretStatus: "active", kmsKeyId: "k" }],
      };
      const run = await database(primaryNetwork, {
        behaviours: [(args) => (args.type === INSTANCE ? { id: "gametracker-mssql", state: { ...args.inputs, ...reported } } : undefined)],
      });
      expect(run.outputs).to.deep.include({
        identifier: "gametracker-mssql",
        address: reported.address,
        port: 1433,
        endpoint: reported.endpoint,
        engine: "sqlserver-ex",
        dbSubnetGroupName: "gametracker-mssql-subnets",
        securityGroupIds: ["sg-db-sg"],
        backupRetentionDays: 7,
      });
      expect(run.outputs.secretArn).to.equal(reported.masterUserSecrets[0]!.secretArn);
      expect(JSON.stringify(run.outputs)).to.not.match(/password/i);
    });

    it("turns encryption at rest on for every edition that has it, with the right engine", async () => {
      for (const [edition, engine] of [["web", "sqlserver-web"], ["standard", "sqlserver-se"], ["enterprise", "sqlserver-ee"]] as const) {
        const db = (await database({ ...primaryNetwork, edition })).one(INSTANCE);
        expect(db.inputs, edition).to.include({ engine, storageEncrypted: true });
      }
      const keyed = (await database({ ...primaryNetwork, edition: "standard", kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" })).one(INSTANCE);
      expect(keyed.inputs.kmsKeyId).to.equal("arn:aws:kms:us-east-1:123456789012:key/k");
    });

    it("takes retention, windows, class and storage from its arguments", async () => {
      const db = (
        await database({ ...primaryNetwork, backupRetentionDays: 35, backupWindow: "22:00-23:00", maintenanceWindow: "sat:01:00-sat:02:00", instanceClass: "db.m6i.large", allocatedStorage: 100, edition: "standard", deletionProtection: false })
      ).one(INSTANCE);
      expect(db.inputs).to.include({ backupRetentionPeriod: 35, backupWindow: "22:00-23:00", maintenanceWindow: "sat:01:00-sat:02:00", instanceClass: "db.m6i.large", allocatedStorage: 100, deletionProtection: false });
    });

    it("declares the default manual snapshot, kept on destroy and on removal, taken once", async () => {
      const run = await database(primaryNetwork);
      const snapshot = run.one(SNAPSHOT);
      expect(snapshot.inputs).to.include({ dbSnapshotIdentifier: "gametracker-manual-backup-v1", dbInstanceIdentifier: "gametracker-mssql" });
      expect(snapshot.retainOnDelete).to.equal(true);
      // Not protected: removing it from config must work (and leaves it in AWS).
      expect(snapshot.protect).to.equal(false);
      expect(snapshot.ignoreChanges).to.deep.equal(["dbInstanceIdentifier"]);
      expect(run.outputs.manualSnapshotIdentifiers).to.deep.equal(["gametracker-manual-backup-v1"]);
    });

    it("declares exactly the listed manual snapshots, and none for an empty list", async () => {
      const two = await database({ ...primaryNetwork, manualSnapshots: ["pre-season-3", "gametracker-manual-backup-v2"] });
      expect(two.ofType(SNAPSHOT).map((s) => s.inputs.dbSnapshotIdentifier)).to.deep.equal(["pre-season-3", "gametracker-manual-backup-v2"]);
      expect(two.ofType(SNAPSHOT).every((s) => s.retainOnDelete)).to.equal(true);
      expect((await database({ ...primaryNetwork, manualSnapshots: [] })).ofType(SNAPSHOT)).to.have.length(0);
    });

    it("replicates automated backups to another region only when asked", async () => {
      const none = await database(primaryNetwork);
      expect(none.ofType("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")).to.have.length(0);
      const run = await database({ ...primaryNetwork, backupReplicationRegion: "us-west-2", backupRetentionDays: 14 });
      const replication = run.one("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication");
      expect(replication.inputs).to.include({ region: "us-west-2", retentionPeriod: 14, sourceDbInstanceArn: "arn:aws:rds:us-east-1:123456789012:db:gametracker-mssql" });
      const encrypted = await database({ ...primaryNetwork, edition: "web", backupReplicationRegion: "us-west-2", backupReplicationKmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/r" });
      expect(encrypted.one("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication").inputs.kmsKeyId).to.equal("arn:aws:kms:us-west-2:123456789012:key/r");
    });

    it("can be placed on existing networking instead of its own", async () => {
      const run = await database(restoreNetwork);
      expect(run.ofType("aws:rds/subnetGroup:SubnetGroup")).to.have.length(0);
      expect(run.ofType("aws:ec2/securityGroup:SecurityGroup")).to.have.length(0);
      expect(run.one(INSTANCE).inputs).to.deep.include({ dbSubnetGroupName: "gametracker-mssql-subnets", vpcSecurityGroupIds: ["sg-db"] });
    });

    it("tags every resource it creates with the given tags", async () => {
      const run = await database({ ...primaryNetwork, tags: { "gametracker:environment": "dev" } });
      const tagged = run.resources.filter((r: RegisteredResource) => r.custom);
      expect(tagged.length).to.be.greaterThan(3);
      for (const r of tagged) expect(r.inputs.tags, r.type).to.include({ "gametracker:environment": "dev", "gametracker:component": "database", "gametracker:purpose": "primary" });
    });
  });

  describe("restore mode", () => {
    it("restores a snapshot for a cut-over with the primary's hardening", async () => {
      const run = await database({ identifier: "gametracker-mssql-r1", restore: { snapshotIdentifier: "rds:gametracker-mssql-2025-06-01-03-10" }, ...restoreNetwork });
      const db = run.one(INSTANCE);
      expect(db.inputs).to.include({
        identifier: "gametracker-mssql-r1",
        snapshotIdentifier: "rds:gametracker-mssql-2025-06-01-03-10",
        manageMasterUserPassword: true,
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: "gametracker-mssql-r1-final-20250601-123456",
        deleteAutomatedBackups: false,
        copyTagsToSnapshot: true,
        backupRetentionPeriod: 7,
        publiclyAccessible: false,
        dbSubnetGroupName: "gametracker-mssql-subnets",
        licenseModel: "license-included",
      });
      expect(db.inputs.vpcSecurityGroupIds).to.deep.equal(["sg-db"]);
      // Inherited from the snapshot: master user, storage size and type (the restore program declares engine and encryption; see its test).
      expect(db.inputs).to.not.have.any.keys("username", "engine", "storageEncrypted", "allocatedStorage", "storageType", "restoreToPointInTime");
      expect(db.protect, "only the primary is protected").to.equal(false);
      expect(run.ofType(SNAPSHOT)).to.have.length(0);
      expect(run.ofType("aws:rds/subnetGroup:SubnetGroup")).to.have.length(0);
      expect(run.one(INSTANCE).inputs.tags).to.include({ "gametracker:purpose": "cutover" });
    });

    it("restores a point in time for a drill as a disposable instance, with the drill's tags", async () => {
      const run = await database({
        identifier: "gametracker-mssql-d7f3a",
        purpose: "drill",
        edition: "express",
        restore: { pointInTime: { sourceDbInstanceIdentifier: "gametracker-mssql", restoreTime: "2025-06-01T11:00:00Z" } },
        tags: { "gametracker:drill-id": "7f3a", "gametracker:recovery-point": "time:2025-06-01T11:00:00Z" },
        ...restoreNetwork,
      });
      const db = run.one(INSTANCE);
      expect(db.inputs.restoreToPointInTime).to.deep.equal({ sourceDbInstanceIdentifier: "gametracker-mssql", restoreTime: "2025-06-01T11:00:00Z" });
      expect(db.inputs).to.include({ deletionProtection: false, skipFinalSnapshot: true, deleteAutomatedBackups: true, engine: "sqlserver-ex", manageMasterUserPassword: true });
      expect(db.inputs).to.not.have.any.keys("finalSnapshotIdentifier", "snapshotIdentifier", "username");
      expect(db.inputs.tags).to.include({ "gametracker:drill-id": "7f3a", "gametracker:recovery-point": "time:2025-06-01T11:00:00Z", "gametracker:purpose": "drill" });
      expect(db.protect).to.equal(false);
    });

    it("restores to the latest restorable time", async () => {
      const run = await database({ identifier: "gametracker-mssql-r2", restore: { pointInTime: { sourceDbInstanceIdentifier: "gametracker-mssql", useLatestRestorableTime: true } }, ...restoreNetwork });
      expect(run.one(INSTANCE).inputs.restoreToPointInTime).to.deep.equal({ sourceDbInstanceIdentifier: "gametracker-mssql", useLatestRestorableTime: true });
    });

    it("restores a deleted instance's retained backups by resource id, and backups replicated here by their ARN", async () => {
      const retained = await database({ identifier: "gametracker-mssql-r3", restore: { pointInTime: { sourceDbiResourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXY2", restoreTime: "2025-06-01T11:00:00Z" } }, ...restoreNetwork });
      expect(retained.one(INSTANCE).inputs.restoreToPointInTime).to.deep.equal({ sourceDbiResourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXY2", restoreTime: "2025-06-01T11:00:00Z" });
      const arn = "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-7kqzj4xyz";
      const replica = await database({ identifier: "gametracker-mssql-r4", restore: { pointInTime: { sourceDbInstanceAutomatedBackupsArn: arn, useLatestRestorableTime: true } }, ...restoreNetwork });
      expect(replica.one(INSTANCE).inputs.restoreToPointInTime).to.deep.equal({ sourceDbInstanceAutomatedBackupsArn: arn, useLatestRestorableTime: true });
    });
  });

  describe("bad arguments are refused before anything is registered", () => {
    const pit = { pointInTime: { sourceDbInstanceIdentifier: "gametracker-mssql", useLatestRestorableTime: true } };
    const cases: Array<[string, DatabaseArgs, string]> = [
      ["retention 0", { ...primaryNetwork, backupRetentionDays: 0 }, "DatabaseArgs.backupRetentionDays is 0"],
      ["retention 36", { ...primaryNetwork, backupRetentionDays: 36 }, "1 to 35"],
      ["overlapping windows", { ...primaryNetwork, backupWindow: "05:00-06:00", maintenanceWindow: "sun:05:30-sun:06:30" }, "overlaps"],
      ["encryption on Express", { ...primaryNetwork, storageEncrypted: true }, "no encryption at rest"],
      ["bad identifier", { ...primaryNetwork, identifier: "Game_Tracker" }, "DatabaseArgs.identifier"],
      ["no networking", {}, "default VPC"],
      ["both kinds of networking", { ...primaryNetwork, ...restoreNetwork }, "were both given"],
      ["half of own networking", { vpcId: "vpc-1" }, "must be given together"],
      ["half of existing networking", { dbSubnetGroupName: "x" }, "must be given together"],
      ["restore without identifier", { restore: pit, ...restoreNetwork }, "needs its own identifier"],
      ["restore on own networking", { identifier: "gametracker-mssql-r", restore: pit, ...primaryNetwork }, "required in restore mode"],
      ["restore with manual snapshots", { identifier: "gametracker-mssql-r", restore: pit, manualSnapshots: ["x"], ...restoreNetwork }, "primary only"],
      ["restore with replication", { identifier: "gametracker-mssql-r", restore: pit, backupReplicationRegion: "us-west-2", ...restoreNetwork }, "primary only"],
      ["restore with a master user", { identifier: "gametracker-mssql-r", restore: pit, masterUsername: "sa2", ...restoreNetwork }, "keeps the master user"],
      ["a KMS key without encryption", { identifier: "gametracker-mssql-r", restore: pit, storageEncrypted: false, kmsKeyId: "arn:aws:kms:us-east-1:1:key/k", ...restoreNetwork }, "a KMS key only applies to encrypted storage"],
      ["drill with deletion protection", { identifier: "gametracker-mssql-r", purpose: "drill", deletionProtection: true, restore: pit, ...restoreNetwork }, "must stay deletable"],
      ["a drill purpose without restore", { ...primaryNetwork, purpose: "drill" }, "only a restored instance"],
      ["a restore as primary", { identifier: "gametracker-mssql-r", purpose: "primary", restore: pit, ...restoreNetwork }, '"cutover" or "drill"'],
      ["pitr with both times", { identifier: "gametracker-mssql-r", restore: { pointInTime: { sourceDbInstanceIdentifier: "gametracker-mssql", useLatestRestorableTime: true, restoreTime: "2025-06-01T00:00:00Z" } }, ...restoreNetwork }, "exactly one"],
      ["pitr with neither time", { identifier: "gametracker-mssql-r", restore: { pointInTime: { sourceDbInstanceIdentifier: "gametracker-mssql" } }, ...restoreNetwork }, "exactly one"],
      ["pitr with a local time", { identifier: "gametracker-mssql-r", restore: { pointInTime: { sourceDbInstanceIdentifier: "gametracker-mssql", restoreTime: "2025-06-01 10:00" } }, ...restoreNetwork }, "ISO-8601"],
      ["pitr without a source", { identifier: "gametracker-mssql-r", restore: { pointInTime: { useLatestRestorableTime: true } }, ...restoreNetwork }, "names no source, but a point-in-time restore reads exactly one"],
      [
        "pitr with two sources",
        { identifier: "gametracker-mssql-r", restore: { pointInTime: { sourceDbInstanceIdentifier: "gametracker-mssql", sourceDbiResourceId: "db-ABC", useLatestRestorableTime: true } }, ...restoreNetwork },
        "names sourceDbInstanceIdentifier and sourceDbiResourceId",
      ],
      ["pitr with a malformed resource id", { identifier: "gametracker-mssql-r", restore: { pointInTime: { sourceDbiResourceId: "gametracker-mssql", useLatestRestorableTime: true } }, ...restoreNetwork }, "must be an RDS resource id"],
      [
        "pitr with an ARN that is not of replicated backups",
        { identifier: "gametracker-mssql-r", restore: { pointInTime: { sourceDbInstanceAutomatedBackupsArn: "arn:aws:rds:us-west-2:123456789012:db:x", useLatestRestorableTime: true } }, ...restoreNetwork },
        "must be the ARN of replicated automated backups",
      ],
      ["empty snapshot identifier", { identifier: "gametracker-mssql-r", restore: { snapshotIdentifier: " " }, ...restoreNetwork }, "must name the DB snapshot"],
      ["duplicate manual snapshots", { ...primaryNetwork, manualSnapshots: ["a-1", "a-1"] }, "twice"],
      ["invalid manual snapshot", { ...primaryNetwork, manualSnapshots: ["v1--x"] }, "two consecutive hyphens"],
      ["replication region typo", { ...primaryNetwork, backupReplicationRegion: "uswest2" }, "AWS region name"],
      ["encrypted replication without a key", { ...primaryNetwork, edition: "standard", backupReplicationRegion: "us-west-2" }, "needs a KMS key"],
    ];
    it("(the registration counter used below does see registrations)", async () => {
      let registered = 0;
      await runProgram(() => new Database("db", primaryNetwork), { behaviours: [() => void registered++] });
      expect(registered).to.be.greaterThan(4);
    });

    for (const [name, args, expected] of cases) {
      it(name, async () => {
        const { message, registered } = await refused(args);
        expect(message).to.include(expected);
        expect(registered, "resources registered before the refusal").to.equal(0);
      });
    }
  });
});

describe("DatabaseNetwork component (mocks): a standby stack's place for restores, without a database", () => {
  it("registers the subnet group and the security group open on 1433 to the API's group only, named like the Database component's own, and no instance", async () => {
    const run = await runProgram(() => {
      const n = new DatabaseNetwork("database", { identifier: "gametracker-mssql", vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], allowedSecurityGroupIds: ["sg-api"], tags: { team: "games" } });
      return { dbSubnetGroupName: n.dbSubnetGroupName, securityGroupIds: n.securityGroupIds };
    });
    expect(run.ofType(INSTANCE)).to.have.length(0);
    const group = run.one("aws:rds/subnetGroup:SubnetGroup");
    expect(group).to.deep.include({ name: "database-subnet-group" });
    expect(group.inputs).to.deep.include({ name: "gametracker-mssql-subnets", subnetIds: ["subnet-a", "subnet-b"] });
    expect(group.inputs.tags).to.include({ team: "games", "gametracker:component": "database-network" });
    const sg = run.one("aws:ec2/securityGroup:SecurityGroup");
    expect(sg.inputs).to.deep.include({ name: "gametracker-mssql-db", vpcId: "vpc-1" });
    const ingress = run.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(ingress.inputs).to.deep.include({ referencedSecurityGroupId: "sg-api", fromPort: 1433, toPort: 1433, ipProtocol: "tcp" });
    const parent = run.one("gametracker:database:DatabaseNetwork");
    for (const child of [group, sg, ingress]) expect(child.parent).to.equal(parent.urn);
    expect(run.outputs).to.deep.equal({ dbSubnetGroupName: "gametracker-mssql-subnets", securityGroupIds: ["sg-database-sg"] });
  });

  it("refuses an invalid identifier before registering anything", async () => {
    let registered = 0;
    let message = "";
    try {
      await runProgram(() => new DatabaseNetwork("database", { identifier: "Game_Tracker", vpcId: "v", subnetIds: [], allowedSecurityGroupIds: [] }), { behaviours: [() => void registered++] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain("DatabaseNetworkArgs.identifier");
    expect(registered).to.equal(0);
  });
});
