import { expect } from "chai";
import type { MiddlewareStack } from "@smithy/types";
import { listRangeHistories } from "../../../automation/assets/listing";
import { listPrefixHistories } from "../../../automation/assets/partitions";
import { describeOnS3Emulators } from "../../support/s3-emulators";
import { Op } from "../../support/bucket-history";

const BUCKET = "gametracker-assets-partitions";

async function collect(iterable: AsyncIterable<{ key: string; entries: readonly { versionId: string }[] }>) {
  const out: string[] = [];
  for await (const h of iterable) out.push(`${h.key} ${h.entries.map((e) => e.versionId).join(",")}`);
  return out;
}

/** Counts ListObjectVersions requests in flight, to check the bound. */
function inFlight() {
  let now = 0;
  const counter = {
    peak: 0,
    requests: 0,
    middleware: (stack: MiddlewareStack<any, any>) =>
      stack.add(
        (next: any, context: any) => async (args: any) => {
          if (context.commandName !== "ListObjectVersionsCommand") return next(args);
          counter.requests++;
          counter.peak = Math.max(counter.peak, ++now);
          try {
            return await next(args);
          } finally {
            now--;
          }
        },
        { step: "deserialize", name: "countInFlight", priority: "low" },
      ),
  };
  return counter;
}

describeOnS3Emulators("assets/partitions", (emulator) => {
  it("lists a prefix in parallel parts with the same histories as one sequential listing, in key order, within the bound", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    const ops: Op[] = [];
    for (let i = 0; i < 36; i++) {
      const dir = `p/${String(i).padStart(2, "0")}`;
      ops.push({ put: `${dir}/a.png`, body: "1" }, { put: `${dir}/a.png`, body: "2" });
      if (i % 4 === 0) ops.push({ delete: `${dir}/a.png` });
      if (i % 9 === 0) ops.push({ put: `${dir}/deeper/b.png`, body: "1" }, { put: `${dir}.png`, body: "direct" });
      if (i % 11 === 0) ops.push({ put: `${dir}-sibling/c.png`, body: "1" });
    }
    ops.push({ put: "p/top.png", body: "1" }, { markerOnly: "p/ghost.png" }, { put: "q/outside.png", body: "1" });
    await history.apply(ops, 16);
    for (let i = 0; i < 12; i++) await history.apply([{ put: "p/05/a.png", body: `many-${i}` }]);

    const sequential = await collect(listRangeHistories(s3, BUCKET, { prefix: "p/" }));
    expect(sequential.length).to.equal(36 + 4 + 4 + 4 + 2);
    for (const [concurrency, pageSize] of [[4, 5], [8, 3], [16, 1000]] as const) {
      const counter = inFlight();
      const counted = emulator.clients({ middleware: counter.middleware }).s3;
      const parallel = await collect(listPrefixHistories(counted, BUCKET, "p/", { concurrency, pageSize }));
      expect(parallel, `concurrency ${concurrency}, page size ${pageSize}`).to.deep.equal(sequential);
      expect(counter.peak, "requests in flight").to.be.at.most(concurrency);
      if (concurrency > 2) expect(counter.peak, "parts listed at the same time").to.be.greaterThan(1);
    }
  });

  it("cuts a level with few sub-prefixes one level deeper", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    await history.apply(["maps", "characters"].flatMap((top) => [...Array(20).keys()].map((i): Op => ({ put: `${top}/${String(i).padStart(2, "0")}/x.png`, body: "1" }))), 16);
    const counter = inFlight();
    const counted = emulator.clients({ middleware: counter.middleware }).s3;
    const parallel = await collect(listPrefixHistories(counted, BUCKET, "", { concurrency: 8 }));
    expect(parallel).to.deep.equal(await collect(listRangeHistories(s3, BUCKET, { prefix: "" })));
    expect(counter.peak).to.be.greaterThan(2);
  });
});
