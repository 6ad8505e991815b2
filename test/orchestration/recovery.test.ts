/**
 * A run that was killed is finished by the next run — through the real CLI, on MemoryStacks
 * and moto: `drill --resume` and `cleanup` after a drill killed in the middle of its
 * instance's create (the lock of a process that is gone, a pending create, an instance that
 * may exist), and `cleanup` of a stack killed before its spec was written. (A killed
 * `cutover`/`rollback`: test/orchestration/cutover.test.ts.) MemoryStacks' kill levers are pinned to the engine's behaviour by
 * test/engine/memory-stacks-contract.test.ts; the engine tier does the same with real
 * SIGKILLs (test/engine/recovery.test.ts).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import type { MiddlewareStack } from "@smithy/types";
import { DrillReport } from "../../automation/drill/report";
import { newRunId } from "../../automation/restore/naming";
import { drillStackName, RESTORE_PROJECT, restoreStackName } from "../../contracts/stacks";
import { useEmulator } from "../support/emulator";
import { createSqlServerInstance } from "../support/rds-fixtures";
import { MotoRdsBackups } from "../support/moto-rds-backups";
import { DECLARED_SNAPSHOT, drillHarness, Harness } from "./restore-fixtures";

const RDS_INSTANCE = "aws:rds/instance:Instance";
const HOUR = 3_600_000;

/** The pid of a process that has exited: a killed run's lock holder on this host. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

describe("recovery: a killed drill or restore is finished by --resume or by cleanup (orchestration: MemoryStacks + moto)", function () {
  this.timeout(120_000);
  const emulator = useEmulator();
  let backups: MotoRdsBackups;
  let h: Harness;
  let drillId: string;
  let stackName: string;
  let target: string;

  beforeEach(async () => {
    // Distinct DbiResourceIds, as RDS has them: an import goes by that id.
    backups = new MotoRdsBackups(emulator.endpoint());
    h = await drillHarness((o) => emulator.clients(o), emulator.endpoint(), { middleware: backups.middleware });
    drillId = newRunId(h.clock.now(), () => 0.5);
    stackName = drillStackName("dev", drillId);
    target = `gametracker-mssql-drill-${drillId}`;
  });
  afterEach(() => {
    h.dispose();
    backups.destroy();
  });

  const instances = async () => ((await h.aws.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((d) => d.DBInstanceIdentifier!).sort();

  /** A drill killed in its instance's create, before or after RDS made the instance; what the kill leaves stays. */
  async function killedDrill(when: "before-create" | "after-create", holder = { pid: deadPid(), hostname: os.hostname() }): Promise<void> {
    h.stacks.interruptNext(`${RESTORE_PROJECT}/${stackName}`, { type: RDS_INSTANCE, when }, holder);
    const first = await h.run(["drill", "--stack", "dev", "--from", `snapshot:${DECLARED_SNAPSHOT}`, "--keep", "--json"]);
    expect(first.code).to.equal(1);
    const stack = await h.stacks.select({ project: RESTORE_PROJECT, stack: stackName });
    expect((await stack.pendingOperations()).map((p) => `${p.operation} ${p.type}`)).to.deep.equal([`creating ${RDS_INSTANCE}`]);
    expect((await stack.lockState()).state).to.equal("held");
    expect((await instances()).includes(target)).to.equal(when === "after-create");
    h.clock.advance(HOUR);
    h.stacks.clearHistory();
  }

  it("drill --resume after a kill once the instance existed: clears the stale lock, imports the instance, verifies it, and leaves nothing behind", async () => {
    await killedDrill("after-create");
    const resumed = await h.run(["drill", "--stack", "dev", "--resume", drillId, "--json"]);
    expect(resumed.code, resumed.stderr + resumed.stdout).to.equal(0);
    const report = resumed.json<DrillReport>();
    expect(report).to.deep.include({ drillId, resumed: true, outcome: "passed" });
    expect(report.recovered).to.have.length(2);
    expect(report.recovered![0]).to.match(new RegExp(`^cleared the stale lock of pid \\d+ on host ${os.hostname()}, taken .+Z \\(that process is gone\\)$`));
    expect(report.recovered![1]).to.match(new RegExp(`^imported the interrupted create of DB instance ${target} \\(db-[A-Z2-7]{26}, available in us-east-1\\); the next update applies what the interruption skipped$`));
    expect(resumed.stderr).to.contain(`${stackName}: imported the interrupted create of DB instance ${target}`);
    // One instance was ever made, and the drill's cleanup deleted it with its stack.
    expect(await instances()).to.deep.equal(["gametracker-mssql"]);
    expect(h.stacks.exists({ project: RESTORE_PROJECT, stack: stackName })).to.equal(false);
  });

  it("drill --resume waits (bounded) for an interrupted create that RDS is still carrying out, then imports it", async () => {
    await killedDrill("after-create");
    // RDS answers "creating" for the instance three times (moto makes instances available at once):
    // to the resume's check of its drill tag, to the recovery's look-up, and to its first wait.
    let answers = 0;
    const creating = (stack: MiddlewareStack<any, any>) =>
      stack.add(
        (next: any, context: any) => async (args: any) => {
          const result = await next(args);
          if (context.commandName === "DescribeDBInstancesCommand" && args.input.DBInstanceIdentifier === target && ++answers <= 3) {
            for (const db of result.output?.DBInstances ?? []) db.DBInstanceStatus = "creating";
          }
          return result;
        },
        { step: "initialize", name: "creating", priority: "low" },
      );
    const resumed = await h.run(["drill", "--stack", "dev", "--resume", drillId, "--json"], { middleware: creating });
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(resumed.json<DrillReport>().recovered![1]).to.match(new RegExp(`^imported the interrupted create of DB instance ${target} \\(db-\\w+, creating in us-east-1\\)`));
    expect(resumed.stderr).to.match(new RegExp(`waiting for DB instance ${target}, whose create was interrupted, to be available \\(\\d+s, status creating\\)`));
    expect(await instances()).to.deep.equal(["gametracker-mssql"]);
  });

  it("drill --resume after a kill before RDS made the instance: clears the pending create and makes the instance once", async () => {
    await killedDrill("before-create");
    const resumed = await h.run(["drill", "--stack", "dev", "--resume", drillId, "--keep", "--json"]);
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(resumed.json<DrillReport>().recovered![1]).to.equal(`cleared the interrupted create of DB instance ${target}: RDS has no such instance in us-east-1, so the next update creates it`);
    expect(await instances()).to.deep.equal(["gametracker-mssql", target]);
  });

  it("restore --resume neither imports nor creates again an instance of the planned name that is not the stack's: one sentence, nothing changed", async () => {
    const restoreStack = restoreStackName("dev", drillId);
    const restoreTarget = "gametracker-mssql-restore";
    h.stacks.interruptNext(`${RESTORE_PROJECT}/${restoreStack}`, { type: RDS_INSTANCE, when: "before-create" }, { pid: deadPid(), hostname: os.hostname() });
    expect((await h.run(["restore", "--stack", "dev", "--from", `snapshot:${DECLARED_SNAPSHOT}`, "--yes", "--json"])).code).to.equal(1);
    // Someone else's instance took the name meanwhile.
    await createSqlServerInstance(h.aws.rds, { identifier: restoreTarget, tags: { app: "other" } });
    h.stacks.clearHistory();
    const resumed = await h.run(["restore", "--stack", "dev", "--resume", drillId, "--json"]);
    expect(resumed.code).to.equal(1);
    expect(resumed.stderr).to.match(
      new RegExp(`error: Restore stack ${RESTORE_PROJECT}/${restoreStack} failed at step restore: Stack organization/${RESTORE_PROJECT}/${restoreStack} was interrupted while creating DB instance ${restoreTarget}, and an instance of that name exists in us-east-1, but its tag gametracker:component is missing, not "database", so it is not the stack's and was neither imported nor created again; .*aws rds delete-db-instance --db-instance-identifier ${restoreTarget} --skip-final-snapshot --region us-east-1`),
    );
    const stack = await h.stacks.select({ project: RESTORE_PROJECT, stack: restoreStack });
    expect((await stack.pendingOperations()).length).to.equal(1);
    expect(h.stacks.mutations().map((e) => e.verb)).to.deep.equal(["clearStaleLock"]);
    expect(await instances()).to.include(restoreTarget);
  });

  it("refuses to resume while another host's run holds the lock: one sentence with the command, nothing changed", async () => {
    await killedDrill("after-create", { pid: 4242, hostname: "runner-7" });
    const resumed = await h.run(["drill", "--stack", "dev", "--resume", drillId, "--json"]);
    expect(resumed.code).to.equal(1);
    const name = `organization/${RESTORE_PROJECT}/${stackName}`;
    expect(resumed.json<DrillReport>().error).to.match(
      new RegExp(`^Stack ${name} is locked by an update of .+@runner-7 \\(pid 4242\\) since .+ on another host, which this tool cannot see; if that run is gone, run pulumi cancel --yes -s ${name}, then run this command again — nothing was changed\\.$`),
    );
    expect(h.stacks.mutations()).to.deep.equal([]);
    expect(await instances()).to.include(target);
  });

  it("cleanup after the kill: recovers the stack, then destroys it with its instance, and exits 0", async () => {
    await killedDrill("after-create");
    const run = await h.run(["cleanup", "--older-than", "30m", "--yes", "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    const item = run.json().items.find((i: { name: string }) => i.name === stackName);
    expect(item).to.deep.include({ action: "destroy-stack", outcome: "destroyed" });
    expect(item.reason).to.match(/; its lock is stale and is cleared first \(pid \d+ on this host, taken .+Z, is gone\)$/);
    expect(item.detail).to.match(/^first cleared the stale lock of pid \d+ .+; imported the interrupted create of DB instance /);
    expect(await instances()).to.deep.equal(["gametracker-mssql"]);
    expect(h.stacks.exists({ project: RESTORE_PROJECT, stack: stackName })).to.equal(false);
  });

  it("cleanup removes a stack killed before its spec was written: its age comes from the run id in its name", async () => {
    const old = drillStackName("dev", "202611011200abcd");
    await h.stacks.createOrSelect({ project: RESTORE_PROJECT, stack: old });
    const run = await h.run(["cleanup", "--yes", "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    const item = run.json().items.find((i: { name: string }) => i.name === old);
    expect(item).to.deep.include({ action: "destroy-stack", outcome: "destroyed" });
    expect(item.reason).to.match(/^left behind: never deployed, started \d+d(\d+h)? ago, not in use; it manages no existing instance$/);
    expect(h.stacks.exists({ project: RESTORE_PROJECT, stack: old })).to.equal(false);
  });
});
