/**
 * The kill matrix (issue 18 §5), drill and cleanup: `bin/gametracker-dr.js` as an OS
 * process killed (SIGKILL to every process of the run; crash-world.ts), then the next run
 * of the same command, which must finish and leave nothing: no drill instance, no restore
 * stack, no lock, no pending operation, the primary and its snapshots untouched. Also the
 * second measured scenario of issue 18 as it was measured (a drill killed, then cleanup),
 * and GitHub's cancel of a drill job (SIGINT, SIGTERM 7.5 s later, the tree killed 2.5 s
 * after), whose `if: always()` step runs cleanup of that drill (drill.yml). And the ways a
 * drill stops before anything kills it: a SIGTERM alone, and its own --deadline; both clean
 * up in-process.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DrillReport } from "../../../automation/drill/report";
import { useCrashWorld } from "../../support/engine/crash-world";

const RDS_INSTANCE = "aws:rds/instance:Instance";
const SNAPSHOT = "snapshot:gametracker-manual-backup-v1";

describe("crash tier: drill and cleanup killed, then run again, on dev deployed through the language host", function () {
  this.timeout(5 * 60_000);
  const world = useCrashWorld("dev");
  const nothingLeft = async () => {
    expect(world.restoreStacks(), "restore stacks in the backend").to.deep.equal([]);
    await world.expectSettled({ restored: [], lambda: "primary" });
  };
  const cleanupFinishes = async () => {
    const run = await world.finish(["cleanup", "--stack", "dev", "--older-than", "1s", "--yes", "--json"]);
    await nothingLeft();
    return run;
  };
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gametracker-drill-kills-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A drill stopped while its RDS create is in flight, as a first Ctrl-C stops it: the Pulumi CLI is told to cancel (it says so), the held create then finishes, and the drill destroys its stack; its report (stdout, --json) and exit code. */
  const stoppedInFlight = async (run: ReturnType<typeof world.dr>, hold: { release(): void }, stopped: RegExp) => {
    await run.stderrShows(stopped);
    await run.stderrShows(/\^C received; cancelling/);
    hold.release();
    const done = await run.done;
    expect(done.code, done.stderr).to.equal(1);
    const report = done.json<DrillReport>();
    expect(report).to.deep.include({ outcome: "failed", failedStep: "restore" });
    expect(report.cleanup.status, report.cleanup.detail).to.equal("destroyed");
    expect(report.steps.find((step) => step.name === "cleanup")?.status).to.equal("ok");
    await nothingLeft();
    return report;
  };

  it("SIGTERM alone (a kill, a runner's second signal) to a drill while its RDS create is in flight is a first Ctrl-C: the create finishes, the drill destroys its stack in-process and fails, exit 1, nothing left", async () => {
    const hold = world.engine.levers.hold({ op: "create", type: RDS_INSTANCE, preview: false });
    const run = world.dr(["drill", "--stack", "dev", "--from", SNAPSHOT, "--json", "--verbose"]);
    await hold.reached(120_000);
    run.signal("SIGTERM");
    const report = await stoppedInFlight(run, hold, /interrupted: waiting for the Pulumi update of restore stack/);
    expect(report.error).to.equal("Interrupted (SIGTERM).");
  });

  it("drill --deadline that comes while its RDS create is held stops the create as a first Ctrl-C does, destroys the stack in-process and fails with the deadline's sentence at step restore, exit 1, nothing left", async () => {
    const idFile = path.join(dir, "drill-id");
    const hold = world.engine.levers.hold({ op: "create", type: RDS_INSTANCE, preview: false });
    // It stops 45 s after it started (1 minute less its 15 s margin): its create is held long before (7 s on an idle
    // machine, about 3.5 times that under the whole test load), and stays held until the CLI is told to cancel.
    const run = world.dr(["drill", "--stack", "dev", "--from", SNAPSHOT, "--deadline", "1m", "--cleanup-margin", "15s", "--id-file", idFile, "--json", "--verbose"]);
    await hold.reached(45_000);
    const report = await stoppedInFlight(run, hold, /The drill's --deadline 1m stopped it at step restore/);
    expect(report.error).to.match(/^The drill's --deadline 1m stopped it at step restore, with \d+s of it left, to clean up in the 15s it keeps for that \(--cleanup-margin\)\.$/);
    expect(fs.readFileSync(idFile, "utf8"), "the id the workflow's last step cleans up after").to.equal(`${report.drillId}\n`);
  });

  it("issue 18's second measured scenario: a drill killed once its RDS instance exists, before the follow-up modify; cleanup --stack dev --older-than 1s removes it, exit 0", async () => {
    const hold = world.engine.levers.hold({ op: "create", type: RDS_INSTANCE, step: "before-follow-up-modify" });
    const killed = world.dr(["drill", "--stack", "dev", "--from", "latest"]);
    await hold.reached(120_000);
    const id = world.resumeId(await killed.crash());
    expect(await world.instances(), "the killed drill had made its instance").to.include(`${world.out("databaseIdentifier")}-drill-${id}`);
    await cleanupFinishes();
  });

  it("a drill killed during its destroy (the instance's delete in flight): drill --resume finishes the drill and leaves nothing", async () => {
    const hold = world.engine.levers.hold({ op: "delete", type: RDS_INSTANCE, preview: false });
    const killed = world.dr(["drill", "--stack", "dev", "--from", SNAPSHOT]);
    await hold.reached(120_000);
    const id = world.resumeId(await killed.crash());
    const run = await world.finish(["drill", "--stack", "dev", "--resume", id, "--json"]);
    expect(run.json()).to.deep.include({ drillId: id, outcome: "passed" });
    await nothingLeft();
  });

  it("cleanup killed during its destroy of a kept drill: the next cleanup finishes and leaves nothing", async () => {
    const kept = await world.finish(["drill", "--stack", "dev", "--from", SNAPSHOT, "--keep", "--json"]);
    expect(world.restoreStacks()).to.deep.equal([`dev-drill-${kept.json<{ drillId: string }>().drillId}`]);
    const hold = world.engine.levers.hold({ op: "delete", type: RDS_INSTANCE, preview: false });
    const killed = world.dr(["cleanup", "--stack", "dev", "--older-than", "1s", "--yes"]);
    await hold.reached(120_000);
    await killed.crash();
    await cleanupFinishes();
  });

  it("GitHub's cancel of a drill while its RDS create is in flight past the grace (SIGINT, SIGTERM 7.5 s later, the tree killed 2.5 s after): the workflow's cleanup step leaves nothing", async () => {
    const idFile = path.join(dir, "cancelled-drill-id");
    const hold = world.engine.levers.hold({ op: "create", type: RDS_INSTANCE, preview: false });
    const cancelled = world.dr(["drill", "--stack", "dev", "--from", SNAPSHOT, "--id-file", idFile]);
    await hold.reached(120_000);
    await cancelled.githubCancel();
    // drill.yml's last step: cleanup of the drill its id file names, and nothing else.
    await world.finish(["cleanup", "--stack", "dev", "--drill", fs.readFileSync(idFile, "utf8").trim(), "--yes", "--json"]);
    await nothingLeft();
  });
});
