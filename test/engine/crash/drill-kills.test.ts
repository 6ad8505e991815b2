/**
 * The kill matrix (issue 18 §5), drill and cleanup: `bin/gametracker-dr.js` as an OS
 * process killed (SIGKILL to every process of the run; crash-world.ts), then the next run
 * of the same command, which must finish and leave nothing: no drill instance, no restore
 * stack, no lock, no pending operation, the primary and its snapshots untouched. Also the
 * second measured scenario of issue 18 as it was measured (a drill killed, then cleanup),
 * and GitHub's cancel of a drill job (SIGINT, SIGTERM 7.5 s later, the tree killed 2.5 s
 * after), whose `if: always()` step runs cleanup.
 */
import { expect } from "chai";
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
    const hold = world.engine.levers.hold({ op: "create", type: RDS_INSTANCE, preview: false });
    const cancelled = world.dr(["drill", "--stack", "dev", "--from", SNAPSHOT]);
    await hold.reached(120_000);
    await cancelled.githubCancel();
    await cleanupFinishes();
  });
});
