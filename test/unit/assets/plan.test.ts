import { expect } from "chai";
import { HistoryEntry, orderKeyEntries } from "../../../automation/assets/history";
import { BLOCKED_KEPT, decideKey, isWrite, KeyDecision, RestorePlan, writesOf } from "../../../automation/assets/plan";
import { latest, m, v } from "../../support/object-versions";

const at = new Date(Date.UTC(2026, 10, 25, 12, 0, 20));
const key = (entries: HistoryEntry[]) => ({ key: "k", entries });

describe("assets/plan", () => {
  describe("decideKey", () => {
    it("leaves a key whose current version is the target alone", () => {
      expect(decideKey(key([latest(v("v1", 10))]), at, { deleteNew: false })).to.include({ action: "unchanged", reason: "current" });
    });

    it("leaves a key whose current version has the target's content alone (a second run writes nothing)", () => {
      const d = decideKey(key([latest(v("copy", 30, "e-v1")), v("v2", 25), v("v1", 15)]), at, { deleteNew: false });
      expect(d).to.include({ action: "unchanged", reason: "same-content" });
    });

    it("copies the target back over a newer version", () => {
      const d = decideKey(key([latest(v("v2", 30)), v("v1", 10)]), at, { deleteNew: false });
      expect(d.action).to.equal("copy");
      expect(d.action === "copy" && d.source.versionId).to.equal("v1");
    });

    it("undeletes when only delete markers newer than the time sit above the target", () => {
      const d = decideKey(key([latest(m("m2", 40)), m("m1", 30), v("v1", 10)]), at, { deleteNew: false });
      expect(d.action).to.equal("undelete");
      expect(d.action === "undelete" && d.markers.map((x) => x.versionId)).to.deep.equal(["m2", "m1"]);
    });

    it("copies when a newer real version sits between the markers and the target", () => {
      expect(decideKey(key([latest(m("m", 40)), v("v2", 30), v("v1", 10)]), at, { deleteNew: false }).action).to.equal("copy");
    });

    it("restores a pre-versioning null version", () => {
      const d = decideKey(key([latest(v("v2", 30)), v("null", 5)]), at, { deleteNew: false });
      expect(d.action === "copy" && d.source.versionId).to.equal("null");
    });

    it("hides keys created after the time only with --delete-new, and reports them otherwise", () => {
      const created = key([latest(v("v1", 30))]);
      expect(decideKey(created, at, { deleteNew: true }).action).to.equal("hide");
      expect(decideKey(created, at, { deleteNew: false }).action).to.equal("keep-new");
    });

    it("treats a key deleted at the time and re-created since as new", () => {
      const recreated = key([latest(v("v2", 30)), m("m", 15), v("v1", 10)]);
      expect(decideKey(recreated, at, { deleteNew: true }).action).to.equal("hide");
      expect(decideKey(recreated, at, { deleteNew: false }).action).to.equal("keep-new");
    });

    it("leaves keys absent then and now alone, including delete-marker-only keys", () => {
      expect(decideKey(key([latest(m("m", 10))]), at, { deleteNew: true })).to.include({ action: "unchanged", reason: "absent" });
      expect(decideKey(key([latest(m("m2", 30)), v("v", 25)]), at, { deleteNew: true })).to.include({ action: "unchanged", reason: "absent" });
      expect(decideKey(key([latest(m("m2", 30)), m("m1", 10), v("v", 5)]), at, { deleteNew: true })).to.include({ action: "unchanged", reason: "absent" });
      expect(decideKey(key([]), at, { deleteNew: true })).to.include({ action: "unchanged", reason: "absent" });
    });

    it("uses the listing order inside a tied second: a write and a delete in one second, both ways round", () => {
      const tie = new Date(Date.UTC(2026, 10, 25, 12, 0, 10, 500));
      const d = decideKey(key([latest(v("v3", 30)), v("v2", 10), v("v1", 10)]), tie, { deleteNew: false });
      expect(d.action === "copy" && d.source.versionId).to.equal("v2");
      // Deleted right after the write, in the same second: at that second the key was gone.
      expect(decideKey(key([latest(v("v3", 30)), m("del", 10), v("put", 10)]), tie, { deleteNew: true }).action).to.equal("hide");
      // Written right after the delete: at that second it held "put".
      const back = decideKey(key([latest(v("v3", 30)), v("put", 10), m("del", 10), v("v0", 5)]), tie, { deleteNew: true });
      expect(back.action === "copy" && back.source.versionId).to.equal("put");
    });

    it("leaves the archive question to the copy check: an archived target plans as a copy, an undelete of one is fine", () => {
      const archived = v("v1", 10, "e", { storageClass: "GLACIER" });
      expect(decideKey(key([latest(v("v2", 30)), archived]), at, { deleteNew: false }).action).to.equal("copy");
      expect(decideKey(key([latest(m("m", 30)), archived]), at, { deleteNew: false }).action).to.equal("undelete");
    });

    it("merges then decides: a listing split into versions and markers gives the same plan", () => {
      const entries = orderKeyEntries([latest(v("v3", 40)), v("v1", 10), m("m", 30)]);
      const d = decideKey(key(entries), at, { deleteNew: false });
      expect(d.action === "copy" && d.source.versionId).to.equal("v1");
    });
  });

  describe("RestorePlan", () => {
    it("counts one write per copy and hide, one per removed marker, none otherwise", () => {
      const plan = new RestorePlan("b", "p/", at, { deleteNew: true }, 2);
      const histories: HistoryEntry[][] = [
        [latest(v("v2", 30)), v("v1", 10)],
        [latest(m("m2", 40)), m("m1", 30), v("v1", 10)],
        [latest(v("new", 30))],
        [latest(v("same", 10))],
        [latest(v("same2", 10))],
        [latest(v("same3", 10))],
      ];
      const decisions = histories.map((h, i) => decideKey({ key: `k${i}`, entries: h }, at, plan.options));
      decisions.forEach((d) => plan.add(d));
      expect(plan.counts).to.deep.equal({ copy: 1, undelete: 1, hide: 1, unchanged: 3, "keep-new": 0, blocked: 0 });
      expect(plan.writeCount).to.equal(4);
      expect(decisions.filter(isWrite).map((w) => w.key)).to.deep.equal(["k0", "k1", "k2"]);
      expect(plan.samples.unchanged).to.deep.equal(["k3", "k4"]);
      expect(plan.keys).to.equal(6);
      expect(decisions.filter(isWrite).map(writesOf)).to.deep.equal([1, 2, 1]);
    });

    it("samples the first keys in key order whatever order they were decided in", () => {
      const plan = new RestorePlan("b", "", at, { deleteNew: false }, 3);
      for (const k of ["d", "b", "\u{1F600}", "a", "c", "\uFF61"]) plan.add({ action: "unchanged", key: k, reason: "current" });
      expect(plan.samples.unchanged).to.deep.equal(["a", "b", "c"]);
    });

    it("keeps the reasons of the first blocked keys only, and counts them all", () => {
      const plan = new RestorePlan("b", "", at, { deleteNew: false });
      const blocked = (i: number): KeyDecision => ({ action: "blocked", key: `k${String(i).padStart(4, "0")}`, source: v("g", 1), reason: `r${i}` });
      for (let i = BLOCKED_KEPT + 50; i > 0; i--) plan.add(blocked(i));
      expect(plan.counts.blocked).to.equal(BLOCKED_KEPT + 50);
      expect(plan.blocked).to.have.length(BLOCKED_KEPT);
      expect(plan.blocked[0]).to.deep.equal({ key: "k0001", reason: "r1" });
      expect(plan.blocked.at(-1)!.key).to.equal(`k${String(BLOCKED_KEPT).padStart(4, "0")}`);
    });
  });
});
