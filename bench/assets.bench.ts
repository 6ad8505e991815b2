/**
 * `npm run bench -- assets`: restoring a prefix of the assets bucket to a moment, this
 * tool (`gametracker-dr assets restore-prefix --delete-new`) against s3-pit-restore
 * (PyPI, the established tool; in-place mode `-B <same bucket>`), both on moto, from
 * identical starting states built in the same phases. Prints wall times, the ratio,
 * the writes each made (counted from the buckets' version census, not from the
 * tools' own words), and whether each final state equals the state at the moment as
 * recorded while the history was written.
 */
import { spawn } from "node:child_process";
import type { MiddlewareStack } from "@smithy/types";
import type { Benchmark } from "./run";
import { createAwsClients } from "../automation/aws/clients";
import { main } from "../automation/cli/main";
import { systemClock } from "../automation/clock";
import { table } from "../automation/output";
import { startMoto, venvBin } from "../test/support/moto";
import { FaultInjector } from "../test/support/faults";
import { BucketHistory, census, censusDiff, currentEtags, etagsOf, Op, sortedEntries, underPrefix, VersionCensus } from "../test/support/bucket-history";

const KEYS = 2_000;
const NEW_KEYS = 50;
const PREFIX = "characters/";
const CONCURRENCY = 16;
const key = (i: number) => `${PREFIX}${String(i).padStart(4, "0")}/portrait ${i % 3 === 0 ? "zoë" : "hero"}.png`;

