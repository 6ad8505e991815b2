/**
 * `npm run bench -- assets`: restoring a prefix of the assets bucket to a moment, this tool
 * (`gametracker-dr assets restore-prefix --delete-new`) against s3-pit-restore (PyPI, the
 * established tool; in-place mode `-B <same bucket>`), at 2,000 and 20,000 keys × 3
 * versions, from identical starting states built in the same phases, at the same
 * concurrency. The S3 server is versitygw behind a local proxy that adds S3-like latency
 * per request (seeded), counts every request by kind for both tools alike, and gives
 * versitygw's listing S3's LastModified and order (test/support/s3-proxy.ts). Both tools
 * run as child processes, so wall time and max RSS are each tool's own. Writes are counted
 * from the buckets' version census, not from the tools' words, and each final state is
 * compared with the state at the moment as recorded while the history was written.
 *
 * Then the memory of a prefix of 1,000,000 versions: this tool against a synthetic
 * listing source (bench/support/synthetic-s3.ts), plan and apply.
 */
import * as path from "node:path";
import type { Benchmark } from "./run";
import { createAwsClients } from "../automation/aws/clients";
import { table } from "../automation/output";
import { venvBin, ensurePythonTools } from "../test/support/moto";
import { ACCESS_KEY, SECRET_KEY, startVersitygw } from "../test/support/versitygw";
import { LatencyProfile, S3Proxy } from "../test/support/s3-proxy";
import { BucketHistory, census, censusDiff, currentEtags, etagsOf, Op, underPrefix, VersionCensus } from "../test/support/bucket-history";
import { buildCli, cliCommand, measure, Measured } from "./support/measure";
import { SYNTHETIC_AT, SyntheticBucket } from "./support/synthetic-s3";

const REPO = path.resolve(__dirname, "..");
/** Override for a quick try: GAMETRACKER_BENCH_ASSETS_SIZES=200,2000 and GAMETRACKER_BENCH_ASSETS_SYNTHETIC_KEYS=10000. */
const SIZES = (process.env.GAMETRACKER_BENCH_ASSETS_SIZES ?? "2000,20000").split(",").map(Number);
const NEW_KEYS = 50;
const PREFIX = "characters/";
const CONCURRENCY = 16;
const LATENCY: LatencyProfile = { seed: 42, listMs: 30, copyMs: 15, headMs: 15, otherMs: 15, jitter: 0.2 };
const SYNTHETIC_KEYS = Number(process.env.GAMETRACKER_BENCH_ASSETS_SYNTHETIC_KEYS ?? 333_334);
const key = (i: number) => `${PREFIX}${String(i).padStart(5, "0")}/portrait ${i % 3 === 0 ? "zoë" : "hero"}.png`;

