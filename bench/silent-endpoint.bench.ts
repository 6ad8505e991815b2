/**
 * `npm run bench -- silent-endpoint`: how long the real binary (bin/gametracker-dr.js, dist/
 * built fresh) takes to give up on an AWS endpoint that accepts connections and never
 * answers, with the default timeout (15 s of silence, 3 attempts), for the first call of
 * an RDS command (`snapshots list`) and an S3 one (`assets restore-prefix`), side by side.
 * Target (issue 18): the one-sentence error within 60 s of the first call. Without a bound
 * the SDK waits forever (measured before the bound: nothing for 300 s, until stopped).
 */
import * as path from "node:path";
import { formatDuration, table } from "../automation/output";
import { DEFAULT_AWS_TIMEOUT_MS, TIMEOUT_ATTEMPTS } from "../automation/aws/bounded-http";
import { SilentEndpoint } from "../test/support/silent-endpoint";
import type { Benchmark } from "./run";
import { buildCli, cliCommand, measure } from "./support/measure";

const REPO = path.join(__dirname, "..");
const TARGET_MS = 60_000;

const COMMANDS: Array<[string, string[]]> = [
  ["RDS: snapshots list", ["snapshots", "list", "--db-instance", "gametracker-mssql"]],
  ["S3: assets restore-prefix", ["assets", "restore-prefix", "--bucket", "gametracker-assets-bench", "--at", "2026-01-01T00:00:00Z", "--yes"]],
];

const bench: Benchmark = {
  title: `a silent AWS endpoint's time to the error, default timeout (${DEFAULT_AWS_TIMEOUT_MS / 1000} s × ${TIMEOUT_ATTEMPTS} attempts); target ≤ ${TARGET_MS / 1000} s`,
  async run() {
    buildCli(REPO);
    const silent = await SilentEndpoint.start();
    try {
      // Fake credentials and a region: the request must reach the endpoint, and no real account is ever asked.
      const { GAMETRACKER_AWS_TIMEOUT: _unset, AWS_PROFILE: _none, ...base } = process.env;
      const env = { ...base, AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench", AWS_REGION: "us-east-1", AWS_ENDPOINT_URL: silent.url };
      // Side by side: the runs only wait on sockets.
      const runs = await Promise.all(COMMANDS.map(([, argv]) => measure(...cliCommand(REPO, argv), env)));
      const rows = runs.map((r, i) => [
        COMMANDS[i]![0],
        formatDuration(r.ms),
        `${(r.ms / 1000).toFixed(1)} s`,
        String(r.code),
        r.ms <= TARGET_MS ? "yes" : "NO",
      ]);
      console.log(table(["first call", "time to the error", "seconds", "exit", `≤ ${TARGET_MS / 1000} s`], rows));
      console.log(`requests the endpoint received: ${silent.requests.length} (${TIMEOUT_ATTEMPTS} per command)`);
      for (const r of runs) console.log(`  ${r.stderr.trim().split("\n").pop()}`);
    } finally {
      await silent.close();
    }
  },
};

export default bench;
