import { expect } from "chai";
import { UsageError } from "../../automation/errors";
import { parseRestoreTime } from "../../automation/assets/instant";
import { choosePartSize, copyMethod, copySource, multipartEtagParts, partRanges, SINGLE_COPY_LIMIT, MAX_PARTS } from "../../automation/assets/copy";
import { runBounded } from "../../automation/assets/pool";
import { planView, progressLine, renderApplied, renderPlan, renderVersions, shouldReport, versionRows } from "../../automation/assets/summary";
import { RestorePlan } from "../../automation/assets/plan";
import { m, v } from "../support/object-versions";
import { messageOf } from "../support/expect-error";

const now = new Date("2026-11-25T12:00:00Z");
const MiB = 1024 * 1024;

const usageMessage = (fn: () => unknown): string => messageOf(fn, UsageError);

describe("assets helpers (pure)", () => {
  describe("parseRestoreTime", () => {
    it("accepts ISO-8601 with Z or an offset", () => {
      expect(parseRestoreTime("2026-11-25T11:00:00Z", now).toISOString()).to.equal("2026-11-25T11:00:00.000Z");
      expect(parseRestoreTime("2026-11-25T12:30:00+01:00", now).toISOString()).to.equal("2026-11-25T11:30:00.000Z");
      expect(parseRestoreTime("2026-11-25T06:00-05:00", now).toISOString()).to.equal("2026-11-25T11:00:00.000Z");
      expect(parseRestoreTime("2026-11-25T11:59:59.123456Z", now).toISOString()).to.equal("2026-11-25T11:59:59.123Z");
    });
    it("refuses a time without a zone, saying so", () => {
      expect(usageMessage(() => parseRestoreTime("2026-11-25T11:00:00", now))).to.contain("no time zone").and.to.contain("--at 2026-11-25T14:05:00Z");
      expect(usageMessage(() => parseRestoreTime("2026-11-25 11:00", now))).to.contain("no time zone");
    });
    it("refuses what is not a date and time", () => {
      for (const bad of ["yesterday", "2026-11-25", "1732532400", "2026-11-25T11:00:00ZZ", ""]) {
        expect(usageMessage(() => parseRestoreTime(bad, now))).to.contain("not an ISO-8601");
      }
    });
    it("refuses impossible dates, times and offsets", () => {
      expect(usageMessage(() => parseRestoreTime("2026-02-30T11:00:00Z", now))).to.contain("no such date");
      expect(usageMessage(() => parseRestoreTime("2026-11-25T24:00:00Z", now))).to.contain("no such date");
      expect(usageMessage(() => parseRestoreTime("2026-11-25T11:00:00+25:00", now))).to.contain("offset");
    });
    it("refuses the future, naming now", () => {
      expect(usageMessage(() => parseRestoreTime("2026-11-25T12:00:01Z", now))).to.contain("in the future").and.to.contain("2026-11-25T12:00:00.000Z");
      expect(parseRestoreTime("2026-11-25T12:00:00Z", now).getTime()).to.equal(now.getTime());
    });
  });

  describe("copy helpers", () => {
    it("encodes the key in CopySource per path segment, with the version id", () => {
      expect(copySource("b", "chars/Zoë 1+1%.png", "null")).to.equal("b/chars/Zo%C3%AB%201%2B1%25.png?versionId=null");
      expect(copySource("b", "a?b#c", "x/y")).to.equal("b/a%3Fb%23c?versionId=x%2Fy");
    });
    it("reads the part count of a multipart ETag", () => {
      expect(multipartEtagParts('"d41d8cd98f00b204e9800998ecf8427e-12"')).to.equal(12);
      expect(multipartEtagParts('"d41d8cd98f00b204e9800998ecf8427e"')).to.equal(undefined);
    });
    it("copies part by part over the single-copy limit or when the source was uploaded in parts", () => {
      expect(copyMethod({ size: SINGLE_COPY_LIMIT, etag: '"abc"' })).to.equal("single");
      expect(copyMethod({ size: SINGLE_COPY_LIMIT + 1, etag: '"abc-2"' })).to.equal("multipart");
      expect(copyMethod({ size: 10, etag: '"abc-2"' })).to.equal("multipart");
      expect(copyMethod({ size: 2 * MiB, etag: '"abc"' }, MiB)).to.equal("multipart");
    });
    it("mirrors the source's part size when it explains the ETag's part count", () => {
      expect(choosePartSize(11 * MiB, 3, 5 * MiB, 512 * MiB)).to.equal(5 * MiB);
      expect(choosePartSize(11 * MiB, 2, 5 * MiB, 512 * MiB)).to.equal(512 * MiB);
      expect(choosePartSize(11 * MiB, undefined, undefined, 5 * MiB)).to.equal(5 * MiB);
    });
    it("never needs more than 10,000 parts", () => {
      const size = 5 * 1024 * 1024 * MiB; // 5 TiB
      const part = choosePartSize(size, undefined, undefined, 8 * MiB);
      expect(Math.ceil(size / part)).to.be.at.most(MAX_PARTS);
    });
    it("covers every byte once with inclusive ranges", () => {
      expect(partRanges(11, 5)).to.deep.equal([
        { partNumber: 1, first: 0, last: 4 },
        { partNumber: 2, first: 5, last: 9 },
        { partNumber: 3, first: 10, last: 10 },
      ]);
      expect(partRanges(10, 5).map((r) => r.last)).to.deep.equal([4, 9]);
    });
  });

  describe("runBounded", () => {
    it("never has more than the limit in flight and runs every item", async () => {
      let inFlight = 0;
      let peak = 0;
      const seen: number[] = [];
      await runBounded([...Array(50).keys()], 4, async (i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setImmediate(r));
        seen.push(i);
        inFlight--;
      });
      expect(peak).to.equal(4);
      expect(seen.sort((a, b) => a - b)).to.deep.equal([...Array(50).keys()]);
    });
    it("stops starting work after an unhandled failure and rethrows it", async () => {
      const started: number[] = [];
      let error: unknown;
      try {
        await runBounded([...Array(20).keys()], 2, async (i) => {
          started.push(i);
          if (i === 3) throw new Error("boom");
        });
      } catch (e) {
        error = e;
      }
      expect((error as Error).message).to.equal("boom");
      expect(started.length).to.be.lessThan(20);
    });
    it("lets onError keep going or stop", async () => {
      const failures: number[] = [];
      const result = await runBounded([...Array(20).keys()], 1, async (i) => {
        if (i % 2 === 0) throw new Error(`fail ${i}`);
      }, (_e, i) => {
        failures.push(i);
        return failures.length < 3;
      });
      expect(failures).to.deep.equal([0, 2, 4]);
      expect(result.started).to.equal(5);
    });
    it("refuses a non-positive concurrency", async () => {
      let error: unknown;
      await runBounded([1], 0, async () => {}).catch((e) => (error = e));
      expect(error).to.be.instanceOf(RangeError);
    });
  });

  describe("summary", () => {
    it("renders a plan with counts, samples and the write total", () => {
      const plan = new RestorePlan("assets", "characters/", now, { deleteNew: false }, 2);
      plan.add({ action: "copy", key: "characters/a b.png", source: v("v1", 1), current: v("v2", 2) });
      for (const k of ["x", "y", "z"]) plan.add({ action: "unchanged", key: k, reason: "current" });
      plan.add({ action: "keep-new", key: "characters/new.png", current: v("n", 3) });
      const text = renderPlan(planView(plan));
      expect(text).to.contain("Restore plan for s3://assets/characters/ to 2026-11-25T12:00:00.000Z: 5 key(s) examined, 1 write(s).");
      expect(text).to.match(/1 {2}copy back/).and.to.contain('"characters/a b.png"');
      expect(text).to.match(/3 {2}unchanged/).and.to.contain('"x", "y", … 1 more');
      expect(text).to.contain("add --delete-new");
      expect(text).not.to.contain("undelete");
    });
    it("says when there is nothing to write, and when nothing was found", () => {
      const plan = new RestorePlan("assets", "", now, { deleteNew: true });
      expect(renderPlan(planView(plan))).to.contain("No key under this prefix");
      plan.add({ action: "unchanged", key: "k", reason: "current" });
      expect(renderPlan(planView(plan))).to.contain("Nothing to write");
    });
    it("renders the apply result, with failures and the advice to re-run", () => {
      expect(renderApplied({ copied: 2, undeleted: 1, hidden: 0, writes: 4, failed: [], skipped: 0, elapsedMs: 65_000 })).to.equal(
        "Applied in 1m05s: 2 copied back, 1 undeleted, 0 hidden (4 write(s)).",
      );
      const failed = renderApplied({ copied: 0, undeleted: 0, hidden: 0, writes: 0, failed: [{ key: "k", error: "AccessDenied" }], skipped: 3, elapsedMs: 0 });
      expect(failed).to.contain('"k": AccessDenied').and.to.contain("3 not attempted").and.to.contain("Run the same command again");
    });
    it("draws a progress line and reports at 10 % steps, at the end, and after a quiet while", () => {
      expect(progressLine("restoring", 5, 10, 3_000, 10)).to.equal("restoring [#####-----] 5/10 (50%), 3s elapsed");
      const reported = [...Array(100).keys()].map((i) => i + 1).filter((d) => shouldReport(d, 100, 0));
      expect(reported).to.deep.equal([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
      expect(shouldReport(7, 100, 2_500)).to.equal(true);
    });
    it("lists versions newest first with delete markers marked", () => {
      const rows = versionRows([{ ...m("m1", 30), isLatest: true }, v("null", 10)]);
      expect(rows[0]).to.deep.include({ versionId: "m1", kind: "delete-marker", size: null, isLatest: true });
      const text = renderVersions("b", "k", rows);
      expect(text.split("\n")[0]).to.equal("s3://b/k, newest first:");
      expect(text).to.contain("delete marker").and.to.contain("latest").and.to.contain("null");
      expect(renderVersions("b", "k", [])).to.contain("no versions");
    });
  });
});
