/**
 * What the stand-in sends to RDS for the instances the programs register, path by path
 * of terraform-provider-aws's resourceInstanceCreate: a restore is followed by exactly the
 * ModifyDBInstance that instance.go makes for what the restore call cannot set — not a
 * correction of the restored instance towards the program's inputs.
 */
import { expect } from "chai";
import { restoreProgram } from "../../../../../automation/restore/program";
import { encodeRestoreSpec, SPEC_CONFIG_KEY } from "../../../../../automation/restore/spec";
import { RESTORE_PROJECT } from "../../../../../contracts/stacks";
import { Database } from "../../../../../components/database";
import { checkInputs } from "../check";
import { planInstanceCreate } from "./rds";
import { schemaOf } from "../schema";
import { runProgram } from "../../../../support/pulumi-mocks";
import { drillRestoreSpec } from "../../../../support/restore-spec";

const RDS = "aws:rds/instance:Instance";

/** The instance's inputs after the stand-in's Check (defaults filled in), as Create receives them. */
function checked(inputs: Record<string, unknown>) {
  return checkInputs(schemaOf(RDS), { type: RDS, name: "x", olds: {}, news: JSON.parse(JSON.stringify(inputs)), randomSeed: new Uint8Array(), providerRegion: "us-east-1" }).inputs;
}

async function restoredInputs(spec = drillRestoreSpec()) {
  const run = await runProgram(restoreProgram, { project: RESTORE_PROJECT, stack: "dev-drill-x", config: { [SPEC_CONFIG_KEY]: encodeRestoreSpec(spec) } });
  return checked(run.one(RDS).inputs);
}

describe("stand-in aws provider: RDS instance create paths (instance.go)", () => {
  it("restores a drill from its snapshot on the given network, then modifies only retention, windows and the managed password", async () => {
    const plan = planInstanceCreate(await restoredInputs());
    expect(plan.command).to.equal("snapshot");
    expect(plan.input).to.deep.include({
      DBInstanceIdentifier: "gametracker-mssql-drill-202611251200abcd",
      DBSnapshotIdentifier: "gametracker-manual-backup-v1",
      DBInstanceClass: "db.t3.small",
      DBSubnetGroupName: "gametracker-mssql-subnets",
      VpcSecurityGroupIds: ["sg-0db"],
      DeletionProtection: false,
      CopyTagsToSnapshot: true,
      PubliclyAccessible: false,
      AutoMinorVersionUpgrade: true,
      Port: 1433,
      LicenseModel: "license-included",
    });
    expect(plan.input).not.to.have.any.keys("BackupRetentionPeriod", "MultiAZ", "ManageMasterUserPassword");
    expect(plan.modify).to.deep.equal({
      ApplyImmediately: true,
      BackupRetentionPeriod: 7,
      PreferredBackupWindow: "03:00-04:00",
      PreferredMaintenanceWindow: "sun:05:00-sun:06:00",
      ManageMasterUserPassword: true,
    });
  });

  it("restores to a point in time with the network in the call and modifies only the managed password afterwards", async () => {
    const spec = drillRestoreSpec({ point: { kind: "latest-restorable", source: { kind: "primary", instanceIdentifier: "gametracker-mssql" }, label: "latest", time: new Date("2026-11-25T11:55:00Z"), engine: "sqlserver-ex", engineVersion: "16.00.4165.4.v1", minStorageGiB: 20, storageEncrypted: false } });
    const plan = planInstanceCreate(await restoredInputs(spec));
    expect(plan.command).to.equal("pitr");
    expect(plan.input).to.deep.include({ SourceDBInstanceIdentifier: "gametracker-mssql", UseLatestRestorableTime: true, TargetDBInstanceIdentifier: spec.targetIdentifier, DBSubnetGroupName: "gametracker-mssql-subnets", VpcSecurityGroupIds: ["sg-0db"] });
    expect(plan.modify).to.deep.equal({ ApplyImmediately: true, ManageMasterUserPassword: true });
  });

  it("creates the primary in one CreateDBInstance call with backups, windows, encryption and the managed password", async () => {
    const run = await runProgram(async () => {
      const db = new Database("database", { identifier: "gametracker-mssql", edition: "standard", vpcId: "vpc-1", subnetIds: ["s1", "s2"], allowedSecurityGroupIds: ["sg-api"], createdAt: new Date("2026-01-01T00:00:00Z") });
      return { id: db.identifier };
    });
    const plan = planInstanceCreate(checked(run.one(RDS).inputs));
    expect(plan.command).to.equal("create");
    expect(plan.input).to.deep.include({ Engine: "sqlserver-se", BackupRetentionPeriod: 7, StorageEncrypted: true, ManageMasterUserPassword: true, DeletionProtection: true, MasterUsername: "gtadmin" });
    expect(plan.modify).to.equal(undefined);
  });
});
