import { expect } from "chai";
import { DeleteDBInstanceCommand, DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient } from "@aws-sdk/client-rds";
import { DrillReport } from "../../automation/drill/report";
import { RestoreResult } from "../../automation/restore/restore";
import { EnvironmentOutputNames, RESTORE_PROJECT } from "../../contracts/stacks";
import { useEmulator } from "../support/emulator";
import { MotoRdsBackups } from "../support/moto-rds-backups";
import { PendingStatus, allSnapshots, backupsFingerprint, createDbNetwork, snapshotIds } from "../support/rds-fixtures";
import { DECLARED_SNAPSHOT, drillHarness, Harness, PRIMARY } from "./restore-fixtures";

/**
 * Every recovery source a restore can use besides the live primary — the retained
 * automated backups of a deleted primary, snapshot copies in another region — through the
 * real CLI, with moto answering for retained backups as RDS does (moto-rds-backups.ts).
 * Replicated backups and the region-loss path are region-loss.test.ts.
 */
describe("restore sources: retained backups of a deleted primary, snapshot copies (in-memory stacks + moto)", () => {
  const emulator = useEmulator();
  let backups: MotoRdsBackups;
  let h: Harness;

  beforeEach(async () => {
    backups = new MotoRdsBackups(emulator.endpoint());
    h = await drillHarness((o) => emulator.clients(o), emulator.endpoint(), { middleware: backups.middleware });
  });
  afterEach(() => {
    h.dispose();
    backups.destroy();
  });

  const describe1 = async (rds: RDSClient, id: string) => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
  const instances = async (rds: RDSClient) => ((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((i) => i.DBInstanceIdentifier).sort();
  const snapshotsOf = async (rds: RDSClient) => (await allSnapshots(rds, { instance: PRIMARY })).map((s) => ({ id: s.DBSnapshotIdentifier, type: s.SnapshotType, status: s.Status, created: s.SnapshotCreateTime?.toISOString(), tags: s.TagList }));

  /** The primary is deleted, its automated backups kept (as the Database component asks: deleteAutomatedBackups false). */
  async function deletePrimary(): Promise<{ dbi: string; earliest: Date; latest: Date }> {
    const dbi = (await describe1(h.aws.rds, PRIMARY)).DbiResourceId!;
    await h.aws.rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: PRIMARY, DeletionProtection: false, ApplyImmediately: true }));
    await h.aws.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: PRIMARY, SkipFinalSnapshot: true, DeleteAutomatedBackups: false }));
    const [retained] = (await h.aws.rds.send(new DescribeDBInstanceAutomatedBackupsCommand({ DbiResourceId: dbi }))).DBInstanceAutomatedBackups!;
    return { dbi, earliest: retained!.RestoreWindow!.EarliestTime!, latest: retained!.RestoreWindow!.LatestTime! };
  }

  it("primary deleted: its retained backups are restored to a time, onto the environment's network; its backups and snapshots are untouched", async () => {
    const { dbi, earliest, latest } = await deletePrimary();
    const before = { backups: await backupsFingerprint(h.aws.rds, PRIMARY), snapshots: await snapshotsOf(h.aws.rds) };
    const time = new Date(Math.floor((earliest.getTime() + latest.getTime()) / 2)).toISOString();

    const result = await h.run(["restore", "--stack", "dev", "--from", `retained:${dbi}@${time}`, "--yes", "--json"]);
    expect(result.code, result.stderr).to.equal(0);
    const json = result.json<RestoreResult>();
    expect(json).to.deep.include({ passed: true, region: "us-east-1", targetInstance: "gametracker-mssql-restore" });
    expect(json.recoveryPoint).to.deep.equal({ label: `retained:${dbi}@${time}`, time, source: "retained", from: `retained automated backups of deleted instance ${PRIMARY} (${dbi}) in us-east-1` });
    // What RDS was asked: exactly those backups, to exactly that time.
    expect(backups.restores).to.deep.equal([{ region: "us-east-1", target: "gametracker-mssql-restore", source: { kind: "retained", dbiResourceId: dbi }, restoreTime: new Date(time), useLatestRestorableTime: false }]);
    const restored = await describe1(h.aws.rds, "gametracker-mssql-restore");
    expect(restored.DBSubnetGroup?.DBSubnetGroupName).to.equal(h.network.subnetGroupName);
    expect(restored.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).to.deep.equal([h.network.securityGroupId]);
    expect(Object.fromEntries((restored.TagList ?? []).map((t) => [t.Key, t.Value]))).to.include({ "gametracker:recovery-point": `retained:${dbi}@${time}`, "gametracker:source-instance": PRIMARY });
    expect({ backups: await backupsFingerprint(h.aws.rds, PRIMARY), snapshots: await snapshotsOf(h.aws.rds) }).to.deep.equal(before);
  });

  it("a drill without a live primary restores the newest point (the retained backups' last) and cleans up", async () => {
    const { dbi } = await deletePrimary();
    const result = await h.run(["drill", "--stack", "dev", "--json"]);
    expect(result.code, result.stderr).to.equal(0);
    const report = result.json<DrillReport>();
    expect(report).to.deep.include({ outcome: "passed" });
    expect(report.recoveryPoint).to.deep.include({ label: `retained:${dbi}@latest`, source: "retained", region: "us-east-1" });
    expect(report.cleanup.status).to.equal("destroyed");
    expect(backups.restores.map((r) => [r.source, r.useLatestRestorableTime])).to.deep.equal([[{ kind: "retained", dbiResourceId: dbi }, true]]);
    expect(await instances(h.aws.rds)).to.deep.equal([]);
  });

  it("refuses every bad recovery point of the new sources with one sentence and exit 2, before anything is created", async () => {
    const { dbi, earliest } = await deletePrimary();
    const west = h.awsIn("us-west-2");
    const drNetwork = await createDbNetwork(west.rds, emulator.endpoint(), "gametracker-mssql", "us-west-2");
    await h.environment("dev-dr", { [EnvironmentOutputNames.awsRegion]: "us-west-2", [EnvironmentOutputNames.databaseRole]: "standby", [EnvironmentOutputNames.dbSubnetGroupName]: "missing-subnets", [EnvironmentOutputNames.dbSecurityGroupId]: drNetwork.securityGroupId });
    const before = await snapshotIds(h.aws.rds);
    const cases: Array<[string[], string]> = [
      [["--from", "retained:db-NOSUCHRESOURCEID@latest"], `error: retained:db-NOSUCHRESOURCEID@latest: us-east-1 has no automated backups with resource id db-NOSUCHRESOURCEID (retained here: ${dbi}); check the id with gametracker-dr snapshots list --region us-east-1.`],
      [["--from", `retained:${dbi}@${new Date(earliest.getTime() - 3_600_000).toISOString()}`], `is before the earliest restorable time`],
      [["--from", "retained:gametracker-mssql@latest"], "names no resource id of a deleted instance"],
      [["--from", "replica:latest"], "error: --from replica:…: environment dev replicates no automated backups (its databaseBackupReplicationRegion is empty)"],
      [["--from", "snapshot:arn:aws:rds:us-west-2:123456789012:snapshot:gametracker-manual-backup-v1"], "error: Snapshot gametracker-manual-backup-v1 is in us-west-2, but environment dev's subnet group and security groups are in us-east-1"],
      [["--from", "latest-restorable", "--region", "us-west-2"], "but this restore would run in us-west-2"],
    ];
    for (const [from, message] of cases) {
      const result = await h.run(["restore", "--stack", "dev", ...from, "--yes"]);
      expect(result.code, `${from.join(" ")}: ${result.stderr}`).to.equal(2);
      expect(result.stderr, from.join(" ")).to.contain(message);
      expect(result.stderr.trim().split("\n").filter((l) => l.startsWith("error:"))).to.have.length(1);
    }
    // A backup of another edition than the environment declares.
    await h.environment("dev", { [EnvironmentOutputNames.databaseEngine]: "sqlserver-se" });
    const edition = await h.run(["drill", "--stack", "dev", "--from", `retained:${dbi}@latest`]);
    expect(edition.code).to.equal(2);
    expect(edition.stderr).to.contain(`are of engine sqlserver-ex, but the environment runs sqlserver-se (its databaseEngine output)`);
    // The standby stack's subnet group does not exist in its region.
    const drill = await h.run(["drill", "--stack", "dev-dr", "--from", "replica:latest"]);
    expect(drill.code).to.equal(2);
    expect(drill.stderr).to.contain("error: replica:latest: us-west-2 holds no automated backups of gametracker-mssql replicated from another region");
    const absent = await h.run(["drill", "--stack", "dev-dr", "--from", `snapshot:${DECLARED_SNAPSHOT}`]);
    expect(absent.code).to.equal(2);
    expect(absent.stderr).to.contain(`error: Snapshot ${DECLARED_SNAPSHOT} does not exist in us-west-2`);
    // A copy there (made without a live primary), but no subnet group of the standby stack in that region.
    expect((await h.run(["snapshots", "copy", "--stack", "dev", "--name", DECLARED_SNAPSHOT, "--to-region", "us-west-2"])).code).to.equal(0);
    const placement = await h.run(["drill", "--stack", "dev-dr", "--from", `snapshot:${DECLARED_SNAPSHOT}`]);
    expect(placement.code).to.equal(2);
    expect(placement.stderr).to.contain("error: DB subnet group missing-subnets (stack dev-dr's) does not exist in us-west-2, where this restore runs;");
    expect(h.stacks.history.filter((e) => e.project === RESTORE_PROJECT)).to.deep.equal([]);
    expect(backups.restores).to.deep.equal([]);
    expect(await snapshotIds(h.aws.rds)).to.deep.equal(before);
    expect(await snapshotIds(west.rds)).to.deep.equal([DECLARED_SNAPSHOT]);
    expect(await instances(h.aws.rds)).to.deep.equal([]);
    expect(await instances(west.rds)).to.deep.equal([]);
  });

  it("snapshot copies: copied to another region, listed and restored there (a drill on its standby network), pruned there, and checked", async () => {
    const west = h.awsIn("us-west-2");
    const eastBefore = await snapshotsOf(h.aws.rds);
    for (const name of ["weekly-1", "weekly-2"]) expect((await h.run(["snapshots", "create", "--stack", "dev", "--name", name])).code).to.equal(0);
    const eastSnapshots = await snapshotsOf(h.aws.rds);

    const first = await h.run(["snapshots", "copy", "--stack", "dev", "--name", "weekly-1", "--to-region", "us-west-2", "--json"]);
    expect(first.code, first.stderr).to.equal(0);
    const copy = first.json();
    expect(copy).to.deep.include({ snapshot: "weekly-1", region: "us-west-2", status: "available", waited: true });
    expect(copy.source).to.deep.equal({ snapshot: "weekly-1", arn: "arn:aws:rds:us-east-1:123456789012:snapshot:weekly-1", region: "us-east-1" });
    expect(copy.tags).to.include({ "created-by": "gametracker-dr", "gametracker:source-instance": PRIMARY, "gametracker:source-snapshot": copy.source.arn, "gametracker:source-region": "us-east-1" });
    // The newest snapshot by default; waited for while RDS reports the copy `creating` (as it does for minutes).
    const pending = new PendingStatus("DescribeDBSnapshots", "creating", 3);
    const sleeps = h.clock.sleeps.length;
    const second = await h.run(["snapshots", "copy", "--stack", "dev", "--to-region", "us-west-2", "--json"], { middleware: (stack, region) => region === "us-west-2" && pending.middleware(stack) });
    expect(second.code, second.stderr).to.equal(0);
    expect(second.json()).to.deep.include({ snapshot: "weekly-2", waited: true, status: "available" });
    expect(pending.rewritten).to.equal(3);
    expect(h.clock.sleeps.length - sleeps).to.equal(2);
    expect(second.stderr).to.contain("waiting for DB snapshot weekly-2 to be available");

    for (const [argv, message] of [
      [["--to-region", "us-east-1"], "error: --to-region us-east-1 is the region snapshot weekly-2 is already in"],
      [["--to-region", "us-west-2"], "error: DB snapshot weekly-2 already exists in us-west-2 (manual, available, a copy from us-east-1)"],
      [["--name", "no-such", "--to-region", "us-west-2"], "error: Snapshot no-such does not exist in us-east-1"],
      [["--to-region", "west"], 'error: Invalid --to-region "west": it is not an AWS region name such as us-west-2; give the region to copy to (aws ec2 describe-regions lists them).'],
      [[], "error: snapshots copy needs --to-region <region>"],
    ] as const) {
      const refused = await h.run(["snapshots", "copy", "--stack", "dev", ...argv]);
      expect(refused.code, argv.join(" ")).to.equal(2);
      expect(refused.stderr, argv.join(" ")).to.contain(message);
    }

    const listed = await h.run(["snapshots", "list", "--stack", "dev", "--region", "us-west-2", "--json"]);
    expect(listed.code, listed.stderr).to.equal(0);
    const list = listed.json();
    expect(list).to.deep.include({ instance: PRIMARY, region: "us-west-2", instanceExists: false });
    expect(list.snapshots.map((s: { identifier: string; copiedFrom: string }) => [s.identifier, s.copiedFrom])).to.deep.equal([
      ["weekly-2", "us-east-1"],
      ["weekly-1", "us-east-1"],
    ]);

    // Restored in us-west-2, on the standby stack's network there.
    const dr = await createDbNetwork(west.rds, emulator.endpoint(), "gametracker-mssql", "us-west-2");
    await h.environment("dev-dr", {
      [EnvironmentOutputNames.awsRegion]: "us-west-2",
      [EnvironmentOutputNames.databaseRole]: "standby",
      [EnvironmentOutputNames.dbSubnetGroupName]: dr.subnetGroupName,
      [EnvironmentOutputNames.dbSecurityGroupId]: dr.securityGroupId,
    });
    const arn = "arn:aws:rds:us-west-2:123456789012:snapshot:weekly-2";
    const drill = await h.run(["drill", "--stack", "dev-dr", "--from", `snapshot:${arn}`, "--json"]);
    expect(drill.code, drill.stderr).to.equal(0);
    const report = drill.json<DrillReport>();
    expect(report).to.deep.include({ outcome: "passed", environment: "dev-dr" });
    expect(report.recoveryPoint).to.deep.include({ label: "snapshot:weekly-2", source: "snapshot-copy", region: "us-west-2", from: "copy of manual snapshot weekly-2 (copied from us-east-1) in us-west-2" });
    expect(report.checks.find((c) => c.id === "subnet-group")?.actual).to.equal(dr.subnetGroupName);
    const config = h.stacks.history.filter((e) => e.project === RESTORE_PROJECT && e.verb === "setConfig" && e.key === "aws:region");
    expect(config.map((e) => e.value)).to.deep.equal(["us-west-2"]);
    expect(report.cleanup.status).to.equal("destroyed");
    expect(await instances(west.rds)).to.deep.equal([]);

    // Pruned there: the newest copy is kept, the older one of this tool's goes; the home region is untouched.
    const pruned = await h.run(["snapshots", "prune", "--stack", "dev", "--region", "us-west-2", "--keep-last", "0", "--yes", "--json"]);
    expect(pruned.code, pruned.stderr).to.equal(0);
    expect(pruned.json().deleted).to.deep.equal(["weekly-1"]);
    expect(await snapshotIds(west.rds)).to.deep.equal(["weekly-2"]);
    expect(await snapshotsOf(h.aws.rds)).to.deep.equal(eastSnapshots);
    expect(eastSnapshots.length).to.equal(eastBefore.length + 2);

    // check: copies per configured region, and their age.
    await h.environment("dev", { [EnvironmentOutputNames.snapshotCopyRegions]: ["us-west-2"] });
    const check = await h.run(["check", "--stack", "dev", "--json"]);
    const row = check.json().checks.find((c: { id: string }) => c.id === "snapshot-copies:us-west-2");
    expect(row).to.deep.include({ status: "pass" });
    expect(row.detail).to.match(/^1 copy; weekly-2 is \S+ old \(limit 8d\)$/);
    h.clock.advance(5_000);
    const late = await h.run(["check", "--stack", "dev", "--max-copy-age", "1s", "--json"]);
    expect(late.code).to.equal(1);
    expect(late.json().checks.find((c: { id: string }) => c.id === "snapshot-copies:us-west-2").status).to.equal("fail");
  });
});
