/**
 * The drill's own overhead — wall time minus the time spent inside Stacks operations
 * (Pulumi's work; here MemoryStacks running the real restore program, whose resources
 * are created in moto) and inside AWS SDK calls (the drill's Describe* calls to moto) —
 * and how many AWS calls the drill makes, per operation. Target: ≤ 5 s of overhead.
 * Then the polling schedule of the wait for `available`, against the 5 s floor.
 */
import { performance } from "node:perf_hooks";
import type { MiddlewareStack } from "@smithy/types";
import { createAwsClients } from "../automation/aws/clients";
import { ManualClock } from "../test/support/manual-clock";
import { formatDuration, table } from "../automation/output";
import { DrillReport } from "../automation/drill/report";
import { Stack, Stacks } from "../automation/stacks/port";
import { MAX_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS, waitFor } from "../automation/wait";
import { drillHarness } from "../test/orchestration/restore-fixtures";
import { startMoto } from "../test/support/moto";
import type { Benchmark } from "./run";

const DRILLS = 8;
const TARGET_OVERHEAD_MS = 5_000;

/** Accumulates time spent inside a set of async calls (never nested in the drill). */
class Meter {
  ms = 0;
  calls = 0;
  async time<T>(work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    this.calls += 1;
    try {
      return await work();
    } finally {
      this.ms += performance.now() - start;
    }
  }
}

/** The same Stacks, with every verb timed. */
function timedStacks(inner: Stacks, meter: Meter): Stacks {
  const wrap = (stack: Stack): Stack => ({
    id: stack.id,
    getConfig: (k) => meter.time(() => stack.getConfig(k)),
    setConfig: (k, v, o) => meter.time(() => stack.setConfig(k, v, o)),
    setAllConfig: (v) => meter.time(() => stack.setAllConfig(v)),
    removeConfig: (k) => meter.time(() => stack.removeConfig(k)),
    getTags: () => meter.time(() => stack.getTags()),
    setTags: (t) => meter.time(() => stack.setTags(t)),
    removeTags: (k) => meter.time(() => stack.removeTags(k)),
    qualifiedName: () => meter.time(() => stack.qualifiedName()),
    lockState: () => meter.time(() => stack.lockState()),
    clearStaleLock: (h) => meter.time(() => stack.clearStaleLock(h)),
    pendingOperations: () => meter.time(() => stack.pendingOperations()),
    resolvePendingOperations: (r, o) => meter.time(() => stack.resolvePendingOperations(r, o)),
    preview: (o) => meter.time(() => stack.preview(o)),
    up: (o) => meter.time(() => stack.up(o)),
    outputs: () => meter.time(() => stack.outputs()),
    destroy: (o) => meter.time(() => stack.destroy(o)),
    remove: () => meter.time(() => stack.remove()),
  });
  return {
    select: async (id) => wrap(await meter.time(() => inner.select(id))),
    createOrSelect: async (id) => wrap(await meter.time(() => inner.createOrSelect(id))),
    list: (p) => meter.time(() => inner.list(p)),
  };
}

