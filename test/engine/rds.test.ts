/**
 * RDS on the real engine: what the real provider (and AWS) refuse, restores, and delete
 * behaviour. The engine refuses to replace a protected instance; AWS refuses a
 * replacement under a fixed identifier (create-before-delete meets the old instance); a
 * restore gets the request's settings plus instance.go's follow-up ModifyDBInstance, and
 * a restored encrypted instance whose program leaves storageEncrypted unset is planned for
 * replacement on the next preview (storage_encrypted is ForceNew and not Computed).
 */
import { PulumiOperationError } from "../../automation/stacks/pulumi-errors";
import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { DBInstance, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import { useEngine } from "../support/engine/harness";
import { applyMotoGaps } from "../support/moto-gaps";

const PROJECT = "engine-rds";

describe("engine tier: RDS instances", function () {
  this.timeout(180_000);
  const engine = useEngine();
  let rds: RDSClient;
  before(() => {
    rds = new RDSClient({ region: "us-east-1", endpoint: engine.motoEndpoint });
    // Read moto as the stand-in does (unique DbiResourceIds: moto-gaps rds-unique-dbi-resource-id).
    applyMotoGaps(rds, "us-east-1");
  });
  after(() => rds?.destroy());

  const describe1 = async (id: string): Promise<DBInstance> => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
  const stackFor = async (program: () => Promise<Record<string, unknown>>) => {
    const stack = await engine.stacks({ inlinePrograms: { [PROJECT]: program } }).createOrSelect({ project: PROJECT, stack: "dev" });
    await stack.setConfig("aws:region", "us-east-1");
    return stack;
  };
  const instance = (name: string, args: Partial<aws.rds.InstanceArgs>, opts: { protect?: boolean } = {}) =>
    new aws.rds.Instance(
      name,
      { identifier: name, engine: "sqlserver-ex", instanceClass: "db.t3.micro", allocatedStorage: 20, licenseModel: "license-included", username: "gtadmin", manageMasterUserPassword: true, skipFinalSnapshot: true, ...args },
      opts,
    );

  it("the engine's preview stops at the provider's input rules (Check), naming each attribute, and nothing is created", async () => {
    const stack = await stackFor(async () => ({ id: instance("engine-invalid", { backupRetentionPeriod: 40, kmsKeyId: "alias/gametracker", storageEncrypted: true, backupWindow: "3:00-4:00" }).identifier }));
    let error: unknown;
    await stack.preview().catch((e) => (error = e));
    // The operator reads one sentence with the engine's first diagnostic; the full output (every rule) is in its detail and log file.
    expect(error).to.be.instanceOf(PulumiOperationError);
    const failed = error as PulumiOperationError;
    expect(failed.message.split("\n")).to.have.length(1);
    expect(failed.message).to.match(/property (backupRetentionPeriod|kmsKeyId|backupWindow) value/);
    for (const reason of ["property backupRetentionPeriod value {40} has a problem: expected backup_retention_period to be in the range (0 - 35), got 40", 'property kmsKeyId value {alias/gametracker} has a problem: "kms_key_id" (alias/gametracker) is an invalid ARN: arn: invalid prefix', 'property backupWindow value {3:00-4:00} has a problem: (3:00-4:00) must satisfy the format of "hh24:mi-hh24:mi"']) {
      expect(failed.detail).to.contain(reason);
    }
    expect((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.map((d) => d.DBInstanceIdentifier)).to.not.include("engine-invalid");
  });

  it("the engine refuses a ForceNew change of a protected instance, and moto's instance stays as it was", async () => {
    const settings = { engine: "sqlserver-ex" };
    const stack = await stackFor(async () => ({ id: instance("engine-protected", { engine: settings.engine }, { protect: true }).identifier }));
    await stack.up();
    const before = await describe1("engine-protected");
    settings.engine = "sqlserver-web";
    let error: unknown;
    await stack.up().catch((e) => (error = e));
    expect(String(error)).to.match(/marked for protection/);
    const after = await describe1("engine-protected");
    expect([after.Engine, after.DbiResourceId, after.InstanceCreateTime]).to.deep.equal([before.Engine, before.DbiResourceId, before.InstanceCreateTime]);
  });

  it("AWS refuses to replace an instance under its fixed identifier (created before the old one is deleted); the old one stays", async () => {
    const settings = { engine: "sqlserver-ex" };
    const stack = await stackFor(async () => ({ id: instance("engine-fixed", { engine: settings.engine }).identifier }));
    await stack.up();
    settings.engine = "sqlserver-web";
    const preview = await stack.preview();
    expect(preview.steps.find((s) => s.op === "replace")).to.deep.include({ type: "aws:rds/instance:Instance", diffs: ["engine"] });
    let error: unknown;
    await stack.up().catch((e) => (error = e));
    expect(String(error)).to.match(/DBInstanceAlreadyExists|already exists/i);
    expect((await describe1("engine-fixed")).Engine).to.equal("sqlserver-ex");
    const state = await engine.exportStack(PROJECT, "dev");
    expect(state.resources.filter((r) => r.type === "aws:rds/instance:Instance")).to.have.length(1);
  });

  it("restores from a snapshot as instance.go does, and plans to replace an encrypted restore whose program leaves storageEncrypted unset", async () => {
    const stack = await stackFor(async () => {
      const primary = instance("engine-primary", {
        engine: "sqlserver-se",
        instanceClass: "db.m5.large",
        storageEncrypted: true,
        backupRetentionPeriod: 7,
        copyTagsToSnapshot: true,
        deletionProtection: false,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: "engine-primary-final",
        deleteAutomatedBackups: false,
      });
      const snapshot = new aws.rds.Snapshot("snapshot", { dbInstanceIdentifier: primary.identifier, dbSnapshotIdentifier: "engine-primary-manual" });
      const restored = (name: string, extra: Partial<aws.rds.InstanceArgs>) =>
        new aws.rds.Instance(name, {
          identifier: name,
          snapshotIdentifier: snapshot.dbSnapshotIdentifier,
          instanceClass: "db.m5.large",
          manageMasterUserPassword: true,
          backupRetentionPeriod: 3,
          backupWindow: "03:00-04:00",
          maintenanceWindow: "sun:05:00-sun:06:00",
          deletionProtection: false,
          skipFinalSnapshot: true,
          ...extra,
        });
      const unset = restored("engine-restored-unset", {});
      const kept = restored("engine-restored-kept", { storageEncrypted: true });
      return { primarySecret: primary.masterUserSecrets.apply((s) => s[0]?.secretArn), restoredSecret: kept.masterUserSecrets.apply((s) => s[0]?.secretArn), unset: unset.identifier };
    });
    const up = await stack.up();
    const kept = await describe1("engine-restored-kept");
    // The request's values (moto-gaps: rds-restore-takes-request-values) and instance.go's follow-up modify.
    expect([kept.DeletionProtection, kept.CopyTagsToSnapshot, kept.StorageEncrypted]).to.deep.equal([false, false, true]);
    expect([kept.BackupRetentionPeriod, kept.PreferredBackupWindow, kept.PreferredMaintenanceWindow]).to.deep.equal([3, "03:00-04:00", "sun:05:00-sun:06:00"]);
    expect(up.outputs.restoredSecret!.value).to.be.a("string").and.not.equal(up.outputs.primarySecret!.value);
    expect(kept.DbiResourceId).not.to.equal((await describe1("engine-primary")).DbiResourceId);

    const preview = await stack.preview();
    const changed = preview.steps.filter((s) => s.op !== "same");
    expect(changed.map((s) => `${s.op} ${s.urn.split("::").pop()} ${s.detailedPaths.join(",")}`)).to.deep.equal([
      "create-replacement engine-restored-unset storageEncrypted",
      "replace engine-restored-unset storageEncrypted",
      // The engine's delete-replaced step carries no diff.
      "delete-replaced engine-restored-unset ",
    ]);

    await stack.destroy();
    const snapshots = (await rds.send(new DescribeDBSnapshotsCommand({}))).DBSnapshots!.map((s) => `${s.DBSnapshotIdentifier} ${s.SnapshotType}`);
    // skipFinalSnapshot=false takes the final snapshot; the declared snapshot is deleted with the stack.
    expect(snapshots).to.include("engine-primary-final manual");
    expect(snapshots).not.to.include("engine-primary-manual manual");
    expect((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances).to.deep.equal([]);
  });

  it("a restore that fails before its follow-up modify is recorded with its error, and the next up only updates what the diff shows", async () => {
    const stack = await stackFor(async () => {
      const source = instance("engine-src", { backupRetentionPeriod: 7, backupWindow: "07:00-08:00", maintenanceWindow: "sat:09:00-sat:10:00" });
      const snapshot = new aws.rds.Snapshot("snapshot", { dbInstanceIdentifier: source.identifier, dbSnapshotIdentifier: "engine-src-manual" });
      const restored = new aws.rds.Instance("engine-restored", {
        identifier: "engine-restored",
        snapshotIdentifier: snapshot.dbSnapshotIdentifier,
        instanceClass: "db.t3.micro",
        manageMasterUserPassword: true,
        backupRetentionPeriod: 3,
        backupWindow: "03:00-04:00",
        maintenanceWindow: "sun:05:00-sun:06:00",
        skipFinalSnapshot: true,
      });
      return { id: restored.identifier };
    });
    engine.levers.fail({ op: "create", type: "aws:rds/instance:Instance", name: "engine-restored", step: "before-follow-up-modify" }, "injected: the follow-up ModifyDBInstance failed");
    let error: unknown;
    await stack.up().catch((e) => (error = e));
    expect(String(error)).to.contain("injected: the follow-up ModifyDBInstance failed");
    // The bridge's ErrorResourceInitFailed: the engine keeps the instance, with its init error.
    const recorded = (await engine.exportStack(PROJECT, "dev")).resources.find((r) => r.urn.endsWith("::engine-restored")) as { id?: string; initErrors?: string[] } | undefined;
    expect(recorded?.initErrors?.join()).to.contain("injected");
    const half = await describe1("engine-restored");
    expect(recorded?.id).to.equal(half.DbiResourceId);
    expect([half.BackupRetentionPeriod, half.PreferredBackupWindow, half.MasterUserSecret]).to.deep.equal([7, "07:00-08:00", undefined]);

    const preview = await stack.preview();
    const update = preview.steps.find((s) => s.urn.endsWith("::engine-restored"))!;
    expect(update.op).to.equal("update");
    expect(update.detailedPaths.sort()).to.deep.equal(["backupRetentionPeriod", "backupWindow", "maintenanceWindow"]);
    await stack.up();
    const after = await describe1("engine-restored");
    expect([after.BackupRetentionPeriod, after.PreferredBackupWindow, after.PreferredMaintenanceWindow]).to.deep.equal([3, "03:00-04:00", "sun:05:00-sun:06:00"]);
    // manage_master_user_password is a virtual attribute: already true in the state, it is never
    // sent again, so the resumed instance stays without the managed secret it asked for.
    expect(after.MasterUserSecret).to.equal(undefined);
  });

  it("restores to the latest restorable time of a live instance, modifying only the managed password afterwards", async () => {
    const stack = await stackFor(async () => {
      const source = instance("engine-source", { backupRetentionPeriod: 7 });
      const pitr = new aws.rds.Instance("engine-pitr", {
        identifier: "engine-pitr",
        restoreToPointInTime: { sourceDbInstanceIdentifier: source.identifier, useLatestRestorableTime: true },
        instanceClass: "db.t3.micro",
        manageMasterUserPassword: true,
        skipFinalSnapshot: true,
      });
      return { secret: pitr.masterUserSecrets.apply((s) => s[0]?.secretArn), resourceId: pitr.resourceId };
    });
    const up = await stack.up();
    const pitr = await describe1("engine-pitr");
    expect(pitr.MasterUserSecret?.SecretArn).to.equal(up.outputs.secret!.value);
    expect(up.outputs.resourceId!.value).to.equal(pitr.DbiResourceId);
  });
});
