/**
 * The kill matrix (issue 18 §5), cut-over and rollback; and the production path of both
 * (issue 19 §1): dev deployed by `pulumi up -s dev` through the Node.js language host, and
 * `bin/gametracker-dr.js cutover` / `rollback` as OS processes, which drive the
 * environment stack from the checkout's Pulumi.yaml (the adapter's non-inline path: the
 * same language host runs index.ts for their previews and updates).
 *
 * Each kill is SIGKILL to every process of the run (crash-world.ts); the test after it is
 * the next run of the same command, which must finish; then the world is asserted settled:
 * the restored instance alone beside the primary, no lock, no pending operation, the
 * primary and its snapshots untouched, the Lambda where the last finished command put it.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { RestoreResult } from "../../../automation/restore/restore";
import { CheckIds } from "../../../automation/restore/verify";
import { DATABASE_SOURCE_KEY } from "../../../contracts/stacks";
import { REPO_ROOT } from "../../support/moto";
import { useCrashWorld } from "../../support/engine/crash-world";
import { pulumiPreview } from "../../support/engine/dr-process";
import { expectEnvironmentAsConfigured } from "../../support/engine/environment-checks";

const LAMBDA = "aws:lambda/function:Function";

describe("crash tier: cutover and rollback killed, then run again, on dev deployed through the language host", function () {
  this.timeout(5 * 60_000);
  const world = useCrashWorld("dev");
  let restored: RestoreResult;
  const target = () => ({ restoreStack: restored.stackName, address: restored.endpoint!.address });
  const sourceInStackFile = () => new RegExp(`${DATABASE_SOURCE_KEY}: (\\S+)`).exec(fs.readFileSync(path.join(world.engine.workDir, "Pulumi.dev.yaml"), "utf8"))?.[1];
  const noChanges = async () => {
    const preview = await pulumiPreview(world.engine, "dev");
    expect(preview.code, `pulumi preview -s dev --expect-no-changes:\n${preview.stdout}\n${preview.stderr}`).to.equal(0);
  };

  it("dev, deployed by pulumi up -s dev as the README says, is in moto as Pulumi.dev.yaml says, and the next preview changes nothing; a restore through bin/gametracker-dr.js is verified with the system resolver", async () => {
    await expectEnvironmentAsConfigured(world.engine, "dev", world.outputs);
    await noChanges();
    const run = await world.finish(["restore", "--stack", "dev", "--from", "snapshot:gametracker-manual-backup-v1", "--yes", "--json"]);
    restored = run.json<RestoreResult>();
    expect(restored.passed).to.equal(true);
    // verify looked the endpoint up as on a user's machine (dns.promises.lookup; the test's answer comes from outside the product).
    const dns = restored.checks.find((c) => c.id === CheckIds.endpointResolves);
    expect(dns).to.deep.include({ status: "pass", expected: `${restored.endpoint!.address} resolves (system DNS)` });
    await world.expectSettled({ restored: [restored.targetInstance], lambda: "primary" });
  });

  it("cutover killed between its preview and its up: the next cutover finishes, the API uses the restored database, the checkout's Pulumi.dev.yaml says so (the repository's does not), and the next preview changes nothing", async () => {
    const killed = world.dr(["cutover", "--stack", "dev", "--to", restored.stackName, "--yes"]);
    // The line the cut-over prints once its preview passed the guard, right before `pulumi up` starts.
    await killed.stderrShows(/dev: applying \(pulumi up\)/);
    await killed.crash();
    expect(sourceInStackFile(), "the killed run had switched the config").to.equal(restored.stackName);

    const next = await world.finish(["cutover", "--stack", "dev", "--to", restored.stackName, "--yes", "--json"]);
    expect(next.json()).to.deep.include({ outcome: "switched", to: restored.stackName });
    await world.expectSettled({ restored: [restored.targetInstance], lambda: target() });
    expect(sourceInStackFile()).to.equal(restored.stackName);
    expect(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")).to.contain(`${DATABASE_SOURCE_KEY}: primary`);
    await noChanges();
  });

  it("rollback killed during its up (the Lambda's update in flight): the next rollback finishes", async () => {
    const hold = world.engine.levers.hold({ op: "update", type: LAMBDA, preview: false });
    const killed = world.dr(["rollback", "--stack", "dev", "--yes"]);
    await hold.reached(120_000);
    await killed.crash();
    // The next test is the next rollback.
  });

  it("rollback through bin/gametracker-dr.js puts the API back on the primary", async () => {
    const run = await world.finish(["rollback", "--stack", "dev", "--yes", "--json"]);
    expect(run.json()).to.deep.include({ outcome: "switched", to: "primary" });
    await world.expectSettled({ restored: [restored.targetInstance], lambda: "primary" });
    expect(sourceInStackFile()).to.equal("primary");
  });

  it("cutover killed during its up (the Lambda's update in flight): the next cutover finishes", async () => {
    const hold = world.engine.levers.hold({ op: "update", type: LAMBDA, preview: false });
    const killed = world.dr(["cutover", "--stack", "dev", "--to", restored.stackName, "--yes"]);
    await hold.reached(120_000);
    await killed.crash();
    const next = await world.finish(["cutover", "--stack", "dev", "--to", restored.stackName, "--yes", "--json"]);
    expect(next.json()).to.deep.include({ outcome: "switched", to: restored.stackName });
    await world.expectSettled({ restored: [restored.targetInstance], lambda: target() });
  });
});
