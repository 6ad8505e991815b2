/**
 * Engine scenarios of issue 9 §4: the drill, restore → cut-over → rollback, the engine's
 * own lock refusing a second update, and cleanup of leftovers — all on an environment
 * deployed by the REAL program from Pulumi.dev.yaml through the real engine, with state
 * asserted in moto and in the backend (a restore interrupted in one OS process and resumed
 * by another: the crash tier, test/engine/crash/). One deployment serves the describe(); the tests build on each other's state
 * only where they say so.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import { CreateDBInstanceCommand, DeleteDBInstanceCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand } from "@aws-sdk/client-rds";
import { CreateSecurityGroupCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import type { MiddlewareStack } from "@smithy/types";
import { judgeCutoverPreview } from "../../automation/cutover/preview-guard";
import { DrillReport } from "../../automation/drill/report";
import { RestoreResult } from "../../automation/restore/restore";
import { checkIdsFor } from "../../automation/restore/verify";
import { DATABASE_SOURCE_KEY, ENVIRONMENT_PROJECT, EnvironmentOutputNames, RESTORE_PROJECT } from "../../contracts/stacks";
import { primaryFingerprint } from "../support/rds-fixtures";
import { useDeployedEnvironment } from "../support/engine/deployed-environment";
import { readRecords } from "../support/engine/timings";
import type { OperationRecord } from "./standin/metrics";

const SNAPSHOT = "gametracker-manual-backup-v1";

describe("engine scenarios: drill, restore, cut-over, rollback, resume, lock and cleanup on the deployed dev environment", function () {
  this.timeout(5 * 60_000);
  const world = useDeployedEnvironment("dev");
  const primary = () => String(world.out(EnvironmentOutputNames.databaseIdentifier));
  const rds = () => world.aws().rds;
  const instanceIds = async () => ((await rds().send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((i) => i.DBInstanceIdentifier!).sort();
  const restoreStacks = async () => (await world.stacks().list(RESTORE_PROJECT)).map((s) => s.name).sort();
  const lambdaUrl = async () =>
    (await world.aws().lambda.send(new GetFunctionConfigurationCommand({ FunctionName: String(world.out(EnvironmentOutputNames.apiFunctionName)) }))).Environment?.Variables?.SPRING_DATASOURCE_URL;

  it("a drill restores the declared snapshot onto the environment's network, passes every check, and leaves nothing behind", async () => {
    const before = await primaryFingerprint(rds(), primary());
    const result = await world.run(["drill", "--stack", "dev", "--from", `snapshot:${SNAPSHOT}`, "--json"]);
    expect(result.code, result.stderr).to.equal(0);
    const report = result.json<DrillReport>();
    expect(report.outcome).to.equal("passed");
    expect(report.checks.map((c) => c.id)).to.deep.equal(checkIdsFor("drill"));
    expect(report.checks.find((c) => c.id === "subnet-group")?.actual).to.equal(world.out(EnvironmentOutputNames.dbSubnetGroupName));
    expect(report.cleanup.status).to.equal("destroyed");
    // Nothing left: no drill instance in moto, no restore stack in the backend; the primary as it was.
    expect(await instanceIds()).to.deep.equal([primary()]);
    expect(await restoreStacks()).to.deep.equal([]);
    expect(await primaryFingerprint(rds(), primary())).to.deep.equal(before);
  });

  it("a drill whose restored instance is not what was asked for (moved off the environment's security group before verify) fails at verify and still cleans up", async () => {
    const ec2 = new EC2Client({ region: "us-east-1", endpoint: world.engine.motoEndpoint });
    const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.find((v) => v.CidrBlock === "10.20.0.0/16")!.VpcId!;
    const stray = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "stray", Description: "not the environment's", VpcId: vpcId }))).GroupId!;
    ec2.destroy();
    // Drift as AWS would show it: at the drill's first look, something else has already
    // changed the restored instance in moto; verify reads moto's real answer.
    let drifted = false;
    const drift = (stack: MiddlewareStack<any, any>) =>
      stack.add(
        (next: any, context: any) => async (args: any) => {
          const target = args.input?.DBInstanceIdentifier as string | undefined;
          const answer = await next(args);
          // Only once the restored instance exists (the plan also looks for it, before it does).
          if (drifted || context.commandName !== "DescribeDBInstancesCommand" || !target?.includes("-drill-") || answer.output?.DBInstances?.length !== 1) return answer;
          drifted = true;
          await world.aws().rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: target, VpcSecurityGroupIds: [stray], ApplyImmediately: true }));
          return next(args);
        },
        { step: "initialize", name: "testDrift" },
      );
    const result = await world.run(["drill", "--stack", "dev", "--from", `snapshot:${SNAPSHOT}`, "--json"], { middleware: drift });
    expect(result.code).to.equal(1);
    const report = result.json<DrillReport>();
    expect(report).to.deep.include({ outcome: "failed", failedStep: "verify" });
    expect(report.checks.filter((c) => c.status === "fail").map((c) => c.id)).to.deep.equal(["security-groups"]);
    expect(report.checks.find((c) => c.id === "security-groups")?.actual).to.equal(stray);
    expect(report.cleanup.status).to.equal("destroyed");
    expect(await instanceIds()).to.deep.equal([primary()]);
  });

  let restoreStack = "";
  let restoredAddress = "";

  it("restore of the live primary to a point in time → cut-over: the restore converges in one update, the engine's own preview passes the guard, --preview-only prints its diff as Markdown, and the Lambda in AWS then names the restored endpoint", async () => {
    const records = readRecords(world.engine.metricsFile).length;
    const restored = await world.run(["restore", "--stack", "dev", "--from", "latest-restorable", "--yes", "--json"]);
    expect(restored.code, restored.stderr).to.equal(0);
    const result = restored.json<RestoreResult>();
    expect(result.passed).to.equal(true);
    expect(result.recoveryPoint).to.deep.include({ label: "latest-restorable", source: "primary" });
    // One `up` made the instance what the stack declares: the engine created it and never updated it (moto-gaps: rds-point-in-time-restore-is-no-replica).
    const instanceOps = readRecords(world.engine.metricsFile)
      .slice(records)
      .filter((r): r is OperationRecord => r.op === "create" || r.op === "update")
      .filter((r) => r.type === "aws:rds/instance:Instance" && !r.preview);
    expect(instanceOps.map((r) => `${r.op} ${r.name}`)).to.deep.equal(["create restored-instance"]);
    expect(restored.stderr).to.not.contain("again: the restore left");
    restoreStack = result.stackName;
    restoredAddress = result.endpoint!.address;

    // The engine's preview of the switch, judged by the guard as the cut-over judges it.
    const env = await world.stacks().select({ project: ENVIRONMENT_PROJECT, stack: "dev" });
    await env.setConfig(DATABASE_SOURCE_KEY, restoreStack);
    const preview = await env.preview();
    await env.setConfig(DATABASE_SOURCE_KEY, "primary");
    const changing = preview.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.type}`);
    expect(changing).to.include.members(["read pulumi:pulumi:StackReference", "update aws:lambda/function:Function"]);
    const verdict = judgeCutoverPreview(preview);
    expect(verdict.allowed, verdict.summary).to.equal(true);
    expect(verdict.lambdaEnvironmentChanges).to.include("environment.variables.SPRING_DATASOURCE_URL");

    const md = await world.run(["cutover", "--stack", "dev", "--to", restoreStack, "--preview-only"]);
    expect(md.code, md.stderr).to.equal(0);
    expect(md.stdout).to.contain(`### Cut-over preview: \`dev\` → \`${restoreStack}\``);
    expect(md.stdout).to.contain("**Guard: allowed**");
    expect(md.stdout).to.match(/```diff\n[\s\S]*SPRING_DATASOURCE_URL[\s\S]*```/);
    expect(await lambdaUrl()).to.contain(String(world.out(EnvironmentOutputNames.databaseEndpoint)));

    const cut = await world.run(["cutover", "--stack", "dev", "--to", restoreStack, "--yes", "--json"]);
    expect(cut.code, cut.stderr).to.equal(0);
    expect(cut.json()).to.deep.include({ outcome: "switched", to: restoreStack });
    expect(await lambdaUrl()).to.contain(`jdbc:sqlserver://${restoredAddress}:1433;`);
    const state = await world.engine.exportStack(ENVIRONMENT_PROJECT, "dev");
    expect(state.resources.some((r) => r.type === "pulumi:pulumi:StackReference")).to.equal(true);
  });

  it("a second update is refused by the engine's own lock while the first holds the environment stack; nothing is left half-switched", async () => {
    expect(restoreStack, "runs after the cut-over").to.not.equal("");
    const hold = world.engine.levers.hold({ op: "update", type: "aws:lambda/function:Function", preview: false });
    const first = world.run(["rollback", "--stack", "dev", "--yes", "--json"]);
    await hold.reached();
    // The second run reads the lock before it changes anything (a DIY backend's preview takes
    // none): refused in one sentence naming the running update and the command that frees it.
    const second = await world.run(["cutover", "--stack", "dev", "--to", restoreStack, "--force", "--yes"]);
    hold.release();
    expect(second.code).to.equal(1);
    expect(second.stderr).to.match(/error: Stack organization\/gametracker\/dev is locked by an update of \S+ \(pid \d+\) since \S+ that is still running on this host; .*pulumi cancel --yes -s organization\/gametracker\/dev/);
    const rolledBack = await first;
    expect(rolledBack.code, rolledBack.stderr).to.equal(0);
    expect(rolledBack.json()).to.deep.include({ outcome: "switched", to: "primary" });
    expect(await lambdaUrl()).to.contain(String(world.out(EnvironmentOutputNames.databaseEndpoint)));
    const env = await world.stacks().select({ project: ENVIRONMENT_PROJECT, stack: "dev" });
    expect(await env.getConfig(DATABASE_SOURCE_KEY)).to.equal("primary");
    // After the rollback the stack holds exactly what its config says: nothing left to change.
    const again = await env.preview();
    expect(again.steps.filter((s) => s.op !== "same")).to.deep.equal([]);
  });

  it("a change that lands between the cut-over's preview and its update is refused by the engine's update plan: the Lambda keeps its database and its memory", async () => {
    expect(restoreStack, "runs after the cut-over").to.not.equal("");
    const functionName = String(world.out(EnvironmentOutputNames.apiFunctionName));
    const memory = async () => (await world.aws().lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }))).MemorySize;
    const memoryBefore = await memory();
    const env = await world.stacks().select({ project: ENVIRONMENT_PROJECT, stack: "dev" });
    // The program read its config when the preview began; while the preview is held at the
    // Lambda's diff (the first one; Diff calls don't say whether they preview), a teammate
    // changes the API's memory in the same stack's config.
    const hold = world.engine.levers.hold({ op: "diff", type: "aws:lambda/function:Function" });
    const cut = world.run(["cutover", "--stack", "dev", "--to", restoreStack, "--yes"]);
    await hold.reached();
    await env.setConfig("apiMemorySize", String((memoryBefore ?? 512) + 256));
    hold.release();
    const refused = await cut;
    await env.removeConfig("apiMemorySize");

    expect(refused.code, refused.stdout).to.equal(1);
    expect(refused.stderr).to.contain("Refusing to apply to dev what its preview did not show");
    expect(refused.stderr).to.match(/violates plan: properties changed: .*memorySize/);
    expect(refused.stderr).to.contain(`${DATABASE_SOURCE_KEY} is back to primary`);
    expect(await memory()).to.equal(memoryBefore);
    expect(await lambdaUrl()).to.contain(String(world.out(EnvironmentOutputNames.databaseEndpoint)));
    expect(await env.getConfig(DATABASE_SOURCE_KEY)).to.equal("primary");
    // The engine ran the steps before the refused one: the read of the restore stack's
    // outputs stays in the state, and the next update discards it; nothing in AWS changes.
    const again = await env.preview();
    expect(again.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.type}`)).to.deep.equal(["discard pulumi:pulumi:StackReference"]);
    await env.up();
  });

  it("the cut-over at 3 a.m. with a change RDS defers pending on the primary: the preview after its up still shows it, check reports it, and cutover and rollback change the API Lambda alone and report it not applied", async () => {
    expect(restoreStack, "runs after the cut-over").to.not.equal("");
    const INSTANCE = "aws:rds/instance:Instance";
    const env = await world.stacks().select({ project: ENVIRONMENT_PROJECT, stack: "dev" });
    const describe = async () => (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: primary() }))).DBInstances![0]!;
    const classAndPending = async () => {
      const db = await describe();
      return [db.DBInstanceClass, db.PendingModifiedValues];
    };
    // A bigger class on Friday; the program leaves applyImmediately false, so RDS waits for Sunday's window.
    await env.setConfig("databaseInstanceClass", "db.t3.small");
    await env.up();
    const waiting = ["db.t3.micro", { DBInstanceClass: "db.t3.small" }];
    expect(await classAndPending()).to.deep.equal(waiting);
    const check = await world.run(["check", "--stack", "dev", "--json"]);
    expect(check.json<{ checks: Array<{ id: string; detail: string }> }>().checks.find((c) => c.id === "pending-modifications")?.detail).to.match(/^DBInstanceClass db\.t3\.micro -> db\.t3\.small: applied in the .*RDS does not record when they were requested/);

    const records = readRecords(world.engine.metricsFile).length;
    const pending = [{ type: INSTANCE, name: "database-instance", op: "update", paths: ["instanceClass"] }];
    const shape = (changes: Array<Record<string, unknown>>) => changes.map(({ type, name, op, paths }) => ({ type, name, op, paths }));
    const cut = await world.run(["cutover", "--stack", "dev", "--to", restoreStack, "--yes", "--json"]);
    expect(cut.code, cut.stderr).to.equal(0);
    expect(cut.json()).to.deep.include({ outcome: "switched", to: restoreStack });
    // The engine's preview after the up shows the class again: the cut-over leaves it, and says so.
    expect(shape(cut.json().preview.notApplied)).to.deep.equal(pending);
    expect(cut.stderr).to.contain(`not applied, pending before the cut-over: update ${INSTANCE} database-instance (instanceClass)`);
    expect(await lambdaUrl()).to.contain(`jdbc:sqlserver://${restoredAddress}:1433;`);
    const back = await world.run(["rollback", "--stack", "dev", "--yes", "--json"]);
    expect(back.code, back.stderr).to.equal(0);
    expect(shape(back.json().preview.notApplied)).to.deep.equal(pending);
    expect(await lambdaUrl()).to.contain(String(world.out(EnvironmentOutputNames.databaseEndpoint)));
    // Neither update touched the instance: the engine never asked the provider to, and RDS still holds the class for the window.
    const touched = readRecords(world.engine.metricsFile)
      .slice(records)
      .filter((r): r is OperationRecord => ["create", "update", "delete"].includes(r.op))
      .filter((r) => r.type === INSTANCE && !r.preview);
    expect(touched).to.deep.equal([]);
    expect(await classAndPending()).to.deep.equal(waiting);

    // As RDS documents a revert: the class back, applied at once with the queue; dev is as the other tests expect it.
    await env.setConfig("databaseInstanceClass", "db.t3.micro");
    await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: primary(), DBInstanceClass: "db.t3.micro", ApplyImmediately: true }));
    expect((await describe()).PendingModifiedValues).to.equal(undefined);
  });

  it("cleanup finds what drills and restores left behind, keeps what is in use or protected, and destroys the rest", async () => {
    const kept = await world.run(["drill", "--stack", "dev", "--from", `snapshot:${SNAPSHOT}`, "--keep", "--json"]);
    expect(kept.code, kept.stderr).to.equal(0);
    const drillStack = `dev-drill-${kept.json<DrillReport>().drillId}`;
    world.clock.advance(3 * 3600_000);
    const dry = await world.run(["cleanup", "--older-than", "1h", "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).to.equal(0);
    const plan = dry.json<{ items: Array<{ name: string; action: string; reason: string }> }>().items;
    expect(plan.find((i) => i.name === drillStack)?.action).to.equal("destroy-stack");
    // Cut-over restores keep deletion protection, so cleanup reports them and never forces them.
    expect(plan.filter((i) => i.name.startsWith("dev-restore-")).every((i) => i.action === "keep")).to.equal(true);
    const done = await world.run(["cleanup", "--older-than", "1h", "--yes", "--json"]);
    expect(done.code, done.stderr).to.equal(0);
    expect(await restoreStacks()).to.not.include(drillStack);
    expect((await instanceIds()).filter((i) => i.includes("-drill-"))).to.deep.equal([]);
    expect(await instanceIds()).to.include(primary());
  });

  it("a failed pulumi up reaches the operator as one sentence: the engine's diagnostic, the resource, the next command and the log of the full output", async () => {
    const taken = `${primary()}-taken`;
    // The identifier is free when the restore checks it, and taken by the time RDS is asked (another operator, a killed run's instance).
    const hold = world.engine.levers.hold({ op: "create", type: "aws:rds/instance:Instance", preview: false });
    const running = world.run(["restore", "--stack", "dev", "--from", `snapshot:${SNAPSHOT}`, "--target-id", taken, "--yes"]);
    await hold.reached(120_000);
    await rds().send(new CreateDBInstanceCommand({ DBInstanceIdentifier: taken, Engine: "sqlserver-ex", DBInstanceClass: "db.t3.micro", AllocatedStorage: 20, MasterUsername: "admin", MasterUserPassword: "Passw0rd-not-used" }));
    hold.release();
    const result = await running;
    expect(result.code).to.equal(1);
    const errors = result.stderr.split("\n").filter((l) => l.startsWith("error: "));
    expect(errors, result.stderr).to.have.length(1);
    const id = /restore (\d{12}[a-z0-9]{4}):/.exec(result.stderr)![1]!;
    const stack = `${RESTORE_PROJECT}/dev-restore-${id}`;
    const sentence = new RegExp(
      `^error: Restore stack ${stack} failed at step restore: pulumi up of ${stack} failed at aws:rds/instance:Instance \\S+: DB instance already exists \\(full output: (\\S+\\.log)\\) — continue with gametracker-dr restore --stack dev --resume ${id}, or remove it with gametracker-dr cleanup\\.$`,
    );
    expect(errors[0], errors[0]).to.match(sentence);
    // No Automation API dump reaches the operator; the whole of it is in the log file, redacted.
    expect(result.stderr).not.to.match(/code: -2|\n stdout:|\n stderr:|err\?:/);
    const log = fs.readFileSync(sentence.exec(errors[0]!)![1]!, "utf8");
    expect(log).to.contain("error: DB instance already exists").and.to.contain("Updating (dev-restore-");
    expect(log).not.to.contain("Passw0rd");

    // Leave the deployment as the other tests expect it: no stray restore stack or instance.
    const leftover = await world.stacks().select({ project: RESTORE_PROJECT, stack: `dev-restore-${id}` });
    await leftover.destroy();
    await leftover.remove();
    await rds().send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: taken, SkipFinalSnapshot: true }));
  });
});

