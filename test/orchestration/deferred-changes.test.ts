/**
 * A change RDS defers to the primary's maintenance window, and what the tool does with it
 * (MemoryStacks + moto, with moto-gaps.ts's rds-pending-modifications on every client, so
 * RDS answers as it does while a modification waits): the environment's next preview shows
 * it again; cutover and rollback change the API Lambda alone and report it as not applied;
 * check says what is pending and until when. The engine tier proves the cut-over on the
 * real engine (dr-scenarios.test.ts).
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DescribeDBInstancesCommand, ModifyDBInstanceCommand } from "@aws-sdk/client-rds";
import type { MiddlewareStack } from "@smithy/types";
import { plainOutput, StackOutputs } from "../../automation/stacks/port";
import { EnvironmentOutputNames, RestoreOutputNames } from "../../contracts/stacks";
import { useEmulator } from "../support/emulator";
import { pendingModificationsMiddleware } from "../support/moto-gaps";
import { combineMiddleware, runCli } from "../support/rds-fixtures";
import { deployEnvironment, deployRestore, envId, lambdaEnvironment, newWorld, restoreId, World } from "./cutover-fixtures";

const INSTANCE = "aws:rds/instance:Instance";
const DEFERRED = { type: INSTANCE, name: "database-instance", op: "update", paths: ["instanceClass"] };

describe("a change RDS defers to the maintenance window, pending on the primary (orchestration: MemoryStacks + moto)", function () {
  this.timeout(120_000);
  const emulator = useEmulator();
  let state: string;
  let pending: ReturnType<typeof pendingModificationsMiddleware>;
  let modifies: number;
  let world: World;
  let envOutputs: StackOutputs;
  let restoreStack: string;
  let primary: string;

  // Every ModifyDBInstance anyone sends (the stacks' lifecycles or the tool) is counted.
  const counting = (stack: MiddlewareStack<any, any>) =>
    stack.add(
      (next: any, context: any) => async (args: any) => {
        if (context.commandName === "ModifyDBInstanceCommand") modifies += 1;
        return next(args);
      },
      { step: "initialize", name: "countModifies" },
    );

  beforeEach(async () => {
    state = fs.mkdtempSync(path.join(os.tmpdir(), "deferred-changes-"));
    pending = pendingModificationsMiddleware(state);
    world = newWorld(emulator.clients({ middleware: combineMiddleware(pending, counting) }));
    envOutputs = await deployEnvironment(world.stacks);
    restoreStack = await deployRestore(world.stacks, envOutputs, { id: "1" });
    primary = String(plainOutput(envOutputs, EnvironmentOutputNames.databaseIdentifier));
    // `pulumi up` of a bigger instance class: the program leaves applyImmediately false, so RDS waits for Sunday.
    const env = await world.stacks.select(envId());
    await env.setConfig("databaseInstanceClass", "db.t3.small");
    await env.up();
    world.stacks.clearHistory();
    modifies = 0;
  });
  afterEach(() => {
    world.moto.destroy();
    fs.rmSync(state, { recursive: true, force: true });
  });

  const cli = (argv: string[]) => runCli(argv, { clients: (o) => emulator.clients(o), middleware: pending, stacks: world.stacks, clock: world.clock });
  const instance = async () => (await emulator.clients({ middleware: pending }).rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: primary }))).DBInstances![0]!;
  const changes = async () => ((await (await world.stacks.select(envId())).preview()).steps.filter((s) => s.op !== "same" && s.op !== "read").map((s) => `${s.op} ${s.type} ${s.detailedPaths.join(",")}`));
  const datasourceHost = async () => /^jdbc:sqlserver:\/\/([^:;]+)/.exec((await lambdaEnvironment(emulator.clients(), String(plainOutput(envOutputs, EnvironmentOutputNames.apiFunctionName)))).SPRING_DATASOURCE_URL ?? "")?.[1];
  const verbs = () => world.stacks.history.filter((e) => e.project === "gametracker" && (e.verb === "preview" || e.verb === "up")).map((e) => e.verb);

  it("after the up, RDS holds the class for the window and the stack's next preview shows the update again", async () => {
    const db = await instance();
    expect([db.DBInstanceClass, db.PendingModifiedValues]).to.deep.equal(["db.t3.micro", { DBInstanceClass: "db.t3.small" }]);
    expect(await changes()).to.deep.equal([`update ${INSTANCE} instanceClass`]);
    // And so after every up until the window: the provider reads the current class back.
    await (await world.stacks.select(envId())).up();
    expect(await changes()).to.deep.equal([`update ${INSTANCE} instanceClass`]);
  });

  it("cutover and rollback change the API Lambda alone, guarded on the targeted preview, and list the change as not applied; RDS still holds it", async () => {
    const restored = String(world.stacks.inspect(restoreId(restoreStack))!.outputs[RestoreOutputNames.address]!.value);
    const cut = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes", "--json"]);
    expect(cut.code, cut.stderr).to.equal(0);
    const result = cut.json();
    expect(result.outcome).to.equal("switched");
    expect(result.preview.verdict.allowed).to.equal(true);
    expect(result.preview.notApplied.map(({ type, name, op, paths }: Record<string, unknown>) => ({ type, name, op, paths }))).to.deep.equal([DEFERRED]);
    expect(result.preview.targets.map((urn: string) => urn.split("::").pop())).to.have.members(["api-function", `organization/gametracker-restore/${restoreStack}`]);
    expect(result.preview.changeSummary).to.not.have.property("create");
    expect(cut.stderr).to.contain(`not applied, pending before the cut-over: update ${INSTANCE} database-instance (instanceClass)`);
    // The full preview, then the targeted one whose plan the update applies.
    expect(verbs()).to.deep.equal(["preview", "preview", "up"]);
    expect(await datasourceHost()).to.equal(restored);
    expect(modifies, "no ModifyDBInstance").to.equal(0);
    expect((await instance()).PendingModifiedValues).to.deep.equal({ DBInstanceClass: "db.t3.small" });
    expect(await changes()).to.deep.equal([`update ${INSTANCE} instanceClass`]);

    world.stacks.clearHistory();
    const back = await cli(["rollback", "--stack", "dev", "--yes"]);
    expect(back.code, back.stderr).to.equal(0);
    expect(back.stdout).to.contain("rollback done: dev moved from");
    expect(back.stdout).to.contain(`not applied, pending before the rollback: update ${INSTANCE} database-instance (instanceClass)`);
    expect(verbs()).to.deep.equal(["preview", "preview", "up"]);
    expect(await datasourceHost()).to.equal(String(plainOutput(envOutputs, EnvironmentOutputNames.databaseEndpoint)));
    expect(modifies, "no ModifyDBInstance").to.equal(0);
    // The rollback's target included the stack reference it discards: nothing of the switch is left behind.
    expect(await changes()).to.deep.equal([`update ${INSTANCE} instanceClass`]);
  });

  it("--preview-only lists what would stay pending and shows the targeted diff", async () => {
    const run = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--preview-only"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("**Guard: allowed**");
    expect(run.stdout).to.contain(`**Not applied, pending before the cut-over**`);
    expect(run.stdout).to.contain(`- \`update ${INSTANCE} database-instance (instanceClass)\``);
    expect(run.stdout).to.contain("~ environment.variables.SPRING_DATASOURCE_URL");
    expect(run.stdout).not.to.match(/instanceClass:/);
    expect(world.stacks.history.filter((e) => e.verb === "up")).to.deep.equal([]);
  });

  it("the guard still judges the Lambda: a change to it outside its environment is refused, and nothing is applied", async () => {
    await (await world.stacks.select(envId())).setConfig("apiMemorySize", "2048");
    world.stacks.clearHistory();
    const refused = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain(`not applied, pending before the cut-over: update ${INSTANCE} database-instance (instanceClass)`);
    expect(refused.stderr).to.contain(`Refusing to cut over dev to ${restoreStack}: the preview changes aws:lambda/function:Function api-function outside its environment (memorySize)`);
    expect(refused.stderr).not.to.contain("updates aws:rds/instance:Instance");
    expect(world.stacks.history.filter((e) => e.verb === "up")).to.deep.equal([]);
    expect(modifies).to.equal(0);
  });

  it("check reports the pending modification, the window it waits for, and that RDS records no request time", async () => {
    // By instance: the in-memory environment has no bucket in moto for check's bucket rows.
    const run = await cli(["check", "--db-instance", primary, "--json"]);
    expect(run.stdout, run.stderr).to.not.equal("");
    const row = run.json().checks.find((c: { id: string }) => c.id === "pending-modifications");
    expect(row.status).to.equal("info");
    expect(row.detail).to.match(/^DBInstanceClass db\.t3\.micro -> db\.t3\.small: applied in the (next maintenance window \(sun:05:00-sun:06:00 UTC\), opening \S+Z, in \S+|maintenance window open now .*?); RDS does not record when they were requested\./);
    const text = await cli(["check", "--db-instance", primary]);
    expect(text.stdout).to.match(/INFO\s+pending modifications\s+DBInstanceClass db\.t3\.micro -> db\.t3\.small/);
  });

  it("with nothing else pending, a cut-over is one untargeted preview and update, as before", async () => {
    // Applied now (and with it the queue): RDS holds nothing, and the stack's preview is empty.
    await (await world.stacks.select(envId())).setConfig("databaseInstanceClass", "db.t3.micro");
    await emulator.clients({ middleware: pending }).rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: primary, DBInstanceClass: "db.t3.micro", ApplyImmediately: true }));
    expect(await changes()).to.deep.equal([]);
    world.stacks.clearHistory();
    const cut = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes", "--json"]);
    expect(cut.code, cut.stderr).to.equal(0);
    expect(cut.json().preview.notApplied).to.deep.equal([]);
    expect(cut.json().preview).not.to.have.property("targets");
    expect(verbs()).to.deep.equal(["preview", "up"]);
  });
});
