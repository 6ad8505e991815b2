/**
 * Time is a port so that tests can drive waits, RPO/RTO and "now" without sleeping,
 * and so that emulator gaps (instances are `available` at once, no PITR lag) can be
 * filled by a test clock (test/support/manual-clock.ts) instead of by real waiting.
 */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
