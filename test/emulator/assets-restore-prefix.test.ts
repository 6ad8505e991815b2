import { expect } from "chai";
import { S3Client } from "@aws-sdk/client-s3";
import type { MiddlewareStack } from "@smithy/types";
import { main } from "../../automation/cli/main";
import { systemClock } from "../../automation/clock";
import { useEmulator } from "../support/emulator";
import { FaultInjector } from "../support/faults";
import { BucketHistory, census, censusDiff, currentEtags, etagsOf, sortedEntries, underPrefix } from "../support/bucket-history";

const BUCKET = "gametracker-assets-test";
const P = "characters/";

/**
 * The history every test here restores from (A, checkpoint T0, B, checkpoint T1, C):
 *
 * | key                       | before versioning | A        | B        | C (the incident)  |
 * | 1/portrait.png            |                   | a1       | a2       | a3                |
 * | 2/portrait.png            |                   | b1       |          | b2                |
 * | with space/Zoë 日本.png    |                   | u1       |          | deleted           |
 * | to-delete.png             |                   | d1       | deleted  | d2 (re-created)   |
 * | plus+percent%.png         |                   | p1       |          |                   |
 * | ghost.png                 |                   | deleted (marker only)                   |
 * | tie.png                   |                   | t1, t2 in the same second             |
 * | legacy.png                | legacy-null       |          | legacy2  | deleted           |
 * | recreated.png             |                   |          | r1       | deleted           |
 * | new.png                   |                   |          |          | n1                |
 * | other/readme.txt (outside)| outside           |          |          | outside2          |
 */
async function buildHistory(s3: S3Client): Promise<{ history: BucketHistory; t0: Date; t1: Date }> {
  const history = await BucketHistory.create(s3, BUCKET, {
    beforeVersioning: [
      { key: `${P}legacy.png`, body: "legacy-null" },
      { key: "other/readme.txt", body: "outside" },
    ],
  });
  await history.apply([
    { put: `${P}1/portrait.png`, body: "a1" },
    { put: `${P}2/portrait.png`, body: "b1" },
    { put: `${P}with space/Zoë 日本.png`, body: "u1" },
    { put: `${P}to-delete.png`, body: "d1" },
    { put: `${P}plus+percent%.png`, body: "p1" },
    { markerOnly: `${P}ghost.png` },
    { put: `${P}tie.png`, body: "t1" },
    { put: `${P}tie.png`, body: "t2" },
  ]);
  const t0 = await history.checkpoint();
  await history.apply([
    { put: `${P}1/portrait.png`, body: "a2" },
    { delete: `${P}to-delete.png` },
    { put: `${P}legacy.png`, body: "legacy2" },
    { put: `${P}recreated.png`, body: "r1" },
  ]);
  const t1 = await history.checkpoint();
  await history.apply([
    { put: `${P}1/portrait.png`, body: "a3" },
    { put: `${P}2/portrait.png`, body: "b2" },
    { delete: `${P}with space/Zoë 日本.png` },
    { put: `${P}to-delete.png`, body: "d2" },
    { delete: `${P}legacy.png` },
    { delete: `${P}recreated.png` },
    { put: `${P}new.png`, body: "n1" },
    { put: "other/readme.txt", body: "outside2" },
  ]);
  return { history, t0, t1 };
}

