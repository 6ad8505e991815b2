import { expect } from "chai";
import { ManualClock } from "../support/manual-clock";
import { useEmulator } from "../support/emulator";
import { FaultInjector } from "../support/faults";
import {
  automatedSnapshots,
  createManualSnapshot,
  createSqlServerInstance,
  environmentOutputs,
  runCli,
  snapshotIds,
  stacksWithOutputs,
} from "../support/rds-fixtures";

const DAY = 86_400_000;

describe("snapshots prune (moto)", () => {
  const emulator = useEmulator();
  const DB = "gametracker-mssql";
  const DECLARED = "gametracker-manual-backup-v1";

  /**
   * Oldest to newest: the automated one moto takes at creation, a hand-made one, the
   * declared baseline (tagged by the tool, so only "declared" protects it), then the tool's
   * t1..t4. Another instance's tool snapshot must never be touched either.
   */
  async function setup() {
    const { rds } = emulator.clients();
    await createSqlServerInstance(rds, { identifier: DB });
    await createSqlServerInstance(rds, { identifier: "other-db" });
    const ordered = ["by-hand", DECLARED, "t1", "t2", "t3", "t4"];
    for (const id of ordered) {
      // moto stamps snapshots with its own clock in milliseconds; a short pause keeps "newest" unambiguous.
      await new Promise((r) => setTimeout(r, 5));
      await createManualSnapshot(rds, DB, id, { byTool: id !== "by-hand" });
    }
    await createManualSnapshot(rds, "other-db", "other-t1");
    const automated = (await automatedSnapshots(rds, DB)).map((s) => s.DBSnapshotIdentifier!);
    const otherAutomated = (await automatedSnapshots(rds, "other-db")).map((s) => s.DBSnapshotIdentifier!);
    expect(automated).to.have.length(1);
    expect(otherAutomated).to.have.length(1);
    const stacks = stacksWithOutputs({ prod: environmentOutputs({ dbInstance: DB, manualSnapshots: [DECLARED] }) });
    return { rds, stacks, automated: automated[0]!, otherAutomated: otherAutomated[0]!, before: await snapshotIds(rds) };
  }

  it("--dry-run shows the plan with every survivor's reason and deletes nothing, even with --yes", async () => {
    const { rds, stacks, automated, before } = await setup();
    const run = await runCli(["snapshots", "prune", "--stack", "prod", "--keep-last", "2", "--dry-run", "--yes", "--json"], { clients: emulator.clients, stacks });
    expect(run.code, run.stderr).to.equal(0);
    const result = run.json();
    expect(result.dryRun).to.equal(true);
    expect(result.plan.toDelete).to.deep.equal(["t2", "t1"]);
    const reasons = Object.fromEntries(result.plan.decisions.map((d: any) => [d.identifier, d.action === "delete" ? "DELETE" : d.keptBecause.join(",")]));
    expect(reasons).to.deep.equal({
      t4: "newest,keep-last",
      t3: "keep-last",
      t2: "DELETE",
      t1: "DELETE",
      [DECLARED]: "declared",
      "by-hand": "untagged",
      [automated]: "automated",
    });
    expect(await snapshotIds(rds)).to.deep.equal(before);
  });

  it("deletes exactly the planned snapshots after --yes; automated, newest, untagged, declared and other instances' survive", async () => {
    const { rds, stacks, automated, otherAutomated } = await setup();
    const run = await runCli(["snapshots", "prune", "--stack", "prod", "--keep-last", "0", "--yes"], { clients: emulator.clients, stacks });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/^Prune plan \(keep the 0 newest snapshot\(s\) created by this tool\):\nACTION/);
    expect(run.stdout).to.match(/^Deleted 3 of 3 planned DB snapshot\(s\): t3, t2, t1\.\nKept 4\.\n$/);
    expect(await snapshotIds(rds)).to.deep.equal([automated, otherAutomated, "by-hand", DECLARED, "other-t1", "t4"].sort());
  });

  it("asks on a terminal: no deletes nothing (exit 1), yes deletes", async () => {
    const { rds, stacks, before } = await setup();
    const questions: string[] = [];
    let run = await runCli(["snapshots", "prune", "--stack", "prod", "--keep-last", "3"], {
      clients: emulator.clients,
      stacks,
      ask: async (q) => (questions.push(q), false),
    });
    expect(run.code).to.equal(1);
    expect(questions).to.deep.equal(["Delete 1 DB snapshot(s) of gametracker-mssql?"]);
    expect(run.stdout).to.equal("Prune cancelled; nothing was deleted.\n");
    expect(await snapshotIds(rds)).to.deep.equal(before);

    run = await runCli(["snapshots", "prune", "--stack", "prod", "--keep-last", "3"], { clients: emulator.clients, stacks, ask: async () => true });
    expect(run.code, run.stderr).to.equal(0);
    expect(await snapshotIds(rds)).to.deep.equal(before.filter((id) => id !== "t1"));
  });

  it("refuses to act unasked without a terminal or --yes (exit 2) and deletes nothing", async () => {
    const { rds, stacks, before } = await setup();
    const spy = new FaultInjector();
    const run = await runCli(["snapshots", "prune", "--stack", "prod", "--keep-last", "1"], { clients: emulator.clients, stacks, middleware: spy.middleware });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("error: Delete 3 DB snapshot(s) of gametracker-mssql? Re-run with --yes to confirm");
    expect(spy.count("DeleteDBSnapshot")).to.equal(0);
    expect(await snapshotIds(rds)).to.deep.equal(before);
  });

  it("--older-than keeps younger snapshots (moto's times are real, so the CLI clock moves instead)", async () => {
    const { rds, stacks, before } = await setup();
    let run = await runCli(["snapshots", "prune", "--stack", "prod", "--keep-last", "1", "--older-than", "30d", "--yes"], { clients: emulator.clients, stacks });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/Nothing to delete\.\n$/);
    expect(await snapshotIds(rds)).to.deep.equal(before);

    const monthLater = new ManualClock(new Date(Date.now() + 31 * DAY));
    run = await runCli(["snapshots", "prune", "--stack", "prod", "--keep-last", "1", "--older-than", "30d", "--yes", "--json"], { clients: emulator.clients, stacks, clock: monthLater });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json().deleted).to.deep.equal(["t3", "t2", "t1"]);
    expect(await snapshotIds(rds, { instance: DB, type: "manual" })).to.deep.equal(["by-hand", DECLARED, "t4"].sort());
  });

  it("refuses a missing or bad --keep-last and a bad --older-than before any AWS call (exit 2)", async () => {
    const { rds, stacks, before } = await setup();
    const cases: Array<[string[], string]> = [
      [[], "error: snapshots prune needs --keep-last N (how many of this tool's newest manual snapshots to keep), e.g. --keep-last 5.\n"],
      [["--keep-last", "-1"], 'error: Invalid --keep-last "-1": it must be a whole number of snapshots, 0 or more, e.g. --keep-last 5.\n'],
      [["--keep-last", "2.5"], 'error: Invalid --keep-last "2.5": it must be a whole number of snapshots, 0 or more, e.g. --keep-last 5.\n'],
      [["--keep-last", "many"], 'error: Invalid --keep-last "many": it is not a number; give a whole number, e.g. --keep-last 5.\n'],
      [["--keep-last", "2", "--older-than", "30"], 'error: Invalid --older-than "30": it has no unit; use a whole number followed by a unit (w, d, h, m or s), e.g. 30d, 24h, 15m or 1h30m.\n'],
    ];
    for (const [flags, message] of cases) {
      const spy = new FaultInjector();
      const run = await runCli(["snapshots", "prune", "--stack", "prod", "--yes", ...flags], { clients: emulator.clients, stacks, middleware: spy.middleware });
      expect(run.code, flags.join(" ")).to.equal(2);
      expect(run.stderr).to.equal(message);
      expect(spy.total(), flags.join(" ")).to.equal(0);
    }
    expect(stacks.selected, "the stack is not even read").to.deep.equal([]);
    expect(await snapshotIds(rds)).to.deep.equal(before);
  });

  it("refuses an unknown stack and an unknown instance (exit 2)", async () => {
    const { rds, stacks, before } = await setup();
    let run = await runCli(["snapshots", "prune", "--stack", "prd", "--keep-last", "0", "--yes"], { clients: emulator.clients, stacks });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/^error: Unknown environment stack prd: /);
    run = await runCli(["snapshots", "prune", "--db-instance", "gone-db", "--keep-last", "0", "--yes"], { clients: emulator.clients });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/^error: Unknown DB instance "gone-db"/);
    expect(await snapshotIds(rds)).to.deep.equal(before);
  });

  it("with --db-instance alone (no config) only the declared protection is lost; untagged, automated and newest still survive", async () => {
    const { rds, automated, otherAutomated } = await setup();
    const run = await runCli(["snapshots", "prune", "--db-instance", DB, "--keep-last", "0", "--yes"], { clients: emulator.clients });
    expect(run.code, run.stderr).to.equal(0);
    expect(await snapshotIds(rds)).to.deep.equal([automated, otherAutomated, "by-hand", "other-t1", "t4"].sort());
  });

  it("deletes through throttling; a persistent 5xx on delete reports each failure and exits 1 with nothing deleted", async () => {
    const { rds, stacks, before } = await setup();
    const down = new FaultInjector().add({ operation: "DeleteDBSnapshot", kind: "server", times: Infinity });
    let run = await runCli(["snapshots", "prune", "--stack", "prod", "--keep-last", "2", "--yes"], { clients: emulator.clients, stacks, middleware: down.middleware });
    expect(run.code).to.equal(1);
    const warnings = run.stderr.split("\n").filter((l) => l.startsWith("warning: "));
    expect(warnings).to.deep.equal([
      "warning: Could not delete DB snapshot t2: AWS answered ServiceUnavailable (HTTP 503) after 5 attempts; the problem is on AWS's side, retry in a few minutes and check the AWS Health Dashboard.",
      "warning: Could not delete DB snapshot t1: AWS answered ServiceUnavailable (HTTP 503) after 5 attempts; the problem is on AWS's side, retry in a few minutes and check the AWS Health Dashboard.",
    ]);
    expect(run.stdout).to.contain("Not deleted (see warnings above; re-run prune to retry): t2, t1.");
    expect(await snapshotIds(rds)).to.deep.equal(before);

    const throttled = new FaultInjector().add({ operation: "DeleteDBSnapshot", kind: "throttle", times: 2 });
    run = await runCli(["snapshots", "prune", "--stack", "prod", "--keep-last", "2", "--yes"], { clients: emulator.clients, stacks, middleware: throttled.middleware });
    expect(run.code, run.stderr).to.equal(0);
    expect(throttled.count("DeleteDBSnapshot")).to.equal(4);
    expect(await snapshotIds(rds)).to.deep.equal(before.filter((id) => id !== "t1" && id !== "t2"));
  });

  it("warns when the region's manual snapshots near the quota of 100", async () => {
    const { rds, stacks } = await setup();
    for (let i = 0; i < 73; i++) await createManualSnapshot(rds, "other-db", `filler-${i}`, { byTool: false });
    // 7 from setup + 73 = 80 manual snapshots in the region.
    const run = await runCli(["snapshots", "prune", "--stack", "prod", "--keep-last", "5", "--dry-run"], { clients: emulator.clients, stacks });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.equal("warning: us-east-1 holds 80 manual DB snapshots and is nearing the default quota of 100; prune old ones (gametracker-dr snapshots prune) or request a quota increase before CreateDBSnapshot starts failing.\n");
  });
});
