import { expect } from "chai";
import {
  DeleteDBInstanceCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RestoreDBInstanceToPointInTimeCommand,
  StartDBInstanceAutomatedBackupsReplicationCommand,
  StopDBInstanceAutomatedBackupsReplicationCommand,
} from "@aws-sdk/client-rds";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { useEmulator } from "./emulator";
import { MotoRdsBackups } from "./moto-rds-backups";
import { createSqlServerInstance, SQLSERVER_ENGINE, SQLSERVER_ENGINE_VERSION } from "./rds-fixtures";

/**
 * The moto gaps moto-rds-backups.ts covers, pinned on moto itself (an upgrade that closes
 * one fails here, so the behaviour can go), and the behaviour's answers — including
 * every case where RDS says no.
 */
describe("moto-rds-backups: RDS automated backups where moto 5.2.5 falls short", () => {
  const emulator = useEmulator();
  const DB = "gametracker-mssql";

  async function failure(call: Promise<unknown>): Promise<{ name: string; message: string }> {
    try {
      await call;
    } catch (error) {
      return { name: String((error as Error).name), message: String((error as Error).message) };
    }
    return expect.fail("the call succeeded");
  }

  describe("the gaps, on moto alone", () => {
    it("DescribeDBInstanceAutomatedBackups answers only the identifier and status, and every instance has the same resource id", async () => {
      const { rds } = emulator.clients();
      await createSqlServerInstance(rds);
      await createSqlServerInstance(rds, { identifier: "second" });
      const backups = (await rds.send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: DB }))).DBInstanceAutomatedBackups!;
      expect(backups).to.deep.equal([{ DBInstanceIdentifier: DB, Status: "active" }]);
      const ids = ((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((i) => i.DbiResourceId);
      expect(new Set(ids).size).to.equal(1);
    });

    it("restores to a point in time only from a live instance: a deleted one's retained backups by resource id restore nothing, or another instance", async () => {
      const { rds } = emulator.clients();
      const deleted = await createSqlServerInstance(rds, { deletionProtection: false, engineVersion: "15.00.4415.2.v1" });
      await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: DB, SkipFinalSnapshot: true, DeleteAutomatedBackups: false }));
      expect((await rds.send(new DescribeDBInstanceAutomatedBackupsCommand({}))).DBInstanceAutomatedBackups).to.deep.equal([{ DBInstanceIdentifier: DB, Status: "retained" }]);
      const restore = () => rds.send(new RestoreDBInstanceToPointInTimeCommand({ SourceDbiResourceId: deleted.DbiResourceId, TargetDBInstanceIdentifier: "r", UseLatestRestorableTime: true }));
      expect((await failure(restore())).name).to.not.match(/^DB/); // a server error, not RDS's answer
      // With any instance alive, moto ignores the resource id and copies that one instead.
      await createSqlServerInstance(rds, { identifier: "unrelated", engineVersion: SQLSERVER_ENGINE_VERSION });
      await restore();
      const restored = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "r" }))).DBInstances![0]!;
      expect(restored.EngineVersion).to.equal(SQLSERVER_ENGINE_VERSION);
    });

    it("has no backup replication API", async () => {
      const { rds } = emulator.clients();
      const created = await createSqlServerInstance(rds);
      const west = emulator.clients({ region: "us-west-2" }).rds;
      const replication = await failure(west.send(new StartDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: created.DBInstanceArn })));
      expect(replication.name).to.not.match(/^DB/);
    });
  });

  describe("with the behaviour", () => {
    let backups: MotoRdsBackups;
    let east: RDSClient;
    let west: RDSClient;

    beforeEach(() => {
      backups = new MotoRdsBackups(emulator.endpoint());
      east = emulator.clients({ middleware: backups.middleware }).rds;
      west = emulator.clients({ region: "us-west-2", middleware: backups.middleware }).rds;
    });
    afterEach(() => backups.destroy());

    const list = async (client: RDSClient, input: Record<string, string> = {}) => (await client.send(new DescribeDBInstanceAutomatedBackupsCommand(input))).DBInstanceAutomatedBackups ?? [];
    const describe1 = async (client: RDSClient, id: string) => (await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;

    async function deletePrimary(keepBackups: boolean): Promise<void> {
      await east.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: DB, DeletionProtection: false, ApplyImmediately: true }));
      await east.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: DB, SkipFinalSnapshot: true, DeleteAutomatedBackups: !keepBackups }));
    }

    it("lists a live instance's backups with every documented field, under the resource id DescribeDBInstances reports", async () => {
      await createSqlServerInstance(east, { allocatedStorageGiB: 25 });
      const live = await describe1(east, DB);
      const [b] = await list(east, { DBInstanceIdentifier: DB });
      expect(b).to.deep.include({ DBInstanceIdentifier: DB, Status: "active", Region: "us-east-1", DbiResourceId: live.DbiResourceId, Engine: SQLSERVER_ENGINE, EngineVersion: SQLSERVER_ENGINE_VERSION, AllocatedStorage: 25, Encrypted: false });
      expect(b!.RestoreWindow!.EarliestTime!.getTime()).to.be.at.most(b!.RestoreWindow!.LatestTime!.getTime());
      expect(live.DbiResourceId).to.match(/^db-[A-Z2-7]{26}$/);
      await createSqlServerInstance(east, { identifier: "second" });
      expect((await describe1(east, "second")).DbiResourceId).to.not.equal(live.DbiResourceId);
    });

    it("keeps the backups of a deleted instance only with DeleteAutomatedBackups=false: retained, restorable until the deletion", async () => {
      await createSqlServerInstance(east);
      const dbi = (await describe1(east, DB)).DbiResourceId!;
      const before = Date.now();
      await deletePrimary(true);
      const [retained] = await list(east, { DbiResourceId: dbi });
      expect(retained).to.deep.include({ DBInstanceIdentifier: DB, Status: "retained", DbiResourceId: dbi, Engine: SQLSERVER_ENGINE, BackupRetentionPeriod: 7 });
      expect(retained!.RestoreWindow!.LatestTime!.getTime()).to.be.at.least(before);
      expect((await list(east, { Filters: [{ Name: "status", Values: ["active"] }] } as never)).length).to.equal(0);

      await createSqlServerInstance(east, { identifier: "short-lived" });
      await east.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: "short-lived", DeletionProtection: false, ApplyImmediately: true }));
      await east.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: "short-lived", SkipFinalSnapshot: true }));
      expect(await failure(list(east, { DBInstanceIdentifier: "short-lived" }))).to.deep.include({ name: "DBInstanceAutomatedBackupNotFoundFault" });
      expect(await failure(list(east, { DbiResourceId: "db-NOSUCHRESOURCE" }))).to.deep.include({ name: "DBInstanceAutomatedBackupNotFoundFault" });
    });

    it("restores retained backups by resource id to a time inside their window, as the backup is, on the request's network; refuses outside it and unknown ids", async () => {
      await createSqlServerInstance(east, { allocatedStorageGiB: 30 });
      const dbi = (await describe1(east, DB)).DbiResourceId!;
      await deletePrimary(true);
      const window = (await list(east, { DbiResourceId: dbi }))[0]!.RestoreWindow!;
      const inside = new Date((window.EarliestTime!.getTime() + window.LatestTime!.getTime()) / 2);
      const restore = (overrides: Record<string, unknown>) =>
        east.send(new RestoreDBInstanceToPointInTimeCommand({ TargetDBInstanceIdentifier: "gametracker-mssql-back", SourceDbiResourceId: dbi, DBInstanceClass: "db.t3.small", Tags: [{ Key: "k", Value: "v" }], ...overrides }));

      expect(await failure(restore({ RestoreTime: new Date(window.LatestTime!.getTime() + 60_000) }))).to.deep.include({ name: "InvalidRestoreFault" });
      expect(await failure(restore({ SourceDbiResourceId: "db-NOSUCHRESOURCE", UseLatestRestorableTime: true }))).to.deep.include({ name: "DBInstanceAutomatedBackupNotFoundFault" });
      expect(await failure(restore({ RestoreTime: inside, UseLatestRestorableTime: true }))).to.deep.include({ name: "InvalidParameterCombination" });
      expect(backups.restores).to.deep.equal([]);

      await restore({ RestoreTime: inside });
      const restored = await describe1(east, "gametracker-mssql-back");
      expect(restored).to.deep.include({ Engine: SQLSERVER_ENGINE, EngineVersion: SQLSERVER_ENGINE_VERSION, AllocatedStorage: 30, DBInstanceClass: "db.t3.small", StorageEncrypted: false });
      expect(restored.TagList).to.deep.include({ Key: "k", Value: "v" });
      expect(backups.restores).to.deep.equal([{ region: "us-east-1", target: "gametracker-mssql-back", source: { kind: "retained", dbiResourceId: dbi }, restoreTime: inside, useLatestRestorableTime: false }]);
      // A live instance's backups by resource id: moto restores them itself.
      await restore({ TargetDBInstanceIdentifier: "from-live", SourceDbiResourceId: restored.DbiResourceId, UseLatestRestorableTime: true, Tags: undefined });
      expect((await describe1(east, "from-live")).Engine).to.equal(SQLSERVER_ENGINE);
    });

    it("replicates backups to another region: listed there as the source's, restorable there by ARN, frozen by a region outage", async () => {
      const source = await createSqlServerInstance(east);
      expect(await failure(west.send(new StartDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: "arn:aws:rds:us-east-1:123456789012:db:nope" })))).to.deep.include({ name: "DBInstanceNotFoundFault" });
      expect(await failure(east.send(new StartDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: source.DBInstanceArn })))).to.deep.include({ name: "InvalidParameterValue" });
      await west.send(new StartDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: source.DBInstanceArn, BackupRetentionPeriod: 7 }));
      expect(await failure(west.send(new StartDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: source.DBInstanceArn })))).to.deep.include({ name: "DBInstanceAutomatedBackupQuotaExceededFault" });

      const [replica] = await list(west, { DBInstanceIdentifier: DB });
      expect(replica).to.deep.include({ DBInstanceIdentifier: DB, Status: "replicating", Region: "us-east-1", DBInstanceArn: source.DBInstanceArn, DbiResourceId: (await describe1(east, DB)).DbiResourceId });
      expect(replica!.DBInstanceAutomatedBackupsArn).to.match(/^arn:aws:rds:us-west-2:123456789012:auto-backup:ab-/);
      expect((await describe1(east, DB)).DBInstanceAutomatedBackupsReplications).to.deep.equal([{ DBInstanceAutomatedBackupsArn: replica!.DBInstanceAutomatedBackupsArn }]);
      // Not a backup of us-east-1's.
      expect((await list(east, { DBInstanceIdentifier: DB })).map((b) => b.Status)).to.deep.equal(["active"]);

      backups.outage("us-east-1");
      const frozen = (await list(west, { DBInstanceIdentifier: DB }))[0]!.RestoreWindow!.LatestTime!.getTime();
      await new Promise((r) => setTimeout(r, 20));
      expect((await list(west, { DBInstanceIdentifier: DB }))[0]!.RestoreWindow!.LatestTime!.getTime()).to.equal(frozen);

      const arn = replica!.DBInstanceAutomatedBackupsArn!;
      expect(await failure(east.send(new RestoreDBInstanceToPointInTimeCommand({ TargetDBInstanceIdentifier: "x", SourceDBInstanceAutomatedBackupsArn: arn, UseLatestRestorableTime: true })))).to.deep.include({
        name: "DBInstanceAutomatedBackupNotFoundFault",
      });
      await west.send(new RestoreDBInstanceToPointInTimeCommand({ TargetDBInstanceIdentifier: "gametracker-mssql-dr", SourceDBInstanceAutomatedBackupsArn: arn, UseLatestRestorableTime: true }));
      expect(await describe1(west, "gametracker-mssql-dr")).to.deep.include({ Engine: SQLSERVER_ENGINE, EngineVersion: SQLSERVER_ENGINE_VERSION });
      expect(await failure(east.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "gametracker-mssql-dr" })))).to.deep.include({ name: "DBInstanceNotFoundFault" });

      await west.send(new StopDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: source.DBInstanceArn }));
      expect((await list(west, { DBInstanceIdentifier: DB }))[0]!.Status).to.equal("retained");
    });
  });

  describe("with a state file (the engine tier: the test and each provider plugin process share one RDS)", () => {
    it("a deletion and a replication seen through one instance are what another, given the same file, lists and restores; without the file it sees none", async () => {
      const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-backups-"));
      const stateFile = path.join(stateDir, "state.json");
      const one = new MotoRdsBackups(emulator.endpoint(), { stateFile });
      const other = new MotoRdsBackups(emulator.endpoint(), { stateFile });
      const alone = new MotoRdsBackups(emulator.endpoint());
      try {
        const east = emulator.clients({ middleware: one.middleware }).rds;
        const source = await createSqlServerInstance(east, { deletionProtection: false });
        const dbi = source.DbiResourceId!;
        await emulator.clients({ region: "us-west-2", middleware: one.middleware }).rds.send(new StartDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: source.DBInstanceArn, BackupRetentionPeriod: 7 }));
        await east.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: DB, SkipFinalSnapshot: true, DeleteAutomatedBackups: false }));

        const otherEast = emulator.clients({ middleware: other.middleware }).rds;
        const otherWest = emulator.clients({ region: "us-west-2", middleware: other.middleware }).rds;
        const [retained] = (await otherEast.send(new DescribeDBInstanceAutomatedBackupsCommand({ DbiResourceId: dbi }))).DBInstanceAutomatedBackups!;
        expect(retained).to.deep.include({ Status: "retained", DbiResourceId: dbi });
        // The deletion ended the replication, as RDS ends it; the other side sees that too.
        const [replica] = (await otherWest.send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: DB }))).DBInstanceAutomatedBackups!;
        expect(replica).to.deep.include({ Status: "retained", Region: "us-east-1" });
        const time = new Date((retained!.RestoreWindow!.EarliestTime!.getTime() + retained!.RestoreWindow!.LatestTime!.getTime()) / 2);
        await otherEast.send(new RestoreDBInstanceToPointInTimeCommand({ TargetDBInstanceIdentifier: "gametracker-mssql-back", SourceDbiResourceId: dbi, RestoreTime: time }));
        // The restore record, dates and all, reads back through the first.
        expect(one.restores).to.deep.equal([{ region: "us-east-1", target: "gametracker-mssql-back", source: { kind: "retained", dbiResourceId: dbi }, restoreTime: time, useLatestRestorableTime: false }]);

        const lone = emulator.clients({ middleware: alone.middleware }).rds;
        expect(await failure(lone.send(new DescribeDBInstanceAutomatedBackupsCommand({ DbiResourceId: dbi })))).to.deep.include({ name: "DBInstanceAutomatedBackupNotFoundFault" });
      } finally {
        for (const b of [one, other, alone]) b.destroy();
        fs.rmSync(stateDir, { recursive: true, force: true });
      }
    });
  });
});
