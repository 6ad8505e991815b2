import { expect } from "chai";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { main } from "../../automation/cli/main";
import { systemClock } from "../../automation/clock";
import { listKeyHistories, keyHistory } from "../../automation/assets/listing";
import { useEmulator } from "../support/emulator";
import { FaultInjector } from "../support/faults";
import { BucketHistory, census, censusDiff, currentEtags, md5 } from "../support/bucket-history";

const BUCKET = "gametracker-assets-listing";

async function collect(iterable: AsyncIterable<{ key: string; entries: readonly { versionId: string; kind: string }[] }>) {
  const out: Array<{ key: string; ids: string[] }> = [];
  for await (const h of iterable) out.push({ key: h.key, ids: h.entries.map((e) => `${e.kind}:${e.versionId}`) });
  return out;
}

describe("assets version listing (moto)", () => {
  const emulator = useEmulator();

  it("follows a key with more than 1,000 versions across pages (key marker and version-id marker) and restores it to a moment", async () => {
    const faults = new FaultInjector();
    const s3 = emulator.clients({ middleware: faults.middleware }).s3;
    const history = await BucketHistory.create(s3, BUCKET);
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
    expect(faults.count("ListObjectVersions"), "1,009 entries need two pages of 1,000").to.equal(2);
    expect(many.entries).to.have.length(1005);
    expect(many.entries.every((e) => e.kind === "version")).to.equal(true);
    const etags = many.entries.map((e) => (e.kind === "version" ? e.etag.replace(/"/g, "") : ""));
    expect(etags, "newest first, in write order reversed").to.deep.equal([...bodies].reverse().map((b) => md5(b)));
    expect(new Set(many.entries.map((e) => e.versionId)).size).to.equal(1005);

    const all = await collect(listKeyHistories(s3, BUCKET));
    expect(all.map((h) => h.key)).to.deep.equal(["a.png", "many.png", "z.png"]);
    expect(all[2]!.ids.map((id) => id.split(":")[0])).to.deep.equal(["delete-marker", "version"]);

    // The moment after the 600th write: the restore must pick many-600 out of the second page's history.
    const before = await census(s3, BUCKET);
    const out: string[] = [];
    const code = await main(["assets", "restore-prefix", "--bucket", BUCKET, "--prefix", "many", "--at", t!.toISOString(), "--yes", "--json"], {
      stdout: { write: (s) => void out.push(s) },
      stderr: { write: () => {} },
      clock: systemClock,
      ask: undefined,
      awsClients: (o) => emulator.clients(o),
      stacks: () => {
        throw new Error("no stack");
      },
      random: () => 0.5,
    });
    expect(code).to.equal(0);
    expect(JSON.parse(out.join("")).plan.counts.copy).to.equal(1);
    expect((await currentEtags(s3, BUCKET)).get("many.png")).to.equal(md5("many-600"));
    expect(censusDiff(before, await census(s3, BUCKET))).to.deep.include({ versionsLost: [], versionsAdded: 1 });
  });

  it("gives the same histories whatever the page size, with markers and versions split across pages", async () => {
    const s3 = emulator.clients().s3;
    const history = await BucketHistory.create(s3, BUCKET, { beforeVersioning: [{ key: "k/legacy", body: "null" }] });
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
    const reference = await collect(listKeyHistories(s3, BUCKET, { prefix: "k/" }));
    expect(reference.map((h) => h.key)).to.deep.equal(["k/a", "k/b b", "k/ghost", "k/legacy", "k/ü/日本"]);
    // Written within one second, so the order between kinds is moto's tie (see mergeKeyHistory); the counts are not.
    expect(reference[0]!.ids.filter((id) => id.startsWith("delete-marker:"))).to.have.length(3);
    expect(reference[0]!.ids[0], "the current entry is the last delete").to.match(/^delete-marker:/);
    expect(reference[3]!.ids[1]).to.equal("version:null");
    for (const pageSize of [1, 2, 3, 7]) {
      expect(await collect(listKeyHistories(s3, BUCKET, { prefix: "k/", pageSize })), `page size ${pageSize}`).to.deep.equal(reference);
    }
    const pages: number[] = [];
    await collect(listKeyHistories(s3, BUCKET, { prefix: "k/", pageSize: 2, onPage: (n) => pages.push(n) }));
    expect(pages.at(-1)).to.equal(10);
    expect(pages).to.have.length(5);
  });
});
