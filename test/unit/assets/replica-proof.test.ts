import { expect } from "chai";
import { AssetsProof, describeProof, etagIsMd5, ReplicaGap } from "../../../automation/assets/replica-proof";
import { HistoryEntry, KeyHistory } from "../../../automation/assets/history";
import { renderMarkdown, renderSummary, reportAssets } from "../../../automation/drill/report";

const at = (iso: string) => new Date(iso);
function version(key: string, versionId: string, time: string, isLatest = false): HistoryEntry {
  return { kind: "version", key, versionId, lastModified: at(time), isLatest, size: 1, etag: '"x"', storageClass: undefined };
}
function marker(key: string, versionId: string, time: string): HistoryEntry {
  return { kind: "delete-marker", key, versionId, lastModified: at(time), isLatest: true };
}
const history = (key: string, ...entries: HistoryEntry[]): KeyHistory => ({ key, entries });

describe("assets/replica-proof (pure)", () => {
  it("counts a source key as replicated when the replica has its current entry by version id; the oldest missing one gives the RPO", () => {
    const gap = new ReplicaGap();
    gap.add(history("a", version("a", "a2", "2026-11-25T10:00:00Z", true), version("a", "a1", "2026-11-24T10:00:00Z")), history("a", version("a", "a1", "2026-11-24T10:00:00Z")));
    gap.add(history("b", version("b", "b1", "2026-11-25T11:00:00Z", true)), history("b", version("b", "b1", "2026-11-25T11:00:00Z")));
    gap.add(history("c", marker("c", "m1", "2026-11-25T11:30:00Z"), version("c", "c1", "2026-11-20T00:00:00Z")), history("c", version("c", "c1", "2026-11-20T00:00:00Z")));
    gap.add(undefined, history("only-in-replica", version("only-in-replica", "r1", "2026-11-25T00:00:00Z")));
    const result = gap.result(at("2026-11-25T12:00:00Z"));
    expect(result).to.deep.include({ reachable: true, sourceKeys: 3, replicated: 1, missing: 2, rpoSeconds: 7200 });
    if (!result.reachable) return;
    expect(result.oldestMissing).to.deep.equal({ key: "a", versionId: "a2", kind: "version", lastModified: "2026-11-25T10:00:00.000Z" });
    expect(result.newestMissing).to.deep.include({ key: "c", kind: "delete-marker" });
    // Older versions the replica's lifecycle expired don't count: only current entries do.
    const lifecycle = new ReplicaGap();
    lifecycle.add(history("a", version("a", "a2", "2026-11-25T10:00:00Z", true), version("a", "a1", "2026-01-01T00:00:00Z")), history("a", version("a", "a2", "2026-11-25T10:00:00Z", true)));
    expect(lifecycle.result(at("2026-11-25T12:00:00Z"))).to.deep.include({ missing: 0, rpoSeconds: 0 });
  });

  it("trusts an ETag as the MD5 only for single-part objects that are not SSE-KMS", () => {
    expect(etagIsMd5('"5d41402abc4b2a76b9719d911017c592"', "AES256")).to.equal(true);
    expect(etagIsMd5('"5d41402abc4b2a76b9719d911017c592-3"', undefined)).to.equal(false);
    expect(etagIsMd5('"5d41402abc4b2a76b9719d911017c592"', "aws:kms")).to.equal(false);
  });

  it("reports the RPO and the sample in the drill report, or why the RPO was not measured", () => {
    const proof: AssetsProof = {
      replica: { bucket: "gt-dr", region: "us-west-2" },
      source: { bucket: "gt-prod", region: "us-east-1" },
      comparison: { reachable: true, sourceKeys: 10, replicated: 9, missing: 1, oldestMissing: { key: "k", versionId: "v", kind: "version", lastModified: "2026-11-25T11:50:00.000Z" }, newestMissing: { key: "k", versionId: "v", kind: "version", lastModified: "2026-11-25T11:50:00.000Z" }, rpoSeconds: 600 },
      sample: { prefix: "characters/", at: "2026-11-25T11:00:00.000Z", checks: [{ key: "characters/1.png", versionId: "1", outcome: "verified", detail: "2 bytes: MD5 = ETag" }], absentAtTime: 0 },
      cleanup: "nothing to clean up: the sample was read in place, nothing was written",
      passed: true,
    };
    expect(describeProof(proof)).to.equal(
      "assets RPO 600s: 1 of 10 current objects at home are not in the replica yet (oldest k of 2026-11-25T11:50:00.000Z, newest k of 2026-11-25T11:50:00.000Z); 1 version(s) of s3://gt-dr/characters/ as of 2026-11-25T11:00:00.000Z: 1 verified",
    );
    const assets = reportAssets(proof);
    expect(assets).to.deep.include({ replica: "s3://gt-dr (us-west-2)", source: "s3://gt-prod (us-east-1)", rpoSeconds: 600, missing: 1, passed: true });
    const report = { kind: "gametracker-drill-report", version: 1, drillId: "d", environment: "prod-dr", restoreStack: "r", sourceInstance: "s", targetInstance: "t", resumed: false, outcome: "passed", startedAt: "", finishedAt: "", steps: [], checks: [], cleanup: { status: "destroyed", detail: "" }, assets } as const;
    const markdown = renderMarkdown(report as never);
    expect(markdown).to.contain("| Assets RPO (now − oldest current object at home not in the replica) | 10m00s (1 of 10 current objects at home not in the replica yet;");
    expect(markdown).to.contain("| Assets sample | 1 verified under s3://gt-dr/characters/ as of 2026-11-25T11:00:00.000Z; nothing to clean up");
    expect(renderSummary(report as never)).to.contain("assets s3://gt-dr (us-west-2): RPO 10m00s");
    const down = reportAssets({ ...proof, comparison: { reachable: false, reason: "s3://gt-prod in us-east-1 did not answer (down)" } });
    expect(down).to.deep.include({ sourceReachable: false, unmeasured: "s3://gt-prod in us-east-1 did not answer (down)" }).and.not.have.property("rpoSeconds");
    expect(renderMarkdown({ ...report, assets: down } as never)).to.contain("not measured: s3://gt-prod in us-east-1 did not answer (down)");
  });
});
