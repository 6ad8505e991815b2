import { Clock } from "../clock";
import { errorMessage } from "../../contracts/text";

/** The steps of every restore run, in order (restore/pipeline.ts). */
export const PIPELINE_STEPS = ["choose", "restore", "verify", "validate", "assets", "report", "cleanup"] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

/** One step of a restore run, as reports show it. */
export interface StepRecord {
  name: PipelineStep;
  status: "ok" | "failed" | "skipped";
  /** ISO time the step started (absent when skipped). */
  startedAt?: string;
  durationMs: number;
  /** Why it failed, or why it was skipped. */
  note?: string;
}

/**
 * Records each step's start, duration and outcome with the injected clock, so reports
 * (and tests) see durations without anyone sleeping.
 */
export class StepRecorder {
  private readonly records = new Map<PipelineStep, StepRecord>();
  private failedStep: PipelineStep | undefined;

  constructor(private readonly clock: Clock) {}

  private running: PipelineStep | undefined;

  /** The step running now, if any (a drill's deadline names it). */
  get current(): PipelineStep | undefined {
    return this.running;
  }

  async run<T>(name: PipelineStep, work: () => Promise<T>): Promise<T> {
    const started = this.clock.now();
    this.running = name;
    try {
      const value = await work();
      this.records.set(name, { name, status: "ok", startedAt: started.toISOString(), durationMs: this.clock.now().getTime() - started.getTime() });
      return value;
    } catch (error) {
      const note = errorMessage(error);
      this.records.set(name, { name, status: "failed", startedAt: started.toISOString(), durationMs: this.clock.now().getTime() - started.getTime(), note });
      this.failedStep ??= name;
      throw error;
    } finally {
      if (this.running === name) this.running = undefined;
    }
  }

  skip(name: PipelineStep, note: string): void {
    if (!this.records.has(name)) this.records.set(name, { name, status: "skipped", durationMs: 0, note });
  }

  /** Adds a note to a finished step (e.g. where the report was written). */
  note(name: PipelineStep, note: string): void {
    const record = this.records.get(name);
    if (record !== undefined) record.note = record.note ? `${record.note}; ${note}` : note;
  }

  get firstFailure(): PipelineStep | undefined {
    return this.failedStep;
  }

  /** The records in the pipeline's order; steps never reached are listed as skipped. */
  list(order: readonly PipelineStep[]): StepRecord[] {
    return order.map((name) => this.records.get(name) ?? { name, status: "skipped" as const, durationMs: 0, note: "not reached" });
  }
}
