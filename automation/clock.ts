/**
 * Time is a port so that tests can drive waits, RPO/RTO and "now" without sleeping,
 * and so that emulator gaps (instances are `available` at once, no PITR lag) can be
 * filled by a test clock instead of by real waiting.
 */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

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
