import { expect } from "chai";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { newRunId } from "../../automation/restore/naming";
import { RestoreResult } from "../../automation/restore/restore";
import { ENVIRONMENT_PROJECT, isRestoreStackOf, RESTORE_PROJECT, restoreStackName, RestoreOutputNames } from "../../contracts/stacks";
import { useEmulator } from "../support/emulator";
import { FakeInterrupts } from "../support/interrupts";
import { createSqlServerInstance, primaryFingerprint } from "../support/rds-fixtures";
import { drillHarness, Harness, PRIMARY } from "./restore-fixtures";

describe("restore (in-memory stacks + moto)", () => {
  const emulator = useEmulator();
  let h: Harness;
  let before: unknown;
  let restoreId: string;
  let stackName: string;

  beforeEach(async () => {
    h = await drillHarness((o) => emulator.clients(o), emulator.endpoint());
    before = await primaryFingerprint(h.aws.rds, PRIMARY);
    restoreId = newRunId(h.clock.now(), () => 0.5);
    stackName = restoreStackName("dev", restoreId);
  });
  afterEach(() => h.dispose());

  const describe1 = async (id: string) => (await h.aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
  const instances = async () => ((await h.aws.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((i) => i.DBInstanceIdentifier).sort();

  it("restores the newest point (latest: the primary's latest restorable time) to gametracker-mssql-restore with full hardening, verifies it and prints the endpoint", async () => {
    const result = await h.run(["restore", "--stack", "dev", "--from", "latest", "--yes"]);
    expect(result.code, result.stderr).to.equal(0);
    expect(isRestoreStackOf("dev", stackName)).to.equal(true);
    const restored = await describe1("gametracker-mssql-restore");
    expect(result.stdout).to.contain(`restore ${restoreId}: VERIFIED`);
    expect(result.stdout).to.contain(`endpoint       ${restored.Endpoint!.Address}:1433`);
    expect(result.stdout).to.contain(`next: gametracker-dr cutover --stack dev --to ${stackName}`);
    // A cut-over target keeps the primary's hardening and is not a drill (cleanup must not take it).
    expect(restored.DeletionProtection).to.equal(true);
    expect(restored.BackupRetentionPeriod).to.equal(7);
    expect(restored.DBSubnetGroup?.DBSubnetGroupName).to.equal(h.network.subnetGroupName);
    expect(restored.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).to.deep.equal([h.network.securityGroupId]);
    const tags = Object.fromEntries((restored.TagList ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).to.not.have.property("gametracker:drill-id");
    expect(tags).to.include({ "gametracker:recovery-point": "latest-restorable", "gametracker:purpose": "cutover" });
    expect(result.stdout).to.contain(`source         automated backups of ${PRIMARY} in us-east-1`);
    // The restore stack stays, with the outputs the cut-over reads.
    const state = h.stacks.inspect({ project: RESTORE_PROJECT, stack: stackName })!;
    expect(state.outputs[RestoreOutputNames.address]?.value).to.equal(restored.Endpoint!.Address);
    expect(state.outputs[RestoreOutputNames.purpose]?.value).to.equal("cutover");
    expect(h.stacks.mutations({ project: ENVIRONMENT_PROJECT, stack: "dev" })).to.deep.equal([]);
    expect(await primaryFingerprint(h.aws.rds, PRIMARY)).to.deep.equal(before);
  });

  it("prints the result as JSON, with the secret's ARN and never a password", async () => {
    const result = await h.run(["restore", "--stack", "dev", "--from", "latest-restorable", "--target-id", "gametracker-mssql-0930", "--instance-class", "db.t3.small", "--yes", "--json"]);
    expect(result.code, result.stderr).to.equal(0);
    const json = result.json<RestoreResult>();
    expect(json).to.deep.include({ restoreId, stackName, targetInstance: "gametracker-mssql-0930", passed: true, resumed: false });
    expect(json.recoveryPoint!.label).to.equal("latest-restorable");
    expect(json.secretArn).to.match(/^arn:aws:secretsmanager:/);
    expect(result.stdout).to.not.match(/password/i);
    expect((await describe1("gametracker-mssql-0930")).DBInstanceClass).to.equal("db.t3.small");
  });

  it("asks first, and creates nothing when the answer is no", async () => {
    const questions: string[] = [];
    const result = await h.run(["restore", "--stack", "dev"], { ask: async (q) => (questions.push(q), false) });
    expect(questions).to.have.length(1);
    expect(questions[0]).to.match(new RegExp(`^Restore ${PRIMARY} from latest-restorable \\(\\S+; automated backups of ${PRIMARY} in us-east-1\\) to a new instance gametracker-mssql-restore \\(db.t3.micro, us-east-1, subnet group ${h.network.subnetGroupName}, security groups ${h.network.securityGroupId}\\) in stack ${RESTORE_PROJECT}/${stackName}\\? It is billed until deleted\\.$`));
    expect(result.code).to.equal(1);
    expect(result.stdout).to.contain("cancelled: nothing was created");
    expect(h.stacks.mutations()).to.deep.equal([]);
    expect(await instances()).to.deep.equal([PRIMARY]);
  });

  it("refuses to act unasked without a terminal", async () => {
    const result = await h.run(["restore", "--stack", "dev"]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain("Re-run with --yes to confirm (no terminal to ask on).");
    expect(h.stacks.mutations()).to.deep.equal([]);
  });

  it("refuses a target identifier already taken, before anything is created", async () => {
    await createSqlServerInstance(h.aws.rds, { identifier: "gametracker-mssql-restore" });
    const result = await h.run(["restore", "--stack", "dev", "--yes"]);
    expect(result.code).to.equal(2);
    expect(result.stderr.trimEnd().split("\n").pop()).to.equal(
      "error: DB instance gametracker-mssql-restore already exists (status available); pass another --target-id, or delete or cut over to the existing one first.",
    );
    expect(h.stacks.mutations()).to.deep.equal([]);
    expect(h.stacks.history.filter((e) => e.project === RESTORE_PROJECT)).to.deep.equal([]);
  });

  it("refuses bad input: invalid --target-id, unknown stack, --resume with --from", async () => {
    for (const [argv, message] of [
      [["restore", "--stack", "dev", "--target-id", "9lives", "--yes"], 'error: --target-id "9lives" is not a valid RDS instance identifier: it must start with a letter; choose another name.'],
      [["restore", "--stack", "nope", "--yes"], "error: Unknown environment stack nope:"],
      [["restore", "--stack", "dev", "--resume", restoreId, "--from", "latest"], `error: --resume ${restoreId} continues a restore`],
      [["restore", "--yes"], "error: restore needs --stack <environment stack>"],
    ] as const) {
      const result = await h.run([...argv]);
      expect(result.code, argv.join(" ")).to.equal(2);
      expect(result.stderr).to.contain(message);
    }
    expect(h.stacks.mutations()).to.deep.equal([]);
  });

  it("keeps a failed restore's stack and continues it with --resume", async () => {
    h.stacks.failNext(stackName, "up", new Error("network blip"), { after: true });
    const failed = await h.run(["restore", "--stack", "dev", "--yes"]);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.contain(`error: Restore stack ${RESTORE_PROJECT}/${stackName} failed at step restore: network blip — continue with gametracker-dr restore --stack dev --resume ${restoreId}`);
    expect(h.stacks.exists({ project: RESTORE_PROJECT, stack: stackName })).to.equal(true);
    h.stacks.clearHistory();
    const resumed = await h.run(["restore", "--stack", "dev", "--resume", restoreId, "--json"]);
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(resumed.json<RestoreResult>()).to.deep.include({ restoreId, resumed: true, passed: true, targetInstance: "gametracker-mssql-restore" });
    // Its recorded spec is reused, not rewritten; the program's config is written again from it.
    expect(h.stacks.history.filter((e) => e.verb === "createOrSelect" || e.verb === "setTags")).to.deep.equal([]);
    expect(h.stacks.history.filter((e) => e.verb === "setConfig").map((e) => e.key)).to.deep.equal(["aws:region", "gametracker-restore:spec"]);
    expect(await instances()).to.deep.equal([PRIMARY, "gametracker-mssql-restore"]);
  });

  it("Ctrl-C twice while the update hangs: the run stops waiting after the update's grace, names the exact command, and --resume finishes it", async () => {
    const interrupts = new FakeInterrupts();
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    // An update that does not stop when told (a stuck engine): the second press waits its 2 s grace and no longer.
    h.stacks.beforeNext(stackName, "up", async () => {
      interrupts.fire();
      interrupts.fire();
      await hung;
    });
    const stopped = await h.run(["restore", "--stack", "dev", "--from", "latest", "--yes"], { interrupts });
    release();
    expect(stopped.code).to.equal(1);
    const resume = `gametracker-dr restore --stack dev --resume ${restoreId}`;
    const left = `${RESTORE_PROJECT}/${stackName} is left as a killed run leaves it (perhaps locked, with a pending operation, which the next run resolves); continue with ${resume}, or remove it with gametracker-dr cleanup`;
    expect(stopped.stderr.trimEnd().split("\n").pop()).to.equal(
      `error: Restore stack ${RESTORE_PROJECT}/${stackName} failed at step restore: Interrupted (SIGINT) — stopped waiting for the Pulumi update of restore stack ${RESTORE_PROJECT}/${stackName}: ${left}.`,
    );
    expect(h.stacks.exists({ project: RESTORE_PROJECT, stack: stackName })).to.equal(true);

    const resumed = await h.run(["restore", "--stack", "dev", "--resume", restoreId, "--json"]);
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(await instances()).to.deep.equal([PRIMARY, "gametracker-mssql-restore"]);
  });
});
