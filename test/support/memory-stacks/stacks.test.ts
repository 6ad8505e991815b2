import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ManualClock } from "../manual-clock";
import { ConcurrentUpdateError, LockHolder, PlanViolationError, StackNotFoundError } from "../../../automation/stacks/port";
import { ResourceLifecycle } from "./lifecycle";
import { MemoryStacks } from "./stacks";

/** A small program shaped like ours: a protected database, a Lambda whose environment follows config, an optional StackReference. */
function appProgram() {
  const config = new pulumi.Config();
  const source = config.get("databaseSource") ?? "primary";
  const db = new aws.rds.Instance(
    "db",
    {
      identifier: config.get("identifier") ?? "app-db",
      engine: config.get("engine") ?? "sqlserver-ex",
      instanceClass: "db.t3.micro",
      finalSnapshotIdentifier: config.get("finalName") ?? "final-1",
      tags: { app: "x" },
    },
    { protect: config.getBoolean("protect") ?? true, ignoreChanges: ["finalSnapshotIdentifier"] },
  );
  const address = source === "primary" ? db.address : new pulumi.StackReference(`${pulumi.getOrganization()}/restore/${source}`).requireOutput("address");
  const fn = new aws.lambda.Function(config.get("functionResourceName") ?? "api", {
    name: "app-api",
    role: "arn:aws:iam::123456789012:role/app",
    runtime: "java21",
    handler: "h",
    code: new pulumi.asset.AssetArchive({ "index.txt": new pulumi.asset.StringAsset("hi") }),
    environment: { variables: { SPRING_DATASOURCE_URL: pulumi.interpolate`jdbc:sqlserver://${address}:1433`, LOG_LEVEL: "info" } },
  });
  if (config.getBoolean("bucket")) new aws.s3.Bucket("extra", { bucket: "extra-bucket" });
  return { functionName: fn.name, address, password: pulumi.secret("hunter2") };
}

function restoreStub() {
  const config = new pulumi.Config();
  return { address: `${config.require("target")}.restored.example`, port: 1433 };
}

const ENV = { project: "app", stack: "dev" };
const RESTORE = { project: "restore", stack: "dev-restore-1" };

function recordingLifecycle(type: string, log: string[]): ResourceLifecycle {
  return {
    type,
    async create(inputs, ctx) {
      log.push(`create ${ctx.name}`);
      return { id: `${ctx.name}-real`, state: { ...inputs, createdBy: "lifecycle" } };
    },
    async update(change, ctx) {
      log.push(`update ${ctx.name} ${change.changedPaths.join(",")}`);
      return { id: change.id, state: { ...change.oldState, ...change.inputs, updatedBy: "lifecycle" } };
    },
    async delete(resource, ctx) {
      log.push(`delete ${ctx.name} ${resource.id}`);
    },
  };
}

