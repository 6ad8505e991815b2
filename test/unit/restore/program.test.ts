import { expect } from "chai";
import { restoreProgram } from "../../../automation/restore/program";
import { encodeRestoreSpec, RestoreSpec, SPEC_CONFIG_KEY } from "../../../automation/restore/spec";
import { RESTORE_PROJECT, RestoreOutputNames } from "../../../contracts/stacks";
import { runProgram } from "../../support/pulumi-mocks";
import { drillRestoreSpec } from "../../support/restore-spec";

const INSTANCE = "aws:rds/instance:Instance";


/** The config the pipeline gives a restore stack before each update (restore-stack.ts). */
const configOf = (s: RestoreSpec): Record<string, string> => ({ [SPEC_CONFIG_KEY]: encodeRestoreSpec(s) });
const run = (s: RestoreSpec) => runProgram(restoreProgram, { project: RESTORE_PROJECT, stack: `dev-drill-${s.drillId ?? "x"}`, config: configOf(s) });

describe("restore program (inline, project gametracker-restore)", () => {
  it("restores a drill from a snapshot on the environment's subnet group and security groups, deletable and tagged", async () => {
    const result = await run(drillRestoreSpec());
    const instance = result.one(INSTANCE);
    expect(instance.inputs.identifier).to.equal("gametracker-mssql-drill-202611251200abcd");
    expect(instance.inputs.snapshotIdentifier).to.equal("gametracker-manual-backup-v1");
    expect(instance.inputs.restoreToPointInTime).to.equal(undefined);
    expect(instance.inputs.dbSubnetGroupName).to.equal("gametracker-mssql-subnets");
    expect(instance.inputs.vpcSecurityGroupIds).to.deep.equal(["sg-0db"]);
    expect(instance.inputs.instanceClass).to.equal("db.t3.small");
    expect(instance.inputs.deletionProtection).to.equal(false);
    expect(instance.inputs.skipFinalSnapshot).to.equal(true);
    expect(instance.inputs.backupRetentionPeriod).to.equal(7);
    expect(instance.inputs.publiclyAccessible).to.equal(false);
    expect(instance.inputs.manageMasterUserPassword).to.equal(true);
    expect(instance.inputs.tags).to.include({
      "gametracker:drill-id": "202611251200abcd",
      "gametracker:recovery-point": "snapshot:gametracker-manual-backup-v1",
      "gametracker:environment": "dev",
      "gametracker:source-instance": "gametracker-mssql",
    });
    expect(instance.protect).to.equal(false);
    // A restore never creates networking of its own nor snapshots.
    expect(result.ofType("aws:rds/subnetGroup:SubnetGroup")).to.have.length(0);
    expect(result.ofType("aws:ec2/securityGroup:SecurityGroup")).to.have.length(0);
    expect(result.ofType("aws:rds/snapshot:Snapshot")).to.have.length(0);
  });

  it("returns exactly the RestoreOutputNames outputs", async () => {
    const result = await run(drillRestoreSpec());
    expect(Object.keys(result.outputs).sort()).to.deep.equal(Object.values(RestoreOutputNames).sort());
    expect(result.outputs[RestoreOutputNames.identifier]).to.equal("gametracker-mssql-drill-202611251200abcd");
    expect(result.outputs[RestoreOutputNames.address]).to.match(/^gametracker-mssql-drill-202611251200abcd\./);
    expect(result.outputs[RestoreOutputNames.port]).to.equal(1433);
    expect(result.outputs[RestoreOutputNames.secretArn]).to.match(/^arn:aws:secretsmanager:/);
    expect(result.outputs[RestoreOutputNames.recoveryPoint]).to.equal("snapshot:gametracker-manual-backup-v1");
    expect(result.outputs[RestoreOutputNames.purpose]).to.equal("drill");
  });

  it("restores to a point in time of the source instance", async () => {
    const time = new Date("2026-11-25T09:30:00Z");
    const result = await run(
      drillRestoreSpec({ point: { kind: "time", label: "time:2026-11-25T09:30:00.000Z", time, source: PRIMARY, engine: "sqlserver-ex", engineVersion: "16.00.4165.4.v1", minStorageGiB: 20, storageEncrypted: false } }),
    );
    const instance = result.one(INSTANCE);
    expect(instance.inputs.snapshotIdentifier).to.equal(undefined);
    expect(instance.inputs.restoreToPointInTime).to.deep.equal({ sourceDbInstanceIdentifier: "gametracker-mssql", restoreTime: "2026-11-25T09:30:00.000Z" });
  });

  it("restores to the latest restorable time", async () => {
    const result = await run(
      drillRestoreSpec({ point: { kind: "latest-restorable", label: "latest-restorable", time: new Date("2026-11-25T11:55:00Z"), source: PRIMARY, engine: "sqlserver-ex", engineVersion: "16.00.4165.4.v1", minStorageGiB: 20, storageEncrypted: false } }),
    );
    expect(result.one(INSTANCE).inputs.restoreToPointInTime).to.deep.equal({ sourceDbInstanceIdentifier: "gametracker-mssql", useLatestRestorableTime: true });
    expect(result.one(INSTANCE).inputs.tags["gametracker:recovery-point"]).to.equal("latest-restorable");
  });

  it("restores a deleted instance's retained backups by resource id, and replicated backups by their ARN, each named alone", async () => {
    const shape = { engine: "sqlserver-ex", engineVersion: "16.00.4165.4.v1", minStorageGiB: 20, storageEncrypted: false };
    const retained = await run(
      drillRestoreSpec({
        point: { kind: "time", label: "retained:db-OLDPRIMARY@2026-11-24T20:00:00.000Z", time: new Date("2026-11-24T20:00:00Z"), source: { kind: "retained", instanceIdentifier: "gametracker-mssql", dbiResourceId: "db-OLDPRIMARY" }, ...shape },
      }),
    );
    expect(retained.one(INSTANCE).inputs.restoreToPointInTime).to.deep.equal({ sourceDbiResourceId: "db-OLDPRIMARY", restoreTime: "2026-11-24T20:00:00.000Z" });
    const arn = "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-7kqzj4";
    const replica = await run(
      drillRestoreSpec({
        region: "us-west-2",
        point: { kind: "latest-restorable", label: "replica:latest", time: new Date(), source: { kind: "replica", instanceIdentifier: "gametracker-mssql", automatedBackupsArn: arn, sourceRegion: "us-east-1" }, ...shape },
      }),
    );
    expect(replica.one(INSTANCE).inputs.restoreToPointInTime).to.deep.equal({ sourceDbInstanceAutomatedBackupsArn: arn, useLatestRestorableTime: true });
    expect(replica.one(INSTANCE).inputs.tags["gametracker:recovery-point"]).to.equal("replica:latest");
    expect(replica.outputs[RestoreOutputNames.region]).to.equal("us-west-2");
  });

  it("keeps the full hardening for a cut-over restore: deletion protection and a final snapshot", async () => {
    const result = await run(drillRestoreSpec({ purpose: "cutover", drillId: undefined, targetIdentifier: "gametracker-mssql-restore" }));
    const instance = result.one(INSTANCE);
    expect(instance.inputs.deletionProtection).to.equal(true);
    expect(instance.inputs.skipFinalSnapshot).to.equal(false);
    expect(instance.inputs.finalSnapshotIdentifier).to.equal("gametracker-mssql-restore-final-20261125-120000");
    expect(instance.inputs.deleteAutomatedBackups).to.equal(false);
    expect(instance.inputs.tags).to.not.have.property("gametracker:drill-id");
    expect(result.outputs[RestoreOutputNames.purpose]).to.equal("cutover");
  });

  it("declares the backup's encryption and key, so the next update of the stack does not plan a replacement", async () => {
    const kmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/0f6c8f6e-3b7a-4d0c-9d1e-1a2b3c4d5e6f";
    const encrypted = drillRestoreSpec({ point: { ...drillRestoreSpec().point, engine: "sqlserver-se", storageEncrypted: true, kmsKeyId } });
    const instance = (await run(encrypted)).one(INSTANCE);
    expect(instance.inputs.storageEncrypted).to.equal(true);
    expect(instance.inputs.kmsKeyId).to.equal(kmsKeyId);
    const express = (await run(drillRestoreSpec())).one(INSTANCE);
    expect(express.inputs.storageEncrypted).to.equal(false);
    expect(express.inputs.kmsKeyId).to.equal(undefined);
  });

  it("refuses a spec it cannot read, before registering anything, naming what is wrong", async () => {
    const spec = JSON.parse(encodeRestoreSpec(drillRestoreSpec())) as Record<string, unknown>;
    await expectRunError({ [SPEC_CONFIG_KEY]: JSON.stringify({ ...spec, securityGroupIds: [] }) }, /no securityGroupIds in its restore spec/);
    await expectRunError({ [SPEC_CONFIG_KEY]: JSON.stringify({ ...spec, drillId: undefined }) }, /no drillId in its restore spec/);
    await expectRunError({ [SPEC_CONFIG_KEY]: JSON.stringify({ ...spec, purpose: "primary" }) }, /neither drill nor cutover/);
    await expectRunError({}, /Missing required configuration variable 'gametracker-restore:spec'/);
  });
});

const PRIMARY = { kind: "primary", instanceIdentifier: "gametracker-mssql" } as const;

async function expectRunError(config: Record<string, string>, pattern: RegExp): Promise<void> {
  let error: unknown;
  try {
    await runProgram(restoreProgram, { project: RESTORE_PROJECT, stack: "dev-drill-x", config });
  } catch (e) {
    error = e;
  }
  expect(error, "the program should have refused the config").to.be.instanceOf(Error);
  expect((error as Error).message).to.match(pattern);
}
