import { expect } from "chai";
import { ManualClock } from "../support/manual-clock";
import { MIN_POLL_INTERVAL_MS, pollDelay, waitFor } from "../../automation/wait";

describe("waitFor / pollDelay", () => {
  it("never polls faster than every 5 s, backs off, and caps the interval", () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      for (const r of [0, 0.5, 0.999]) {
        const d = pollDelay(attempt, () => r);
        expect(d).to.be.at.least(MIN_POLL_INTERVAL_MS).and.at.most(30_000);
      }
    }
    expect(pollDelay(0, () => 0.999)).to.equal(5_000);
    expect(pollDelay(3, () => 0.999)).to.be.greaterThan(pollDelay(1, () => 0.999));
  });

  it("reports progress with elapsed time and status, then returns the value", async () => {
    const clock = new ManualClock();
    const statuses = ["creating", "backing-up"];
    const progress: string[] = [];
    const value = await waitFor({
      what: "db to be available",
      clock,
      timeoutMs: 3_600_000,
      random: () => 0.5,
      onProgress: (m) => progress.push(m),
      probe: async () => (statuses.length ? { done: false, status: statuses.shift()! } : { done: true, value: 42 }),
    });
    expect(value).to.equal(42);
    expect(progress).to.have.length(2);
    expect(progress[1]).to.match(/waiting for db to be available \(\d+s, status backing-up\)/);
    expect(clock.sleeps.every((s) => s >= 5_000)).to.equal(true);
  });

  it("times out with a message naming what it waited for and the last status", async () => {
    const clock = new ManualClock();
    let error: Error | undefined;
    try {
      await waitFor({ what: "snapshot s1", clock, timeoutMs: 60_000, random: () => 0, probe: async () => ({ done: false, status: "creating" }) });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.match(/Timed out after 1m0\ds waiting for snapshot s1 \(last status creating\)/);
  });
});