/** Times every AWS SDK call of the drill's clients (outermost, so retries are included) and counts them per operation. */
function awsMeter(meter: Meter, counts: Map<string, number>) {
  return (stack: MiddlewareStack<any, any>) =>
    stack.add(
      (next: any, context: any) => (args: any) => {
        const op = String(context.commandName ?? "").replace(/Command$/, "");
        counts.set(op, (counts.get(op) ?? 0) + 1);
        return meter.time(() => next(args));
      },
      { step: "initialize", name: "benchAwsMeter", priority: "high" },
    );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${Math.round(x)} ms`;

async function overhead(): Promise<void> {
  process.env.AWS_ACCESS_KEY_ID ??= "testing";
  process.env.AWS_SECRET_ACCESS_KEY ??= "testing";
  const moto = await startMoto();
  try {
    const clients = (o: Parameters<typeof createAwsClients>[0] = {}) => createAwsClients({ endpoint: moto.endpoint, region: "us-east-1", ...o });
    const h = await drillHarness(clients, moto.endpoint);
    const rows: string[][] = [];
    const overheads: number[] = [];
    let perDrillCalls: Map<string, number> | undefined;
    for (let i = 0; i < DRILLS; i++) {
      const stackMeter = new Meter();
      const aws = new Meter();
      const counts = new Map<string, number>();
      // A fresh minute per drill, so each gets its own id.
      h.clock.advance(60_000);
      const start = performance.now();
      const result = await h.run(["drill", "--stack", "dev", "--json"], { stacks: timedStacks(h.stacks, stackMeter), middleware: awsMeter(aws, counts) });
      const wall = performance.now() - start;
      const report = result.json<DrillReport>();
      if (result.code !== 0) throw new Error(`drill ${i + 1} failed: ${report.error ?? result.stderr}`);
      const own = wall - stackMeter.ms - aws.ms;
      if (i > 0) overheads.push(own);
      perDrillCalls ??= counts;
      rows.push([
        `${i + 1}${i === 0 ? " (cold)" : ""}`,
        ms(wall),
        `${ms(stackMeter.ms)} (${stackMeter.calls} calls)`,
        `${ms(aws.ms)} (${aws.calls} calls)`,
        ms(own),
      ]);
    }
    h.dispose();
    console.log(table(["drill", "wall", "inside Stacks", "inside AWS SDK", "drill's own overhead"], rows));
    const worst = Math.max(...overheads, Number.parseFloat(rows[0]![4]!));
    console.log(
      `\noverhead: median ${ms(median(overheads))} warm, ${rows[0]![4]} cold, worst ${ms(worst)}  vs target ≤ ${ms(TARGET_OVERHEAD_MS)}: ${worst <= TARGET_OVERHEAD_MS ? "met" : "NOT met"}`,
    );
    const calls = [...perDrillCalls!.entries()].sort(([a], [b]) => a.localeCompare(b));
    console.log(`\nAWS API calls by the drill itself (one drill; the restore's own calls are Pulumi's):`);
    console.log(table(["operation", "calls"], [...calls.map(([op, n]) => [op, String(n)]), ["total", String(calls.reduce((a, [, n]) => a + n, 0))]]));
    const readOnly = calls.every(([op]) => op.startsWith("Describe") || op.startsWith("List"));
    console.log(`only read calls (Describe*/List*), so nothing written to the primary or its snapshots: ${readOnly ? "yes" : "NO"}`);
  } finally {
    await moto.stop();
  }
}

/** The wait for `available` over a simulated restore of `restoreMinutes`, with the real jitter. */
async function schedule(restoreMinutes: number, random: () => number): Promise<number[]> {
  const clock = new ManualClock();
  const readyAt = clock.now().getTime() + restoreMinutes * 60_000;
  await waitFor({
    what: "DB instance to be available",
    clock,
    random,
    timeoutMs: 4 * 3600_000,
    probe: async () => (clock.now().getTime() >= readyAt ? { done: true, value: undefined } : { done: false, status: "creating" }),
  });
  return clock.sleeps;
}

async function polling(): Promise<void> {
  const rows: string[][] = [];
  let allAboveFloor = true;
  for (const minutes of [10, 25, 40]) {
    const runs = await Promise.all(Array.from({ length: 200 }, () => schedule(minutes, Math.random)));
    const polls = runs.map((r) => r.length + 1);
    const delays = runs.flat();
    allAboveFloor &&= delays.every((d) => d >= MIN_POLL_INTERVAL_MS);
    const fixed = Math.ceil((minutes * 60_000) / MIN_POLL_INTERVAL_MS) + 1;
    rows.push([
      `${minutes} min`,
      `${median(polls)} (${Math.min(...polls)}–${Math.max(...polls)})`,
      String(fixed),
      formatDuration(Math.min(...delays)),
      formatDuration(Math.max(...delays)),
    ]);
  }
  console.log(`\npolling schedule of the wait for available (200 runs each, real jitter):`);
  console.log(table(["restore takes", "DescribeDBInstances polls: ours", "fixed every 5 s", "shortest interval", "longest interval"], rows));
  const first = await schedule(25, () => 0.5);
  console.log(`first intervals with jitter at its mean: ${first.slice(0, 7).map((d) => formatDuration(d)).join(", ")} … (exponential from ${formatDuration(MIN_POLL_INTERVAL_MS)}, capped at ${formatDuration(MAX_POLL_INTERVAL_MS)})`);
  console.log(`never faster than every ${formatDuration(MIN_POLL_INTERVAL_MS)}: ${allAboveFloor ? "yes" : "NO"}`);
}

export default {
  title: "restore drill: its own overhead and AWS calls (in-memory stacks on moto), and its polling schedule",
  async run() {
    await overhead();
    await polling();
  },
} satisfies Benchmark;
