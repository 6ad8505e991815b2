import { expect } from "chai";
import { prefixRange, segmentsOf, subPrefixOf } from "../../../automation/assets/partitions";
import type { KeyHistory } from "../../../automation/assets/history";

const h = (key: string): KeyHistory => ({ key, entries: [] });

describe("assets/partitions", () => {
  it("names the sub-prefix a key lies under", () => {
    expect(subPrefixOf("characters/", "characters/0001/portrait.png")).to.equal("characters/0001/");
    expect(subPrefixOf("characters/", "characters/a/b/c.png")).to.equal("characters/a/");
    expect(subPrefixOf("characters/", "characters/new.png")).to.equal(undefined);
    expect(subPrefixOf("", "top.png")).to.equal(undefined);
  });

  it("lists a run of sub-prefixes from after the previous one, skipping keys of other parts, up to the last", () => {
    const range = prefixRange("p/", "p/a/", "p/b/", "p/d/");
    expect(range).to.include({ prefix: "p/", startAfter: "p/a/" });
    expect(prefixRange("p/", undefined, "p/b/", "p/d/").startAfter, "the first part of a level starts with it").to.equal(undefined);
    const keys = ["p/b", "p/b.png", "p/b-x/1", "p/b/1", "p/b/z/2", "p/c/1", "p/d/9", "p/d0", "p/e/1"];
    expect(keys.filter((k) => range.includes!(k))).to.deep.equal(["p/b/1", "p/b/z/2", "p/c/1", "p/d/9"]);
    expect(keys.map((k) => range.beyond!(k))).to.deep.equal([false, false, false, false, false, false, false, true, true]);
  });

  it("cuts a page into runs of direct keys and ranges of about lanes sub-prefixes, in key order", () => {
    const prefixes = [...Array(10).keys()].map((i) => `p/${i}/`);
    const segments = segmentsOf([h("p/3.png"), h("p/9z")], prefixes, 4, false, "p/-/");
    expect(segments.map((s) => (s.kind === "keys" ? s.histories.map((x) => x.key).join("+") : s.kind === "prefixes" ? `${s.previous}>${s.first}..${s.last}` : s.prefix))).to.deep.equal([
      "p/-/>p/0/..p/2/",
      "p/3.png",
      "p/2/>p/3/..p/5/",
      "p/5/>p/6/..p/8/",
      "p/8/>p/9/..p/9/",
      "p/9z",
    ]);
  });

  it("gives every sub-prefix its own part when descending, and a flat page only keys", () => {
    expect(segmentsOf([], ["p/a/", "p/b/"], 16, true)).to.deep.equal([
      { kind: "level", prefix: "p/a/" },
      { kind: "level", prefix: "p/b/" },
    ]);
    expect(segmentsOf([h("a"), h("b")], [], 16, false)).to.deep.equal([{ kind: "keys", histories: [h("a"), h("b")] }]);
  });
});
