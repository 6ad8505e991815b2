import { expect } from "chai";
import { UsageError } from "../../../automation/errors";
import { parseInstanceClass, placement, placementProblem, regionConflict, sourceRegionConflict, targetConflict } from "../../../automation/restore/plan";
import { parseRecoveryRequest } from "../../../automation/restore/recovery-request";
import { DeployedEnvironment } from "../../../automation/deployed-environment";
import { InstanceFacts } from "../../../automation/restore/rds-facts";
import { instanceFactsOf } from "../../support/verify-fixtures";

describe("restore plan: pure parts (restore/plan.ts)", () => {
  const env = (overrides: Partial<DeployedEnvironment> = {}): DeployedEnvironment => ({
    stack: "dev",
    dbInstanceIdentifier: "gametracker-mssql",
    bucketName: undefined,
    apiFunctionName: undefined,
    dbSubnetGroupName: "env-subnets",
    dbSecurityGroupIds: ["sg-env"],
    backupRetentionDays: 7,
    declaredManualSnapshots: [],
    activeDatabase: "primary",
    region: "us-east-1",
    role: "primary",
    backupReplicationRegion: undefined,
    snapshotCopyRegions: [],
    engine: "sqlserver-ex",
    instanceClass: "db.t3.micro",
    multiAz: false,
    ...overrides,
  });
  const source = (overrides: Partial<InstanceFacts> = {}): InstanceFacts =>
    instanceFactsOf({
      identifier: "gametracker-mssql",
      arn: undefined,
      subnetGroupName: "source-subnets",
      securityGroupIds: ["sg-source"],
      address: undefined,
      port: undefined,
      deletionProtection: true,
      tags: {},
      ...overrides,
    });

  it("places the restore on the environment's subnet group and security groups, else the source's", () => {
    expect(placement(env(), source())).to.deep.equal({ dbSubnetGroupName: "env-subnets", securityGroupIds: ["sg-env"] });
    expect(placement(env({ dbSubnetGroupName: undefined, dbSecurityGroupIds: [] }), source())).to.deep.equal({ dbSubnetGroupName: "source-subnets", securityGroupIds: ["sg-source"] });
  });

  it("without a live source (deleted, or a standby stack's region), only the environment's outputs place it", () => {
    expect(placement(env(), undefined)).to.deep.equal({ dbSubnetGroupName: "env-subnets", securityGroupIds: ["sg-env"] });
    expect(() => placement(env({ dbSubnetGroupName: undefined }), undefined)).to.throw(UsageError, "has no dbSubnetGroupName output and no live source instance reports one");
  });

  it("refuses a placement the restore's region does not have: a missing subnet group or security group, or groups of another VPC", () => {
    const where = { dbSubnetGroupName: "gametracker-mssql-subnets", securityGroupIds: ["sg-1", "sg-2"] };
    const groups = new Map([["sg-1", "vpc-a"], ["sg-2", "vpc-a"]]);
    expect(placementProblem("us-west-2", "prod-dr", where, { subnetGroup: { vpcId: "vpc-a" }, securityGroups: groups })).to.equal(undefined);
    expect(placementProblem("us-west-2", "prod-dr", where, { subnetGroup: undefined, securityGroups: groups })).to.equal(
      "DB subnet group gametracker-mssql-subnets (stack prod-dr's) does not exist in us-west-2, where this restore runs; deploy stack prod-dr in us-west-2 (pulumi up -s prod-dr) so its network exists there, or restore with the stack of the region the source is in.",
    );
    expect(placementProblem("us-west-2", "prod-dr", where, { subnetGroup: { vpcId: "vpc-a" }, securityGroups: new Map([["sg-1", "vpc-a"]]) })).to.equal(
      "Security group sg-2 (stack prod-dr's) does not exist in us-west-2, where this restore runs; deploy stack prod-dr in us-west-2 (pulumi up -s prod-dr) so its network exists there, or restore with the stack of the region the source is in.",
    );
    expect(placementProblem("us-west-2", "prod-dr", where, { subnetGroup: { vpcId: "vpc-b" }, securityGroups: groups })).to.equal(
      "Security group sg-1, sg-2 is in vpc-a, but DB subnet group gametracker-mssql-subnets is in vpc-b; RDS places an instance in one VPC, so redeploy stack prod-dr (pulumi up -s prod-dr) to bring its outputs in line.",
    );
  });

  it("refuses a source in another region than the environment's, saying which stack restores it", () => {
    const prod = { ...env({ stack: "prod", backupReplicationRegion: "us-west-2" }), stack: "prod" };
    expect(sourceRegionConflict(prod, parseRecoveryRequest("replica:latest"), "us-east-1")).to.equal(
      "The automated backups prod replicates are in us-west-2, but environment prod's subnet group and security groups are in us-east-1; a restore runs in its source's region, so restore it with the standby stack of us-west-2 (e.g. --stack prod-dr; README: region loss).",
    );
    expect(sourceRegionConflict({ ...prod, backupReplicationRegion: undefined }, parseRecoveryRequest("replica:latest"), "us-east-1")).to.equal(
      "--from replica:…: environment prod replicates no automated backups (its databaseBackupReplicationRegion is empty); set it to the standby region and run pulumi up -s prod, or restore a snapshot copy with --from snapshot:<ARN>.",
    );
    const copy = parseRecoveryRequest("snapshot:arn:aws:rds:us-west-2:123456789012:snapshot:gametracker-manual-backup-v1");
    expect(sourceRegionConflict(prod, copy, "us-east-1")).to.equal(
      "Snapshot gametracker-manual-backup-v1 is in us-west-2, but environment prod's subnet group and security groups are in us-east-1; a restore runs in its source's region, so restore it with the standby stack of us-west-2 (e.g. --stack prod-dr; README: region loss), or copy it here with gametracker-dr snapshots copy --stack prod --name gametracker-manual-backup-v1 --to-region us-east-1.",
    );
    const standby = { ...env({ stack: "prod-dr", role: "standby", region: "us-west-2" }), stack: "prod-dr" };
    expect(sourceRegionConflict(standby, parseRecoveryRequest("replica:latest"), "us-west-2")).to.equal(undefined);
    expect(sourceRegionConflict(standby, copy, "us-west-2")).to.equal(undefined);
    expect(sourceRegionConflict(standby, parseRecoveryRequest("snapshot:arn:aws:rds:us-east-1:123456789012:snapshot:x"), "us-west-2")).to.contain("so restore it with the environment stack deployed in us-east-1");
    expect(sourceRegionConflict(prod, parseRecoveryRequest("latest"), "us-east-1")).to.equal(undefined);
  });

  it("refuses a restore when no subnet group or security group is known (RDS would use the defaults)", () => {
    expect(() => placement(env({ dbSubnetGroupName: undefined }), source({ subnetGroupName: undefined }))).to.throw(UsageError, "No DB subnet group is known for the restore");
    expect(() => placement(env({ dbSecurityGroupIds: [] }), source({ securityGroupIds: [] }))).to.throw(UsageError, "No security group is known for the restore");
  });

  it("refuses a region other than the environment's: its subnet group and security groups exist only there", () => {
    expect(regionConflict(env(), "us-east-1")).to.equal(undefined);
    expect(regionConflict(env({ region: undefined }), "eu-west-1")).to.equal(undefined);
    expect(regionConflict(env(), "us-west-2")).to.equal(
      "Environment dev is deployed in us-east-1 (its awsRegion output), but this restore would run in us-west-2; pass --region us-east-1 or leave --region out, because the environment's subnet group and security groups exist only in us-east-1.",
    );
  });

  it("refuses a target identifier that is taken, unless it is the drill's own instance", () => {
    expect(targetConflict(undefined, "x", undefined)).to.equal(undefined);
    expect(targetConflict(source({ identifier: "gametracker-mssql-restore" }), "gametracker-mssql-restore", undefined)).to.equal(
      "DB instance gametracker-mssql-restore already exists (status available); pass another --target-id, or delete or cut over to the existing one first.",
    );
    const own = source({ tags: { "gametracker:drill-id": "202611251200abcd" } });
    expect(targetConflict(own, "t", "202611251200abcd")).to.equal(undefined);
    expect(targetConflict(own, "t", "202611251200zzzz")).to.contain("already exists");
  });

  it("checks --instance-class", () => {
    expect(parseInstanceClass("db.m5.large")).to.equal("db.m5.large");
    expect(() => parseInstanceClass("m5.large")).to.throw(UsageError, '--instance-class "m5.large" is not an RDS instance class');
  });
});
