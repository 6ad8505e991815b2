import { expect } from "chai";
import { cleanupExitCode, renderCleanup } from "../../../automation/cleanup/report";
import { CleanupResult } from "../../../automation/cleanup/run";
import { CleanupFacts, environmentOfStack, formatAge, InstanceFact, planCleanup, RestoreStackFact } from "../../../automation/cleanup/select";

const NOW = new Date("2026-11-25T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const DAY = 24 * 3_600_000;

const stack = (name: string, lastUpdateHoursAgo: number | undefined, extra: Partial<RestoreStackFact> = {}): RestoreStackFact => ({
  name,
  lastUpdate: lastUpdateHoursAgo === undefined ? undefined : hoursAgo(lastUpdateHoursAgo),
  startedAt: undefined,
  lock: { state: "free" },
  resourceCount: 3,
  instanceIdentifier: undefined,
  ...extra,
});
const instance = (identifier: string, createdHoursAgo: number | undefined, extra: Partial<InstanceFact> = {}): InstanceFact => ({
  identifier,
  status: "available",
  deletionProtection: false,
  createdAt: createdHoursAgo === undefined ? undefined : hoursAgo(createdHoursAgo),
  drillId: undefined,
  environment: undefined,
  ...extra,
});

function facts(partial: Partial<CleanupFacts>): CleanupFacts {
  return {
    environments: [{ stack: "dev", source: "primary", primaryIdentifier: "gametracker-mssql" }],
    restoreStacks: [],
    instances: [instance("gametracker-mssql", 1000, { deletionProtection: true })],
    ...partial,
  };
}

const plan = (f: CleanupFacts, environment?: string) =>
  planCleanup(f, { now: NOW, olderThanMs: DAY, ...(environment !== undefined ? { environment } : {}) }).map((i) => `${i.action} ${i.kind} ${i.name}: ${i.reason}`);

describe("cleanup selection", () => {
  it("destroys a restore stack left behind and older than the age, naming the instance it takes with it", () => {
    const items = planCleanup(
      facts({ restoreStacks: [stack("dev-drill-a1", 30, { instanceIdentifier: "gametracker-mssql-drill-a1" })], instances: [instance("gametracker-mssql-drill-a1", 30, { drillId: "a1" })] }),
      { now: NOW, olderThanMs: DAY },
    );
    expect(items).to.deep.equal([
      {
        kind: "restore-stack",
        name: "dev-drill-a1",
        action: "destroy-stack",
        reason: "left behind: last updated 1d6h ago, not in use; destroys instance gametracker-mssql-drill-a1",
        ageMs: 30 * 3_600_000,
        instance: "gametracker-mssql-drill-a1",
      },
    ]);
  });

  it("never removes the restore stack an environment's databaseSource points at, however old", () => {
    const f = facts({
      environments: [
        { stack: "dev", source: "dev-restore-1", primaryIdentifier: "gametracker-mssql" },
        { stack: "prod", source: "primary", primaryIdentifier: "gt-prod" },
      ],
      restoreStacks: [stack("dev-restore-1", 24 * 30, { instanceIdentifier: "gametracker-mssql-restore-1" })],
      instances: [instance("gametracker-mssql-restore-1", 24 * 30, { drillId: "x" })],
    });
    expect(plan(f)).to.deep.equal([
      "keep restore-stack dev-restore-1: environment dev's databaseSource points at it (the API uses it); roll back first with gametracker-dr rollback --stack dev",
    ]);
  });

  it("keeps stacks that are young, of unknown age, or whose instance is protected", () => {
    const f = facts({
      restoreStacks: [
        stack("dev-drill-young", 2),
        stack("dev-drill-new", undefined),
        stack("dev-restore-old", 48, { instanceIdentifier: "gametracker-mssql-restore-old" }),
        stack("dev-drill-busy-young", 2, { lock: { state: "held", sentence: "locked by a run" } }),
      ],
      instances: [instance("gametracker-mssql-restore-old", 48, { deletionProtection: true })],
    });
    expect(plan(f)).to.deep.equal([
      `keep restore-stack dev-drill-busy-young: younger than 1d (last updated ${formatAge(2 * 3_600_000)} ago)`,
      "keep restore-stack dev-drill-new: it was never deployed and its name carries no run id, so its age is unknown; remove it by hand with pulumi stack rm if it is abandoned",
      `keep restore-stack dev-drill-young: younger than 1d (last updated ${formatAge(2 * 3_600_000)} ago)`,
      "keep restore-stack dev-restore-old: its instance gametracker-mssql-restore-old has deletion protection on; cleanup never turns it off: check the instance is not needed, turn protection off, and re-run",
    ]);
  });

  it("ages a stack that was never deployed by the run id in its name, so one killed before its first update is not kept forever", () => {
    const f = facts({
      restoreStacks: [stack("dev-drill-202611231200abcd", undefined, { startedAt: new Date("2026-11-23T12:00:00Z") }), stack("dev-drill-202611251100abcd", undefined, { startedAt: new Date("2026-11-25T11:00:00Z") })],
    });
    expect(plan(f)).to.deep.equal([
      "destroy-stack restore-stack dev-drill-202611231200abcd: left behind: never deployed, started 2d ago, not in use; it manages no existing instance",
      `keep restore-stack dev-drill-202611251100abcd: younger than 1d (never deployed, started ${formatAge(3_600_000)} ago)`,
    ]);
  });

  it("leaves an old stack whose lock a live run holds, with the sentence that names the command; clears a stale one first", () => {
    const f = facts({
      restoreStacks: [
        stack("dev-drill-held", 48, { lock: { state: "held", sentence: "Stack organization/gametracker-restore/dev-drill-held is locked by an update of ci@runner-2 (pid 77) on another host; run pulumi cancel --yes -s organization/gametracker-restore/dev-drill-held." } }),
        stack("dev-drill-stale", 48, { lock: { state: "stale", note: "pid 4242 on this host is gone" } }),
      ],
    });
    expect(plan(f)).to.deep.equal([
      "leave restore-stack dev-drill-held: Stack organization/gametracker-restore/dev-drill-held is locked by an update of ci@runner-2 (pid 77) on another host; run pulumi cancel --yes -s organization/gametracker-restore/dev-drill-held.",
      "destroy-stack restore-stack dev-drill-stale: left behind: last updated 2d ago, not in use; it manages no existing instance; its lock is stale and is cleared first (pid 4242 on this host is gone)",
    ]);
  });

  it("deletes a drill-tagged instance without a stack when old and unprotected; reports instead of forcing protection", () => {
    const f = facts({
      instances: [
        instance("gametracker-mssql", 1000, { deletionProtection: true }),
        instance("orphan-old", 72, { drillId: "d1" }),
        instance("orphan-young", 3, { drillId: "d2" }),
        instance("orphan-protected", 72, { drillId: "d3", deletionProtection: true }),
        instance("orphan-deleting", 72, { drillId: "d4", status: "deleting" }),
        instance("orphan-undated", undefined, { drillId: "d5" }),
        instance("someone-elses", 500),
      ],
    });
    expect(plan(f)).to.deep.equal([
      "keep drill-instance orphan-deleting: it is already being deleted",
      "delete-instance drill-instance orphan-old: drill d1 left it behind without a stack 3d ago; deleted without a final snapshot (a drill copy of backed-up data)",
      "keep drill-instance orphan-protected: deletion protection is on, which a drill instance never has; cleanup never turns it off: find out why, turn it off, and re-run",
      "keep drill-instance orphan-undated: its creation time is unknown, so its age cannot be checked",
      `keep drill-instance orphan-young: younger than 1d (created ${formatAge(3 * 3_600_000)} ago)`,
    ]);
  });

  it("never lists instances without the drill tag, nor drill instances a stack owns (they go with the stack)", () => {
    const f = facts({
      restoreStacks: [stack("dev-drill-a", 30, { instanceIdentifier: "gametracker-mssql-drill-a" })],
      instances: [instance("gametracker-mssql", 1000), instance("gametracker-mssql-drill-a", 30, { drillId: "a" }), instance("other-app-db", 1000)],
    });
    expect(plan(f).map((l) => l.split(":")[0])).to.deep.equal(["destroy-stack restore-stack dev-drill-a"]);
  });

  it("never deletes what an environment names as its database, even if drill-tagged", () => {
    const f = facts({ instances: [instance("gametracker-mssql", 1000, { drillId: "weird" })] });
    expect(plan(f)).to.deep.equal(["keep drill-instance gametracker-mssql: it is the primary database of environment dev"]);
    const viaStack = facts({
      environments: [{ stack: "dev", source: "dev-restore-9", primaryIdentifier: "gametracker-mssql" }],
      restoreStacks: [stack("dev-restore-9", 100, { instanceIdentifier: "gametracker-mssql-r9" }), stack("dev-drill-z", 100, { instanceIdentifier: "gametracker-mssql-r9" })],
    });
    expect(plan(viaStack)).to.include("keep restore-stack dev-drill-z: its instance gametracker-mssql-r9 is the active database of environment dev");
  });

  it("--stack limits the plan to one environment's stacks and tagged instances", () => {
    const f = facts({
      environments: [
        { stack: "dev", source: "primary", primaryIdentifier: "a" },
        { stack: "dev-eu", source: "primary", primaryIdentifier: "b" },
      ],
      restoreStacks: [stack("dev-drill-1", 48), stack("dev-eu-drill-1", 48)],
      instances: [instance("x", 48, { drillId: "1", environment: "dev" }), instance("y", 48, { drillId: "2", environment: "dev-eu" }), instance("z", 48, { drillId: "3" })],
    });
    expect(plan(f, "dev").map((l) => l.split(":")[0])).to.deep.equal(["destroy-stack restore-stack dev-drill-1", "delete-instance drill-instance x"]);
    expect(plan(f, "dev-eu").map((l) => l.split(":")[0])).to.deep.equal(["destroy-stack restore-stack dev-eu-drill-1", "delete-instance drill-instance y"]);
    expect(plan(f).length).to.equal(5);
  });

  it("--drill <id> narrows the plan to that drill's stack and instance, whatever their age; never another run's stack, a kept restore, or a lock a live run holds", () => {
    const id = "202611251150abcd";
    const f = facts({
      environments: [
        { stack: "dev", source: "dev-restore-202611240900kept", primaryIdentifier: "gametracker-mssql" },
        { stack: "dev-eu", source: "primary", primaryIdentifier: "b" },
      ],
      restoreStacks: [
        stack(`dev-drill-${id}`, 0.1, { instanceIdentifier: `gametracker-mssql-drill-${id}` }),
        stack("dev-drill-202611200000zzzz", 24 * 5),
        stack("dev-restore-202611240900kept", 24 * 5, { instanceIdentifier: "gametracker-mssql-restore" }),
        stack("dev-restore-202611251150abcd", 24 * 5),
        stack(`dev-eu-drill-${id}x`, 24 * 5),
      ],
      instances: [
        instance("gametracker-mssql", 1000, { deletionProtection: true }),
        instance(`gametracker-mssql-drill-${id}`, 0.1, { drillId: id, environment: "dev" }),
        instance("orphan-of-this-drill", 0.1, { drillId: id, environment: "dev" }),
        instance("orphan-of-another", 24 * 5, { drillId: "202611200000zzzz", environment: "dev" }),
      ],
    });
    const drillOnly = (extra: Partial<RestoreStackFact> = {}) =>
      planCleanup({ ...f, restoreStacks: f.restoreStacks.map((s) => (s.name === `dev-drill-${id}` ? { ...s, ...extra } : s)) }, { now: NOW, olderThanMs: DAY, environment: "dev", drillId: id }).map(
        (i) => `${i.action} ${i.kind} ${i.name}`,
      );
    expect(drillOnly()).to.deep.equal([`destroy-stack restore-stack dev-drill-${id}`, "delete-instance drill-instance orphan-of-this-drill"]);
    expect(drillOnly({ lock: { state: "held", sentence: "locked by a live run" } })[0]).to.equal(`leave restore-stack dev-drill-${id}`);
    // Without --stack, the drill's stack is found by its id in any environment's name.
    expect(planCleanup(f, { now: NOW, olderThanMs: DAY, drillId: id }).map((i) => i.name)).to.deep.equal([`dev-drill-${id}`, "orphan-of-this-drill"]);
  });

  it("finds a stack's environment by its name, preferring known environments", () => {
    expect(environmentOfStack("dev-eu-drill-1", ["dev", "dev-eu"])).to.equal("dev-eu");
    expect(environmentOfStack("dev-restore-0930", ["dev"])).to.equal("dev");
    expect(environmentOfStack("qa-drill-7f", [])).to.equal("qa");
    expect(environmentOfStack("random", ["dev"])).to.equal(undefined);
  });

  it("formats ages for people", () => {
    expect(formatAge(45_000)).to.equal("45s");
    expect(formatAge(26 * 3_600_000)).to.equal("1d2h");
    expect(formatAge(72 * 3_600_000)).to.equal("3d");
  });
});

describe("cleanup report", () => {
  const result = (partial: Partial<CleanupResult>): CleanupResult => ({ olderThanMs: DAY, dryRun: false, environment: undefined, cancelled: false, items: [], ...partial });
  const item = { kind: "restore-stack" as const, name: "dev-drill-a", action: "destroy-stack" as const, reason: "left behind", ageMs: 2 * DAY };

  it("shows the plan as a table with a reason per item, and what a dry run would do", () => {
    const text = renderCleanup(result({ dryRun: true, items: [{ ...item, outcome: "planned" }] }));
    expect(text).to.contain("older than 1d (every environment) — dry run, nothing was removed");
    expect(text).to.match(/restore-stack\s+dev-drill-a\s+2d\s+destroy\s+planned\s+left behind/);
    expect(text).to.contain("1 to remove, 0 kept; run again without --dry-run to remove them.");
  });

  it("a dry run with nothing to remove says so, instead of asking to run again", () => {
    const text = renderCleanup(result({ dryRun: true, items: [{ ...item, action: "keep", outcome: "kept" }, { ...item, name: "b", action: "keep", outcome: "kept" }] }));
    expect(text).to.contain("nothing to remove; 2 kept.");
    expect(text).not.to.contain("run again without --dry-run");
  });

  it("exits 1 when it had to leave something it was asked to remove, and says so in the footer", () => {
    const left = result({ items: [{ ...item, action: "leave", outcome: "left", reason: "Stack x is locked …; run pulumi cancel --yes -s x" }] });
    expect(cleanupExitCode(left)).to.equal(1);
    expect(renderCleanup(left)).to.contain("1 left although old enough: see its reason for the command that frees it.");
    expect(cleanupExitCode({ ...left, dryRun: true }), "a dry run only reports").to.equal(0);
  });

  it("names the drill it cleaned up after, instead of an age", () => {
    const text = renderCleanup(result({ drillId: "202611251150abcd", environment: "dev", items: [{ ...item, name: "dev-drill-202611251150abcd", outcome: "destroyed" }] }));
    expect(text).to.contain("cleanup of drill 202611251150abcd's restore stack and instance (environment dev)");
    expect(text).not.to.contain("older than");
    expect(renderCleanup(result({ drillId: "202611251150abcd" }))).to.contain("nothing found: drill 202611251150abcd left no restore stack and no instance.");
  });

  it("counts outcomes, and exits 1 when a removal failed or the operator said no", () => {
    const failed = result({ items: [{ ...item, outcome: "failed", detail: "boom" }, { ...item, name: "x", action: "keep", outcome: "kept" }] });
    expect(renderCleanup(failed)).to.contain("0 stack(s) destroyed, 0 instance(s) deleted, 0 skipped, 1 failed, 1 kept.");
    expect(renderCleanup(failed)).to.contain("left behind — boom");
    expect(cleanupExitCode(failed)).to.equal(1);
    expect(cleanupExitCode(result({ cancelled: true }))).to.equal(1);
    expect(cleanupExitCode(result({ items: [{ ...item, outcome: "destroyed" }] }))).to.equal(0);
    expect(renderCleanup(result({}))).to.contain("nothing found");
  });
});
