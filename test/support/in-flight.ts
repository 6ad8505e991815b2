/** Counts work in flight for the tests of bounded concurrency: `enter` and `leave` around each unit, `peak` the most at once. */
export function inFlightCounter(): { enter(): void; leave(): void; readonly now: number; readonly peak: number } {
  let now = 0;
  let peak = 0;
  return {
    enter() {
      peak = Math.max(peak, ++now);
    },
    leave() {
      now--;
    },
    get now() {
      return now;
    },
    get peak() {
      return peak;
    },
  };
}
