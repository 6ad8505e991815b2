import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../../automation/errors";
import { checkManifestPath, manifestLine, writeManifest } from "../../../automation/assets/manifest";
import { CopyDecision } from "../../../automation/assets/plan";
import { messageOf } from "../../support/expect-error";
import { latest, v } from "../../support/object-versions";

describe("assets/manifest", () => {
  it("writes one CSV line per copy: bucket, URL-encoded key, the version id the plan chose", async () => {
    expect(manifestLine("assets", "characters/Zoë 1,2+3.png", "3HL4kqtJ")).to.equal("assets,characters/Zo%C3%AB%201%2C2%2B3.png,3HL4kqtJ");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "manifest-test-"));
    const file = path.join(dir, "m.csv");
    async function* copies(): AsyncGenerator<CopyDecision> {
      yield { action: "copy", key: "a b", source: v("null", 1), current: latest(v("v2", 2)) };
      yield { action: "copy", key: "c", source: v("v1", 1), current: latest(v("v3", 2)) };
    }
    expect(await writeManifest(file, "b", copies())).to.equal(2);
    expect(fs.readFileSync(file, "utf8")).to.equal("b,a%20b,null\nb,c,v1\n");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a path that can't be written, before anything is listed", () => {
    expect(messageOf(() => checkManifestPath("/nonexistent-dir/plan.csv"), UsageError)).to.match(/^Can't write the manifest to --manifest-out \/nonexistent-dir\/plan\.csv \(ENOENT\)/);
  });
});
