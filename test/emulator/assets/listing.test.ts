import { expect } from "chai";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { keyHistory, listRangeHistories } from "../../../automation/assets/listing";
import { describeOnS3Emulators } from "../../support/s3-emulators";
import { FaultInjector } from "../../support/faults";
import { runCli, runCliJson } from "../../support/assets-cli";
import { census, censusDiff, currentEtags, md5 } from "../../support/bucket-history";

const BUCKET = "gametracker-assets-listing";

async function collect(iterable: AsyncIterable<{ key: string; entries: readonly { versionId: string; kind: string }[] }>) {
  const out: Array<{ key: string; ids: string[] }> = [];
  for await (const h of iterable) out.push({ key: h.key, ids: h.entries.map((e) => `${e.kind}:${e.versionId}`) });
  return out;
}

describeOnS3Emulators("assets/listing", (emulator) => {
  it("follows a key with more than 1,000 versions across pages (key marker and version-id marker) and restores it to a moment", async () => {
    const faults = new FaultInjector();
    const s3 = emulator.clients({ middleware: faults.middleware }).s3;
    const history = await emulator.history(s3, BUCKET);
    await history.apply([{ put: "a.png", body: "a1" }, { put: "a.png", body: "a2" }]);
    const bodies: string[] = [];
    let t: Date | undefined;
    for (let i = 1; i <= 1005; i++) {
      bodies.push(`many-${i}`);
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "many.png", Body: `many-${i}` }));
      if (i === 600) t = await history.checkpoint();
    }
    await history.apply([{ put: "z.png", body: "z1" }, { delete: "z.png" }]);

    faults.clear();
    const many = await keyHistory(s3, BUCKET, "many.png");
    expect(faults.count("ListObjectVersions"), "1,005 entries need two pages of 1,000").to.equal(2);
    expect(many.entries).to.have.length(1005);
    expect(many.entries.every((e) => e.kind === "version")).to.equal(true);
    const etags = many.entries.map((e) => (e.kind === "version" ? e.etag.replace(/"/g, "") : ""));
    expect(etags, "newest first, in write order reversed").to.deep.equal([...bodies].reverse().map((b) => md5(b)));
    expect(new Set(many.entries.map((e) => e.versionId)).size).to.equal(1005);

    const all = await collect(listRangeHistories(s3, BUCKET, { prefix: "" }));
    expect(all.map((h) => h.key)).to.deep.equal(["a.png", "many.png", "z.png"]);
    expect(all[2]!.ids.map((id) => id.split(":")[0])).to.deep.equal(["delete-marker", "version"]);

    // The moment after the 600th write: the restore must pick many-600 out of the second page's history.
    const before = await census(s3, BUCKET);
    const r = await runCliJson(emulator, ["assets", "restore-prefix", "--bucket", BUCKET, "--prefix", "many", "--at", t!.toISOString(), "--yes"]);
    expect(r.plan.counts.copy).to.equal(1);
    expect((await currentEtags(s3, BUCKET)).get("many.png")).to.equal(md5("many-600"));
    expect(censusDiff(before, await census(s3, BUCKET))).to.deep.include({ versionsLost: [], versionsAdded: 1 });
  });

  it("gives the same histories whatever the page size, with markers and versions split across pages", async () => {
    const s3 = emulator.clients().s3;
    const nulls = emulator.supports.nullVersions;
    const history = await emulator.history(s3, BUCKET, { beforeVersioning: nulls ? [{ key: "k/legacy", body: "null" }] : [] });
    await history.apply([
      { put: "k/a", body: "1" },
      { delete: "k/a" },
      { put: "k/a", body: "2" },
      { delete: "k/a" },
      { delete: "k/a" },
      { put: "k/b b", body: "1" },
      { markerOnly: "k/ghost" },
      { put: "k/ü/日本", body: "1" },
      { put: "k/legacy", body: "2" },
      { put: "outside", body: "x" },
    ]);
    // On moto, entries of one second are a tie only IsLatest breaks: compare the current entry and the set of the others.
    const comparable = (histories: Awaited<ReturnType<typeof collect>>) =>
      emulator.supports.subSecondOrder ? histories : histories.map((h) => ({ key: h.key, ids: [h.ids[0], ...h.ids.slice(1).sort()] }));
    const reference = await collect(listRangeHistories(s3, BUCKET, { prefix: "k/" }));
    expect(reference.map((h) => h.key)).to.deep.equal(["k/a", "k/b b", "k/ghost", "k/legacy", "k/ü/日本"]);
    expect(reference[3]!.ids).to.have.length(nulls ? 2 : 1);
    expect(reference[0]!.ids.filter((id) => id.startsWith("delete-marker:"))).to.have.length(3);
    expect(reference[0]!.ids[0], "the current entry is the last delete").to.match(/^delete-marker:/);
    if (emulator.supports.subSecondOrder) expect(reference[0]!.ids.map((id) => id.split(":")[0])).to.deep.equal(["delete-marker", "delete-marker", "version", "delete-marker", "version"]);
    if (nulls) expect(reference[3]!.ids[1]).to.equal("version:null");
    for (const pageSize of emulator.supports.exclusiveMarkers ? [1, 2, 3, 7] : [2, 3, 7]) {
      expect(comparable(await collect(listRangeHistories(s3, BUCKET, { prefix: "k/" }, { pageSize }))), `page size ${pageSize}`).to.deep.equal(comparable(reference));
    }
    const pages: number[] = [];
    await collect(listRangeHistories(s3, BUCKET, { prefix: "k/" }, { pageSize: 2, onPage: (n) => pages.push(n) }));
    expect(pages.reduce((a, b) => a + b, 0), "every entry read").to.be.at.least(nulls ? 10 : 9);
    expect(pages.length).to.be.at.least(5);
  });

  it("orders a write and a delete made in the same second, both ways round, and --at in that second sees the later one", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    await history.apply([{ put: "deleted.png", body: "old" }, { put: "rewritten.png", body: "old" }]);
    await history.checkpoint();
    // Within one second: a write then a delete, and a delete then a write.
    await history.apply([{ put: "deleted.png", body: "new" }, { delete: "deleted.png" }, { delete: "rewritten.png" }, { put: "rewritten.png", body: "new" }]);
    const t = await history.checkpoint();
    const kinds = async (key: string) => (await keyHistory(s3, BUCKET, key)).entries.map((e) => e.kind);
    expect(await kinds("deleted.png")).to.deep.equal(["delete-marker", "version", "version"]);
    expect(await kinds("rewritten.png")).to.deep.equal(["version", "delete-marker", "version"]);
    const restored = await runCli(emulator, ["assets", "restore", "rewritten.png", "--bucket", BUCKET, "--at", t.toISOString(), "--json"]);
    expect(JSON.parse(restored.stdout)).to.include({ changed: false });
    const gone = await runCli(emulator, ["assets", "restore", "deleted.png", "--bucket", BUCKET, "--at", t.toISOString()]);
    expect(gone.code).to.equal(2);
    expect(gone.stderr).to.contain("was deleted at");

    if (emulator.supports.subSecondOrder) {
      // Under newer writes, only the listing's own order can tell which came last in that second.
      await history.apply([{ put: "deleted.png", body: "later" }, { put: "rewritten.png", body: "later" }]);
      expect(await kinds("deleted.png")).to.deep.equal(["version", "delete-marker", "version", "version"]);
      expect(await kinds("rewritten.png")).to.deep.equal(["version", "version", "delete-marker", "version"]);
      const plan = await runCliJson(emulator, ["assets", "restore-prefix", "--bucket", BUCKET, "--at", t.toISOString(), "--delete-new", "--yes"]);
      expect(plan.plan.counts).to.include({ copy: 1, hide: 1 });
      const now = await currentEtags(s3, BUCKET);
      expect(now.get("rewritten.png")).to.equal(md5("new"));
      expect(now.has("deleted.png")).to.equal(false);
    }
  });
});
