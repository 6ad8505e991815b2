import { Clock } from "../../automation/clock";

/** A clock that only moves when slept on or advanced: waits finish instantly in tests. */
export class ManualClock implements Clock {
  private current: number;
  readonly sleeps: number[] = [];
  constructor(start: Date | string = "2026-11-25T12:00:00Z") {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.current += ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
