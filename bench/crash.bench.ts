/**
 * From a hard kill to a finished restore (`npm run bench -- crash`): dev deployed by
 * `pulumi up -s dev` through the Node.js language host, then `bin/gametracker-dr.js restore`
 * as an OS process, SIGKILLed with everything it started (the crash tier's dr-process.ts)
 * at a point of its pipeline, and `restore --resume <id>` from a new process: the time from
 * the SIGKILL to the resume's exit 0 (verified), beside a restore that was never killed.
 * Kill points: the RDS instance created, before its follow-up modify (a lock and a pending
 * create left behind); after `up`, before verify (nothing left but the stack).
 */
import { table } from "../automation/output";
import { gametrackerDr, pulumiUp } from "../test/support/engine/dr-process";
import { median, withEngineSession } from "./support/engine-session";
import type { ControlRule } from "../test/engine/standin/control";
import type { Benchmark } from "./run";

const RUNS = 3;
const SNAPSHOT = "snapshot:gametracker-manual-backup-v1";
const KILL_POINTS: Array<{ label: string; lever: Pick<ControlRule, "op" | "type" | "step" | "preview"> }> = [
  { label: "RDS instance created, before its modify", lever: { op: "create", type: "aws:rds/instance:Instance", step: "before-follow-up-modify" } },
  { label: "after up, before verify", lever: { op: "diff", type: "aws:rds/instance:Instance" } },
];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const bench: Benchmark = {
  title: "SIGKILL of a restore (the CLI, the engine, the plugins) to a finished --resume, beside an uninterrupted restore",
  run: () =>
    withEngineSession(async (session) => {
      if (session.languageHostUnavailable !== undefined) return void console.log(`skipped: ${session.languageHostUnavailable}`);
      await session.fresh();
      await pulumiUp(session, "dev");
      let n = 0;
      const target = () => `gametracker-mssql-bench-${++n}`;

      const plain: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = Date.now();
        const run = await gametrackerDr(session, ["restore", "--stack", "dev", "--from", SNAPSHOT, "--target-id", target(), "--yes"]).done;
        if (run.code !== 0) throw new Error(`an uninterrupted restore failed:\n${run.stderr}`);
        plain.push(Date.now() - started);
      }
      const rows: string[][] = [["never killed (start to exit 0)", seconds(median(plain)), `${seconds(Math.min(...plain))}-${seconds(Math.max(...plain))}`, ""]];

      for (const point of KILL_POINTS) {
        const times: number[] = [];
        let failure = "";
        for (let i = 0; i < RUNS && failure === ""; i++) {
          const hold = session.levers.hold(point.lever);
          const killed = gametrackerDr(session, ["restore", "--stack", "dev", "--from", SNAPSHOT, "--target-id", target(), "--yes"]);
          await hold.reached(120_000);
          const killedAt = Date.now();
          const stopped = await killed.crash();
          const id = /--resume (\d{12}[a-z0-9]{4})/.exec(stopped.stderr)?.[1];
          if (id === undefined) throw new Error(`the killed restore named no --resume id:\n${stopped.stderr}`);
          const resumed = await gametrackerDr(session, ["restore", "--stack", "dev", "--resume", id, "--yes"]).done;
          if (resumed.code !== 0) failure = resumed.stderr.trim().split("\n").filter((l) => l.startsWith("error:")).pop() ?? `exit ${resumed.code}`;
          else times.push(Date.now() - killedAt);
        }
        rows.push(
          failure === ""
            ? [`killed: ${point.label}`, seconds(median(times)), `${seconds(Math.min(...times))}-${seconds(Math.max(...times))}`, ""]
            : [`killed: ${point.label}`, "-", "-", `the resume fails: ${failure.slice(0, 160)}`],
        );
      }
      console.log(table([`SIGKILL to a finished --resume (${RUNS} runs)`, "median", "range", "note"], rows));
    }),
};

export default bench;
