import { expect } from "chai";
import { compareKeys, entryAt, mergeKeyHistory, newestVersion, sameContent } from "../../automation/assets/history";
import { m, t, v } from "../support/object-versions";

const ids = (entries: Array<{ versionId: string }>) => entries.map((e) => e.versionId);

describe("assets history (pure)", () => {
  describe("mergeKeyHistory", () => {
    it("interleaves versions and markers newest first", () => {
      expect(ids(mergeKeyHistory([v("v3", 30), v("v1", 10)], [m("m2", 20), m("m0", 5)]))).to.deep.equal(["v3", "m2", "v1", "m0"]);
    });

    it("keeps the listing's order among same-kind entries with equal timestamps", () => {
      expect(ids(mergeKeyHistory([v("newer", 10), v("older", 10)], []))).to.deep.equal(["newer", "older"]);
      expect(ids(mergeKeyHistory([], [m("b", 10), m("a", 10)]))).to.deep.equal(["b", "a"]);
    });

    it("puts the IsLatest entry first when a version and a marker share a timestamp", () => {
      expect(ids(mergeKeyHistory([v("v", 10)], [m("m", 10, { isLatest: true })]))).to.deep.equal(["m", "v"]);
      expect(ids(mergeKeyHistory([v("v", 10, "e", { isLatest: true })], [m("m", 10)]))).to.deep.equal(["v", "m"]);
    });

    it("puts the version first in a tie that IsLatest can't settle", () => {
      expect(ids(mergeKeyHistory([v("top", 20, "e", { isLatest: true }), v("v", 10)], [m("m", 10)]))).to.deep.equal(["top", "v", "m"]);
    });
  });

  describe("entryAt", () => {
    const history = mergeKeyHistory([v("v3", 30), v("v2b", 20), v("v2a", 20), v("null", 5)], [m("m1", 10)]);
    it("picks the newest entry at or before the time", () => {
      expect(entryAt(history, t(29))?.versionId).to.equal("v2b");
      expect(entryAt(history, t(30))?.versionId).to.equal("v3");
      expect(entryAt(history, t(15))?.versionId).to.equal("m1");
      expect(entryAt(history, t(5))?.versionId).to.equal("null");
    });
    it("breaks ties by the listing's newest-first order", () => {
      expect(entryAt(history, t(20))?.versionId).to.equal("v2b");
    });
    it("is undefined before the key existed", () => {
      expect(entryAt(history, t(4))).to.equal(undefined);
    });
    it("counts a moment in the same millisecond as the write as after it", () => {
      expect(entryAt([v("x", 10)], new Date(t(10).getTime()))?.versionId).to.equal("x");
      expect(entryAt([v("x", 10)], new Date(t(10).getTime() - 1))).to.equal(undefined);
    });
  });

  it("newestVersion skips delete markers", () => {
    expect(newestVersion([m("m2", 20), m("m1", 15), v("v1", 10)])?.versionId).to.equal("v1");
    expect(newestVersion([m("m", 1)])).to.equal(undefined);
  });

  it("sameContent: same id, or same ETag and size", () => {
    expect(sameContent(v("a", 1, "x"), v("a", 2, "y"))).to.equal(true);
    expect(sameContent(v("a", 1, "x"), v("b", 2, "x"))).to.equal(true);
    expect(sameContent(v("a", 1, "x"), v("b", 2, "x", { size: 11 }))).to.equal(false);
    expect(sameContent(v("a", 1, "x"), v("b", 2, "y"))).to.equal(false);
  });

  it("compareKeys orders by UTF-8 bytes like S3, not by UTF-16 code units", () => {
    // U+FF61 is one UTF-16 unit above the surrogates; U+1F600 is a surrogate pair. UTF-8: EF.. < F0..
    const keys = ["\u{1F600}", "\uFF61", "a", "B", "a/b", "a b"];
    expect([...keys].sort(compareKeys)).to.deep.equal(["B", "a", "a b", "a/b", "\uFF61", "\u{1F600}"]);
    expect(["\u{1F600}", "\uFF61"].sort()).to.deep.equal(["\u{1F600}", "\uFF61"]);
  });
});
