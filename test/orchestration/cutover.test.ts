/**
 * cutover and rollback through the real CLI (`main`), against MemoryStacks running the
 * real environment and restore programs whose resources live in moto. Every test asserts
 * on moto (the Lambda's configuration, the instances) and on the stacks' history, not
 * only on what was printed.
 */
import { expect } from "chai";
import { DeleteDBInstanceCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand, StartDBInstanceCommand, StopDBInstanceCommand } from "@aws-sdk/client-rds";
import type { MiddlewareStack } from "@smithy/types";
import { plainOutput, StackOutputs } from "../../automation/stacks/port";
import { SWITCH_TAG } from "../../automation/cutover/switch-in-flight";
import { DATABASE_SOURCE_KEY, EnvironmentOutputNames, RestoreOutputNames } from "../../contracts/stacks";
import { useEmulator } from "../support/emulator";
import { runCli } from "../support/rds-fixtures";
import { databaseSource, deployEnvironment, deployRestore, envId, lambdaEnvironment, newWorld, restoreId, World } from "./cutover-fixtures";

describe("cutover and rollback (orchestration: MemoryStacks + moto)", function () {
  this.timeout(120_000);
  const emulator = useEmulator();
  let world: World;
  let envOutputs: StackOutputs;
  let restoreStack: string;
  let functionName: string;
  let primaryAddress: string;
  let restoredAddress: string;

  beforeEach(async () => {
    world = newWorld(emulator.clients());
    envOutputs = await deployEnvironment(world.stacks);
    restoreStack = await deployRestore(world.stacks, envOutputs, { id: "1" });
    functionName = String(plainOutput(envOutputs, EnvironmentOutputNames.apiFunctionName));
    primaryAddress = String(plainOutput(envOutputs, EnvironmentOutputNames.databaseEndpoint));
    restoredAddress = String(world.stacks.inspect(restoreId(restoreStack))!.outputs[RestoreOutputNames.address]!.value);
    world.stacks.clearHistory();
  });
  afterEach(() => world.moto.destroy());

  const cli = (argv: string[], extra: { ask?: (q: string) => Promise<boolean>; middleware?: (s: MiddlewareStack<any, any>) => void } = {}) =>
    runCli(argv, { clients: (o) => emulator.clients(o), stacks: world.stacks, clock: world.clock, ...extra });
  const datasourceHost = async () => /^jdbc:sqlserver:\/\/([^:;]+)/.exec((await lambdaEnvironment(emulator.clients(), functionName)).SPRING_DATASOURCE_URL ?? "")?.[1];
  const instances = async () =>
    ((await emulator.clients().rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((d) => `${d.DBInstanceIdentifier}:${d.DBInstanceStatus}:${d.DeletionProtection}`).sort();
  const mutatingVerbs = () => world.stacks.mutations().map((e) => `${e.verb} ${e.project}/${e.stack}${e.key ? ` ${e.key}${e.value !== undefined ? `=${e.value}` : ""}` : ""}`);
  /** A switch's writes: the switch recorded as in flight, the config, the update, the record removed. */
  const switchWrites = (to: string) => ["setTags gametracker/dev gametracker:switch-in-flight", `setConfig gametracker/dev databaseSource=${to}`, "up gametracker/dev", "removeTags gametracker/dev gametracker:switch-in-flight"];

  it("cuts over: only the Lambda's environment changes, the Lambda in AWS names the restored endpoint, nothing else is touched", async () => {
    expect(await datasourceHost()).to.equal(primaryAddress);
    const before = await instances();
    const run = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes", "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    const result = run.json();
    expect(result.outcome).to.equal("switched");
    expect(result.configFile).to.equal("Pulumi.dev.yaml");
    expect(result.next).to.contain(`databaseSource is now ${restoreStack} in Pulumi.dev.yaml: commit it`);

    // The preview that was applied: one update, of the Lambda, inside its environment; the restore stack's outputs read.
    const summary = result.preview.changeSummary;
    expect(Object.keys(summary).sort()).to.deep.equal(["read", "same", "update"]);
    expect(summary.update).to.equal(1);
    expect(result.preview.verdict.allowed).to.equal(true);
    expect(result.preview.verdict.lambdaEnvironmentChanges).to.include("environment.variables.SPRING_DATASOURCE_URL");
    expect(result.preview.verdict.lambdaEnvironmentChanges.every((p: string) => p.startsWith("environment."))).to.equal(true);
    expect(run.stderr).to.contain("~ environment.variables.SPRING_DATASOURCE_URL:");

    // AWS: the Lambda points at the restored instance, with its secret; instances unchanged.
    expect(await datasourceHost()).to.equal(restoredAddress);
    const env = await lambdaEnvironment(emulator.clients(), functionName);
    expect(env.DATABASE_SECRET_ARN).to.equal(world.stacks.inspect(restoreId(restoreStack))!.outputs[RestoreOutputNames.secretArn]!.value);
    expect(env.GAMETRACKER_DATABASE_SOURCE).to.equal(restoreStack);
    expect(await instances()).to.deep.equal(before);
    expect(result.datasource.ok).to.equal(true);

    // Stacks: the environment got the config and one up; the restore stack was only read.
    expect(mutatingVerbs()).to.deep.equal(switchWrites(restoreStack));
    expect(await databaseSource(world.stacks)).to.equal(restoreStack);
    expect(plainOutput(world.stacks.inspect(envId())!.outputs, EnvironmentOutputNames.activeDatabaseEndpoint)).to.equal(restoredAddress);
  });

  it("rolls back to the primary, and rollback when already on primary is a no-op that says so", async () => {
    expect((await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"])).code).to.equal(0);
    world.stacks.clearHistory();
    const back = await cli(["rollback", "--stack", "dev", "--yes"]);
    expect(back.code, back.stderr).to.equal(0);
    expect(back.stdout).to.contain(`rollback done: dev moved from ${restoreStack} to primary`);
    expect(back.stdout).to.contain(`restore stack ${restoreStack} and its instance are kept (deletion protection on)`);
    expect(await datasourceHost()).to.equal(primaryAddress);
    expect(await databaseSource(world.stacks)).to.equal("primary");
    expect(mutatingVerbs()).to.deep.equal(switchWrites("primary"));
    expect(world.stacks.exists(restoreId(restoreStack))).to.equal(true);

    world.stacks.clearHistory();
    const again = await cli(["rollback", "--stack", "dev", "--yes"]);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.contain("dev is already on primary: nothing to do.");
    expect(mutatingVerbs()).to.deep.equal([]);
  });

  it("cuts over from one restore stack to another", async () => {
    const second = await deployRestore(world.stacks, envOutputs, { id: "2" });
    const secondAddress = String(world.stacks.inspect(restoreId(second))!.outputs[RestoreOutputNames.address]!.value);
    expect((await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"])).code).to.equal(0);
    const run = await cli(["cutover", "--stack", "dev", "--to", second, "--yes", "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json().from).to.equal(restoreStack);
    expect(run.json().preview.verdict.allowed).to.equal(true);
    expect(await datasourceHost()).to.equal(secondAddress);
    expect(await databaseSource(world.stacks)).to.equal(second);
  });

  it("a second cutover to the same stack is a no-op that says so", async () => {
    expect((await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"])).code).to.equal(0);
    world.stacks.clearHistory();
    const again = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"]);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.contain(`dev is already on ${restoreStack}: nothing to do.`);
    expect(mutatingVerbs()).to.deep.equal([]);
  });

  it("--preview-only prints Markdown with the diff and changes nothing", async () => {
    const run = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--preview-only"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(`### Cut-over preview: \`dev\` → \`${restoreStack}\``);
    expect(run.stdout).to.contain("**Guard: allowed**");
    expect(run.stdout).to.contain("```diff");
    expect(run.stdout).to.contain(`~ environment.variables.SPRING_DATASOURCE_URL: "jdbc:sqlserver://${primaryAddress}:1433;`);
    expect(run.stdout).to.contain("Nothing was changed: `databaseSource` is still `primary`.");
    expect(await databaseSource(world.stacks)).to.equal("primary");
    expect(await datasourceHost()).to.equal(primaryAddress);
    expect(world.stacks.history.filter((e) => e.verb === "up")).to.deep.equal([]);
  });

  it("puts an unset databaseSource back to unset (the program's default), not to an explicit value", async () => {
    await (await world.stacks.select(envId())).removeConfig("databaseSource");
    const run = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--preview-only", "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json().markdown).to.contain("Nothing was changed");
    expect(world.stacks.inspect(envId())!.config).not.to.have.property("gametracker:databaseSource");
  });

  it("refuses a preview with an extra change and puts the config back; --force applies it", async () => {
    // Someone changed the environment's config without deploying it: the cut-over would ship that too.
    await (await world.stacks.select(envId())).setConfig("apiMemorySize", "2048");
    world.stacks.clearHistory();
    const refused = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain(`Refusing to cut over dev to ${restoreStack}: the preview changes aws:lambda/function:Function api-function outside its environment (memorySize)`);
    expect(refused.stderr).to.contain("nothing was changed (databaseSource is back to primary)");
    expect(refused.stderr).to.contain("--force");
    expect(await databaseSource(world.stacks)).to.equal("primary");
    expect(await datasourceHost()).to.equal(primaryAddress);
    expect(world.stacks.history.filter((e) => e.verb === "up")).to.deep.equal([]);

    const forced = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes", "--force"]);
    expect(forced.code, forced.stderr).to.equal(0);
    expect(forced.stderr).to.contain("warning: --force: applying although");
    expect(forced.stdout).to.contain("(forced past the preview guard)");
    expect(await datasourceHost()).to.equal(restoredAddress);
  });

  it("refuses when the preview would replace the protected primary: the preview fails, the config is put back", async () => {
    // Another edition is another engine, which RDS cannot change in place (engine is ForceNew).
    await (await world.stacks.select(envId())).setConfig("databaseEdition", "web");
    const run = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain("Preview of stack dev failed, so nothing was applied (databaseSource is back to primary)");
    expect(await databaseSource(world.stacks)).to.equal("primary");
  });

  it("a concurrent update on the environment stack: one sentence naming who holds its lock and the command that works, nothing done", async () => {
    world.stacks.lock(envId());
    const run = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(
      /^error: Stack organization\/gametracker\/dev is locked by an update of .+ \(pid \d+\) since .+ that is still running on this host; wait for it to finish, or stop it and run pulumi cancel --yes -s organization\/gametracker\/dev, then run this command again — nothing was changed\.$/m,
    );
    expect(mutatingVerbs()).to.deep.equal([]);
    expect(await datasourceHost()).to.equal(primaryAddress);
    const rollback = await cli(["rollback", "--stack", "dev", "--yes"]);
    expect(rollback.code).to.equal(1);
    expect(rollback.stderr).to.contain("Stack organization/gametracker/dev is locked by an update of");
    expect(mutatingVerbs()).to.deep.equal([]);
  });

  it("a failed up puts the config back and says where the Lambda points", async () => {
    world.stacks.failNext(envId(), "up", new Error("provider error: throttled"));
    const run = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain(`Update of stack dev failed (databaseSource is back to primary): Lambda ${functionName}'s SPRING_DATASOURCE_URL names ${primaryAddress}:1433, not ${restoredAddress}:1433. provider error: throttled`);
    expect(await databaseSource(world.stacks)).to.equal("primary");
  });

  it("exit 1 with a clear message when the Lambda in AWS does not name the restored endpoint after the update", async () => {
    // A Lambda that reports its old URL (as if the update had not reached it).
    const stale = (stack: MiddlewareStack<any, any>) =>
      stack.add(
        (next: any, context: any) => async (args: any) => {
          const result = await next(args);
          if (context.commandName === "GetFunctionConfigurationCommand" && result.output?.Environment?.Variables) {
            result.output.Environment.Variables.SPRING_DATASOURCE_URL = `jdbc:sqlserver://${primaryAddress}:1433;databaseName=gametracker`;
          }
          return result;
        },
        { step: "initialize", name: "staleLambda" },
      );
    const run = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"], { middleware: stale });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain(`Stack dev was updated to databaseSource = ${restoreStack}, but Lambda ${functionName}'s SPRING_DATASOURCE_URL names ${primaryAddress}:1433, not ${restoredAddress}:1433.`);
    expect(run.stderr).to.contain("gametracker-dr rollback --stack dev");
  });

  it("without a terminal and without --yes it stops before applying and puts the config back; a 'no' cancels", async () => {
    const unasked = await cli(["cutover", "--stack", "dev", "--to", restoreStack]);
    expect(unasked.code).to.equal(2);
    expect(unasked.stderr).to.contain("--yes");
    expect(await databaseSource(world.stacks)).to.equal("primary");
    const questions: string[] = [];
    const no = await cli(["cutover", "--stack", "dev", "--to", restoreStack], { ask: async (q) => (questions.push(q), false) });
    expect(no.code).to.equal(1);
    expect(questions).to.deep.equal([`Cut over dev from primary to ${restoreStack} (the API's database becomes ${restoredAddress})?`]);
    expect(no.stdout).to.contain("cutover cancelled: nothing was changed");
    expect(await databaseSource(world.stacks)).to.equal("primary");
    expect(world.stacks.history.filter((e) => e.verb === "up")).to.deep.equal([]);
    expect(await datasourceHost()).to.equal(primaryAddress);
  });

  describe("Ctrl-C", () => {
    let handler: (() => void) | undefined;
    let uninstalled = 0;
    const onInterrupt = (h: () => void) => ((handler = h), () => void (uninstalled += 1));
    const run = async (ask?: (q: string) => Promise<boolean>) => {
      return runCli(["cutover", "--stack", "dev", "--to", restoreStack, ...(ask ? [] : ["--yes"])], {
        clients: (o) => emulator.clients(o),
        stacks: world.stacks,
        clock: world.clock,
        ...(ask ? { ask } : {}),
        onInterrupt,
      });
    };
    beforeEach(() => {
      handler = undefined;
      uninstalled = 0;
    });

    it("during the preview: stops, puts the config back, applies nothing", async () => {
      world.stacks.beforeNext(envId(), "preview", () => handler!());
      const r = await run();
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain("warning: interrupted: stopping before anything is applied and putting databaseSource back to primary");
      expect(r.stderr).to.contain("Interrupted before the update of stack dev was applied; nothing was changed (databaseSource is back to primary).");
      expect(await databaseSource(world.stacks)).to.equal("primary");
      expect(world.stacks.history.filter((e) => e.verb === "up")).to.deep.equal([]);
      expect(await datasourceHost()).to.equal(primaryAddress);
      expect(uninstalled).to.equal(1);
    });

    it("while asking for confirmation: stops the same way, even if the answer was yes", async () => {
      const r = await run(async () => {
        handler!();
        handler!(); // a second press changes nothing
        return true;
      });
      expect(r.code).to.equal(1);
      expect(r.stderr.match(/warning: interrupted/g)).to.have.length(1);
      expect(await databaseSource(world.stacks)).to.equal("primary");
      expect(world.stacks.history.filter((e) => e.verb === "up")).to.deep.equal([]);
    });

    it("during the update: the update is not abandoned half-way; it finishes and is confirmed", async () => {
      world.stacks.beforeNext(envId(), "up", () => handler!());
      const r = await run();
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.contain(
        "warning: interrupted: waiting for the update of stack dev to finish (it changes the Lambda's configuration, in seconds); press Ctrl-C again to cancel it (Pulumi stops after the steps in flight) and stop waiting",
      );
      expect(await datasourceHost()).to.equal(restoredAddress);
      expect(uninstalled).to.equal(1);
    });

    it("a second Ctrl-C during the update cancels it: databaseSource stays where the update was going, and the sentence names the commands that finish or undo it", async () => {
      world.stacks.beforeNext(envId(), "up", () => {
        handler!();
        handler!();
      });
      const r = await run();
      expect(r.code).to.equal(1);
      const unfinished = `databaseSource is ${restoreStack} and the update may be unfinished (perhaps locked, which the next run resolves) — run gametracker-dr cutover --to ${restoreStack} --stack dev to finish it, or gametracker-dr rollback --stack dev to go back`;
      expect(r.stderr).to.contain(`warning: stopping: cancelling the update and not waiting longer than 2 s; ${unfinished}`);
      expect(r.stderr.trimEnd().split("\n").pop()).to.equal(`error: The update of stack dev was cancelled: ${unfinished}.`);
      expect(await databaseSource(world.stacks)).to.equal(restoreStack);
      expect(await datasourceHost()).to.equal(primaryAddress);
      // What it says finishes the cut-over.
      const again = await run();
      expect(again.code, again.stderr).to.equal(0);
      expect(await datasourceHost()).to.equal(restoredAddress);
    });
  });

  describe("bad input is refused with exit 2 before anything changes", () => {
    const refusedBeforeChange = async (argv: string[], message: string) => {
      const run = await cli(argv);
      expect(run.code, `${argv.join(" ")}: ${run.stderr}`).to.equal(2);
      expect(run.stderr).to.contain(message);
      expect(mutatingVerbs(), argv.join(" ")).to.deep.equal([]);
      expect(await datasourceHost()).to.equal(primaryAddress);
    };

    it("missing --stack or --to, a --to that is not a restore stack of the environment", async () => {
      await refusedBeforeChange(["cutover", "--to", restoreStack, "--yes"], "cutover needs --stack <environment stack>");
      await refusedBeforeChange(["cutover", "--stack", "dev", "--yes"], "cutover needs --to <restore stack>");
      await refusedBeforeChange(["cutover", "--stack", "dev", "--to", "primary", "--yes"], "run gametracker-dr rollback --stack dev");
      await refusedBeforeChange(["cutover", "--stack", "dev", "--to", "dev-drill-abc", "--yes"], "is a drill stack");
      await refusedBeforeChange(["cutover", "--stack", "dev", "--to", "prod-restore-1", "--yes"], "is not a restore stack of environment dev");
      await refusedBeforeChange(["rollback", "--yes"], "rollback needs --stack <environment stack>");
    });

    it("an unknown environment stack", async () => {
      await refusedBeforeChange(["cutover", "--stack", "qa", "--to", "qa-restore-1", "--yes"], "Unknown environment stack qa");
      await refusedBeforeChange(["rollback", "--stack", "qa", "--yes"], "Unknown environment stack qa");
    });

    it("a restore stack that does not exist, or has no endpoint because it was never deployed", async () => {
      await refusedBeforeChange(["cutover", "--stack", "dev", "--to", "dev-restore-nope", "--yes"], "Restore stack dev-restore-nope does not exist");
      const undeployed = await deployRestore(world.stacks, envOutputs, { id: "2", deploy: false });
      world.stacks.clearHistory();
      await refusedBeforeChange(["cutover", "--stack", "dev", "--to", undeployed, "--yes"], `Restore stack ${undeployed} has no address output`);
    });

    it("a restore stack whose instance the API may not use (not named <primary>-…)", async () => {
      const foreign = await deployRestore(world.stacks, envOutputs, { id: "4", targetIdentifier: "elsewhere-db-4" });
      world.stacks.clearHistory();
      await refusedBeforeChange(["cutover", "--stack", "dev", "--to", foreign, "--yes"], `Restore stack ${foreign}'s instance elsewhere-db-4 is not named gametracker-mssql-<suffix>`);
    });

    it("a restore stack made for a drill, or whose instance is gone or not available", async () => {
      const drillish = await deployRestore(world.stacks, envOutputs, { id: "3", purpose: "drill", stackName: "dev-restore-3" });
      world.stacks.clearHistory();
      await refusedBeforeChange(["cutover", "--stack", "dev", "--to", drillish, "--yes"], `Restore stack ${drillish} was made for a drill`);

      const identifier = String(world.stacks.inspect(restoreId(restoreStack))!.outputs[RestoreOutputNames.identifier]!.value);
      const rds = emulator.clients().rds;
      await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: identifier }));
      await refusedBeforeChange(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"], `Restore stack ${restoreStack}'s instance ${identifier} is stopped, not available`);
      await rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: identifier }));
      await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: identifier, DeletionProtection: false, ApplyImmediately: true }));
      await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: identifier, SkipFinalSnapshot: true }));
      await refusedBeforeChange(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"], `Restore stack ${restoreStack}'s instance ${identifier} no longer exists in RDS`);
    });
  });

  describe("a cut-over or rollback killed mid-way is settled by the next one", () => {
    const switchTag = async () => (await (await world.stacks.select(envId())).getTags())[SWITCH_TAG];

    /** A cut-over whose process is killed at `verb` of the environment stack (before it, or after it with `after`). */
    async function killedCutover(verb: "preview" | "up", after = false): Promise<void> {
      world.stacks.dieAt(envId(), verb, { after });
      const killed = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"]);
      expect(killed.code).to.equal(1);
      world.stacks.revive();
      // What the kill left: the switch in flight in the stack's tags, and in its config.
      expect(JSON.parse((await switchTag())!)).to.deep.include({ from: "primary", to: restoreStack, was: "primary", host: restoredAddress });
      expect(await databaseSource(world.stacks)).to.equal(restoreStack);
      world.stacks.clearHistory();
    }

    it("killed before its update: the next rollback undoes the switch that never reached the API, and has nothing else to do", async () => {
      await killedCutover("preview");
      expect(await datasourceHost()).to.equal(primaryAddress);
      const back = await cli(["rollback", "--stack", "dev", "--yes"]);
      expect(back.code, back.stderr).to.equal(0);
      expect(back.stdout).to.contain(`recovered: undid an interrupted switch of ${DATABASE_SOURCE_KEY} from primary to ${restoreStack}`);
      expect(back.stdout).to.contain("which never reached the API's Lambda: databaseSource is back to primary");
      expect(back.stdout).to.contain("dev is already on primary: nothing to do.");
      expect(await databaseSource(world.stacks)).to.equal("primary");
      expect(await switchTag()).to.equal(undefined);
      expect(await datasourceHost()).to.equal(primaryAddress);
    });

    it("a --preview-only meanwhile leaves it as it is, and says the next real run settles it", async () => {
      await killedCutover("preview");
      const tag = await switchTag();
      // (Its preview shows no change, the config naming the switch's target: the guard's exit 1.)
      const preview = await cli(["rollback", "--stack", "dev", "--preview-only"]);
      expect(preview.stderr).to.contain(`warning: a switch of ${DATABASE_SOURCE_KEY} from primary to ${restoreStack} was interrupted; the next cutover or rollback settles it first`);
      expect(await switchTag()).to.equal(tag);
      expect(await databaseSource(world.stacks)).to.equal(restoreStack);
      expect((await cli(["rollback", "--stack", "dev", "--yes"])).stdout).to.contain("recovered: undid an interrupted switch");
    });

    it("killed before its update: the next cut-over undoes it first, then switches as asked", async () => {
      await killedCutover("preview");
      const again = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes", "--json"]);
      expect(again.code, again.stderr).to.equal(0);
      const result = again.json();
      expect(result).to.deep.include({ outcome: "switched", from: "primary", to: restoreStack });
      expect(result.recovered[0]).to.match(/^undid an interrupted switch/);
      expect(await datasourceHost()).to.equal(restoredAddress);
      expect(await switchTag()).to.equal(undefined);
    });

    it("killed after its update reached the Lambda: the next cut-over finishes it and applies the stack; a rollback then moves back", async () => {
      await killedCutover("up", true);
      expect(await datasourceHost()).to.equal(restoredAddress);
      const again = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes", "--json"]);
      expect(again.code, again.stderr).to.equal(0);
      const result = again.json();
      expect(result.outcome).to.equal("already");
      expect(result.recovered).to.deep.equal([
        `an interrupted switch of ${DATABASE_SOURCE_KEY} from primary to ${restoreStack} (started ${world.clock.now().toISOString()}) had already reached the API's Lambda; it is finished: ${DATABASE_SOURCE_KEY} is ${restoreStack} and the stack is applied again`,
      ]);
      expect(world.stacks.mutations().map((e) => e.verb)).to.include("up");
      expect(await switchTag()).to.equal(undefined);
      const back = await cli(["rollback", "--stack", "dev", "--yes", "--json"]);
      expect(back.code, back.stderr).to.equal(0);
      expect(back.json()).to.deep.include({ outcome: "switched", from: restoreStack, to: "primary" });
      expect(await datasourceHost()).to.equal(primaryAddress);
    });

    it("a plain pulumi up meanwhile completes the interrupted switch (its config says so); the next cut-over finds it done", async () => {
      await killedCutover("preview");
      await (await world.stacks.select(envId())).up();
      expect(await datasourceHost()).to.equal(restoredAddress);
      const again = await cli(["cutover", "--stack", "dev", "--to", restoreStack, "--yes", "--json"]);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.json().recovered[0]).to.match(/had already reached the API's Lambda; it is finished/);
      expect(await switchTag()).to.equal(undefined);
    });
  });
});