describe("assets restore-prefix (moto)", () => {
  const emulator = useEmulator();

  async function cli(argv: string[], options: { ask?: (q: string) => Promise<boolean>; middleware?: (stack: MiddlewareStack<any, any>) => void } = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, {
      stdout: { write: (t) => void out.push(t) },
      stderr: { write: (t) => void err.push(t) },
      clock: systemClock,
      ask: options.ask,
      awsClients: (o) => emulator.clients({ ...o, ...(options.middleware ? { middleware: options.middleware } : {}) }),
      stacks: () => {
        throw new Error("these tests pass --bucket; no stack is read");
      },
      random: () => 0.5,
    });
    return { code, stdout: out.join(""), stderr: err.join("") };
  }

  const restoreArgs = (at: Date, ...extra: string[]) => ["assets", "restore-prefix", "--bucket", BUCKET, "--prefix", P, "--at", at.toISOString(), ...extra];

  it("shows the plan on --dry-run and without confirmation writes nothing", async () => {
    const s3 = emulator.clients().s3;
    const { t1 } = await buildHistory(s3);
    const before = await census(s3, BUCKET);

    const dry = await cli([...restoreArgs(t1, "--delete-new", "--dry-run"), "--json"]);
    expect(dry.code, dry.stderr).to.equal(0);
    const plan = JSON.parse(dry.stdout).plan;
    expect(plan.counts).to.deep.equal({ copy: 2, undelete: 3, hide: 2, unchanged: 3, "keep-new": 0, blocked: 0 });
    expect(plan.writes).to.equal(7);
    expect(plan.keys).to.equal(10);
    expect(plan.samples.undelete).to.have.members([`${P}legacy.png`, `${P}recreated.png`, `${P}with space/Zoë 日本.png`]);
    expect(plan.samples.hide).to.have.members([`${P}new.png`, `${P}to-delete.png`]);
    expect(dry.stderr).to.contain("listing versions of s3://gametracker-assets-test/characters/");

    const human = await cli(restoreArgs(t1, "--dry-run"));
    expect(human.code).to.equal(0);
    expect(human.stdout).to.contain("2  copy back").and.to.contain("created after the time, left as is").and.to.contain("Dry run: nothing was written.");

    const noTerminal = await cli(restoreArgs(t1, "--delete-new"));
    expect(noTerminal.code).to.equal(2);
    expect(noTerminal.stderr).to.contain("--yes");
    const declined = await cli(restoreArgs(t1, "--delete-new"), { ask: async () => false });
    expect(declined.code).to.equal(1);
    expect(declined.stderr).to.contain("Cancelled; nothing was changed.");

    expect(censusDiff(before, await census(s3, BUCKET))).to.deep.equal({ versionsLost: [], versionsAdded: 0, markersAdded: 0, markersRemoved: 0 });
  });

  it("with --delete-new brings the prefix back to the moment exactly, loses no version, and a second run writes nothing", async () => {
    const s3 = emulator.clients().s3;
    const { history, t1 } = await buildHistory(s3);
    const before = await census(s3, BUCKET);

    let asked = "";
    const run = await cli(restoreArgs(t1, "--delete-new", "--concurrency", "4"), { ask: async (q) => ((asked = q), true) });
    expect(run.code, run.stderr).to.equal(0);
    expect(asked).to.contain("Apply 7 write(s)").and.to.contain("No version is deleted");
    expect(run.stdout).to.contain("2 copied back, 3 undeleted, 2 hidden (7 write(s))");
    expect(run.stderr).to.match(/restoring \[#+\] 7\/7 \(100%\)/);

    expect(sortedEntries(await currentEtags(s3, BUCKET, P))).to.deep.equal(sortedEntries(etagsOf(underPrefix(history.stateAt(t1), P))));
    expect((await currentEtags(s3, BUCKET, "other/")).get("other/readme.txt"), "outside the prefix: untouched").to.equal(etagsOf(history.current()).get("other/readme.txt"));

    const after = await census(s3, BUCKET);
    expect(censusDiff(before, after)).to.deep.equal({ versionsLost: [], versionsAdded: 2, markersAdded: 2, markersRemoved: 3 });

    const again = await cli([...restoreArgs(t1, "--delete-new", "--yes"), "--json"]);
    expect(again.code).to.equal(0);
    const second = JSON.parse(again.stdout);
    expect(second.plan.writes).to.equal(0);
    expect(second.plan.counts.unchanged).to.equal(10);
    expect(second.applied).to.equal(null);
    expect(censusDiff(after, await census(s3, BUCKET))).to.deep.equal({ versionsLost: [], versionsAdded: 0, markersAdded: 0, markersRemoved: 0 });
  });

  it("without --delete-new restores an earlier moment (the null version too) and leaves newer keys alone", async () => {
    const s3 = emulator.clients().s3;
    const { history, t0 } = await buildHistory(s3);
    const before = await census(s3, BUCKET);

    const run = await cli([...restoreArgs(t0, "--yes"), "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    const { plan, applied } = JSON.parse(run.stdout);
    // 1, 2, to-delete (d2 → d1) and legacy (copy of the null version) are copied; the space key is undeleted.
    expect(plan.counts).to.deep.equal({ copy: 4, undelete: 1, hide: 0, unchanged: 4, "keep-new": 1, blocked: 0 });
    expect(applied).to.include({ copied: 4, undeleted: 1, hidden: 0, writes: 5 });

    const expected = underPrefix(history.stateAt(t0), P);
    expected.set(`${P}new.png`, "n1");
    expect(sortedEntries(await currentEtags(s3, BUCKET, P))).to.deep.equal(sortedEntries(etagsOf(expected)));
    expect(expected.get(`${P}legacy.png`)).to.equal("legacy-null");
    expect(censusDiff(before, await census(s3, BUCKET)).versionsLost).to.deep.equal([]);

    const again = await cli([...restoreArgs(t0, "--yes"), "--json"]);
    expect(JSON.parse(again.stdout).plan.writes).to.equal(0);
  });

  it("rides out throttling, reports a key that keeps failing, and a re-run finishes the job", async () => {
    const s3 = emulator.clients().s3;
    const history = await BucketHistory.create(s3, BUCKET);
    await history.apply([
      { put: `${P}a.png`, body: "a1" },
      { put: `${P}b.png`, body: "b1" },
      { put: `${P}c.png`, body: "c1" },
    ]);
    const t = await history.checkpoint();
    await history.apply([{ put: `${P}a.png`, body: "a2" }, { delete: `${P}b.png` }, { put: `${P}d.png`, body: "d1" }]);

    const faults = new FaultInjector()
      .add({ operation: "ListObjectVersions", kind: "throttle", times: 2 })
      .add({ operation: "CopyObject", kind: "server", times: Infinity });
    const failed = await cli(restoreArgs(t, "--delete-new", "--yes"), { middleware: faults.middleware });
    expect(failed.code).to.equal(1);
    expect(failed.stdout).to.contain("1 key(s) failed").and.to.contain(`"${P}a.png"`).and.to.contain("Run the same command again");
    expect(faults.count("ListObjectVersions")).to.equal(3);
    // The other keys were restored despite the failing one.
    const partial = await currentEtags(s3, BUCKET, P);
    expect(partial.has(`${P}b.png`)).to.equal(true);
    expect(partial.has(`${P}d.png`)).to.equal(false);

    const retry = await cli([...restoreArgs(t, "--delete-new", "--yes"), "--json"]);
    expect(retry.code, retry.stderr).to.equal(0);
    expect(JSON.parse(retry.stdout).plan.writes, "only the failed key is left").to.equal(1);
    expect(sortedEntries(await currentEtags(s3, BUCKET, P))).to.deep.equal(sortedEntries(etagsOf(underPrefix(history.stateAt(t), P))));
  });

  it("refuses bad input before reading or writing anything", async () => {
    const s3 = emulator.clients().s3;
    await BucketHistory.create(s3, BUCKET);
    const now = new Date().toISOString();
    const cases: Array<[string[], string]> = [
      [["--at", "2026-01-01T00:00:00"], "no time zone"],
      [["--at", "2999-01-01T00:00:00Z"], "in the future"],
      [["--at", now, "--concurrency", "0"], "Invalid --concurrency 0"],
      [["--at", now, "--concurrency", "2.5"], "Invalid --concurrency 2.5"],
    ];
    for (const [extra, message] of cases) {
      const r = await cli(["assets", "restore-prefix", "--bucket", BUCKET, ...extra]);
      expect(r.code, extra.join(" ")).to.equal(2);
      expect(r.stderr).to.contain(message);
    }
    const missing = await cli(["assets", "restore-prefix", "--bucket", BUCKET]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("at");
  });
});
