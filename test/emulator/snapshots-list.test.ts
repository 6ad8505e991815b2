import { expect } from "chai";
import { useEmulator } from "../support/emulator";
import { FaultInjector } from "../support/faults";
import {
  createManualSnapshot,
  createSqlServerInstance,
  environmentOutputs,
  runCli,
  snapshotIds,
  stacksWithOutputs,
} from "../support/rds-fixtures";

describe("snapshots list (moto)", () => {
  const emulator = useEmulator();
  const DB = "gametracker-mssql";

  async function setup() {
    const { rds } = emulator.clients();
    await createSqlServerInstance(rds, { identifier: DB });
    await createManualSnapshot(rds, DB, "gametracker-manual-backup-v1", { byTool: false });
    await createManualSnapshot(rds, DB, "gametracker-mssql-manual-20261125120000");
    await createSqlServerInstance(rds, { identifier: "someone-else" });
    await createManualSnapshot(rds, "someone-else", "not-ours");
    return { rds, before: await snapshotIds(rds) };
  }

  it("lists the instance's automated and manual snapshots newest first with the point-in-time window (--stack, --json)", async () => {
    const { rds, before } = await setup();
    const stacks = stacksWithOutputs({ dev: environmentOutputs({ dbInstance: DB, manualSnapshots: ["gametracker-manual-backup-v1"] }) });
    const run = await runCli(["snapshots", "list", "--stack", "dev", "--json"], { clients: emulator.clients, stacks });
    expect(run.code, run.stderr).to.equal(0);
    const result = run.json();
    expect(result.instance).to.equal(DB);
    const ids = result.snapshots.map((s: { identifier: string }) => s.identifier);
    expect(ids).to.have.length(3);
    expect(ids[0]).to.equal("gametracker-mssql-manual-20261125120000");
    expect(ids[1]).to.equal("gametracker-manual-backup-v1");
    expect(ids[2]).to.match(/^rds:gametracker-mssql-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}$/);
    expect(ids).not.to.include("not-ours");
    expect(result.snapshots[0]).to.deep.include({ type: "manual", status: "available", sizeGiB: 20, engineVersion: "16.00.4165.4.v1", createdByTool: true, declared: false });
    expect(result.snapshots[1]).to.deep.include({ createdByTool: false, declared: true });
    expect(result.snapshots[2]).to.deep.include({ type: "automated" });
    // moto gives no RestoreWindow: the earliest time falls back to the oldest automated snapshot.
    expect(result.pointInTimeWindow.earliestSource).to.equal("oldest-automated-snapshot");
    expect(result.pointInTimeWindow.earliest).to.equal(result.snapshots[2].createdAt);
    expect(result.pointInTimeWindow.latest).to.be.a("string");
    expect(await snapshotIds(rds)).to.deep.equal(before);
  });

  it("prints a table for humans from --db-instance alone, without touching stacks", async () => {
    await setup();
    const run = await runCli(["snapshots", "list", "--db-instance", DB], { clients: emulator.clients });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^Snapshots of gametracker-mssql in us-east-1 \(3, newest first\):\nSNAPSHOT\s+TYPE\s+STATUS\s+CREATED \(UTC\)\s+AGE\s+SIZE\s+ENGINE VERSION\s+NOTES/);
    expect(run.stdout).to.match(/gametracker-mssql-manual-20261125120000\s+manual\s+available\s+\S+Z\s+\S+\s+20 GiB\s+16\.00\.4165\.4\.v1\s+by gametracker-dr/);
    expect(run.stdout).to.contain("Point-in-time window: ");
  });

  it("refuses an unknown instance, an unknown stack, no environment and a malformed identifier with exit 2", async () => {
    await setup();
    const cases: Array<[string[], RegExp]> = [
      [["--db-instance", "nope"], /^error: Unknown DB instance "nope" in us-east-1: RDS has no instance, snapshot or automated backups by that name; check --db-instance/],
      [["--stack", "prod"], /^error: Unknown environment stack prod: there is no gametracker\/prod stack in this Pulumi backend/],
      [[], /^error: No environment given: pass --stack <environment stack> or --db-instance/],
      [["--db-instance", "bad_name"], /^error: Invalid --db-instance "bad_name": it contains "_" \(only letters, digits and hyphens are allowed\)/],
    ];
    for (const [flags, message] of cases) {
      const run = await runCli(["snapshots", "list", ...flags], { clients: emulator.clients, stacks: stacksWithOutputs({ dev: environmentOutputs({ dbInstance: DB }) }) });
      expect(run.code, flags.join(" ")).to.equal(2);
      expect(run.stderr).to.match(message);
      expect(run.stderr.trim().split("\n"), "one line").to.have.length(1);
      expect(run.stdout).to.equal("");
    }
  });

  it("succeeds through throttling (the SDK retries) and ends a persistent 5xx in one clear sentence", async () => {
    await setup();
    const throttled = new FaultInjector().add({ operation: "DescribeDBSnapshots", kind: "throttle", times: 2 });
    let run = await runCli(["snapshots", "list", "--db-instance", DB, "--json"], { clients: emulator.clients, middleware: throttled.middleware });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json().snapshots).to.have.length(3);
    expect(throttled.count("DescribeDBSnapshots")).to.equal(3);

    const down = new FaultInjector().add({ operation: "DescribeDBInstances", kind: "server", times: Infinity });
    run = await runCli(["snapshots", "list", "--db-instance", DB], { clients: emulator.clients, middleware: down.middleware });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal(
      "error: Could not read DB instance gametracker-mssql: AWS answered ServiceUnavailable (HTTP 503) after 5 attempts; the problem is on AWS's side, retry in a few minutes and check the AWS Health Dashboard.\n",
    );
    expect(down.count("DescribeDBInstances")).to.equal(5);
    expect(down.count("DescribeDBSnapshots")).to.equal(0);
  });
});