describe("memory stacks", () => {
  let clock: ManualClock;
  let log: string[];
  let stacks: MemoryStacks;

  beforeEach(() => {
    clock = new ManualClock("2026-11-25T12:00:00Z");
    log = [];
    stacks = new MemoryStacks({
      programs: { app: appProgram, restore: restoreStub },
      behaviours: [recordingLifecycle("aws:lambda/function:Function", log), recordingLifecycle("aws:rds/instance:Instance", log)],
      clock,
    });
  });

  /** The restore stack RESTORE, deployed with its instance at r1.restored.example. */
  async function deployRestore() {
    const restore = await stacks.createOrSelect(RESTORE);
    await restore.setConfig("target", "r1");
    await restore.up();
  }

  async function deployed() {
    const stack = await stacks.createOrSelect(ENV);
    await stack.up();
    log.length = 0;
    return stack;
  }

  it("runs the real program: first preview creates everything and changes nothing", async () => {
    const stack = await stacks.createOrSelect(ENV);
    const preview = await stack.preview();
    expect(preview.changeSummary).to.deep.equal({ create: 2 });
    expect(preview.steps.map((s) => `${s.op} ${s.type}`)).to.have.members(["create aws:rds/instance:Instance", "create aws:lambda/function:Function"]);
    expect(preview.diffText).to.contain("+ aws:lambda/function:Function api (create)");
    expect(log).to.deep.equal([]);
    expect(await stack.outputs()).to.deep.equal({});
  });

  it("up creates through the lifecycles, records state and outputs with secret flags", async () => {
    const stack = await stacks.createOrSelect(ENV);
    const result = await stack.up();
    expect(result.changeSummary).to.deep.equal({ create: 2 });
    expect(log).to.have.members(["create db", "create api"]);
    const outputs = await stack.outputs();
    expect(outputs.functionName).to.deep.equal({ value: "app-api", secret: false });
    expect(outputs.password).to.deep.equal({ value: "hunter2", secret: true });
    const state = stacks.inspect(ENV)!;
    const db = state.resources.find((r) => r.type === "aws:rds/instance:Instance")!;
    expect(db.id).to.equal("db-real");
    expect(db.protect).to.equal(true);
    expect(db.state.createdBy).to.equal("lifecycle");
    expect(state.lastUpdate?.toISOString()).to.equal("2026-11-25T12:00:00.000Z");
  });

  it("a second preview is all `same`, honouring ignoreChanges", async () => {
    const stack = await deployed();
    await stack.setConfig("finalName", "final-2");
    const preview = await stack.preview();
    expect(preview.changeSummary).to.deep.equal({ same: 2 });
    expect(preview.diffText).to.contain("no changes");
  });

  it("a config change that only moves the Lambda's environment is an update with the engine's detailed paths", async () => {
    const stack = await deployed();
    await deployRestore();
    await stack.setConfig("databaseSource", RESTORE.stack);
    const preview = await stack.preview();
    expect(preview.changeSummary).to.deep.equal({ same: 1, update: 1, read: 1 });
    const update = preview.steps.find((s) => s.op === "update")!;
    expect(update.type).to.equal("aws:lambda/function:Function");
    expect(update.diffs).to.deep.equal(["environment"]);
    expect(update.detailedPaths).to.deep.equal(["environment.variables.SPRING_DATASOURCE_URL"]);
    expect(preview.diffText).to.contain('~ environment.variables.SPRING_DATASOURCE_URL: "jdbc:sqlserver://');
    expect(preview.diffText).to.contain('=> "jdbc:sqlserver://r1.restored.example:1433"');
    expect(log).to.deep.equal([]);

    await stack.up();
    expect(log).to.deep.equal(["update api environment.variables.SPRING_DATASOURCE_URL"]);
    expect((await stack.outputs()).address!.value).to.equal("r1.restored.example");
    const fn = stacks.inspect(ENV)!.resources.find((r) => r.type === "aws:lambda/function:Function")!;
    expect(fn.state.updatedBy).to.equal("lifecycle");
  });

  describe("an update plan holds an up to the engine's rules (step.go ConstrainedTo, plan.go checkDiff)", () => {
    let planDir: string;
    let plan: string;
    beforeEach(() => {
      planDir = fs.mkdtempSync(path.join(os.tmpdir(), "memory-plan-"));
      plan = path.join(planDir, "plan.json");
    });
    afterEach(() => fs.rmSync(planDir, { recursive: true, force: true }));

    /** The environment deployed on primary, the restore stack r1 up, and a saved plan of the switch to it. */
    async function plannedSwitch() {
      const stack = await deployed();
      const restore = await stacks.createOrSelect(RESTORE);
      await restore.setConfig("target", "r1");
      await restore.up();
      await stack.setConfig("databaseSource", RESTORE.stack);
      await stack.preview(undefined, { savePlan: plan });
      log.length = 0;
      return { stack, restore };
    }

    it("applies the planned update", async () => {
      const { stack } = await plannedSwitch();
      await stack.up(undefined, { plan });
      expect(log).to.deep.equal(["update api environment.variables.SPRING_DATASOURCE_URL"]);
    });

    it("refuses the planned property changed to another value than the plan holds, before anything runs", async () => {
      const { stack, restore } = await plannedSwitch();
      await restore.setConfig("target", "r9");
      await restore.up();
      const error = await stack.up(undefined, { plan }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(PlanViolationError);
      expect((error as PlanViolationError).detail).to.equal(
        "resource urn:pulumi:dev::app::aws:lambda/function:Function::api violates plan: properties changed: environment.variables.SPRING_DATASOURCE_URL",
      );
      expect(log).to.deep.equal([]);
    });

    it("refuses a resource the plan does not hold", async () => {
      const { stack } = await plannedSwitch();
      await stack.setConfig("bucket", "true");
      const error = await stack.up(undefined, { plan }).catch((e: unknown) => e);
      expect((error as PlanViolationError).detail).to.equal("create is not allowed by the plan: no steps were expected for this resource");
      expect(log).to.deep.equal([]);
    });

    it("lets a planned update turn out `same`, as the engine does", async () => {
      const { stack } = await plannedSwitch();
      await stack.setConfig("databaseSource", "primary");
      await stack.up(undefined, { plan });
      expect(log).to.deep.equal([]);
    });
  });

  it("shows replace for a property that forces replacement and refuses it on a protected resource", async () => {
    const stack = await deployed();
    await stack.setConfig("engine", "sqlserver-web");
    let error: unknown;
    await stack.preview().catch((e) => (error = e));
    expect(String(error)).to.contain("marked for protection");

    await stack.setConfig("protect", "false");
    await stack.up(); // unprotected in the program: the replacement goes ahead
    expect(log).to.deep.equal(["create db", "delete db db-real"]);
    await stack.setConfig("engine", "sqlserver-se");
    const preview = await stack.preview();
    const db = preview.steps.find((s) => s.type === "aws:rds/instance:Instance")!;
    expect(db.op).to.equal("replace");
    expect(db.diffs).to.deep.equal(["engine"]);
    log.length = 0;
    await stack.up();
    expect(log).to.deep.equal(["create db", "delete db db-real"]);
  });

  it("targets: only the named resources change; the others keep their recorded state, so the next full preview shows them again", async () => {
    const stack = await deployed();
    await deployRestore();
    await stack.setConfig("databaseSource", RESTORE.stack);
    await stack.setConfig("protect", "false");
    await stack.setConfig("engine", "sqlserver-web");
    await stack.setConfig("bucket", "true");
    const changes = (p: { steps: Array<{ op: string; type: string }> }) => p.steps.filter((st) => st.op !== "same").map((st) => `${st.op} ${st.type}`).sort();
    const full = await stack.preview();
    expect(changes(full)).to.deep.equal(["create aws:s3/bucket:Bucket", "read pulumi:pulumi:StackReference", "replace aws:rds/instance:Instance", "update aws:lambda/function:Function"]);
    const lambda = full.steps.find((st) => st.type === "aws:lambda/function:Function")!.urn;
    expect(changes(await stack.preview(undefined, { targets: [lambda] }))).to.deep.equal(["read pulumi:pulumi:StackReference", "update aws:lambda/function:Function"]);
    log.length = 0;
    await stack.up(undefined, { targets: [lambda] });
    expect(log).to.deep.equal(["update api environment.variables.SPRING_DATASOURCE_URL"]);
    expect((await stack.outputs()).address!.value).to.equal("r1.restored.example");
    expect(changes(await stack.preview())).to.deep.equal(["create aws:s3/bucket:Bucket", "read pulumi:pulumi:StackReference", "replace aws:rds/instance:Instance"]);
    expect(stacks.inspect(ENV)!.resources.map((r) => r.type)).not.to.include("aws:s3/bucket:Bucket");

    // Dropped by the program but not targeted: it stays, and is deleted once targeted.
    await stack.setConfig("engine", "sqlserver-ex");
    await stack.up();
    await stack.removeConfig("bucket");
    const bucket = (await stack.preview()).steps.find((st) => st.op === "delete")!.urn;
    await stack.up(undefined, { targets: [lambda] });
    expect(stacks.inspect(ENV)!.resources.map((r) => r.type)).to.include("aws:s3/bucket:Bucket");
    await stack.up(undefined, { targets: [bucket] });
    expect(stacks.inspect(ENV)!.resources.map((r) => r.type)).not.to.include("aws:s3/bucket:Bucket");

    // An empty list would mean every resource, and a target that names nothing is the engine's error.
    expect(String(await stack.preview(undefined, { targets: [] }).catch((e: unknown) => e))).to.contain("targeted at no resource");
    expect(String(await stack.up(undefined, { targets: ["urn:pulumi:dev::app::nothing::here"] }).catch((e: unknown) => e))).to.contain("no resource named urn:pulumi:dev::app::nothing::here to target");
  });

  it("an update's read-back inputs are what the next diff starts from: a setting the provider reads back unchanged shows again", async () => {
    const deferring: ResourceLifecycle = {
      ...recordingLifecycle("aws:lambda/function:Function", log),
      async update(change, ctx) {
        log.push(`update ${ctx.name} ${change.changedPaths.join(",")}`);
        // As a provider whose API defers the change: the old environment reads back.
        return { id: change.id, state: { ...change.oldState }, inputs: { environment: change.oldInputs.environment } };
      },
    };
    stacks = new MemoryStacks({ programs: { app: appProgram, restore: restoreStub }, behaviours: [deferring, recordingLifecycle("aws:rds/instance:Instance", log)], clock });
    const stack = await deployed();
    await deployRestore();
    await stack.setConfig("databaseSource", RESTORE.stack);
    await stack.up();
    const again = await stack.preview();
    expect(again.steps.filter((st) => st.op === "update").map((st) => st.detailedPaths)).to.deep.equal([["environment.variables.SPRING_DATASOURCE_URL"]]);
  });

  it("shows delete for a resource the program no longer registers, and deletes it on up", async () => {
    const stack = await deployed();
    await stack.setConfig("bucket", "true");
    await stack.up();
    await stack.removeConfig("bucket");
    const preview = await stack.preview();
    expect(preview.changeSummary.delete).to.equal(1);
    expect(preview.steps.find((s) => s.op === "delete")!.type).to.equal("aws:s3/bucket:Bucket");
    expect(preview.diffText).to.contain("- aws:s3/bucket:Bucket extra (delete)");
    await stack.up();
    expect(stacks.inspect(ENV)!.resources.map((r) => r.type)).not.to.include("aws:s3/bucket:Bucket");
  });

  it("a renamed resource is a create plus a delete (a new URN)", async () => {
    const stack = await deployed();
    await stack.setConfig("functionResourceName", "api2");
    const preview = await stack.preview();
    expect(preview.changeSummary).to.include({ create: 1, delete: 1 });
  });

  it("fails on a StackReference to a stack that does not exist, and up changes nothing", async () => {
    const stack = await deployed();
    await stack.setConfig("databaseSource", "dev-restore-missing");
    let error: unknown;
    await stack.up().catch((e) => (error = e));
    expect(String(error)).to.contain("unknown stack reference organization/restore/dev-restore-missing");
    expect(log).to.deep.equal([]);
  });

  it("keeps what a failed up already created, so destroy can clean it", async () => {
    const failing: ResourceLifecycle = {
      type: "aws:lambda/function:Function",
      async create() {
        throw new Error("moto said no");
      },
    };
    stacks = new MemoryStacks({ programs: { app: appProgram }, behaviours: [failing, recordingLifecycle("aws:rds/instance:Instance", log)], clock });
    const stack = await stacks.createOrSelect(ENV);
    await stack.setConfig("protect", "false");
    let error: unknown;
    await stack.up().catch((e) => (error = e));
    expect(String(error)).to.contain("Update of stack app/dev failed: moto said no");
    expect(stacks.inspect(ENV)!.resources.map((r) => r.name)).to.deep.equal(["db"]);
    expect(await stack.outputs()).to.deep.equal({});
    await stack.destroy();
    expect(log).to.deep.equal(["create db", "delete db db-real"]);
    await stack.remove();
    expect(stacks.exists(ENV)).to.equal(false);
  });

  it("destroy refuses protected resources and deletes nothing; remove refuses a stack with resources", async () => {
    const stack = await deployed();
    let error: unknown;
    await stack.destroy().catch((e) => (error = e));
    expect(String(error)).to.contain("cannot be deleted because it is protected");
    expect(log).to.deep.equal([]);
    error = undefined;
    await stack.remove().catch((e) => (error = e));
    expect(String(error)).to.contain("still has 2 resources; removal rejected");
    expect(stacks.exists(ENV)).to.equal(true);
  });

  it("select of a missing stack is StackNotFoundError; list reports age and size, and never an update in progress (a DIY backend's stack ls doesn't); lockState says who holds the lock", async () => {
    let error: unknown;
    await stacks.select(ENV).catch((e) => (error = e));
    expect(error).to.be.instanceOf(StackNotFoundError);
    await deployed();
    clock.advance(60_000);
    await stacks.createOrSelect(RESTORE);
    stacks.lock(RESTORE, { pid: 4242, hostname: "runner-7" });
    const listed = await stacks.list("app");
    expect(listed).to.deep.equal([{ name: "dev", lastUpdate: new Date("2026-11-25T12:00:00Z"), updateInProgress: false, resourceCount: 2 }]);
    expect((await stacks.list("restore"))[0]).to.include({ name: "dev-restore-1", updateInProgress: false, resourceCount: 0 });
    const lock = await (await stacks.select(RESTORE)).lockState();
    expect(lock.state === "held" && lock.holders.map((h) => [h.pid, h.hostname, h.since?.toISOString()])).to.deep.equal([[4242, "runner-7", clock.now().toISOString()]]);
    expect(await (await stacks.select(ENV)).lockState()).to.deep.equal({ state: "free" });
  });

  it("interruptNext: the update dies at a create, which stays pending with its URN and inputs, with the lock of the given holder; a resolution is needed for each", async () => {
    const stack = await stacks.createOrSelect(ENV);
    stacks.interruptNext(ENV, { type: "aws:lambda/function:Function", when: "after-create" }, { pid: 4242 });
    let error: unknown;
    await stack.up().catch((e) => (error = e));
    expect(String(error)).to.contain("killed (SIGKILL)");
    expect(log).to.deep.equal(["create db", "create api"]);
    expect(stacks.inspect(ENV)!.resources.map((r) => r.type)).to.include("aws:rds/instance:Instance").and.not.include("aws:lambda/function:Function");
    const [pending] = await stack.pendingOperations();
    expect(pending).to.deep.include({ urn: "urn:pulumi:dev::app::aws:lambda/function:Function::api", operation: "creating", id: undefined });
    expect(pending!.inputs).to.include({ name: "app-api", handler: "h" });
    const lock = await stack.lockState();
    expect(lock.state === "held" && lock.holders[0]!.pid).to.equal(4242);
    await stack.up().catch((e) => (error = e));
    expect(error).to.be.instanceOf(ConcurrentUpdateError);
    await stack.clearStaleLock((lock as { holders: LockHolder[] }).holders[0]!);
    await stack.resolvePendingOperations([]).catch((e) => (error = e));
    expect(String(error)).to.contain("has no resolution");
    await stack.resolvePendingOperations([{ urn: pending!.urn, action: "import", id: "api-real", prior: pending!.inputs }]);
    expect(await stack.pendingOperations()).to.deep.equal([]);
    log.length = 0;
    const up = await stack.up();
    expect(up.changeSummary.create ?? 0, "the imported function is not created again").to.equal(0);
    expect(log).to.deep.equal([]);
  });

  it("dieAt: the process is gone from that verb on, the backend keeps what happened; revive is the next process", async () => {
    const stack = await deployed();
    stacks.dieAt(ENV, "up", { after: true });
    await stack.setConfig("databaseSource", "primary");
    let error: unknown;
    await stack.up().catch((e) => (error = e));
    expect(String(error)).to.contain("killed after up");
    await stack.getConfig("x").catch((e) => (error = e));
    expect(String(error)).to.contain("after the process was killed");
    stacks.revive();
    expect(await stack.getConfig("databaseSource")).to.equal("primary");
  });

  it("lock makes engine operations fail with ConcurrentUpdateError naming the stack; config still works", async () => {
    const stack = await deployed();
    stacks.lock("app/dev");
    await stack.setConfig("x", "1");
    for (const op of [() => stack.preview(), () => stack.up(), () => stack.destroy(), () => stack.remove()]) {
      let error: unknown;
      await op().catch((e) => (error = e));
      expect(error).to.be.instanceOf(ConcurrentUpdateError);
      expect(String(error)).to.contain("app/dev");
    }
    stacks.unlock(ENV);
    await stack.preview();
  });

  it("failNext fails exactly the next operation of that stack, before or after it ran", async () => {
    const stack = await deployed();
    stacks.failNext("dev", "preview", new Error("injected"));
    let error: unknown;
    await stack.preview().catch((e) => (error = e));
    expect(String(error)).to.contain("injected");
    await stack.preview();

    await stack.setConfig("bucket", "true");
    stacks.failNext(ENV, "up", new Error("after"), { after: true });
    error = undefined;
    await stack.up().catch((e) => (error = e));
    expect(String(error)).to.contain("after");
    expect(stacks.inspect(ENV)!.resources.map((r) => r.type)).to.include("aws:s3/bucket:Bucket");
  });

  it("beforeNext runs a hook right before the operation", async () => {
    const stack = await deployed();
    const seen: string[] = [];
    stacks.beforeNext(ENV, "up", () => void seen.push(`hook with ${log.length} lifecycle calls so far`));
    await stack.up();
    expect(seen).to.deep.equal(["hook with 0 lifecycle calls so far"]);
  });

  it("logs every verb, and mutations() picks the ones that changed a stack", async () => {
    const stack = await stacks.createOrSelect(ENV);
    await stack.getConfig("databaseSource");
    await stack.setConfig("databaseSource", "primary");
    await stack.setConfig("pw", "s3cr3t", { secret: true });
    await stack.preview();
    expect(stacks.history.map((e) => e.verb)).to.deep.equal(["createOrSelect", "getConfig", "setConfig", "setConfig", "preview"]);
    expect(stacks.history[3]!.value).to.equal("[secret]");
    expect(stacks.mutations(ENV).map((e) => e.verb)).to.deep.equal(["createOrSelect", "setConfig", "setConfig"]);
    stacks.clearHistory();
    await stacks.select(ENV);
    await stack.outputs();
    expect(stacks.mutations()).to.deep.equal([]);
  });

  it("config keys are project-qualified unless they name another namespace", async () => {
    const stack = await stacks.createOrSelect(ENV);
    await stack.setConfig("databaseSource", "primary");
    await stack.setConfig("aws:region", "us-east-1");
    expect(stacks.inspect(ENV)!.config).to.deep.equal({ "app:databaseSource": "primary", "aws:region": "us-east-1" });
    expect(await stack.getConfig("databaseSource")).to.equal("primary");
  });
});
