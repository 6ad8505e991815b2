/**
 * The contract that lets the in-memory stacks stay: the orchestration tier's failure paths
 * run on MemoryStacks, so MemoryStacks must plan what the engine plans. The same restore
 * stack — the real restore program, the same spec changes — goes through both, and each
 * preview must give the same steps: operation and changed properties, resource by resource.
 *
 * What the comparison leaves out, on purpose and nowhere else: the engine's provider
 * resources and its root stack resource (MemoryStacks models neither; the cut-over guard's
 * rules about providers are tested against the engine's own previews), the children the
 * stand-in awsx provider constructs under the Vpc (under the mocks the remote component is
 * one resource), and the engine's spelling of a replacement as create-replacement /
 * replace / delete-replaced for one URN, which MemoryStacks reports as the one `replace`
 * the guard judges the same way.
 *
 * A change RDS defers to its maintenance window shows in the next preview on both (the
 * provider, and MemoryStacks' lifecycle, read the instance's current values back), and an
 * update targeted at other resources leaves it recorded as it was, on both.
 *
 * And what a killed update leaves, which the recovery of interrupted runs decides on: the
 * lock of a process that is gone (`list` never says an update is in progress on a DIY
 * backend), the pending create, the refusal of updates while the lock stays, the second
 * create an update tries while the create stays pending, and an import that ends it.
 */
import { expect } from "chai";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { createAwsClients } from "../../automation/aws/clients";
import { cutoverScope } from "../../automation/cutover/scope";
import { describeInstance, tagMap } from "../../automation/aws/rds";
import { thisHost } from "../../automation/recovery/finish";
import { decidePending, lookupFor } from "../../automation/recovery/pending";
import { restoreProgram } from "../../automation/restore/program";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { configureRestoreStack, createRestoreStack, upRestoreStack } from "../../automation/restore/restore-stack";
import { RestoreSpec } from "../../automation/restore/spec";
import { ConcurrentUpdateError, PlanViolationError, PreviewResult, Stacks } from "../../automation/stacks/port";
import { DATABASE_SOURCE_KEY, ENVIRONMENT_PROJECT, EnvironmentOutputNames, RESTORE_PROJECT } from "../../contracts/stacks";
import { environmentProgram } from "../../environment-program";
import { REPO_ROOT } from "../support/moto";
import { useEngine } from "../support/engine/harness";
import { killUpdate } from "../support/engine/kill";
import { spawnSync } from "node:child_process";
import { MemoryStacks } from "../support/memory-stacks/stacks";
import { motoBehaviours } from "../support/moto-behaviours";
import { pendingModificationsMiddleware } from "../support/moto-gaps";
import { createDbNetwork, createManualSnapshot, createSqlServerInstance } from "../support/rds-fixtures";
import { drillRestoreSpec } from "../support/restore-spec";

type Step = { resource: string; op: string; diffs: string[] };

/** The steps both sides model, in a comparable form. */
function comparable(preview: PreviewResult): Step[] {
  const steps = new Map<string, Step>();
  for (const s of preview.steps) {
    if (s.type.startsWith("pulumi:providers:") || s.type === "pulumi:pulumi:Stack") continue;
    // A stack reference is named after the stack it reads, which differs between the two sides.
    // So is a declared snapshot (after its identifier, which the two sides choose apart to share one moto).
    const name = s.urn.split("::").pop()!.replace(/-snapshot-.+$/, "-snapshot-<declared>");
    const resource = s.type === "pulumi:pulumi:StackReference" ? s.type : `${s.type}::${name}`;
    // The awsx Vpc is one resource under the mocks; its children exist on the engine only.
    if (s.urn.includes("awsx:ec2:Vpc$")) continue;
    const op = s.op === "create-replacement" || s.op === "delete-replaced" ? "replace" : s.op;
    const prior = steps.get(resource);
    steps.set(resource, { resource, op, diffs: [...new Set([...(prior?.diffs ?? []), ...s.diffs])].sort() });
  }
  return [...steps.values()].sort((a, b) => a.resource.localeCompare(b.resource));
}