interface Run {
  ms: number;
  maxRssMiB: number;
  writes: number;
  onUnchanged: number;
  versionsLost: number;
  requests: Map<string, number>;
  applyMs?: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

async function scenario(proxy: S3Proxy, measured: string, setup: string, keys: number): Promise<void> {
  const clients = createAwsClients({ endpoint: setup, region: "us-east-1", credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY } });
  try {
    const s3 = clients.s3;
    const ours = await BucketHistory.create(s3, `bench-ours-${keys}`, { stampMs: 1 });
    const theirs = await BucketHistory.create(s3, `bench-theirs-${keys}`, { stampMs: 1 });
    const both = (ops: Op[]) => Promise.all([ours.apply(ops, 32), theirs.apply(ops, 32)]);
    const all = [...Array(keys).keys()];
    const built = Date.now();
    await both(all.map((i) => ({ put: key(i), body: `${i}-v1` })));
    await ours.checkpoint();
    await both(all.map((i) => ({ put: key(i), body: `${i}-v2` })));
    await ours.checkpoint();
    await both(all.filter((i) => i % 10 < 7).map((i) => ({ put: key(i), body: `${i}-v3` })));
    const at = await ours.checkpoint();
    // The incident after the moment: 20 % overwritten, 10 % deleted, new keys appear.
    await both([
      ...all.filter((i) => i % 10 === 7 || i % 10 === 8).map((i): Op => ({ put: key(i), body: `${i}-v3-bad` })),
      ...all.filter((i) => i % 10 === 9).map((i): Op => ({ delete: key(i) })),
      ...[...Array(NEW_KEYS).keys()].map((j): Op => ({ put: `${PREFIX}new-${j}.png`, body: `new-${j}` })),
    ]);
    const expected = etagsOf(underPrefix(ours.stateAt(at), PREFIX));
    const start = await census(s3, ours.bucket);
    console.log(
      `\n-- ${keys.toLocaleString("en-US")} keys × 3 versions: ${start.versions.size.toLocaleString("en-US")} versions and ${start.markers.size} delete markers per bucket, built in ${((Date.now() - built) / 1000).toFixed(0)} s; moment ${at.toISOString()}`,
    );

    const unchangedKeys = new Set(all.filter((i) => i % 10 < 7).map(key));
    const writesOnUnchanged = (before: VersionCensus, after: VersionCensus) => {
      const touched = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x) && unchangedKeys.has(x.split("\u0000")[0]!)).length;
      return touched(after.versions, before.versions) + touched(after.markers, before.markers) + touched(before.markers, after.markers);
    };
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_REGION: "us-east-1", AWS_DEFAULT_REGION: "us-east-1", AWS_ENDPOINT_URL: measured };
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
    const run = async (bucket: string, command: [string, string[]]): Promise<Run & { result: Measured }> => {
      const before = await census(s3, bucket);
      proxy.resetCounts();
      const result = await measure(command[0], command[1], env);
      if (result.code !== 0) throw new Error(`${command[1].join(" ")} exited ${result.code}: ${result.stderr}`);
      const requests = new Map(proxy.counts);
      const after = await census(s3, bucket);
      const diff = censusDiff(before, after);
      return { ms: result.ms, maxRssMiB: result.maxRssMiB, writes: diff.versionsAdded + diff.markersAdded + diff.markersRemoved, onUnchanged: writesOnUnchanged(before, after), versionsLost: diff.versionsLost.length, requests, result };
    };
    const pit = (bucket: string) => run(bucket, [venvBin("s3-pit-restore"), ["-b", bucket, "-B", bucket, "-p", PREFIX, "-t", at.toISOString(), "--max-workers", String(CONCURRENCY)]]);
    const tool = async (bucket: string) => {
      const r = await run(bucket, cliCommand(REPO, ["assets", "restore-prefix", "--bucket", bucket, "--prefix", PREFIX, "--at", at.toISOString(), "--delete-new", "--concurrency", String(CONCURRENCY), "--yes", "--json"]));
      return { ...r, applyMs: (JSON.parse(r.result.stdout) as { applied: { elapsedMs: number } | null }).applied?.elapsedMs ?? 0 };
    };
    const correct = async (bucket: string) => {
      const actual = await currentEtags(s3, bucket, PREFIX);
      return [...new Set([...actual.keys(), ...expected.keys()])].filter((k) => actual.get(k) !== expected.get(k)).length;
    };

    const theirs1 = await pit(theirs.bucket);
    const theirsWrong = await correct(theirs.bucket);
    const ours1 = await tool(ours.bucket);
    const oursWrong = await correct(ours.bucket);
    const theirs2 = await pit(theirs.bucket);
    const ours2 = await tool(ours.bucket);

    const kinds = [...new Set([...ours1.requests.keys(), ...theirs1.requests.keys()])].sort();
    const row = (label: string, a: string, b: string) => [label, a, b];
    console.log(
      table(
        ["", "this tool", "s3-pit-restore 0.9"],
        [
          row("wall time", seconds(ours1.ms), seconds(theirs1.ms)),
          row("requests", total(ours1.requests).toLocaleString("en-US"), total(theirs1.requests).toLocaleString("en-US")),
          ...kinds.map((k) => row(`  ${k}`, String(ours1.requests.get(k) ?? 0), String(theirs1.requests.get(k) ?? 0))),
          row("writes", String(ours1.writes), String(theirs1.writes)),
          row(`writes on the ${unchangedKeys.size.toLocaleString("en-US")} keys unchanged since the moment`, String(ours1.onUnchanged), String(theirs1.onUnchanged)),
          row("final state = expected state", oursWrong === 0 ? "yes" : `NO (${oursWrong} keys differ)`, theirsWrong === 0 ? "yes" : `NO (${theirsWrong} keys differ)`),
          row("object versions lost", String(ours1.versionsLost), String(theirs1.versionsLost)),
          row("max RSS", `${ours1.maxRssMiB.toFixed(0)} MiB`, `${theirs1.maxRssMiB.toFixed(0)} MiB`),
          row("re-run: wall time / writes", `${seconds(ours2.ms)} / ${ours2.writes}`, `${seconds(theirs2.ms)} / ${theirs2.writes}`),
        ],
      ),
    );
    const copies = ours1.requests.get("CopyObject") ?? 0;
    console.log(
      `speed-up ${(theirs1.ms / ours1.ms).toFixed(2)}× (target ≥ 5× on 20,000 keys), re-run ${(theirs2.ms / ours2.ms).toFixed(2)}×; ` +
        `this tool: ${seconds(ours1.ms - (ours1.applyMs ?? 0))} start, listing and planning, ${seconds(ours1.applyMs ?? 0)} applying ${ours1.writes} writes (${copies} copies) ` +
        `= ${((ours1.writes / (ours1.applyMs ?? 1)) * 1000).toFixed(0)} writes/s at concurrency ${CONCURRENCY}`,
    );
  } finally {
    clients.destroy();
  }
}

