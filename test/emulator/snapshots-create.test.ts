import { expect } from "chai";
import { ManualClock } from "../support/manual-clock";
import { useEmulator } from "../support/emulator";
import { FaultInjector } from "../support/faults";
import {
  allSnapshots,
  createManualSnapshot,
  createSqlServerInstance,
  environmentOutputs,
  PendingStatus,
  runCli,
  snapshotIds,
  stacksWithOutputs,
} from "../support/rds-fixtures";

describe("snapshots create (moto)", () => {
  const emulator = useEmulator();
  const DB = "gametracker-mssql";
  // A fixed clock: the default name comes from it, whatever moto's own time is.
  const clockAt = () => new ManualClock("2026-11-25T09:08:07Z");

  async function setup() {
    const { rds } = emulator.clients();
    await createSqlServerInstance(rds, { identifier: DB, tags: { app: "gametracker", environment: "prod" } });
    await createManualSnapshot(rds, DB, "before-schema-v41");
    return { rds, before: await snapshotIds(rds) };
  }

  it("creates <instance>-manual-<UTC yyyyMMddHHmmss> from the stack, tagged created-by=gametracker-dr plus the instance's tags, and waits until available", async () => {
    const { rds, before } = await setup();
    const stacks = stacksWithOutputs({ prod: environmentOutputs({ dbInstance: DB }) });
    const run = await runCli(["snapshots", "create", "--stack", "prod", "--json"], { clients: emulator.clients, stacks, clock: clockAt() });
    expect(run.code, run.stderr).to.equal(0);
    const name = "gametracker-mssql-manual-20261125090807";
    expect(run.json()).to.deep.include({ snapshot: name, instance: DB, status: "available", waited: true });
    expect(await snapshotIds(rds)).to.deep.equal([...before, name].sort());
    const created = (await allSnapshots(rds)).find((s) => s.DBSnapshotIdentifier === name)!;
    expect(created).to.deep.include({ SnapshotType: "manual", Status: "available", DBInstanceIdentifier: DB, Engine: "sqlserver-ex" });
    expect(Object.fromEntries(created.TagList!.map((t) => [t.Key, t.Value]))).to.deep.equal({ app: "gametracker", environment: "prod", "created-by": "gametracker-dr" });
  });

  it("takes --name (stored lowercase, as RDS does) and says so in human output", async () => {
    const { rds } = await setup();
    const run = await runCli(["snapshots", "create", "--db-instance", DB, "--name", "Before-Schema-V42"], { clients: emulator.clients, clock: clockAt() });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^DB snapshot before-schema-v42 of gametracker-mssql is available \(created \S+Z, waited 0s\)\.\n$/);
    expect(await snapshotIds(rds, { type: "manual" })).to.deep.equal(["before-schema-v41", "before-schema-v42"]);
  });

  it("refuses an existing name (in any case) before calling CreateDBSnapshot, exit 2", async () => {
    const { rds, before } = await setup();
    const spy = new FaultInjector();
    const run = await runCli(["snapshots", "create", "--db-instance", DB, "--name", "Before-Schema-V41"], { clients: emulator.clients, middleware: spy.middleware });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.equal("error: DB snapshot before-schema-v41 already exists (manual, available, of gametracker-mssql); choose another --name or omit it for a timestamped one.\n");
    expect(spy.count("CreateDBSnapshot")).to.equal(0);
    expect(await snapshotIds(rds)).to.deep.equal(before);
  });

  it("refuses invalid names before any AWS call, exit 2", async () => {
    const { rds, before } = await setup();
    const cases: Array<[string, RegExp]> = [
      ["9lives", /it must start with a letter/],
      ["two--hyphens", /two consecutive hyphens/],
      ["trailing-", /ends with a hyphen/],
      ["under_score", /contains "_"/],
      ["x".repeat(256), /256 characters long/],
    ];
    for (const [name, reason] of cases) {
      const spy = new FaultInjector();
      const run = await runCli(["snapshots", "create", "--db-instance", DB, "--name", name], { clients: emulator.clients, middleware: spy.middleware });
      expect(run.code, name).to.equal(2);
      expect(run.stderr).to.match(/^error: Invalid snapshot name "/).and.match(reason);
      expect(spy.total(), `AWS calls for ${name}`).to.equal(0);
    }
    expect(await snapshotIds(rds)).to.deep.equal(before);
  });

  it("refuses an unknown instance and an unknown stack with exit 2 and creates nothing", async () => {
    const { rds, before } = await setup();
    const spy = new FaultInjector();
    let run = await runCli(["snapshots", "create", "--db-instance", "gametracker-mssqll"], { clients: emulator.clients, middleware: spy.middleware });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/^error: Unknown DB instance "gametracker-mssqll" in us-east-1/);
    run = await runCli(["snapshots", "create", "--stack", "staging"], { clients: emulator.clients, middleware: spy.middleware, stacks: stacksWithOutputs({}) });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/^error: Unknown environment stack staging/);
    expect(spy.count("CreateDBSnapshot")).to.equal(0);
    expect(await snapshotIds(rds)).to.deep.equal(before);
  });

  it("waits with progress on stderr while RDS reports creating, polling no faster than every 5 s", async () => {
    await setup();
    const pending = new PendingStatus("DescribeDBSnapshots", "creating", 4);
    const clock = clockAt();
    // The existence check sees "not found" (an empty answer, unaffected); the quota count and the three polls see "creating".
    const run = await runCli(["snapshots", "create", "--db-instance", DB, "--name", "slow-one"], { clients: emulator.clients, middleware: pending.middleware, clock });
    expect(run.code, run.stderr).to.equal(0);
    const waits = run.stderr.split("\n").filter((l) => l.startsWith("waiting for DB snapshot slow-one to be available"));
    expect(pending.rewritten).to.equal(4);
    expect(waits).to.have.length(3);
    expect(waits[0]).to.equal("waiting for DB snapshot slow-one to be available (0s, status creating)");
    expect(waits[2]).to.match(/\(\d+s, status creating\)$/);
    expect(clock.sleeps).to.have.length(3);
    expect(clock.sleeps.every((ms) => ms >= 5_000)).to.equal(true);
    expect(run.stderr).to.contain("started DB snapshot slow-one of gametracker-mssql");
    expect(run.stdout).to.match(/is available .*waited \d+s\)/);
  });

  it("with --no-wait returns at once with the current status", async () => {
    const { rds } = await setup();
    const clock = clockAt();
    const run = await runCli(["snapshots", "create", "--db-instance", DB, "--name", "quick", "--no-wait", "--json"], { clients: emulator.clients, clock });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json()).to.deep.include({ snapshot: "quick", waited: false });
    expect(clock.sleeps).to.deep.equal([]);
    expect(await snapshotIds(rds, { type: "manual" })).to.include("quick");
  });

  it("times out with one sentence after --timeout, leaving the snapshot in place", async () => {
    const { rds } = await setup();
    const pending = new PendingStatus("DescribeDBSnapshots", "creating", Infinity);
    const run = await runCli(["snapshots", "create", "--db-instance", DB, "--name", "stuck", "--timeout", "1m"], { clients: emulator.clients, middleware: pending.middleware, clock: clockAt() });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/\nerror: Timed out after 1m\d\ds waiting for DB snapshot stuck to be available \(last status creating\); check it in the AWS console or raise the timeout\.\n$/);
    expect(await snapshotIds(rds, { type: "manual" })).to.include("stuck");
  });

  it("fails with exit 1 when the snapshot ends failed", async () => {
    await setup();
    const pending = new PendingStatus("DescribeDBSnapshots", "failed", Infinity);
    const run = await runCli(["snapshots", "create", "--db-instance", DB, "--name", "doomed"], { clients: emulator.clients, middleware: pending.middleware, clock: clockAt() });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/error: DB snapshot doomed ended failed after 0s instead of becoming available; check aws rds describe-events/);
  });

  it("refuses (exit 1, nothing created) while the instance is not available", async () => {
    const { rds, before } = await setup();
    const pending = new PendingStatus("DescribeDBInstances", "modifying", 1);
    const run = await runCli(["snapshots", "create", "--db-instance", DB], { clients: emulator.clients, middleware: pending.middleware, clock: clockAt() });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^error: DB instance gametracker-mssql is modifying and RDS only snapshots an available instance/);
    expect(await snapshotIds(rds)).to.deep.equal(before);
  });

  it("creates exactly one snapshot through throttling, and none on a persistent 5xx (one-sentence error)", async () => {
    const { rds, before } = await setup();
    const throttled = new FaultInjector().add({ operation: "CreateDBSnapshot", kind: "throttle", times: 2 });
    let run = await runCli(["snapshots", "create", "--db-instance", DB, "--name", "through-throttling"], { clients: emulator.clients, middleware: throttled.middleware, clock: clockAt() });
    expect(run.code, run.stderr).to.equal(0);
    expect(throttled.count("CreateDBSnapshot")).to.equal(3);
    expect(await snapshotIds(rds)).to.deep.equal([...before, "through-throttling"].sort());

    const down = new FaultInjector().add({ operation: "CreateDBSnapshot", kind: "server", times: Infinity });
    run = await runCli(["snapshots", "create", "--db-instance", DB, "--name", "never"], { clients: emulator.clients, middleware: down.middleware, clock: clockAt() });
    expect(run.code).to.equal(1);
    const errorLines = run.stderr.split("\n").filter((l) => l.startsWith("error: "));
    expect(errorLines).to.deep.equal([
      "error: Could not create DB snapshot never of instance gametracker-mssql: AWS answered ServiceUnavailable (HTTP 503) after 5 attempts; the problem is on AWS's side, retry in a few minutes and check the AWS Health Dashboard.",
    ]);
    expect(run.stderr).not.to.match(/\n\s+at /);
    expect(await snapshotIds(rds, { type: "manual" })).not.to.include("never");
  });

  it("warns when the region's manual snapshots near the quota of 100", async () => {
    const { rds } = await setup();
    await createSqlServerInstance(rds, { identifier: "other-db" });
    for (let i = 0; i < 78; i++) await createManualSnapshot(rds, "other-db", `filler-${i}`, { byTool: false });
    // 1 + 78 existing; this one makes 80.
    const run = await runCli(["snapshots", "create", "--db-instance", DB, "--name", "eightieth"], { clients: emulator.clients, clock: clockAt() });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.contain("warning: us-east-1 holds 80 manual DB snapshots and is nearing the default quota of 100; prune old ones");
  });
});
