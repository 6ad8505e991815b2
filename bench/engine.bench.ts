/**
 * Where an engine operation's time goes (`npm run bench -- engine`): each Stacks verb on
 * the real CLI with the stand-in providers, its wall time split into the time moto was
 * answering (the union of the stand-in's request intervals) and the rest — engine,
 * program, plugin start-ups and gRPC. Scenarios: the stand-in aws plugin's start-up alone,
 * a two-resource stack, and every component of the environment (up, no-change preview, an
 * in-place update of the Lambda's environment, its preview); then the DR scenarios through
 * the CLI in-process on the inline program, and the cut-over and rollback again on the
 * production path (bin/gametracker-dr.js as an OS process, index.ts run by the Node.js
 * language host), side by side.
 */
import { spawn } from "node:child_process";
import * as aws from "@pulumi/aws";
import * as path from "node:path";
import { table } from "../automation/output";
import { gametrackerDr } from "../test/support/engine/dr-process";
import { standinPlugins } from "../test/support/engine/plugins";
import { componentsProgram } from "../test/support/engine/programs";
import { OperationTiming } from "../test/support/engine/timings";
import { AwsClientOptions, createAwsClients } from "../automation/aws/clients";
import { restoreProgram } from "../automation/restore/program";
import { ENVIRONMENT_PROJECT, RESTORE_PROJECT } from "../contracts/stacks";
import { environmentProgram } from "../environment-program";
import { runCli } from "../test/support/cli";
import { ManualClock } from "../test/support/manual-clock";
import { rdsEndpointDns } from "../test/support/rds-dns";
import { median, withEngineSession } from "./support/engine-session";
import type { Benchmark } from "./run";

async function pluginStartMs(binary: string): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(binary, ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  child.kill();
  return ms;
}


function row(label: string, t: OperationTiming): string[] {
  return [label, `${t.wallMs} ms`, `${t.engineAndProgramMs} ms`, `${t.motoMs} ms`, String(t.motoCalls), t.pluginStarts.join("/") || "-"];
}

