/**
 * Where an engine operation's time goes (`npm run bench -- engine`): each Stacks verb on
 * the real CLI with the stand-in providers, its wall time split into the time moto was
 * answering (the union of the stand-in's request intervals) and the rest — engine,
 * program, plugin start-ups and gRPC. Scenarios: the stand-in aws plugin's start-up alone,
 * a two-resource stack, and every component of the environment (up, no-change preview, an
 * in-place update of the Lambda's environment, its preview).
 */
import { spawn } from "node:child_process";
import * as aws from "@pulumi/aws";
import * as path from "node:path";
import { table } from "../automation/output";
import { EngineSession } from "../test/support/engine/harness";
import { standinPlugins } from "../test/support/engine/plugins";
import { componentsProgram } from "../test/support/engine/programs";
import { OperationTiming } from "../test/support/engine/timings";
import { startMoto } from "../test/support/moto";
import type { Benchmark } from "./run";

async function pluginStartMs(binary: string): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(binary, ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  child.kill();
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function row(label: string, t: OperationTiming): string[] {
  return [label, `${t.wallMs} ms`, `${t.engineAndProgramMs} ms`, `${t.motoMs} ms`, String(t.motoCalls), t.pluginStarts.join("/") || "-"];
}

const bench: Benchmark = {
  title: "engine operations on the real CLI with the stand-in providers: wall = engine+program + moto",
  async run() {
    process.env.AWS_ACCESS_KEY_ID ??= "testing";
    process.env.AWS_SECRET_ACCESS_KEY ??= "testing";
    process.env.AWS_REGION ??= "us-east-1";
    const moto = await startMoto();
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
    process.env.GAMETRACKER_TEST_MOTO = moto.endpoint;
    try {
      const session = await EngineSession.start((l) => console.log(l));
      if ("unavailable" in session) return void console.log(`skipped: ${session.unavailable}`);
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
      session.cleanup();
    } finally {
      await moto.stop();
    }
  },
};

export default bench;
