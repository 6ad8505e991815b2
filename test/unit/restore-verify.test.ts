import { expect } from "chai";
import { InstanceFacts } from "../../automation/restore/rds-facts";
import { DnsAnswer, evaluateRestoredInstance, isTerminalStatus, VerifyExpectations } from "../../automation/restore/verify";
import { Interruption, InterruptedError, processInterrupts } from "../../automation/interrupt";
import { StepRecorder } from "../../automation/restore/steps";
import { ManualClock } from "../support/manual-clock";

const expected: VerifyExpectations = {
  identifier: "gametracker-mssql-drill-202611251200abcd",
  engine: "sqlserver-ex",
  engineVersion: "16.00.4165.4.v1",
  minStorageGiB: 20,
  subnetGroupName: "gametracker-mssql-subnets",
  securityGroupIds: ["sg-a", "sg-b"],
  purpose: "drill",
  drillId: "202611251200abcd",
  recoveryPoint: "snapshot:gametracker-manual-backup-v1",
};

function restored(overrides: Partial<InstanceFacts> = {}): InstanceFacts {
  return {
    identifier: expected.identifier,
    arn: "arn:aws:rds:us-east-1:123456789012:db:" + expected.identifier,
    status: "available",
    engine: "sqlserver-ex",
    engineVersion: "16.00.4165.4.v1",
    instanceClass: "db.t3.micro",
    multiAz: false,
    allocatedStorageGiB: 20,
    backupRetentionDays: 7,
    subnetGroupName: "gametracker-mssql-subnets",
    securityGroupIds: ["sg-b", "sg-a"],
    address: "x.abc.us-east-1.rds.amazonaws.com",
    port: 1433,
    deletionProtection: false,
    latestRestorableTime: undefined,
    tags: { "gametracker:drill-id": "202611251200abcd", "gametracker:recovery-point": "snapshot:gametracker-manual-backup-v1" },
    ...overrides,
  };
}

const resolved: DnsAnswer = { host: "x.abc.us-east-1.rds.amazonaws.com", resolver: "test resolver", addresses: ["10.0.1.23"] };
const failing = (checks: ReturnType<typeof evaluateRestoredInstance>) => checks.filter((c) => c.status === "fail").map((c) => c.id);

describe("verification verdicts (pure)", () => {
  it("passes every check for an instance restored as asked (security groups in any order)", () => {
    const checks = evaluateRestoredInstance(restored(), expected, resolved);
    expect(checks.map((c) => c.id)).to.deep.equal([
      "available",
      "engine",
      "engine-version",
      "storage",
      "backup-retention",
      "subnet-group",
      "security-groups",
      "deletion-protection",
      "drill-tags",
      "endpoint-resolves",
    ]);
    expect(failing(checks)).to.deep.equal([]);
    expect(checks.find((c) => c.id === "endpoint-resolves")).to.deep.include({ expected: "x.abc.us-east-1.rds.amazonaws.com resolves (test resolver)", actual: "10.0.1.23" });
  });

  it("fails each property that differs, with expected and actual", () => {
    const checks = evaluateRestoredInstance(
      restored({
        status: "incompatible-restore",
        engine: "sqlserver-se",
        engineVersion: "15.00.4415.2.v1",
        allocatedStorageGiB: 10,
        backupRetentionDays: 0,
        subnetGroupName: "default",
        securityGroupIds: ["sg-default"],
        deletionProtection: true,
        tags: {},
      }),
      expected,
      resolved,
    );
    expect(failing(checks)).to.deep.equal([
      "available",
      "engine",
      "engine-version",
      "storage",
      "backup-retention",
      "subnet-group",
      "security-groups",
      "deletion-protection",
      "drill-tags",
    ]);
    expect(checks.find((c) => c.id === "storage")).to.deep.include({ expected: ">= 20 GiB", actual: "10 GiB" });
    expect(checks.find((c) => c.id === "subnet-group")).to.deep.include({ expected: "gametracker-mssql-subnets", actual: "default" });
  });

  it("a subset of the security groups is not enough", () => {
    expect(failing(evaluateRestoredInstance(restored({ securityGroupIds: ["sg-a"] }), expected, resolved))).to.deep.equal(["security-groups"]);
  });

  it("a cut-over restore must keep deletion protection and needs no drill tags", () => {
    const cutover = { ...expected, purpose: "cutover" as const };
    expect(failing(evaluateRestoredInstance(restored({ deletionProtection: true, tags: {} }), cutover, resolved))).to.deep.equal([]);
    expect(failing(evaluateRestoredInstance(restored({ deletionProtection: false }), cutover, resolved))).to.deep.equal(["deletion-protection"]);
  });

  it("reports an endpoint that does not resolve honestly, naming the resolver", () => {
    const checks = evaluateRestoredInstance(restored(), expected, { host: "x.abc.us-east-1.rds.amazonaws.com", resolver: "system DNS", error: "ENOTFOUND" });
    expect(checks.find((c) => c.id === "endpoint-resolves")).to.deep.include({ status: "fail", expected: "x.abc.us-east-1.rds.amazonaws.com resolves (system DNS)", actual: "not resolved: ENOTFOUND" });
  });

  it("a missing instance is one failed check", () => {
    expect(evaluateRestoredInstance(undefined, expected, undefined)).to.deep.equal([
      { id: "available", name: `instance ${expected.identifier} is available`, status: "fail", expected: "available", actual: "does not exist" },
    ]);
  });

  it("knows which statuses never become available by themselves", () => {
    expect(isTerminalStatus("incompatible-restore")).to.equal(true);
    expect(isTerminalStatus("failed")).to.equal(true);
    expect(isTerminalStatus("creating")).to.equal(false);
    expect(isTerminalStatus("backing-up")).to.equal(false);
    expect(isTerminalStatus("modifying")).to.equal(false);
  });
});

