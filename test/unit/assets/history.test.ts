import { expect } from "chai";
import { compareKeys, entryAt, HistoryEntry, markersAbove, newestVersion, orderKeyEntries } from "../../../automation/assets/history";
import { latest, m, t, v } from "../../support/object-versions";

const ids = (entries: readonly { versionId: string }[]) => entries.map((e) => e.versionId);

describe("assets/history", () => {
  describe("orderKeyEntries", () => {
    it("keeps S3's own listing order, ties within a millisecond included, both ways round", () => {
      // S3 interleaves a key's versions and markers newest first; a write and a delete in one millisecond are ordered only by that.
      const deletedAfterWrite: HistoryEntry[] = [m("del", 10), v("put", 10), v("old", 5)];
      const writtenAfterDelete: HistoryEntry[] = [v("put", 10), m("del", 10), v("old", 5)];
      expect(ids(orderKeyEntries(deletedAfterWrite))).to.deep.equal(["del", "put", "old"]);
      expect(ids(orderKeyEntries(writtenAfterDelete))).to.deep.equal(["put", "del", "old"]);
      const s3Listing = [latest(v("v3", 30)), m("m2", 20), v("v2", 20), v("v1", 10), m("m0", 5)];
      expect(orderKeyEntries(s3Listing)).to.deep.equal(s3Listing);
    });

    it("interleaves moto's versions-then-markers and versitygw's markers-then-versions by time", () => {
      expect(ids(orderKeyEntries([latest(v("v3", 30)), v("v1", 10), m("m2", 20), m("m0", 5)]))).to.deep.equal(["v3", "m2", "v1", "m0"]);
      expect(ids(orderKeyEntries([m("m2", 20), m("m0", 5), latest(v("v3", 30)), v("v1", 10)]))).to.deep.equal(["v3", "m2", "v1", "m0"]);
    });

    it("keeps the listing's order among entries of equal time, and puts the IsLatest entry first", () => {
      expect(ids(orderKeyEntries([v("newer", 10), v("older", 10)]))).to.deep.equal(["newer", "older"]);
      expect(ids(orderKeyEntries([m("b", 10), m("a", 10)]))).to.deep.equal(["b", "a"]);
      // moto stamps whole seconds and lists versions first: only IsLatest tells that the marker is newer.
      expect(ids(orderKeyEntries([v("v", 10), latest(m("m", 10))]))).to.deep.equal(["m", "v"]);
      expect(ids(orderKeyEntries([latest(v("v", 10)), m("m", 10)]))).to.deep.equal(["v", "m"]);
    });
  });

  describe("entryAt", () => {
    const history = orderKeyEntries([v("v3", 30), v("v2b", 20), v("v2a", 20), v("null", 5), m("m1", 10)]);
    it("picks the newest entry at or before the time", () => {
      expect(entryAt(history, t(29))?.versionId).to.equal("v2b");
      expect(entryAt(history, t(30))?.versionId).to.equal("v3");
      expect(entryAt(history, t(15))?.versionId).to.equal("m1");
      expect(entryAt(history, t(5))?.versionId).to.equal("null");
    });
    it("breaks ties by the listing's newest-first order", () => {
      expect(entryAt(history, t(20))?.versionId).to.equal("v2b");
      expect(entryAt([m("del", 10), v("put", 10)], t(10, 999))?.kind).to.equal("delete-marker");
      expect(entryAt([v("put", 10), m("del", 10)], t(10, 999))?.kind).to.equal("version");
    });
    it("is undefined before the key existed", () => {
      expect(entryAt(history, t(4))).to.equal(undefined);
    });
    it("counts a moment in the same millisecond as the write as after it", () => {
      expect(entryAt([v("x", 10)], new Date(t(10).getTime()))?.versionId).to.equal("x");
      expect(entryAt([v("x", 10)], new Date(t(10).getTime() - 1))).to.equal(undefined);
    });
  });

  it("newestVersion skips delete markers; markersAbove are the markers over it", () => {
    const entries = [m("m2", 20), m("m1", 15), v("v1", 10), m("m0", 5)];
    expect(newestVersion(entries)?.versionId).to.equal("v1");
    expect(ids(markersAbove(entries, newestVersion(entries)!))).to.deep.equal(["m2", "m1"]);
    expect(newestVersion([m("m", 1)])).to.equal(undefined);
  });

  it("compareKeys orders by UTF-8 bytes like S3, not by UTF-16 code units", () => {
    // U+FF61 is one UTF-16 unit above the surrogates; U+1F600 is a surrogate pair. UTF-8: EF.. < F0..
    const keys = ["\u{1F600}", "\uFF61", "a", "B", "a/b", "a b"];
    expect([...keys].sort(compareKeys)).to.deep.equal(["B", "a", "a b", "a/b", "\uFF61", "\u{1F600}"]);
    expect(["\u{1F600}", "\uFF61"].sort()).to.deep.equal(["\u{1F600}", "\uFF61"]);
  });
});
