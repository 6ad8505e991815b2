/**
 * TEST DOUBLE instrumentation: one JSON line per provider operation (and one for plugin
 * start-up) appended to `$GAMETRACKER_STANDIN_METRICS`, with the time spent inside moto
 * requests, so a benchmark can split an engine operation's wall time into engine+program
 * and emulator (test/support/engine/timings.ts reads them).
 */
import * as fs from "node:fs";

export const METRICS_FILE_ENV = "GAMETRACKER_STANDIN_METRICS";

export interface OperationRecord {
  plugin: "aws" | "awsx";
  op: string;
  type: string;
  name: string;
  preview: boolean;
  /** Wall-clock start, ms since the epoch. */
  start: number;
  ms: number;
  /** Time spent waiting for moto, summed over this operation's requests. */
  motoMs: number;
  motoCalls: number;
  /** Each moto request as [start, end], ms since the epoch: concurrent requests overlap, a reader takes the union. */
  motoIntervals: Array<[number, number]>;
  error?: string;
}

export interface StartupRecord {
  plugin: "aws" | "awsx";
  op: "startup";
  /** From process start to the port being printed. */
  ms: number;
  start: number;
}

/** Counts moto time for the operation in progress; AWS clients report into it (see aws/clients.ts). */
export class MotoMeter {
  ms = 0;
  calls = 0;
  readonly intervals: Array<[number, number]> = [];
  /** `started`/`ended`: performance.now() values. */
  record(started: number, ended: number): void {
    this.ms += ended - started;
    this.calls += 1;
    const origin = performance.timeOrigin;
    this.intervals.push([Math.round((origin + started) * 10) / 10, Math.round((origin + ended) * 10) / 10]);
  }
}

export function writeRecord(record: OperationRecord | StartupRecord): void {
  const file = process.env[METRICS_FILE_ENV];
  if (!file) return;
  // Small appends (< PIPE_BUF) from several plugin processes don't interleave.
  fs.appendFileSync(file, JSON.stringify(record) + "\n");
}
