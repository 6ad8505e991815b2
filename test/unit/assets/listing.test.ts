import { expect } from "chai";
import type { VersionPage } from "../../../automation/aws/s3";
import { groupPage, keyHistories } from "../../../automation/assets/listing";
import { latest, m, v } from "../../support/object-versions";

const page = (entries: VersionPage["entries"], next?: string): VersionPage => ({ entries, commonPrefixes: [], isTruncated: next !== undefined, nextKeyMarker: next, nextVersionIdMarker: next && "x" });
const at = (key: string) => <T extends { key: string }>(e: T): T => ({ ...e, key });

describe("assets/listing", () => {
  it("groups a page per key in key order and keeps open the key a truncated page stopped in", () => {
    const grouped = groupPage(page([at("b")(v("b1", 2)), at("a")(v("a1", 1)), at("c")(v("c2", 3))], "c"), undefined);
    expect(grouped.keys.map((k) => k.key)).to.deep.equal(["a", "b"]);
    expect(grouped.open?.key).to.equal("c");
    const next = groupPage(page([at("c")(v("c1", 1))]), grouped.open);
    expect(next.keys.map((k) => [k.key, k.entries.map((e) => e.versionId)])).to.deep.equal([["c", ["c2", "c1"]]]);
    expect(next.open).to.equal(undefined);
  });

  it("yields one newest-first history per key across pages, within a range", async () => {
    async function* pages() {
      yield page([at("a")(latest(v("a2", 5))), at("b")(v("b2", 4)), at("b")(latest(m("bm", 6)))], "b");
      yield page([at("b")(v("b1", 1)), at("c")(latest(v("c1", 1))), at("d")(latest(v("d1", 1)))]);
    }
    const all: string[] = [];
    for await (const h of keyHistories(pages())) all.push(`${h.key}:${h.entries.map((e) => e.versionId).join(",")}`);
    expect(all).to.deep.equal(["a:a2", "b:bm,b2,b1", "c:c1", "d:d1"]);
    const ranged: string[] = [];
    for await (const h of keyHistories(pages(), { includes: (k) => k !== "a", beyond: (k) => k > "c" })) ranged.push(h.key);
    expect(ranged).to.deep.equal(["b", "c"]);
  });
});
