import { expect } from "chai";
import { FakeInterrupts } from "../support/interrupts";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { newRunId } from "../../automation/restore/naming";
import { DrillReport } from "../../automation/drill/report";
import { checkIdsFor } from "../../automation/restore/verify";
import { ReportWriter } from "../../automation/drill/report-files";
import { drillStackName, ENVIRONMENT_PROJECT, RESTORE_PROJECT } from "../../contracts/stacks";
import { useEmulator } from "../support/emulator";
import { FaultInjector } from "../support/faults";
import { PendingStatus, allSnapshots, primaryFingerprint } from "../support/rds-fixtures";
import { DECLARED_SNAPSHOT, drillHarness, Harness, PRIMARY } from "./restore-fixtures";

/**
 * Rewrites the status RDS reports for one instance (the drill's target), answer by answer:
 * moto makes instances available at once; RDS takes minutes, and sometimes fails.
 */
function statusOf(identifier: () => string, status: (answer: number) => string | undefined) {
  let answers = 0;
  return (stack: any) =>
    stack.add(
      (next: any, context: any) => async (args: any) => {
        const result = await next(args);
        if (context.commandName === "DescribeDBInstancesCommand" && args.input.DBInstanceIdentifier === identifier()) {
          answers += 1;
          const rewritten = status(answers);
          if (rewritten !== undefined) for (const i of result.output?.DBInstances ?? []) i.DBInstanceStatus = rewritten;
        }
        return result;
      },
      { step: "initialize", name: "statusOf", priority: "low" },
    );
}

/** The instance answers "creating" `times` times, then as moto has it. */
function creatingFor(identifier: () => string, times: number) {
  return statusOf(identifier, (answer) => (answer <= times ? "creating" : undefined));
}