describe("drill step recorder and interruption", () => {
  it("records durations with the injected clock, the first failure, and unreached steps as skipped", async () => {
    const clock = new ManualClock("2026-11-25T12:00:00Z");
    const steps = new StepRecorder(clock);
    await steps.run("choose", async () => clock.advance(1500));
    let thrown: unknown;
    try {
      await steps.run("restore", async () => {
        clock.advance(60_000);
        throw new Error("up failed");
      });
    } catch (e) {
      thrown = e;
    }
    expect((thrown as Error).message).to.equal("up failed");
    steps.skip("cleanup", "nothing was created");
    expect(steps.firstFailure).to.equal("restore");
    expect(steps.list(["choose", "restore", "verify", "cleanup"])).to.deep.equal([
      { name: "choose", status: "ok", startedAt: "2026-11-25T12:00:00.000Z", durationMs: 1500 },
      { name: "restore", status: "failed", startedAt: "2026-11-25T12:00:01.500Z", durationMs: 60_000, note: "up failed" },
      { name: "verify", status: "skipped", durationMs: 0, note: "not reached" },
      { name: "cleanup", status: "skipped", durationMs: 0, note: "nothing was created" },
    ]);
  });

  it("an interruption triggers once and makes the current wait give up, while the work itself continues", async () => {
    const interruption = new Interruption();
    let finish!: (v: string) => void;
    const work = new Promise<string>((resolve) => (finish = resolve));
    const raced = interruption.race(work);
    expect(interruption.trigger()).to.equal(true);
    expect(interruption.trigger()).to.equal(false);
    let error: unknown;
    try {
      await raced;
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(InterruptedError);
    finish("done");
    expect(await work).to.equal("done");
    // A step started after the interruption gives up at once.
    let late: unknown;
    try {
      await interruption.race(new Promise(() => undefined));
    } catch (e) {
      late = e;
    }
    expect(late).to.be.instanceOf(InterruptedError);
  });
});

describe("process interrupts (the real Ctrl-C hook)", () => {
  it("calls the drill's handler for SIGINT and SIGTERM, and uninstalls cleanly", () => {
    const before = { int: process.listeners("SIGINT"), term: process.listeners("SIGTERM") };
    let calls = 0;
    const uninstall = processInterrupts(() => (calls += 1));
    const added = process.listeners("SIGINT").filter((l) => !before.int.includes(l));
    const addedTerm = process.listeners("SIGTERM").filter((l) => !before.term.includes(l));
    expect(added).to.have.length(1);
    expect(addedTerm).to.deep.equal(added);
    // Invoke the listener as Node would, without signalling the test process.
    (added[0] as (signal: NodeJS.Signals) => void)("SIGINT");
    (added[0] as (signal: NodeJS.Signals) => void)("SIGTERM");
    expect(calls).to.equal(2);
    uninstall();
    expect(process.listeners("SIGINT")).to.deep.equal(before.int);
    expect(process.listeners("SIGTERM")).to.deep.equal(before.term);
  });
});
