/**
 * Engine tier: a run killed in the middle of `pulumi up` is finished by the next run. The
 * states are the real ones: a restore stack's update held by the stand-in's lever where
 * the RDS instance exists and its follow-up ModifyDBInstance has not run, then SIGKILL to
 * the `pulumi` process tree and to the plugin's process group. What is left — the DIY
 * backend's lock file of a process that is gone and the state's pending create — is
 * finished by a fresh adapter (as the next process would), through the one recovery
 * orchestration `restore --resume`, `drill --resume`, `cutover`/`rollback` and `cleanup`
 * use. (A lock held by a running update is refused: test/engine/lock-and-resume.test.ts.)
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DescribeDBInstancesCommand, DBInstance } from "@aws-sdk/client-rds";
import { AwsClients, createAwsClients } from "../../automation/aws/clients";
import { runCleanup } from "../../automation/cleanup/run";
import { cleanupExitCode } from "../../automation/cleanup/report";
import { finishInterruptedRun, RecoveryDeps } from "../../automation/recovery/finish";
import { restoreProgram } from "../../automation/restore/program";
import { configureRestoreStack, createRestoreStack, openRestoreStack, upRestoreStack } from "../../automation/restore/restore-stack";
import { RestoreSpec } from "../../automation/restore/spec";
import { systemClock } from "../../automation/clock";
import { RESTORE_PROJECT } from "../../contracts/stacks";
import { useEngine } from "../support/engine/harness";
import { killUpdate } from "../support/engine/kill";
import { createDbNetwork, createManualSnapshot, createSqlServerInstance } from "../support/rds-fixtures";
import { drillRestoreSpec } from "../support/restore-spec";
import { StreamOutput } from "../../automation/output";

const RDS_INSTANCE = "aws:rds/instance:Instance";

describe("engine tier: a killed run's lock and pending create are finished by the next run", function () {
  this.timeout(4 * 60_000);
  const engine = useEngine();
  let clients: AwsClients;
  beforeEach(() => {
    // Seeing RDS as the stand-in's instances see it (distinct DbiResourceIds: test/support/moto-gaps.ts).
    clients = createAwsClients({ endpoint: engine.motoEndpoint, region: "us-east-1", middleware: engine.rdsBackups.middleware });
  });
  afterEach(() => clients.destroy());

  const restoreStacks = () => engine.stacks({ inlinePrograms: { [RESTORE_PROJECT]: async () => restoreProgram() } });
  const instances = async (identifier: string): Promise<DBInstance[]> =>
    ((await clients.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).filter((d) => d.DBInstanceIdentifier === identifier);
  const lockFiles = (stack: string) => {
    const dir = path.join(engine.backendDir, ".pulumi", "locks", "organization", RESTORE_PROJECT, stack);
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  };
  const recoveryDeps = (extra: Partial<RecoveryDeps> = {}): RecoveryDeps => ({ rdsIn: () => ({ rds: clients.rds }), clock: systemClock, waitTimeoutMs: 60_000, ...extra });

  /** A drill's restore stack, killed where its instance exists and its follow-up modify has not run. */
  async function killedRestore(id: string): Promise<{ stackName: string; spec: RestoreSpec }> {
    await createSqlServerInstance(clients.rds, { identifier: "gametracker-mssql" });
    await createManualSnapshot(clients.rds, "gametracker-mssql", "gametracker-manual-backup-v1");
    const network = await createDbNetwork(clients.rds, engine.motoEndpoint);
    const spec = drillRestoreSpec({
      drillId: id,
      targetIdentifier: `gametracker-mssql-drill-${id}`,
      dbSubnetGroupName: network.subnetGroupName,
      securityGroupIds: [network.securityGroupId],
      backupRetentionDays: 3,
      startedAt: new Date(Date.now() - 60_000),
    });
    const stackName = `dev-drill-${id}`;
    const stack = await createRestoreStack(restoreStacks(), stackName, spec);
    await configureRestoreStack(stack, spec);
    const hold = engine.levers.hold({ op: "create", type: RDS_INSTANCE, step: "before-follow-up-modify" });
    const running = stack.up();
    running.catch(() => undefined);
    await hold.reached(120_000);
    killUpdate(hold);
    await running.catch(() => undefined);
    return { stackName, spec };
  }

  it("restore --resume after a SIGKILL: clears the stale lock, imports the half-made instance, and converges it — one instance, no lock, no pending operation", async () => {
    const { stackName, spec } = await killedRestore("202612071922kill");
    // What the kill left: the lock of a process that is gone, the create pending, the instance made but not modified.
    expect(lockFiles(stackName)).to.have.length.greaterThan(0);
    const [half] = await instances(spec.targetIdentifier);
    expect([half?.BackupRetentionPeriod, half?.MasterUserSecret]).to.deep.equal([7, undefined]);

    const progress: string[] = [];
    const { stack } = await openRestoreStack(restoreStacks(), stackName, "the drill");
    const recovery = await finishInterruptedRun(recoveryDeps({ onProgress: (m) => progress.push(m), notBefore: spec.startedAt }), stack);
    expect(recovery.actions).to.have.length(2);
    expect(recovery.actions[0]).to.match(new RegExp(`^cleared the stale lock of pid \\d+ on host ${os.hostname()}, taken \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(that process is gone\\)$`));
    expect(recovery.actions[1]).to.equal(`imported the interrupted create of DB instance ${spec.targetIdentifier} (${half!.DbiResourceId}, available in us-east-1); the next update applies what the interruption skipped`);
    expect(lockFiles(stackName)).to.deep.equal([]);
    expect(await stack.pendingOperations()).to.deep.equal([]);

    const restored = await upRestoreStack(stack, spec);
    const after = await instances(spec.targetIdentifier);
    expect(after, "never a second instance").to.have.length(1);
    expect(restored.identifier).to.equal(spec.targetIdentifier);
    expect(after[0]!.DbiResourceId).to.equal(half!.DbiResourceId);
    // The follow-up the kill skipped is applied: the managed secret and the declared backups.
    expect(after[0]!.MasterUserSecret?.SecretArn).to.be.a("string");
    expect(restored.secretArn).to.equal(after[0]!.MasterUserSecret?.SecretArn);
    expect(after[0]!.BackupRetentionPeriod).to.equal(3);
    const state = await engine.exportStack(RESTORE_PROJECT, stackName);
    expect(state.resources.filter((r) => r.type === RDS_INSTANCE).map((r) => r.id)).to.deep.equal([half!.DbiResourceId]);
    expect(lockFiles(stackName)).to.deep.equal([]);
    expect((await stack.preview()).steps.filter((s) => s.op !== "same")).to.deep.equal([]);
  });

  it("cleanup after a drill killed mid-create: recovers the stack, destroys it with its instance, exits 0", async () => {
    const { stackName, spec } = await killedRestore("202612071923kill");
    const output = new StreamOutput(true, { write: () => {} }, { write: () => {} });
    const result = await runCleanup(
      { stacks: restoreStacks(), rds: clients.rds, clock: { now: () => new Date(Date.now() + 3_600_000), sleep: systemClock.sleep }, output, confirm: async () => true },
      { olderThanMs: 1000, dryRun: false },
    );
    const item = result.items.find((i) => i.name === stackName)!;
    expect(item.outcome, JSON.stringify(item)).to.equal("destroyed");
    expect(item.detail).to.match(/^first cleared the stale lock of pid \d+ .*; imported the interrupted create of DB instance /);
    expect(cleanupExitCode(result)).to.equal(0);
    expect(await instances(spec.targetIdentifier)).to.deep.equal([]);
    expect((await restoreStacks().list(RESTORE_PROJECT)).map((s) => s.name)).to.deep.equal([]);
  });
});
