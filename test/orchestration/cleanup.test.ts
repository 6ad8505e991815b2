/**
 * cleanup through the real CLI against MemoryStacks (real programs) and moto: what it
 * removes is gone from moto and from the backend, what it keeps is untouched — above all
 * the restore stack an environment is cut over to, and every non-drill instance.
 */
import { expect } from "chai";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { plainOutput, StackOutputs } from "../../automation/stacks/port";
import { EnvironmentOutputNames } from "../../contracts/stacks";
import { useEmulator } from "../support/emulator";
import { allSnapshots, createSqlServerInstance, runCli } from "../support/rds-fixtures";
import { deployEnvironment, deployRestore, envId, newWorld, restoreId, World } from "./cutover-fixtures";

const HOUR = 3_600_000;

describe("cleanup (orchestration: MemoryStacks + moto)", function () {
  this.timeout(120_000);
  const emulator = useEmulator();
  let world: World;
  let envOutputs: StackOutputs;
  let primaryId: string;

  beforeEach(async () => {
    world = newWorld(emulator.clients());
    envOutputs = await deployEnvironment(world.stacks);
    primaryId = String(plainOutput(envOutputs, EnvironmentOutputNames.databaseIdentifier));
  });
  afterEach(() => world.moto.destroy());

  const cli = (argv: string[], ask?: (q: string) => Promise<boolean>) =>
    runCli(argv, { clients: (o) => emulator.clients(o), stacks: world.stacks, clock: world.clock, ...(ask ? { ask } : {}) });
  const instances = async () =>
    ((await emulator.clients().rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((d) => d.DBInstanceIdentifier!).sort();
  const restoreStacks = async () => (await world.stacks.list("gametracker-restore")).map((s) => s.name).sort();
  const rds = () => emulator.clients().rds;

  /** An environment cut over to dev-restore-live, a rolled-back dev-restore-old, an abandoned drill, orphan drill instances, another app's instance; all two days old. */
  async function leftovers() {
    await deployRestore(world.stacks, envOutputs, { id: "live" });
    await deployRestore(world.stacks, envOutputs, { id: "old" });
    await deployRestore(world.stacks, envOutputs, { id: "abandoned", purpose: "drill" });
    expect((await cli(["cutover", "--stack", "dev", "--to", "dev-restore-live", "--yes"])).code).to.equal(0);
    await createSqlServerInstance(rds(), { identifier: "gametracker-mssql-drill-orphan", deletionProtection: false, tags: { "gametracker:drill-id": "orphan", "gametracker:environment": "dev" } });
    await createSqlServerInstance(rds(), { identifier: "gametracker-mssql-drill-locked", deletionProtection: true, tags: { "gametracker:drill-id": "locked", "gametracker:environment": "dev" } });
    await createSqlServerInstance(rds(), { identifier: "other-app-db", deletionProtection: false, tags: { app: "other" } });
    world.clock.advance(50 * HOUR);
    world.stacks.clearHistory();
  }

  it("removes the abandoned drill stack and the orphan drill instance; keeps the active restore stack, protected and foreign instances", async () => {
    await leftovers();
    const primarySnapshots = (await allSnapshots(rds(), { instance: primaryId })).map((s) => `${s.DBSnapshotIdentifier}:${s.Status}`);
    const run = await cli(["cleanup", "--yes", "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    const outcomes = Object.fromEntries(run.json().items.map((i: any) => [i.name, `${i.outcome}: ${i.reason}`]));
    expect(outcomes["dev-drill-abandoned"]).to.match(/^destroyed: left behind: last updated 2d2h ago, not in use; destroys instance gametracker-mssql-drill-abandoned/);
    expect(outcomes["gametracker-mssql-drill-orphan"]).to.match(/^deleted: drill orphan left it behind without a stack/);
    expect(outcomes["dev-restore-live"]).to.match(/^kept: environment dev's databaseSource points at it/);
    expect(outcomes["dev-restore-old"]).to.match(/^kept: its instance gametracker-mssql-restore-old has deletion protection on/);
    expect(outcomes["gametracker-mssql-drill-locked"]).to.match(/^kept: deletion protection is on/);
    expect(outcomes).not.to.have.property("other-app-db");
    expect(outcomes).not.to.have.property(primaryId);

    // moto: the orphan and the abandoned drill's instance are gone (no final snapshots); everything else is there.
    expect(await instances()).to.deep.equal(["gametracker-mssql", "gametracker-mssql-drill-locked", "gametracker-mssql-restore-live", "gametracker-mssql-restore-old", "other-app-db"]);
    const finals = (await allSnapshots(rds(), { type: "manual" })).map((s) => s.DBSnapshotIdentifier);
    expect(finals.filter((id) => /drill/.test(id!))).to.deep.equal([]);
    expect((await allSnapshots(rds(), { instance: primaryId })).map((s) => `${s.DBSnapshotIdentifier}:${s.Status}`)).to.deep.equal(primarySnapshots);

    // Backend: only the abandoned drill stack was destroyed and removed; the environment never changed.
    expect(await restoreStacks()).to.deep.equal(["dev-restore-live", "dev-restore-old"]);
    expect(world.stacks.mutations().map((e) => `${e.verb} ${e.stack}`)).to.deep.equal(["destroy dev-drill-abandoned", "remove dev-drill-abandoned"]);
  });

  it("--drill <id> (the drill workflow's last step) removes what that drill left right after it ended, and nothing else", async () => {
    await leftovers();
    const id = "202611251150k3x9";
    // The drill just ended (killed mid-run): its stack and an instance of its own, minutes old.
    await deployRestore(world.stacks, envOutputs, { id, purpose: "drill" });
    await createSqlServerInstance(rds(), { identifier: "gametracker-mssql-drill-half-made", deletionProtection: false, tags: { "gametracker:drill-id": id, "gametracker:environment": "dev" } });
    world.clock.advance(60_000);
    world.stacks.clearHistory();
    const before = await instances();
    const run = await cli(["cleanup", "--stack", "dev", "--drill", id, "--yes", "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json().items.map((i: any) => `${i.outcome} ${i.name}`)).to.deep.equal([`destroyed dev-drill-${id}`, "deleted gametracker-mssql-drill-half-made"]);
    expect(await instances()).to.deep.equal(before.filter((i) => i !== `gametracker-mssql-drill-${id}` && i !== "gametracker-mssql-drill-half-made"));
    // Another drill's stack, the rolled-back and the active restore stacks stay, whatever their age.
    expect(await restoreStacks()).to.deep.equal(["dev-drill-abandoned", "dev-restore-live", "dev-restore-old"]);
    expect(world.stacks.mutations().map((e) => `${e.verb} ${e.stack}`)).to.deep.equal([`destroy dev-drill-${id}`, `remove dev-drill-${id}`]);
    // Run again (the step after a drill that cleaned up after itself): nothing found, exit 0.
    const again = await cli(["cleanup", "--stack", "dev", "--drill", id, "--yes"]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain(`nothing found: drill ${id} left no restore stack and no instance.`);
  });

  it("--dry-run shows the plan with reasons and changes nothing; without --yes and no terminal it refuses to act", async () => {
    await leftovers();
    const before = await instances();
    const dry = await cli(["cleanup", "--dry-run"]);
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout).to.contain("dry run, nothing was removed");
    expect(dry.stdout).to.match(/restore-stack\s+dev-drill-abandoned\s+2d2h\s+destroy\s+planned/);
    expect(dry.stdout).to.match(/drill-instance\s+gametracker-mssql-drill-orphan\s+2d1h\s+delete\s+planned/);
    expect(dry.stdout).to.match(/restore-stack\s+dev-restore-live\s+2d\dh\s+keep\s+kept\s+environment dev's databaseSource points at it/);
    expect(dry.stdout).to.contain("2 to remove, 3 kept; run again without --dry-run to remove them.");
    const unasked = await cli(["cleanup"]);
    expect(unasked.code).to.equal(2);
    expect(unasked.stderr).to.contain("--yes");
    const no = await cli(["cleanup"], async () => false);
    expect(no.code).to.equal(1);
    expect(no.stdout).to.contain("cancelled: nothing was removed.");
    expect(await instances()).to.deep.equal(before);
    expect(world.stacks.mutations()).to.deep.equal([]);
  });

  it("keeps what is younger than --older-than, whether or not an update holds it", async () => {
    await leftovers();
    await deployRestore(world.stacks, envOutputs, { id: "fresh", purpose: "drill" });
    world.stacks.lock(restoreId("dev-drill-fresh"));
    world.stacks.clearHistory();
    const run = await cli(["cleanup", "--older-than", "3d", "--yes", "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    const outcomes = Object.fromEntries(run.json().items.map((i: any) => [i.name, `${i.outcome}: ${i.reason}`]));
    expect(outcomes["dev-drill-fresh"]).to.match(/^kept: younger than 3d \(last updated 0s ago\)/);
    expect(outcomes["dev-drill-abandoned"]).to.match(/^kept: younger than 3d/);
    expect(outcomes["gametracker-mssql-drill-orphan"]).to.match(/^kept: younger than 3d \(created 2d1h ago\)/);
    expect(world.stacks.mutations()).to.deep.equal([]);
    expect(await instances()).to.include("gametracker-mssql-drill-orphan");
  });

  it("leaves an old stack whose lock a running update holds, exits 1, and names the command that frees it", async () => {
    await leftovers();
    world.stacks.lock(restoreId("dev-drill-abandoned"), { hostname: "runner-7", username: "ci", pid: 4242, since: new Date("2026-12-07T19:22:01Z") });
    world.stacks.clearHistory();
    const run = await cli(["cleanup", "--yes", "--json"]);
    expect(run.code, run.stderr).to.equal(1);
    const item = run.json().items.find((i: any) => i.name === "dev-drill-abandoned");
    const name = "organization/gametracker-restore/dev-drill-abandoned";
    expect(item).to.deep.include({
      action: "leave",
      outcome: "left",
      reason: `Stack ${name} is locked by an update of ci@runner-7 (pid 4242) since 2026-12-07T19:22:01Z on another host, which this tool cannot see; if that run is gone, run pulumi cancel --yes -s ${name}, then run this command again — nothing was changed.`,
    });
    expect(world.stacks.mutations("dev-drill-abandoned")).to.deep.equal([]);
    expect(await instances()).to.include("gametracker-mssql-drill-abandoned");
    const text = await cli(["cleanup", "--yes"]);
    expect(text.stdout).to.contain("1 left although old enough: see its reason for the command that frees it.");
  });

  it("a removal that fails is reported (exit 1) and the others still happen", async () => {
    await leftovers();
    world.stacks.failNext(restoreId("dev-drill-abandoned"), "destroy", new Error("backend unavailable"));
    const run = await cli(["cleanup", "--yes"]);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(/dev-drill-abandoned.*failed.*backend unavailable/);
    expect(run.stdout).to.contain("0 stack(s) destroyed, 1 instance(s) deleted, 0 skipped, 1 failed");
    expect(await instances()).not.to.include("gametracker-mssql-drill-orphan");
    expect(await restoreStacks()).to.include("dev-drill-abandoned");
  });

  it("fails closed when an environment's databaseSource cannot be read: nothing is removed", async () => {
    await leftovers();
    world.stacks.failNext(envId(), "getConfig", new Error("access denied"));
    const before = await instances();
    const run = await cli(["cleanup", "--yes"]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain("Could not read environment stack dev's databaseSource (access denied), so cleanup cannot tell which restore stack is in use; nothing was deleted.");
    expect(await instances()).to.deep.equal(before);
    expect(world.stacks.mutations()).to.deep.equal([]);
  });

  it("--stack limits cleanup to one environment; an unknown one and a bad --older-than are refused with exit 2", async () => {
    await leftovers();
    await deployEnvironment(world.stacks, "qa", { "databaseIdentifier": "gametracker-qa", "databaseManualSnapshots": '["gametracker-qa-baseline"]' });
    const qaOutputs = world.stacks.inspect(envId("qa"))!.outputs;
    await deployRestore(world.stacks, qaOutputs, { environment: "qa", id: "q1", purpose: "drill" });
    world.clock.advance(48 * HOUR);
    world.stacks.clearHistory();
    const run = await cli(["cleanup", "--stack", "qa", "--yes", "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json().items.map((i: any) => `${i.name}:${i.outcome}`)).to.deep.equal(["qa-drill-q1:destroyed"]);
    expect(await restoreStacks()).to.include("dev-drill-abandoned");

    world.stacks.clearHistory();
    for (const [argv, message] of [
      [["cleanup", "--stack", "staging", "--yes"], "Unknown environment stack staging"],
      [["cleanup", "--older-than", "yesterday", "--yes"], 'Invalid --older-than "yesterday"'],
    ] as const) {
      const bad = await cli([...argv]);
      expect(bad.code, argv.join(" ")).to.equal(2);
      expect(bad.stderr).to.contain(message);
    }
    expect(world.stacks.mutations()).to.deep.equal([]);
  });
});