describe("contract: MemoryStacks plans a restore stack as the engine does", function () {
  this.timeout(5 * 60_000);
  const engine = useEngine();

  it("create, no change, an in-place update and a replacement give the same steps on both", async () => {
    const clients = createAwsClients({ endpoint: engine.motoEndpoint, region: "us-east-1" });
    const behaviours = motoBehaviours(clients);
    try {
      await createSqlServerInstance(clients.rds, { identifier: "gametracker-mssql" });
      await createManualSnapshot(clients.rds, "gametracker-mssql", "gametracker-manual-backup-v1");
      await createManualSnapshot(clients.rds, "gametracker-mssql", "gametracker-manual-backup-v2");
      const network = await createDbNetwork(clients.rds, engine.motoEndpoint);
      const spec = (id: string, overrides: Partial<RestoreSpec> = {}): RestoreSpec =>
        drillRestoreSpec({ drillId: id, targetIdentifier: `gametracker-mssql-drill-${id}`, dbSubnetGroupName: network.subnetGroupName, securityGroupIds: [network.securityGroupId], ...overrides });
      const memory = new MemoryStacks({ programs: { [RESTORE_PROJECT]: restoreProgram }, behaviours });
      const real = engine.stacks({ inlinePrograms: { [RESTORE_PROJECT]: async () => restoreProgram() } });

      const walk = async (stacks: Stacks, id: string): Promise<Step[][]> => {
        const base = spec(id);
        const stack = await createRestoreStack(stacks, `dev-drill-${id}`, base);
        const previews: Step[][] = [];
        const preview = async (s: RestoreSpec) => {
          await configureRestoreStack(stack, s);
          previews.push(comparable(await stack.preview()));
        };
        await preview(base);
        await configureRestoreStack(stack, base);
        await stack.up();
        await preview(base);
        await preview({ ...base, instanceClass: "db.m5.large" });
        const other = { ...base.point, label: "snapshot:gametracker-manual-backup-v2", snapshotIdentifier: "gametracker-manual-backup-v2" } as RestoreSpec["point"];
        await preview({ ...base, point: other });
        await stack.destroy();
        return previews;
      };
      const onMemory = await walk(memory, "202612010000aaaa");
      const onEngine = await walk(real, "202612010000bbbb");
      expect(onMemory, JSON.stringify({ onMemory, onEngine }, null, 1)).to.deep.equal(onEngine);
      // And the scenario says something: every kind of step occurred (the instance, then its component).
      expect(onEngine.map((p) => p.map((s) => `${s.op}${s.diffs.length > 0 ? ` ${s.diffs.join(",")}` : ""}`))).to.deep.equal([
        ["create", "create"],
        ["same", "same"],
        ["update instanceClass", "same"],
        ["replace snapshotIdentifier,tags", "same"],
      ]);
    } finally {
      behaviours.destroy();
      clients.destroy();
    }
  });

  it("the environment's cut-over and rollback previews give the same steps on both, both refuse an update its plan doesn't hold, and both leave a change RDS defers to an update targeted elsewhere", async () => {
    // RDS as the stand-in sees it while a modification waits for the window (moto-gaps.ts), on the state the plugins share.
    const clients = createAwsClients({ endpoint: engine.motoEndpoint, region: "us-east-1", middleware: pendingModificationsMiddleware(engine.envVars.GAMETRACKER_STANDIN_GAP_STATE!) });
    const behaviours = motoBehaviours(clients);
    try {
      const devFile = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")).config as Record<string, unknown>;
      const memory = new MemoryStacks({ programs: { [ENVIRONMENT_PROJECT]: environmentProgram, [RESTORE_PROJECT]: restoreProgram }, behaviours });
      const real = engine.stacks({ environmentProgram: async () => environmentProgram(), inlinePrograms: { [RESTORE_PROJECT]: async () => restoreProgram() } });

      // Both environments share one moto, so the in-memory one takes names of its own.
      const walk = async (stacks: Stacks, name: string, overrides: Record<string, string>): Promise<Step[][]> => {
        const env = await stacks.createOrSelect({ project: ENVIRONMENT_PROJECT, stack: name });
        if (stacks === memory) {
          for (const [key, value] of Object.entries({ ...devFile, ...overrides })) await env.setConfig(key, typeof value === "string" ? value : JSON.stringify(value));
        }
        const outputs = (await env.up()).outputs;
        const out = (key: string) => String(outputs[key]!.value);
        const snapshot = (outputs[EnvironmentOutputNames.manualSnapshotIdentifiers]!.value as string[])[0]!;
        const restore: RestoreSpec = drillRestoreSpec({
          environment: name,
          purpose: "cutover",
          drillId: undefined,
          sourceDbInstanceIdentifier: out(EnvironmentOutputNames.databaseIdentifier),
          targetIdentifier: `${out(EnvironmentOutputNames.databaseIdentifier)}-restore`,
          dbSubnetGroupName: out(EnvironmentOutputNames.dbSubnetGroupName),
          securityGroupIds: [out(EnvironmentOutputNames.dbSecurityGroupId)],
          point: { ...drillRestoreSpec().point, label: `snapshot:${snapshot}`, snapshotIdentifier: snapshot } as RestoreSpec["point"],
        });
        const restoreStack = await createRestoreStack(stacks, `${name}-restore-1`, restore);
        await upRestoreStack(restoreStack, restore);
        const previews: Step[][] = [];
        await env.setConfig(DATABASE_SOURCE_KEY, `${name}-restore-1`);
        previews.push(comparable(await env.preview()));
        await env.up();
        await env.setConfig(DATABASE_SOURCE_KEY, "primary");
        // The rollback's preview saves its update plan; a config change after it makes the
        // `up --plan` refuse the Lambda's step, and nothing of the rollback is applied.
        const planDir = fs.mkdtempSync(path.join(os.tmpdir(), "contract-plan-"));
        const plan = path.join(planDir, "plan.json");
        previews.push(comparable(await env.preview(undefined, { savePlan: plan })));
        await env.setConfig("apiMemorySize", "1536");
        const refusal = await env.up(undefined, { plan }).then(
          () => "applied",
          (error: unknown) => (error instanceof PlanViolationError && /violates plan: properties changed: .*memorySize/.test(error.detail) ? "refused" : String(error)),
        );
        await env.removeConfig("apiMemorySize");
        fs.rmSync(planDir, { recursive: true, force: true });
        previews.push([{ resource: "on a changed memorySize", op: refusal, diffs: [] }], comparable(await env.preview()));
        // A bigger instance class, which RDS defers to the maintenance window: the up sends it,
        // and the next preview shows it again (the provider reads the current class back).
        await env.setConfig("databaseInstanceClass", "db.t3.small");
        await env.up();
        previews.push(comparable(await env.preview()));
        // The cut-over's update targeted at its own resources leaves it as it is.
        await env.setConfig(DATABASE_SOURCE_KEY, `${name}-restore-1`);
        const { targets } = cutoverScope(await env.preview());
        previews.push(comparable(await env.preview(undefined, { targets })));
        await env.up(undefined, { targets });
        previews.push(comparable(await env.preview()));
        return previews;
      };
      const onMemory = await walk(memory, "mem", { "gametracker:databaseIdentifier": "gametracker-mem", "gametracker:assetsBucketName": "gametracker-assets-mem-contract", "gametracker:databaseManualSnapshots": '["gametracker-mem-manual-v1"]' });
      const onEngine = await walk(real, "dev", {});
      expect(onMemory, JSON.stringify({ onMemory, onEngine }, null, 1)).to.deep.equal(onEngine);
      const changes = (p: Step[]) => p.filter((st) => st.op !== "same").map((st) => `${st.op} ${st.resource}${st.diffs.length ? ` ${st.diffs.join(",")}` : ""}`);
      expect(onEngine.map(changes)).to.deep.equal([
        ["update aws:lambda/function:Function::api-function environment", "read pulumi:pulumi:StackReference"],
        ["update aws:lambda/function:Function::api-function environment", "discard pulumi:pulumi:StackReference"],
        ["refused on a changed memorySize"],
        ["update aws:lambda/function:Function::api-function environment", "discard pulumi:pulumi:StackReference"],
        ["update aws:rds/instance:Instance::database-instance instanceClass"],
        ["update aws:lambda/function:Function::api-function environment", "read pulumi:pulumi:StackReference"],
        ["update aws:rds/instance:Instance::database-instance instanceClass", "read pulumi:pulumi:StackReference"],
      ]);
    } finally {
      behaviours.destroy();
      clients.destroy();
    }
  });
  it("a killed update: both leave the lock of a process that is gone and the pending create, refuse updates, create twice until the create is resolved, and import it", async () => {
    // One view of RDS for both sides, with distinct DbiResourceIds as the stand-in sees them.
    const clients = createAwsClients({ endpoint: engine.motoEndpoint, region: "us-east-1", middleware: engine.rdsBackups.middleware });
    const behaviours = motoBehaviours(clients);
    try {
      await createSqlServerInstance(clients.rds, { identifier: "gametracker-mssql" });
      await createManualSnapshot(clients.rds, "gametracker-mssql", "gametracker-manual-backup-v1");
      const network = await createDbNetwork(clients.rds, engine.motoEndpoint);
      const RDS = "aws:rds/instance:Instance";
      const memory = new MemoryStacks({ programs: { [RESTORE_PROJECT]: restoreProgram }, behaviours });
      const real = () => engine.stacks({ inlinePrograms: { [RESTORE_PROJECT]: async () => restoreProgram() } });

      const walk = async (stacks: () => Stacks, id: string, kill: (up: Promise<unknown>) => Promise<void>) => {
        const spec = drillRestoreSpec({ drillId: id, targetIdentifier: `gametracker-mssql-drill-${id}`, dbSubnetGroupName: network.subnetGroupName, securityGroupIds: [network.securityGroupId], startedAt: new Date(Date.now() - 60_000) });
        const name = `dev-drill-${id}`;
        const first = await createRestoreStack(stacks(), name, spec);
        await configureRestoreStack(first, spec);
        const up = first.up();
        up.catch(() => undefined);
        await kill(up);
        // The next process: an inline project's config is gone with the one that wrote it.
        const stack = await stacks().select({ project: RESTORE_PROJECT, stack: name });
        await configureRestoreStack(stack, spec);
        const facts: Record<string, unknown> = {};
        const lock = await stack.lockState();
        const holders = lock.state === "held" ? lock.holders : [];
        facts.lock = { state: lock.state, holders: holders.map((h) => ({ here: h.hostname === os.hostname(), running: h.pid !== undefined && thisHost.isRunning(h.pid), since: h.since !== undefined, lockId: h.lockId !== undefined })) };
        facts.listed = (await stacks().list(RESTORE_PROJECT)).map((s) => s.updateInProgress);
        facts.name = await stack.qualifiedName();
        const pending = await stack.pendingOperations();
        facts.pending = pending.map((p) => ({ urn: p.urn.replace(name, "<stack>"), type: p.type, operation: p.operation, identifier: p.inputs.identifier === spec.targetIdentifier, region: p.inputs.region, tags: JSON.parse(JSON.stringify(p.inputs.tags).replace(id, "<id>")) }));
        facts.lockedUp = await stack.up().then(() => "applied", (e: unknown) => (e instanceof ConcurrentUpdateError ? "refused" : String(e)));
        for (const holder of holders) await stack.clearStaleLock(holder);
        facts.cleared = (await stack.lockState()).state;
        facts.pendingUp = await stack.up().then(() => "applied", (e: unknown) => (/already exists/i.test(String(e)) ? "already exists" : String(e)));
        facts.stillPending = (await stack.pendingOperations()).length;
        const op = pending[0]!;
        const db = await describeInstance(clients, lookupFor(op)!.identifier);
        const decision = decidePending(op, db && { identifier: db.DBInstanceIdentifier!, resourceId: db.DbiResourceId, status: db.DBInstanceStatus!, tags: tagMap(db.TagList), createdAt: db.InstanceCreateTime }, { stack: String(facts.name) });
        facts.decision = decision.action;
        if (decision.action !== "refuse") await stack.resolvePendingOperations([decision.resolution]);
        facts.afterImport = { pending: (await stack.pendingOperations()).length, lock: (await stack.lockState()).state };
        // Nothing is made twice. (The engine's kill came before the follow-up modify, which the next update applies; MemoryStacks' after the whole create.)
        facts.nextUp = Object.keys((await stack.up()).changeSummary).filter((k) => k !== "same" && k !== "update").sort();
        facts.instances = ((await clients.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).filter((d) => d.DBInstanceIdentifier === spec.targetIdentifier).length;
        await stack.destroy();
        return { ...facts, name: String(facts.name).replace(name, "<stack>") };
      };

      // On the memory side the kill is a lever, set before its walk: right after RDS made the instance.
      memory.interruptNext(`${RESTORE_PROJECT}/*`, { type: RDS, when: "after-create" }, { pid: spawnSync(process.execPath, ["-e", ""]).pid!, hostname: os.hostname() });
      const memoryFacts = await walk(() => memory, "202612011200mmmm", async (up) => {
        await up.catch(() => undefined);
      });
      const engineFacts = await walk(real, "202612011202eeee", async (up) => {
        const hold = engine.levers.hold({ op: "create", type: RDS, step: "before-follow-up-modify" });
        await hold.reached(120_000);
        killUpdate(hold);
        await up.catch(() => undefined);
      });
      expect(memoryFacts, JSON.stringify({ memoryFacts, engineFacts }, null, 1)).to.deep.equal(engineFacts);
      // And the walk says something: each fact is the one the recovery relies on.
      expect(engineFacts).to.deep.include({
        lock: { state: "held", holders: [{ here: true, running: false, since: true, lockId: true }] },
        listed: [false],
        name: "organization/gametracker-restore/<stack>",
        lockedUp: "refused",
        cleared: "free",
        pendingUp: "already exists",
        stillPending: 1,
        decision: "import",
        afterImport: { pending: 0, lock: "free" },
        instances: 1,
      });
    } finally {
      behaviours.destroy();
    }
  });
});
