/**
 * The kill matrix (issue 18 §5), restore: `bin/gametracker-dr.js restore` as an OS process,
 * killed (SIGKILL to every process of the run, the stand-in plugins' process groups
 * included; crash-world.ts) at each point of its pipeline, then `--resume` from a new
 * process, which must finish verified; then the world is asserted settled: one instance
 * per restore beside the primary, no lock, no pending operation in any stack, the primary
 * and its snapshots untouched, the API still on the primary. Also the first measured
 * scenario of issue 18 as it was measured, and the ways CI stops a run: GitHub's cancel
 * (SIGINT, SIGTERM 7.5 s later, the process tree killed 2.5 s after) and a Ctrl-C.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RestoreResult } from "../../../automation/restore/restore";
import { validatorScript } from "../../support/validation";
import { useCrashWorld } from "../../support/engine/crash-world";
import type { RunningProcess } from "../../support/engine/dr-process";

/** Resolves once `file` exists; fails when `run` ends first or after a minute. */
async function fileAppears(file: string, run: RunningProcess): Promise<void> {
  let ended = false;
  void run.done.then(() => (ended = true));
  for (const deadline = Date.now() + 60_000; !fs.existsSync(file); await new Promise((r) => setTimeout(r, 25))) {
    if (ended) throw new Error(`the run ended before ${file} appeared:\n${(await run.done).stderr}`);
    if (Date.now() > deadline) throw new Error(`${file} did not appear within a minute`);
  }
}

const RDS_INSTANCE = "aws:rds/instance:Instance";
const SNAPSHOT = "snapshot:gametracker-manual-backup-v1";
const PASS = JSON.stringify({ status: "pass", checks: [{ name: "dbo.Players has at least 1000 rows", expected: ">= 1000 rows", actual: "1200 rows", ok: true }], dataTime: "2026-01-01T00:00:00Z" });

