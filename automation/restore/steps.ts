import { Clock } from "../clock";
import { DrillStep, StepRecord } from "./report";

/**
 * Records each drill step's start, duration and outcome with the injected clock, so
 * reports (and tests) see durations without anyone sleeping.
 */
export class StepRecorder {
  private readonly records = new Map<DrillStep, StepRecord>();
  private failedStep: DrillStep | undefined;

  constructor(private readonly clock: Clock) {}

  async run<T>(name: DrillStep, work: () => Promise<T>): Promise<T> {
    const started = this.clock.now();
    try {
      const value = await work();
      this.records.set(name, { name, status: "ok", startedAt: started.toISOString(), durationMs: this.clock.now().getTime() - started.getTime() });
      return value;
    } catch (error) {
      this.fail(name, started, error);
      throw error;
    }
  }

  /** Marks a step failed without an exception (e.g. verification checks that did not pass). */
  fail(name: DrillStep, started: Date, reason: unknown): void {
    const note = reason instanceof Error ? reason.message : String(reason);
    this.records.set(name, { name, status: "failed", startedAt: started.toISOString(), durationMs: this.clock.now().getTime() - started.getTime(), note });
    this.failedStep ??= name;
  }

  skip(name: DrillStep, note: string): void {
    if (!this.records.has(name)) this.records.set(name, { name, status: "skipped", durationMs: 0, note });
  }

  /** Adds a note to a finished step (e.g. "resumed"). */
  note(name: DrillStep, note: string): void {
    const record = this.records.get(name);
    if (record !== undefined) record.note = record.note ? `${record.note}; ${note}` : note;
  }

  get firstFailure(): DrillStep | undefined {
    return this.failedStep;
  }

  /** The records in the drill's order; steps never reached are listed as skipped. */
  list(order: readonly DrillStep[]): StepRecord[] {
    return order.map((name) => this.records.get(name) ?? { name, status: "skipped" as const, durationMs: 0, note: "not reached" });
  }
}