const bench: Benchmark = {
  title: "engine operations on the real CLI with the stand-in providers: wall = engine+program + moto",
  run: () =>
    withEngineSession(async (session, moto) => {
      const { binDir } = await standinPlugins();
      const starts: number[] = [];
      for (let i = 0; i < 7; i++) starts.push(await pluginStartMs(path.join(binDir, "pulumi-resource-aws")));
      console.log(`stand-in aws plugin start-up (spawn to port printed, 7 runs): median ${Math.round(median(starts))} ms, range ${Math.round(Math.min(...starts))}-${Math.round(Math.max(...starts))} ms`);

      const rows: string[][] = [];
      await session.fresh();
      const small = await session.stacks({ inlinePrograms: { small: async () => ({ vpc: new aws.ec2.Vpc("vpc", { cidrBlock: "10.1.0.0/16" }).id }) } }).createOrSelect({ project: "small", stack: "dev" });
      await small.setConfig("aws:region", "us-east-1");
      rows.push(row("small: up (2 resources)", (await session.timed(() => small.up())).timing));
      rows.push(row("small: preview, no change", (await session.timed(() => small.preview())).timing));
      rows.push(row("small: destroy", (await session.timed(() => small.destroy())).timing));

      await session.fresh();
      const settings = { identifier: "gt-bench", bucketName: "gt-bench-assets", functionName: "gt-bench-api", database: {} as Record<string, unknown> };
      const env = await session.stacks({ inlinePrograms: { components: componentsProgram(() => settings as never) } }).createOrSelect({ project: "components", stack: "dev" });
      await env.setConfig("aws:region", "us-east-1");
      const up = await session.timed(() => env.up());
      rows.push(row(`components: up (${up.result.changeSummary.create} resources)`, up.timing));
      rows.push(row("components: preview, no change", (await session.timed(() => env.preview())).timing));
      settings.identifier = "gt-bench";
      settings.database = { backupRetentionDays: 14 };
      rows.push(row("components: preview of an in-place update", (await session.timed(() => env.preview())).timing));
      rows.push(row("components: up of that update", (await session.timed(() => env.up())).timing));
      console.log(table(["operation", "wall", "engine+program", "moto", "moto requests", "plugin starts (ms)"], rows));

      // The scenarios of the engine tier, through the CLI, on the real environment program (Pulumi.dev.yaml).
      await session.fresh();
      const scenarioRows: string[][] = [];
      const adapter = () => session.stacks({ environmentProgram: async () => environmentProgram(), inlinePrograms: { [RESTORE_PROJECT]: async () => restoreProgram() } });
      const clients = (o: AwsClientOptions = {}) => createAwsClients({ endpoint: moto.endpoint, region: "us-east-1", ...o });
      const dns = clients();
      const cli = (argv: string[]) => runCli(argv, { clients, stacks: adapter, clock: new ManualClock(new Date()), resolver: rdsEndpointDns(dns.rds), onInterrupt: () => () => undefined });
      const dev = await adapter().createOrSelect({ project: ENVIRONMENT_PROJECT, stack: "dev" });
      scenarioRows.push(row("environment dev: up (real program)", (await session.timed(() => dev.up())).timing));
      scenarioRows.push(row("environment dev: preview, no change", (await session.timed(() => dev.preview())).timing));
      const step = async (label: string, argv: string[]) => {
        const { result, timing } = await session.timed(() => cli(argv));
        if (result.code !== 0) throw new Error(`${argv.join(" ")} failed: ${result.stderr}`);
        scenarioRows.push(row(label, timing));
        return result;
      };
      await step("drill (snapshot; restore, verify, destroy)", ["drill", "--stack", "dev", "--from", "snapshot:gametracker-manual-backup-v1", "--json"]);
      const restored = await step("restore (snapshot, verified, kept)", ["restore", "--stack", "dev", "--from", "snapshot:gametracker-manual-backup-v1", "--yes", "--json"]);
      const to = (JSON.parse(restored.stdout) as { stackName: string }).stackName;
      await step("cutover --preview-only", ["cutover", "--stack", "dev", "--to", to, "--preview-only"]);
      const cut = await step("cutover (preview + guard + up + Lambda read back)", ["cutover", "--stack", "dev", "--to", to, "--yes"]);
      await step("rollback", ["rollback", "--stack", "dev", "--yes"]);
      // The same two on the production path: bin/gametracker-dr.js as an OS process, the
      // environment program run by the Node.js language host for the preview and the update.
      if (session.languageHostUnavailable === undefined) {
        const osProcess = async (label: string, argv: string[]) => {
          const { result, timing } = await session.timed(() => gametrackerDr(session, argv).done);
          if (result.code !== 0) throw new Error(`${argv.join(" ")} failed: ${result.stderr}`);
          scenarioRows.push(row(label, timing));
        };
        await osProcess("cutover, production path (bin/, language host)", ["cutover", "--stack", "dev", "--to", to, "--yes"]);
        await osProcess("rollback, production path (bin/, language host)", ["rollback", "--stack", "dev", "--yes"]);
      } else console.log(`production-path rows skipped: ${session.languageHostUnavailable}`);
      dns.destroy();
      console.log(table(["scenario", "wall", "engine+program", "moto", "moto requests", "plugin starts (ms)"], scenarioRows));
      const cutover = scenarioRows.find((r) => r[0]!.startsWith("cutover (preview"))!;
      console.log(`cut-over's own time on the engine: ${cutover[1]} wall, ${cutover[2]} engine+program (target <= 15 s)${cut.code === 0 ? "" : " FAILED"}`);
      const production = scenarioRows.find((r) => r[0]!.startsWith("cutover, production path"));
      if (production !== undefined) console.log(`the same cut-over on the production path: ${production[1]} wall (its program started by the language host for the preview and the update, the CLI's own start-up)`);
    }),
};

export default bench;