describe("crash tier: restore killed at each point, then resumed, on dev deployed through the language host", function () {
  this.timeout(5 * 60_000);
  const world = useCrashWorld("dev");
  /** The instances the finished restores of this describe made, beside the primary. */
  const restored: string[] = [];
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gametracker-crash-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** `restore --resume <id> --yes --json` to its end: verified, exit 0, the same run; then the world settled. */
  const resumeFinishes = async (id: string, target: string) => {
    const run = await world.finish(["restore", "--stack", "dev", "--resume", id, "--yes", "--json"]);
    expect(run.json<RestoreResult>()).to.deep.include({ restoreId: id, resumed: true, passed: true, targetInstance: target });
    restored.push(target);
    await world.expectSettled({ restored, lambda: "primary" });
  };

  it("issue 18's first measured scenario: restore --from latest killed once its RDS instance exists, before the follow-up modify; restore --resume from a new process finishes, verified, exit 0", async () => {
    const target = `${world.out("databaseIdentifier")}-resumed`;
    const hold = world.engine.levers.hold({ op: "create", type: RDS_INSTANCE, step: "before-follow-up-modify" });
    const killed = world.dr(["restore", "--stack", "dev", "--from", "latest", "--target-id", target, "--yes"]);
    await hold.reached(120_000);
    const id = world.resumeId(await killed.crash());
    expect(await world.instances(), "the killed run had made the instance").to.include(target);
    await resumeFinishes(id, target);
  });

  it("killed once the restore stack exists with its spec and its update has begun, before anything is created: --resume finishes", async () => {
    const target = `${world.out("databaseIdentifier")}-early`;
    // The update's first provider call: the stack and its spec exist, the engine holds the lock, nothing is made.
    const hold = world.engine.levers.hold({ op: "check" });
    const killed = world.dr(["restore", "--stack", "dev", "--from", SNAPSHOT, "--target-id", target, "--yes"]);
    await hold.reached(120_000);
    const id = world.resumeId(await killed.crash());
    expect(world.restoreStacks()).to.include(`dev-restore-${id}`);
    await resumeFinishes(id, target);
  });

  it("killed after its up, before verify; its resume killed during verify's wait; that one's resume killed during the data validation: the next --resume finishes, validated", async () => {
    const target = `${world.out("databaseIdentifier")}-validated`;
    // A validator that waits until told to answer (the file `go`), and says when it started.
    const validator = validatorScript(dir, "validate", `cat > /dev/null\nif [ -f "${dir}/go" ]; then printf '%s' '${PASS}'; else touch "${dir}/started"; exec sleep 600; fi`);

    // 1. After up, before verify: the restore's convergence preview (up done, no lock; a preview takes none) reads the instance.
    const converging = world.engine.levers.hold({ op: "diff", type: RDS_INSTANCE });
    const first = world.dr(["restore", "--stack", "dev", "--from", SNAPSHOT, "--target-id", target, "--validate-with", `command:${validator}`, "--yes"]);
    await converging.reached(120_000);
    const id = world.resumeId(await first.crash());

    // 2. During verify's wait: the CLI's look at the restored instance, held unanswered.
    const verifying = world.proxy.hold({ service: "rds", action: "DescribeDBInstances", caller: "cli", params: { DBInstanceIdentifier: target } }, { at: "answer", answered: (status) => status === 200 });
    const second = world.dr(["restore", "--stack", "dev", "--resume", id, "--yes"]);
    await verifying.reached(120_000);
    await second.crash();
    verifying.release();

    // 3. During validation: the validator runs (in its own process group; the crash takes it too).
    const third = world.dr(["restore", "--stack", "dev", "--resume", id, "--yes"]);
    await fileAppears(path.join(dir, "started"), third);
    await third.crash();

    fs.writeFileSync(path.join(dir, "go"), "");
    const run = await world.finish(["restore", "--stack", "dev", "--resume", id, "--yes", "--json"]);
    const result = run.json<RestoreResult>();
    expect(result).to.deep.include({ restoreId: id, resumed: true, passed: true, targetInstance: target });
    expect(result.checks.map((c) => c.name)).to.include("dbo.Players has at least 1000 rows");
    restored.push(target);
    await world.expectSettled({ restored, lambda: "primary" });
  });

  it("GitHub's cancel while the RDS create is in flight past its grace (SIGINT, SIGTERM 7.5 s later, the tree killed 2.5 s after): --resume finishes", async () => {
    const target = `${world.out("databaseIdentifier")}-cancelled`;
    const hold = world.engine.levers.hold({ op: "create", type: RDS_INSTANCE, preview: false });
    const cancelled = world.dr(["restore", "--stack", "dev", "--from", SNAPSHOT, "--target-id", target, "--yes"]);
    await hold.reached(120_000);
    const id = world.resumeId(await cancelled.githubCancel());
    await resumeFinishes(id, target);
  });

  it("Ctrl-C while the RDS create is in flight: the operation finishes, the restore keeps its stack and says how to continue (exit 1); --resume from another process finishes from the stack's recorded spec", async () => {
    const target = `${world.out("databaseIdentifier")}-interrupted`;
    const hold = world.engine.levers.hold({ op: "create", type: RDS_INSTANCE, preview: false });
    const interrupted = world.dr(["restore", "--stack", "dev", "--from", SNAPSHOT, "--target-id", target, "--yes"]);
    await hold.reached(120_000);
    interrupted.signal("SIGINT");
    hold.release();
    const stopped = await interrupted.done;
    expect(stopped.code, stopped.stderr).to.equal(1);
    expect(stopped.stderr).to.match(/interrupted/i);
    const id = world.resumeId(stopped);
    expect(world.restoreStacks()).to.include(`dev-restore-${id}`);
    const run = await world.finish(["restore", "--stack", "dev", "--resume", id, "--json"]);
    const result = run.json<RestoreResult>();
    expect(result).to.deep.include({ restoreId: id, resumed: true, passed: true, targetInstance: target });
    expect(result.recoveryPoint?.label).to.equal(SNAPSHOT);
    restored.push(target);
    await world.expectSettled({ restored, lambda: "primary" });
  });
});