/** The tool's memory on a prefix of a million versions: plan and apply against a synthetic listing. */
async function millionVersions(): Promise<void> {
  const bucket = new SyntheticBucket("synthetic-assets", PREFIX, SYNTHETIC_KEYS);
  const endpoint = await bucket.listen();
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_REGION: "us-east-1" };
    delete env.AWS_SESSION_TOKEN;
    const [command, args] = cliCommand(REPO, ["assets", "restore-prefix", "--bucket", bucket.name, "--prefix", PREFIX, "--at", SYNTHETIC_AT, "--concurrency", String(CONCURRENCY), "--endpoint", endpoint, "--yes", "--json"]);
    const r = await measure(command, args, env);
    if (r.code !== 0) throw new Error(`restore-prefix on the synthetic bucket exited ${r.code}: ${r.stderr}`);
    const { plan, applied } = JSON.parse(r.stdout) as { plan: { keys: number; counts: Record<string, number> }; applied: { writes: number; elapsedMs: number } };
    console.log(
      `\n-- ${bucket.versions.toLocaleString("en-US")} versions (${plan.keys.toLocaleString("en-US")} keys), synthetic listing source, no latency: ` +
        `max RSS ${r.maxRssMiB.toFixed(0)} MiB (target ≤ 300 MB), wall ${seconds(r.ms)}, ${plan.counts.copy} copies + ${plan.counts.undelete} undeletes planned, ${applied.writes} writes in ${seconds(applied.elapsedMs)}`,
    );
    console.log(`   requests served: ${JSON.stringify(Object.fromEntries(bucket.writes))}`);
  } finally {
    await bucket.close();
  }
}

const bench: Benchmark = {
  title: `restore-prefix vs s3-pit-restore at ${SIZES.map((n) => n.toLocaleString("en-US")).join(" and ")} keys × 3 versions, versitygw behind a latency proxy (list ${LATENCY.listMs} ms, copy/head ${LATENCY.copyMs} ms, others ${LATENCY.otherMs} ms, ±${LATENCY.jitter * 100} %, seed ${LATENCY.seed}), concurrency ${CONCURRENCY} each; then memory at 1,000,000 versions`,
  async run() {
    ensurePythonTools((line) => console.log(line));
    buildCli(REPO);
    const server = await startVersitygw();
    const proxy = new S3Proxy({ upstream: server.upstream, latency: LATENCY, s3Timestamps: true, onReset: () => server.wipe() });
    try {
      const measured = await proxy.listen(true);
      const setup = await proxy.listen(false);
      for (const keys of SIZES) await scenario(proxy, measured, setup, keys);
    } finally {
      await proxy.close();
      await server.stop();
    }
    await millionVersions();
  },
};

export default bench;