describe("drill (in-memory stacks + moto)", () => {
  const emulator = useEmulator();
  let h: Harness;
  let before: unknown;
  let drillId: string;
  let stackName: string;
  let reportDir: string;

  beforeEach(async () => {
    h = await drillHarness((o) => emulator.clients(o), emulator.endpoint());
    before = await primaryFingerprint(h.aws.rds, PRIMARY);
    // The CLI's random is fixed at 0.5 and its clock is the harness's: the drill id is predictable.
    drillId = newRunId(h.clock.now(), () => 0.5);
    stackName = drillStackName("dev", drillId);
    reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-reports-"));
  });
  afterEach(() => h.dispose());

  const restoreStack = () => ({ project: RESTORE_PROJECT, stack: stackName });
  const instances = async () => ((await h.aws.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((i) => i.DBInstanceIdentifier).sort();
  const target = () => `${PRIMARY}-drill-${drillId}`;

  /** The invariants of every drill: environment stack untouched, primary and its snapshots unchanged. */
  async function expectPrimaryUntouched(): Promise<void> {
    expect(h.stacks.mutations({ project: ENVIRONMENT_PROJECT, stack: "dev" })).to.deep.equal([]);
    expect(h.stacks.history.filter((e) => e.project === ENVIRONMENT_PROJECT).map((e) => e.verb)).to.satisfy((verbs: string[]) => verbs.every((v) => v === "select" || v === "outputs"));
    expect(await primaryFingerprint(h.aws.rds, PRIMARY)).to.deep.equal(before);
  }

  /** Cleanup's invariant: no restore stack, no drill instance left in moto. */
  async function expectCleanedUp(): Promise<void> {
    expect(h.stacks.exists(restoreStack())).to.equal(false);
    expect(await instances()).to.deep.equal([PRIMARY]);
    const verbs = h.stacks.history.filter((e) => e.project === RESTORE_PROJECT && (e.verb === "destroy" || e.verb === "remove")).map((e) => e.verb);
    expect(verbs).to.deep.equal(["destroy", "remove"]);
  }

  it("restores a snapshot, verifies it, writes the report, and leaves nothing behind", async () => {
    const result = await h.run(["drill", "--stack", "dev", "--from", `snapshot:${DECLARED_SNAPSHOT}`, "--report-dir", reportDir, "--json"]);
    expect(result.code, result.stderr).to.equal(0);
    const report = result.json<DrillReport>();
    expect(report).to.deep.include({ drillId, environment: "dev", outcome: "passed", restoreStack: `${RESTORE_PROJECT}/${stackName}`, sourceInstance: PRIMARY, targetInstance: target(), resumed: false });
    expect(report.recoveryPoint).to.deep.include({ label: `snapshot:${DECLARED_SNAPSHOT}`, kind: "snapshot", snapshotType: "manual", source: "snapshot", region: "us-east-1" });
    expect(report.steps.map((s) => [s.name, s.status])).to.deep.equal([
      ["choose", "ok"],
      ["restore", "ok"],
      ["verify", "ok"],
      ["validate", "skipped"],
      ["assets", "skipped"],
      ["report", "ok"],
      ["cleanup", "ok"],
    ]);
    expect(report.checks.map((c) => c.id)).to.deep.equal(checkIdsFor("drill"));
    expect(report.checks.filter((c) => c.status !== "pass")).to.deep.equal([]);
    expect(report.cleanup.status).to.equal("destroyed");
    expect(report.endpoint?.address).to.match(new RegExp(`^${target()}\\.`));
    expect(report.secretArn).to.match(/^arn:aws:secretsmanager:/);
    // RPO: drill start − the snapshot's creation time, as moto recorded it.
    const snapshot = (await allSnapshots(h.aws.rds, { instance: PRIMARY })).find((s) => s.DBSnapshotIdentifier === DECLARED_SNAPSHOT)!;
    expect(report.rpoSeconds).to.equal(Math.round((new Date(report.startedAt).getTime() - snapshot.SnapshotCreateTime!.getTime()) / 1000));
    expect(report.rtoSeconds).to.equal(0);

    // The files: JSON equal to stdout, Markdown for the PR/step summary.
    const json = JSON.parse(fs.readFileSync(path.join(reportDir, `drill-${drillId}.json`), "utf8"));
    expect(json).to.deep.equal(report);
    expect(fs.readFileSync(path.join(reportDir, `drill-${drillId}.md`), "utf8")).to.contain(`## Restore drill ${drillId}: ✅ passed`);
    expect(result.stderr).to.contain(`drill ${drillId}: environment dev, source ${PRIMARY}, instance`);
    expect(result.stderr).to.contain(`created restore stack ${RESTORE_PROJECT}/${stackName} — if interrupted, continue with gametracker-dr drill --stack dev --resume ${drillId}`);
    expect(result.stderr).to.contain(`--resume ${drillId}`);

    // The restore stack ran the real program: created, its spec recorded, configured, up, its
    // preview finding nothing left to apply (a snapshot restore sets everything), destroyed, removed.
    const restoreVerbs = h.stacks.history.filter((e) => e.project === RESTORE_PROJECT && e.verb !== "setConfig" && e.verb !== "getConfig").map((e) => e.verb);
    expect(restoreVerbs).to.deep.equal(["createOrSelect", "setTags", "up", "preview", "destroy", "remove"]);
    const config = h.stacks.history.filter((e) => e.project === RESTORE_PROJECT && e.verb === "setConfig");
    expect(config.find((e) => e.key === "aws:region")?.value).to.equal("us-east-1");
    const spec = JSON.parse(config.find((e) => e.key === "gametracker-restore:spec")!.value!);
    expect(spec.point.snapshotIdentifier).to.equal(DECLARED_SNAPSHOT);
    expect(spec.dbSubnetGroupName).to.equal(h.network.subnetGroupName);
    await expectCleanedUp();
    await expectPrimaryUntouched();
  });

  it("measures RTO from the drill's start until the instance is verified", async () => {
    // RDS takes minutes to make an instance available; moto is instant: the restored instance answers "creating" three times.
    const slowRestore = creatingFor(target, 3);
    const result = await h.run(["drill", "--stack", "dev", "--json"], { middleware: slowRestore });
    expect(result.code, result.stderr).to.equal(0);
    const report = result.json<DrillReport>();
    // By default (latest) the newest point: the live primary's latest restorable time.
    expect(report.recoveryPoint).to.deep.include({ label: "latest-restorable", kind: "latest-restorable", source: "primary", from: `automated backups of ${PRIMARY} in us-east-1` });
    const waited = h.clock.sleeps.reduce((a, b) => a + b, 0);
    expect(h.clock.sleeps).to.have.length(3);
    expect(report.rtoSeconds).to.equal(Math.round(waited / 1000));
    expect(report.verifiedAt).to.equal(new Date(new Date(report.startedAt).getTime() + waited).toISOString());
    expect(result.stderr).to.contain(`waiting for DB instance ${target()} to be available (0s, status creating)`);
  });

  it("drills a random point of the last 7 days as a point-in-time restore", async () => {
    const result = await h.run(["drill", "--stack", "dev", "--random-within", "7d", "--json"]);
    expect(result.code, result.stderr).to.equal(0);
    const report = result.json<DrillReport>();
    expect(report.recoveryPoint?.kind).to.equal("time");
    expect(report.recoveryPoint?.label).to.equal(`time:${report.recoveryPoint?.time}`);
    const spec = JSON.parse(h.stacks.history.find((e) => e.project === RESTORE_PROJECT && e.verb === "setConfig" && e.key === "gametracker-restore:spec")!.value!);
    expect(spec.point).to.include({ kind: "time", time: report.recoveryPoint?.time });
    expect(spec.point).to.not.have.property("snapshotIdentifier");
    await expectCleanedUp();
    await expectPrimaryUntouched();
  });

  it("keeps the restore stack and instance with --keep, tagged for cleanup", async () => {
    const result = await h.run(["drill", "--stack", "dev", "--from", "latest-restorable", "--keep", "--json"]);
    expect(result.code, result.stderr).to.equal(0);
    const report = result.json<DrillReport>();
    expect(report.cleanup.status).to.equal("kept");
    expect(report.steps.find((s) => s.name === "cleanup")).to.deep.include({ status: "skipped", note: "--keep" });
    expect(h.stacks.exists(restoreStack())).to.equal(true);
    const kept = (await h.aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: target() }))).DBInstances![0]!;
    expect(kept.DeletionProtection).to.equal(false);
    expect(Object.fromEntries((kept.TagList ?? []).map((t) => [t.Key, t.Value]))).to.include({ "gametracker:drill-id": drillId, "gametracker:recovery-point": "latest-restorable" });
    expect(kept.DBSubnetGroup?.DBSubnetGroupName).to.equal(h.network.subnetGroupName);
    expect(kept.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).to.deep.equal([h.network.securityGroupId]);
    await expectPrimaryUntouched();
  });

  describe("a failure at each step ends with the restore stack destroyed and removed, exit 1, and a report naming the step", () => {
    it("choose: RDS failing while the facts are gathered (nothing was created)", async () => {
      const faults = new FaultInjector().add({ operation: "DescribeDBSnapshots", kind: "server", times: Infinity });
      const result = await h.run(["drill", "--stack", "dev", "--json", "--report-dir", reportDir], { middleware: faults.middleware });
      expect(result.code).to.equal(1);
      const report = result.json<DrillReport>();
      expect(report).to.deep.include({ outcome: "failed", failedStep: "choose" });
      expect(report.cleanup.status).to.equal("nothing-to-clean");
      expect(report.recoveryPoint).to.equal(undefined);
      expect(report.steps.map((s) => s.status)).to.deep.equal(["failed", "skipped", "skipped", "skipped", "skipped", "skipped", "skipped"]);
      expect(h.stacks.history.filter((e) => e.project === RESTORE_PROJECT)).to.deep.equal([]);
      expect(fs.existsSync(path.join(reportDir, `drill-${drillId}.md`))).to.equal(true);
      expect(await instances()).to.deep.equal([PRIMARY]);
      await expectPrimaryUntouched();
    });

    it("up: the update fails after RDS created the instance", async () => {
      h.stacks.failNext(stackName, "up", new Error("engine: connection to the backend lost"), { after: true });
      const result = await h.run(["drill", "--stack", "dev", "--json"]);
      expect(result.code).to.equal(1);
      const report = result.json<DrillReport>();
      expect(report).to.deep.include({ outcome: "failed", failedStep: "restore", error: "engine: connection to the backend lost" });
      expect(report.cleanup.status).to.equal("destroyed");
      expect(report.rtoSeconds).to.equal(undefined);
      await expectCleanedUp();
      await expectPrimaryUntouched();
    });

    it("up: the update fails before creating anything", async () => {
      h.stacks.failNext(stackName, "up", new Error("provider plugin crashed"));
      const result = await h.run(["drill", "--stack", "dev", "--json"]);
      expect(result.code).to.equal(1);
      expect(result.json<DrillReport>()).to.deep.include({ failedStep: "restore" });
      await expectCleanedUp();
      await expectPrimaryUntouched();
    });

    it("verify: a check fails (the endpoint does not resolve)", async () => {
      const nxdomain = { name: "system DNS", resolve: async (host: string): Promise<string[]> => Promise.reject(Object.assign(new Error(`ENOTFOUND ${host}`), { code: "ENOTFOUND" })) };
      const result = await h.run(["drill", "--stack", "dev", "--json"], { resolver: nxdomain });
      expect(result.code).to.equal(1);
      const report = result.json<DrillReport>();
      expect(report).to.deep.include({ outcome: "failed", failedStep: "verify" });
      expect(report.error).to.equal(`1 of ${checkIdsFor("drill").length} checks failed: endpoint-resolves (expected ${report.endpoint!.address} resolves (system DNS), got not resolved: ENOTFOUND).`);
      expect(report.checks.find((c) => c.id === "endpoint-resolves")?.status).to.equal("fail");
      expect(report.rtoSeconds).to.equal(undefined);
      await expectCleanedUp();
      await expectPrimaryUntouched();
    });

    it("verify: the restored instance ends in a failed status", async () => {
      const broken = statusOf(target, () => "incompatible-restore");
      const result = await h.run(["drill", "--stack", "dev", "--json"], { middleware: broken });
      expect(result.code).to.equal(1);
      const report = result.json<DrillReport>();
      expect(report.failedStep).to.equal("verify");
      expect(report.checks.find((c) => c.id === "available")).to.deep.include({ status: "fail", actual: "incompatible-restore" });
      await expectCleanedUp();
    });

    it("report: the report can't be written", async () => {
      let writes = 0;
      const diskFull: ReportWriter = {
        async write() {
          writes += 1;
          throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
        },
      };
      const result = await h.run(["drill", "--stack", "dev", "--json", "--report-dir", reportDir], { reportWriter: diskFull });
      expect(result.code).to.equal(1);
      const report = result.json<DrillReport>();
      expect(report).to.deep.include({ outcome: "failed", failedStep: "report", error: "ENOSPC: no space left on device" });
      // The verification itself passed and is in the report on stdout.
      expect(report.checks.every((c) => c.status === "pass")).to.equal(true);
      expect(report.rtoSeconds).to.be.a("number");
      expect(writes).to.equal(2);
      expect(result.stderr).to.contain(`warning: could not write the drill report to ${reportDir}: ENOSPC`);
      await expectCleanedUp();
      await expectPrimaryUntouched();
    });
  });

  it("Ctrl-C during the restore: says what it waits for, and cleans up once the running update has stopped", async () => {
    const interrupts = new FakeInterrupts();
    h.stacks.beforeNext(stackName, "up", () => interrupts.fire());
    const result = await h.run(["drill", "--stack", "dev", "--json"], { interrupts });
    expect(result.code).to.equal(1);
    const report = result.json<DrillReport>();
    expect(report).to.deep.include({ outcome: "failed", failedStep: "restore" });
    expect(report.error).to.contain("Interrupted (SIGINT)");
    expect(report.cleanup.status).to.equal("destroyed");
    expect(result.stderr).to.contain(
      `warning: interrupted: waiting for the Pulumi update of restore stack ${RESTORE_PROJECT}/${stackName} to stop after the steps in flight (Pulumi records them; an RDS create or delete takes 10–40 minutes), then the drill will destroy restore stack ${RESTORE_PROJECT}/${stackName}; press Ctrl-C again to stop waiting (the drill then ends within 2 s and can be continued with gametracker-dr drill --stack dev --resume ${drillId})`,
    );
    expect(interrupts.uninstalled).to.equal(1);
    expect(interrupts.handlers).to.deep.equal([]);
    await expectCleanedUp();
    await expectPrimaryUntouched();
  });

  it("a second Ctrl-C stops waiting: the drill ends at once, its stack left as a killed run leaves it, and --resume finishes it", async () => {
    const interrupts = new FakeInterrupts();
    h.stacks.beforeNext(stackName, "up", () => {
      interrupts.fire();
      interrupts.fire(); // an impatient second Ctrl-C
    });
    const result = await h.run(["drill", "--stack", "dev", "--json"], { interrupts });
    expect(result.code).to.equal(1);
    const report = result.json<DrillReport>();
    expect(report).to.deep.include({ outcome: "failed", failedStep: "restore" });
    const resume = `gametracker-dr drill --stack dev --resume ${drillId}`;
    expect(result.stderr).to.contain(`warning: stopping: not waiting any longer (at most 2 s more for the step in flight); restore stack ${RESTORE_PROJECT}/${stackName} is left as a killed run leaves it — continue with ${resume}, or remove it with gametracker-dr cleanup`);
    expect(report.cleanup.status).to.equal("failed");
    expect(h.stacks.exists(restoreStack())).to.equal(true);
    expect(interrupts.handlers).to.deep.equal([]);

    const resumed = await h.run(["drill", "--stack", "dev", "--resume", drillId, "--json"]);
    expect(resumed.code, resumed.stderr).to.equal(0);
    await expectCleanedUp();
    await expectPrimaryUntouched();
  });

  it("Ctrl-C while waiting for the instance: stops waiting and cleans up", async () => {
    const interrupts = new FakeInterrupts();
    const waiting = statusOf(target, (answer) => {
      if (answer === 2) interrupts.fire();
      return "creating";
    });
    const result = await h.run(["drill", "--stack", "dev", "--json"], { interrupts, middleware: waiting });
    expect(result.code).to.equal(1);
    const report = result.json<DrillReport>();
    expect(report.failedStep).to.equal("verify");
    expect(report.error).to.contain("Interrupted");
    await expectCleanedUp();
  });

  describe("--deadline (its clock the harness's; the drill looks at it every second of real time)", () => {
    it("stops the wait for the instance at once when no more than the cleanup margin is left, destroys its stack and fails saying so", async () => {
      const waiting = (stack: any) => {
        statusOf(target, (answer) => {
          // The first answer: the deadline is 1h55m on, 5 minutes left of it. RDS says "creating" (an answer every 50 ms) until the drill stops asking.
          if (answer === 1) h.clock.advance(115 * 60_000);
          return "creating";
        })(stack);
        stack.add((next: any) => async (args: any) => (await new Promise((r) => setTimeout(r, 50)), next(args)), { step: "initialize", name: "slowRds" });
      };
      const result = await h.run(["drill", "--stack", "dev", "--deadline", "2h", "--timeout", "1d", "--json"], { middleware: waiting });
      expect(result.code, result.stderr).to.equal(1);
      const report = result.json<DrillReport>();
      expect(report).to.deep.include({ outcome: "failed", failedStep: "verify" });
      expect(report.error).to.match(/^The drill's --deadline 2h stopped it at step verify, with \d+m\d\ds of it left, to clean up in the 20m it keeps for that \(--cleanup-margin\)\.$/);
      expect(result.stderr).to.contain(`warning: ${report.error}`);
      expect(result.stderr).to.contain(`warning: interrupted: stopping drill ${drillId} (it was waiting for instance ${target()} to be available); it will destroy restore stack ${RESTORE_PROJECT}/${stackName}`);
      expect(report.cleanup.status).to.equal("destroyed");
      await expectCleanedUp();
      await expectPrimaryUntouched();
    });

    it("a deadline that comes once the drill is cleaning up stops nothing: the drill passes", async () => {
      h.stacks.beforeNext(stackName, "destroy", async () => {
        h.clock.advance(2 * 3_600_000);
        // Long enough for the drill to look at its deadline.
        await new Promise((r) => setTimeout(r, 1_500));
      });
      const result = await h.run(["drill", "--stack", "dev", "--deadline", "2h", "--json"]);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.json<DrillReport>()).to.deep.include({ outcome: "passed" });
      expect(result.stderr).not.to.match(/--deadline|warning: interrupted/);
      await expectCleanedUp();
    });
  });

  it("--resume continues an interrupted drill's own stack, with its recovery point and start time", async () => {
    // A first attempt whose update broke, kept for the resume.
    h.stacks.failNext(stackName, "up", new Error("runner lost"), { after: true });
    const first = await h.run(["drill", "--stack", "dev", "--from", `snapshot:${DECLARED_SNAPSHOT}`, "--keep", "--json"]);
    expect(first.code).to.equal(1);
    expect(h.stacks.exists(restoreStack())).to.equal(true);
    const firstReport = first.json<DrillReport>();
    h.clock.advance(3600_000);
    h.stacks.clearHistory();

    const resumed = await h.run(["drill", "--stack", "dev", "--resume", drillId, "--json"]);
    expect(resumed.code, resumed.stderr).to.equal(0);
    const report = resumed.json<DrillReport>();
    expect(report).to.deep.include({ drillId, resumed: true, outcome: "passed", startedAt: firstReport.startedAt, targetInstance: target() });
    expect(report.recoveryPoint?.label).to.equal(`snapshot:${DECLARED_SNAPSHOT}`);
    expect(report.rpoSeconds).to.equal(firstReport.rpoSeconds);
    expect(report.rtoSeconds).to.equal(3600);
    expect(report.steps[0]).to.deep.include({ name: "choose", status: "skipped" });
    // It used its own stack: no other restore stack was created, and its recorded spec was not rewritten;
    // the program's config was written again from that spec (an inline project's config does not survive the process).
    expect(h.stacks.history.filter((e) => e.project === RESTORE_PROJECT).every((e) => e.stack === stackName)).to.equal(true);
    expect(h.stacks.history.filter((e) => e.verb === "createOrSelect" || e.verb === "setTags")).to.deep.equal([]);
    expect(h.stacks.history.filter((e) => e.verb === "setConfig").map((e) => e.key)).to.deep.equal(["aws:region", "gametracker-restore:spec"]);
    await expectCleanedUp();
    await expectPrimaryUntouched();
  });

  it("a concurrent update on the restore stack: a clear message naming it, and nothing else done", async () => {
    h.stacks.failNext(stackName, "up", new Error("runner lost"), { after: true });
    await h.run(["drill", "--stack", "dev", "--keep", "--json"]);
    h.stacks.lock(restoreStack());
    h.stacks.clearHistory();
    const result = await h.run(["drill", "--stack", "dev", "--resume", drillId, "--json"]);
    expect(result.code).to.equal(1);
    const report = result.json<DrillReport>();
    expect(report.failedStep).to.equal("restore");
    expect(report.error).to.match(new RegExp(`^Stack organization/${RESTORE_PROJECT}/${stackName} is locked by an update of .+ that is still running on this host; .*pulumi cancel --yes -s organization/${RESTORE_PROJECT}/${stackName}`));
    expect(report.cleanup.status).to.equal("failed");
    expect(report.cleanup.detail).to.contain(`another update is running on ${RESTORE_PROJECT}/${stackName}`);
    expect(h.stacks.history.filter((e) => e.verb === "destroy" || e.verb === "remove")).to.deep.equal([]);
    expect(h.stacks.exists(restoreStack())).to.equal(true);
    await expectPrimaryUntouched();
  });

  describe("bad input is refused with exit 2 before any stack is created or changed", () => {
    const refused = async (argv: string[], message: string | RegExp, options: Parameters<Harness["run"]>[1] = {}) => {
      const result = await h.run(argv, options);
      expect(result.code, result.stderr).to.equal(2);
      const line = result.stderr.trim().split("\n").pop()!;
      if (typeof message === "string") expect(line).to.equal(`error: ${message}`);
      else expect(line).to.match(message);
      expect(result.stdout).to.equal("");
      expect(h.stacks.mutations()).to.deep.equal([]);
      // At most a look-up of a drill to resume; never a created or configured restore stack.
      expect(h.stacks.history.filter((e) => e.project === RESTORE_PROJECT && e.verb !== "select")).to.deep.equal([]);
      expect(await instances()).to.deep.equal([PRIMARY]);
      await expectPrimaryUntouched();
    };

    it("a time in the future", async () => {
      const future = new Date(h.clock.now().getTime() + 3600_000).toISOString();
      await refused(["drill", "--stack", "dev", "--from", `time:${future}`], /^error: time:\S+ is in the future \(now is \S+\); choose a time inside the restore window \[\S+, \S+\]\.$/);
    });

    it("a time before the earliest restorable time", async () => {
      await refused(["drill", "--stack", "dev", "--from", "time:2020-01-01T00:00:00Z"], /^error: time:2020-01-01T00:00:00Z is before the earliest restorable time \S+ of gametracker-mssql; choose a time between \S+ and \S+\.$/);
    });

    it("an unparseable time and a time without a zone", async () => {
      await refused(["drill", "--stack", "dev", "--from", "time:yesterday"], "time:yesterday is not an ISO-8601 time; use for example time:2026-11-25T09:30:00Z.");
      await refused(["drill", "--stack", "dev", "--from", "time:2026-11-25T09:30:00"], /has no time zone; add Z for UTC/);
    });

    it("an unknown snapshot", async () => {
      await refused(["drill", "--stack", "dev", "--from", "snapshot:no-such-snapshot"], /^error: Snapshot no-such-snapshot does not exist in us-east-1; choose one of gametracker-mssql's available snapshots \(newest: gametracker-manual-backup-v1, rds:gametracker-mssql-/);
    });

    it("a snapshot that is not available", async () => {
      const pending = new PendingStatus("DescribeDBSnapshots", "creating", Infinity);
      await refused(["drill", "--stack", "dev", "--from", `snapshot:${DECLARED_SNAPSHOT}`], `Snapshot ${DECLARED_SNAPSHOT} is creating, not available; wait until it is available or choose another snapshot.`, {
        middleware: pending.middleware,
      });
    });

    it("a snapshot of another engine", async () => {
      const { CreateDBInstanceCommand, CreateDBSnapshotCommand } = await import("@aws-sdk/client-rds");
      await h.aws.rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: "analytics-mysql", Engine: "mysql", DBInstanceClass: "db.t3.micro", AllocatedStorage: 20, MasterUsername: "admin", MasterUserPassword: "fixture-only-Pa55word" }));
      await h.aws.rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: "analytics-mysql", DBSnapshotIdentifier: "analytics-snap" }));
      const result = await h.run(["drill", "--stack", "dev", "--from", "snapshot:analytics-snap"]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.contain("error: Snapshot analytics-snap is of engine mysql, not SQL Server (sqlserver-*) like gametracker-mssql; choose a snapshot of gametracker-mssql.");
      expect(h.stacks.mutations()).to.deep.equal([]);
    });

    it("an unknown environment stack", async () => {
      await refused(["drill", "--stack", "staging"], /^error: Unknown environment stack staging: there is no gametracker\/staging stack in this Pulumi backend/);
    });

    it("no --stack, --from with --random-within, a bad --random-within, a bad --resume id, an unknown drill", async () => {
      await refused(["drill"], "drill needs --stack <environment stack> (e.g. --stack dev): the drill's restore stack is named after it and placed on its network.");
      await refused(["drill", "--stack", "dev", "--from", "latest", "--random-within", "7d"], "--from latest and --random-within 7d both choose the recovery point; pass only one of them.");
      await refused(["drill", "--stack", "dev", "--random-within", "7"], /^error: Invalid --random-within "7": it has no unit/);
      await refused(["drill", "--stack", "dev", "--resume", "dev-drill-1"], /^error: --resume "dev-drill-1" is not a run id/);
      await refused(["drill", "--stack", "dev", "--resume", "202001010000zzzz"], /^error: There is no drill 202001010000zzzz of environment dev: restore stack gametracker-restore\/dev-drill-202001010000zzzz does not exist/);
    });

    it("a --report-dir that can't be written", async () => {
      const file = path.join(reportDir, "a-file");
      fs.writeFileSync(file, "");
      await refused(["drill", "--stack", "dev", "--report-dir", file], /^error: --report-dir \S+ is not a directory/);
    });
  });
});
