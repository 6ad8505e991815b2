import { expect } from "chai";
import { UsageError } from "../../automation/errors";
import { RestoreConfigKeys, RestoreSpec, restoreSpecFromConfig, restoreStackConfig } from "../../automation/restore/program-config";
import { parseInstanceClass, placement, targetConflict } from "../../automation/restore/plan";
import { Environment } from "../../automation/environment";
import { InstanceFacts } from "../../automation/restore/rds-facts";
import { drillRestoreSpec } from "../support/restore-spec";

const base: RestoreSpec = drillRestoreSpec({
  point: {
    kind: "time",
    label: "time:2026-11-22T09:30:00.000Z",
    time: new Date("2026-11-22T09:30:00Z"),
    engine: "sqlserver-ex",
    engineVersion: "16.00.4165.4.v1",
    minStorageGiB: 30,
  },
  instanceClass: "db.t3.micro",
  securityGroupIds: ["sg-1", "sg-2"],
});

describe("restore stack config (self-describing restore stacks)", () => {
  it("round-trips every kind of recovery point, so --resume gets back exactly what was chosen", () => {
    const points: RestoreSpec["point"][] = [
      base.point,
      { kind: "latest-restorable", label: "latest-restorable", time: new Date("2026-11-25T11:55:00Z"), engine: "sqlserver-ex", engineVersion: "16.00.4165.4.v1", minStorageGiB: 30 },
      {
        kind: "snapshot",
        label: "snapshot:rds:gametracker-mssql-2026-11-24-03-10",
        snapshotIdentifier: "rds:gametracker-mssql-2026-11-24-03-10",
        snapshotType: "automated",
        time: new Date("2026-11-24T03:10:00Z"),
        engine: "sqlserver-ex",
        engineVersion: "16.00.4165.4.v1",
        minStorageGiB: 20,
      },
    ];
    for (const point of points) {
      const spec = { ...base, point };
      expect(restoreSpecFromConfig(restoreStackConfig(spec), "dev-drill-202611251200abcd")).to.deep.equal(spec);
    }
    const cutover: RestoreSpec = { ...base, purpose: "cutover", drillId: undefined, instanceClass: undefined, backupRetentionDays: undefined, multiAz: true };
    expect(restoreSpecFromConfig(restoreStackConfig(cutover), "dev-restore-1")).to.deep.equal(cutover);
  });

  it("writes exactly one recovery-point key for the program", () => {
    const config = restoreStackConfig(base);
    expect(config[RestoreConfigKeys.restoreTime]).to.equal("2026-11-22T09:30:00.000Z");
    expect(config).to.not.have.property(RestoreConfigKeys.snapshotIdentifier);
    expect(config).to.not.have.property(RestoreConfigKeys.useLatestRestorableTime);
    expect(config[RestoreConfigKeys.securityGroupIds]).to.equal('["sg-1","sg-2"]');
  });

  it("refuses to resume a stack whose config is incomplete, naming the key", () => {
    const config: Record<string, string | undefined> = restoreStackConfig(base);
    delete config[RestoreConfigKeys.targetIdentifier];
    expect(() => restoreSpecFromConfig(config, "dev-drill-x")).to.throw(UsageError, "Restore stack dev-drill-x has no restore.targetIdentifier config, so it cannot be resumed");
    expect(() => restoreSpecFromConfig({ ...restoreStackConfig(base), [RestoreConfigKeys.securityGroupIds]: "sg-1" }, "dev-drill-x")).to.throw(UsageError, "unreadable restore.securityGroupIds");
  });
});

describe("restore plan: pure parts", () => {
  const env = (overrides: Partial<Environment> = {}): Environment => ({
    stack: "dev",
    dbInstanceIdentifier: "gametracker-mssql",
    bucketName: undefined,
    apiFunctionName: undefined,
    dbSubnetGroupName: "env-subnets",
    dbSecurityGroupIds: ["sg-env"],
    backupRetentionDays: 7,
    declaredManualSnapshots: [],
    activeDatabase: "primary",
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
