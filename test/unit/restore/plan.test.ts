import { expect } from "chai";
import { UsageError } from "../../../automation/errors";
import { parseInstanceClass, placement, regionConflict, targetConflict } from "../../../automation/restore/plan";
import { DeployedEnvironment } from "../../../automation/deployed-environment";
import { InstanceFacts } from "../../../automation/restore/rds-facts";

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
    ...overrides,
  });
  const source = (overrides: Partial<InstanceFacts> = {}): InstanceFacts => ({
    identifier: "gametracker-mssql",
    arn: undefined,
    status: "available",
    engine: "sqlserver-ex",
    engineVersion: "16.00.4165.4.v1",
    instanceClass: "db.t3.micro",
    multiAz: false,
    allocatedStorageGiB: 20,
    backupRetentionDays: 7,
    subnetGroupName: "source-subnets",
    securityGroupIds: ["sg-source"],
    address: undefined,
    port: undefined,
    deletionProtection: true,
    latestRestorableTime: undefined,
    tags: {},
    ...overrides,
  });

  it("places the restore on the environment's subnet group and security groups, else the source's", () => {
    expect(placement(env(), source())).to.deep.equal({ dbSubnetGroupName: "env-subnets", securityGroupIds: ["sg-env"] });
    expect(placement(env({ dbSubnetGroupName: undefined, dbSecurityGroupIds: [] }), source())).to.deep.equal({ dbSubnetGroupName: "source-subnets", securityGroupIds: ["sg-source"] });
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
