import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { WriteSpool } from "../../../automation/assets/spool";
import { WriteDecision } from "../../../automation/assets/plan";
import { latest, m, v } from "../../support/object-versions";

describe("assets/spool", () => {
  it("gives back the writes in order with their dates, can be read twice, and leaves nothing behind", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spool-test-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const spool = new WriteSpool(path.join(dir, "writes.ndjson"));
    const writes: WriteDecision[] = [
      { action: "copy", key: "a", source: v("v1", 1), current: latest(v("v2", 2)), settings: { encryption: { algorithm: "aws:kms", kmsKeyId: "k" } } },
      { action: "undelete", key: "b", markers: [latest(m("m2", 3)), m("m1", 2)], version: v("v0", 1) },
      { action: "hide", key: "c", current: latest(v("n", 4)) },
    ];
    for (const w of writes) await spool.write(w);
    expect(spool.count).to.equal(3);
    for (let pass = 0; pass < 2; pass++) {
      const read: WriteDecision[] = [];
      for await (const w of spool.read()) read.push(w);
      expect(read).to.deep.equal(writes);
    }
    await spool.dispose();
    expect(fs.existsSync(spool.file)).to.equal(false);
  });
});
