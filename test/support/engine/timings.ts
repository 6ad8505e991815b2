/**
 * Where an engine operation's time goes, for `npm run bench`: the wall time of one Stacks
 * call split into the time the stand-in providers spent waiting for moto and the rest
 * (engine, program, plugins, gRPC). The stand-in writes one record per provider operation
 * (test/engine/standin/metrics.ts); this reads those that started inside the call.
 */
import * as fs from "node:fs";
import type { OperationRecord, StartupRecord } from "../../engine/standin/metrics";

export interface OperationTiming {
  wallMs: number;
  /** Wall time during which at least one moto request was in flight (the union of the requests' intervals). */
  motoMs: number;
  motoCalls: number;
  /** wall - moto: engine, program, plugins and gRPC, while nothing waited for moto. */
  engineAndProgramMs: number;
  /** Plugin processes started and their start-up times (ms). */
  pluginStarts: number[];
  /** Provider operations by kind, e.g. { create: 12, check: 30 }. */
  operations: Record<string, number>;
}

export function readRecords(file: string): Array<OperationRecord | StartupRecord> {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as OperationRecord | StartupRecord);
}

/** Runs `action` and reports how its wall time divides, from the metrics file the plugins append to. */
export async function timed<T>(metricsFile: string, action: () => Promise<T>): Promise<{ result: T; timing: OperationTiming }> {
  const before = readRecords(metricsFile).length;
  const start = Date.now();
  const result = await action();
  const wallMs = Date.now() - start;
  const records = readRecords(metricsFile).slice(before);
  const ops = records.filter((r): r is OperationRecord => r.op !== "startup");
  const motoMs = unionMs(ops.flatMap((r) => r.motoIntervals ?? []));
  const operations: Record<string, number> = {};
  for (const r of ops) operations[r.op] = (operations[r.op] ?? 0) + 1;
  return {
    result,
    timing: {
      wallMs,
      motoMs: Math.round(motoMs),
      motoCalls: ops.reduce((n, r) => n + r.motoCalls, 0),
      engineAndProgramMs: Math.max(0, Math.round(wallMs - motoMs)),
      pluginStarts: records.filter((r): r is StartupRecord => r.op === "startup").map((r) => Math.round(r.ms)),
      operations,
    },
  };
}

/** Total length of the union of [start, end] intervals. */
export function unionMs(intervals: ReadonlyArray<readonly [number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of sorted) {
    if (e <= end) continue;
    total += e - Math.max(s, end);
    end = e;
  }
  return total;
}

export function formatTiming(label: string, t: OperationTiming): string {
  const ops = Object.entries(t.operations)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return `${label}: ${t.wallMs} ms wall = ${t.engineAndProgramMs} ms engine+program + ${t.motoMs} ms moto (${t.motoCalls} requests); plugin starts ${t.pluginStarts.join("/") || "none"} ms; ${ops}`;
}