interface Measured {
  tool: string;
  ms: number;
  writes: number;
  versionsLost: number;
  correct: boolean;
  mismatches: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const bench: Benchmark = {
  title: `restore-prefix vs s3-pit-restore: ${KEYS} keys × 3 versions (some deleted, ${NEW_KEYS} created after the moment), moto, concurrency ${CONCURRENCY} each`,
  async run() {
    process.env.AWS_ACCESS_KEY_ID = "testing";
    process.env.AWS_SECRET_ACCESS_KEY = "testing";
    process.env.AWS_SESSION_TOKEN = "testing";
    process.env.AWS_REGION = "us-east-1";
    delete process.env.AWS_PROFILE;
    const moto = await startMoto();
    const clients = createAwsClients({ endpoint: moto.endpoint, region: "us-east-1" });
    try {
      const s3 = clients.s3;
      const ours = await BucketHistory.create(s3, "bench-ours");
      const theirs = await BucketHistory.create(s3, "bench-theirs");
      const both = (ops: Op[]) => Promise.all([ours.apply(ops, 32), theirs.apply(ops, 32)]);
      const all = [...Array(KEYS).keys()];
      const buildStarted = Date.now();
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
      const start = await census(s3, "bench-ours");
      console.log(`dataset: ${start.versions.size} versions and ${start.markers.size} delete markers per bucket built in ${((Date.now() - buildStarted) / 1000).toFixed(1)} s; moment ${at.toISOString()}; expected ${expected.size} keys`);

      const check = async (bucket: string): Promise<{ correct: boolean; mismatches: number }> => {
        const actual = await currentEtags(s3, bucket, PREFIX);
        const keys = new Set([...actual.keys(), ...expected.keys()]);
        const mismatches = [...keys].filter((k) => actual.get(k) !== expected.get(k)).length;
        return { correct: mismatches === 0 && JSON.stringify(sortedEntries(actual)) === JSON.stringify(sortedEntries(expected)), mismatches };
      };
      const writesOf = (d: ReturnType<typeof censusDiff>) => d.versionsAdded + d.markersAdded + d.markersRemoved;
      const unchangedKeys = new Set(all.filter((i) => i % 10 < 7).map(key));
      /** Writes that touched keys which were already as at the moment (should be none). */
      const writesOnUnchanged = (before: VersionCensus, after: VersionCensus) => {
        const touched = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x) && unchangedKeys.has(x.split("\u0000")[0]!)).length;
        return touched(after.versions, before.versions) + touched(after.markers, before.markers) + touched(before.markers, after.markers);
      };

      // s3-pit-restore, in place (-B = the same bucket), same prefix, moment and parallelism.
      const pitEnv = { ...process.env, AWS_ENDPOINT_URL: moto.endpoint, AWS_DEFAULT_REGION: "us-east-1" };
      const pitArgs = ["-b", "bench-theirs", "-B", "bench-theirs", "-p", PREFIX, "-t", at.toISOString(), "--max-workers", String(CONCURRENCY)];
      const runPit = async () => {
        const before = await census(s3, "bench-theirs");
        const r = await timed(() => runProcess(venvBin("s3-pit-restore"), pitArgs, pitEnv));
        if (r.value.code !== 0) throw new Error(`s3-pit-restore exited ${r.value.code}: ${r.value.stderr}`);
        const after = await census(s3, "bench-theirs");
        const diff = censusDiff(before, after);
        return { ms: r.ms, writes: writesOf(diff), versionsLost: diff.versionsLost.length, onUnchanged: writesOnUnchanged(before, after) };
      };

      const faults = new FaultInjector();
      const runOurs = async () => {
        const before = await census(s3, "bench-ours");
        faults.clear();
        const out: string[] = [];
        const r = await timed(() =>
          main(["assets", "restore-prefix", "--bucket", "bench-ours", "--prefix", PREFIX, "--at", at.toISOString(), "--delete-new", "--concurrency", String(CONCURRENCY), "--yes", "--json"], {
            stdout: { write: (t) => void out.push(t) },
            stderr: { write: () => {} },
            clock: systemClock,
            ask: undefined,
            awsClients: (o) => createAwsClients({ ...o, endpoint: moto.endpoint, region: "us-east-1", middleware: faults.middleware as (s: MiddlewareStack<any, any>) => void }),
            stacks: () => {
              throw new Error("the benchmark passes --bucket");
            },
            random: Math.random,
          }),
        );
        if (r.value !== 0) throw new Error(`restore-prefix exited ${r.value}: ${out.join("")}`);
        const after = await census(s3, "bench-ours");
        const diff = censusDiff(before, after);
        const applied = (JSON.parse(out.join("")) as { applied: { elapsedMs: number } | null }).applied;
        return { ms: r.ms, applyMs: applied?.elapsedMs ?? 0, writes: writesOf(diff), versionsLost: diff.versionsLost.length, onUnchanged: writesOnUnchanged(before, after), requests: Object.fromEntries(faults.attempts) };
      };

      // s3-pit-restore's own listing cost: --dry-run lists and decides but writes nothing.
      const pitDry = await timed(() => runProcess(venvBin("s3-pit-restore"), [...pitArgs, "--dry-run"], pitEnv));
      const pit1 = await runPit();
      const pitState = await check("bench-theirs");
      const ours1 = await runOurs();
      const oursState = await check("bench-ours");
      const pit2 = await runPit();
      const ours2 = await runOurs();

      const rows: Measured[] = [
        { tool: "gametracker-dr assets restore-prefix", ms: ours1.ms, writes: ours1.writes, versionsLost: ours1.versionsLost, ...oursState },
        { tool: "s3-pit-restore 0.9 (-B same bucket)", ms: pit1.ms, writes: pit1.writes, versionsLost: pit1.versionsLost, ...pitState },
      ];
      console.log(
        table(
          ["tool", "wall time", "writes", "versions lost", "final state = expected", "re-run: time", "re-run: writes"],
          rows.map((r, i) => [
            r.tool,
            `${(r.ms / 1000).toFixed(2)} s`,
            String(r.writes),
            String(r.versionsLost),
            r.correct ? "yes" : `NO (${r.mismatches} keys differ)`,
            `${((i === 0 ? ours2.ms : pit2.ms) / 1000).toFixed(2)} s`,
            String(i === 0 ? ours2.writes : pit2.writes),
          ]),
        ),
      );
      console.log(`speed-up: ${(pit1.ms / ours1.ms).toFixed(2)}× (target ≥ 3×); re-run speed-up: ${(pit2.ms / ours2.ms).toFixed(2)}×`);
      console.log(`writes on the ${unchangedKeys.size} keys unchanged since the moment: this tool ${ours1.onUnchanged} (target 0), s3-pit-restore ${pit1.onUnchanged}`);
      console.log(`this tool's S3 requests, first run: ${JSON.stringify(ours1.requests)}`);
      console.log(
        `where the time goes: this tool ${((ours1.ms - ours1.applyMs) / 1000).toFixed(2)} s listing + planning, ${(ours1.applyMs / 1000).toFixed(2)} s applying; ` +
          `s3-pit-restore --dry-run (listing and deciding only) ${(pitDry.ms / 1000).toFixed(2)} s`,
      );
    } finally {
      clients.destroy();
      await moto.stop();
    }
  },
};

export default bench;
