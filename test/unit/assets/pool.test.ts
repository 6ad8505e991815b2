import { expect } from "chai";
import { runBounded, TaskLimiter } from "../../../automation/assets/pool";
import { inFlightCounter } from "../../support/in-flight";

describe("assets/pool", () => {
  describe("runBounded", () => {
    it("never has more than the limit in flight and runs every item", async () => {
      let inFlight = 0;
      let peak = 0;
      const seen: number[] = [];
      await runBounded([...Array(50).keys()], 4, async (i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setImmediate(r));
        seen.push(i);
        inFlight--;
      });
      expect(peak).to.equal(4);
      expect(seen.sort((a, b) => a - b)).to.deep.equal([...Array(50).keys()]);
    });
    it("stops starting work after an unhandled failure and rethrows it", async () => {
      const started: number[] = [];
      let error: unknown;
      try {
        await runBounded([...Array(20).keys()], 2, async (i) => {
          started.push(i);
          if (i === 3) throw new Error("boom");
        });
      } catch (e) {
        error = e;
      }
      expect((error as Error).message).to.equal("boom");
      expect(started.length).to.be.lessThan(20);
    });
    it("lets onError keep going or stop", async () => {
      const failures: number[] = [];
      const result = await runBounded([...Array(20).keys()], 1, async (i) => {
        if (i % 2 === 0) throw new Error(`fail ${i}`);
      }, (_e, i) => {
        failures.push(i);
        return failures.length < 3;
      });
      expect(failures).to.deep.equal([0, 2, 4]);
      expect(result.started).to.equal(5);
    });
    it("refuses a non-positive concurrency", async () => {
      let error: unknown;
      await runBounded([1], 0, async () => {}).catch((e) => (error = e));
      expect(error).to.be.instanceOf(RangeError);
    });
    it("reads a stream only as fast as the lanes take from it", async () => {
      let produced = 0;
      let peakAhead = 0;
      let consumed = 0;
      async function* stream() {
        for (let i = 0; i < 40; i++) {
          produced++;
          peakAhead = Math.max(peakAhead, produced - consumed);
          yield i;
        }
      }
      const seen: number[] = [];
      await runBounded(stream(), 3, async (i) => {
        await new Promise((r) => setImmediate(r));
        seen.push(i);
        consumed++;
      });
      expect(seen.sort((a, b) => a - b)).to.deep.equal([...Array(40).keys()]);
      expect(peakAhead).to.be.at.most(3);
    });
  });

  describe("TaskLimiter", () => {
    it("never runs more than the limit, makes the producer wait, and runs every task", async () => {
      const limiter = new TaskLimiter(2);
      const running = inFlightCounter();
      const done: number[] = [];
      for (let i = 0; i < 10; i++) {
        await limiter.run(async () => {
          running.enter();
          await new Promise((r) => setTimeout(r, 1));
          running.leave();
          done.push(i);
        });
        expect(running.now).to.be.at.most(2);
      }
      await limiter.drain();
      expect(running.peak).to.equal(2);
      expect(done.sort((a, b) => a - b)).to.deep.equal([...Array(10).keys()]);
    });
    it("rethrows the first failure on the next run and on drain", async () => {
      const limiter = new TaskLimiter(1);
      await limiter.run(async () => {
        throw new Error("first");
      });
      let error: unknown;
      await limiter.run(async () => undefined).catch((e) => (error = e));
      expect((error as Error).message).to.equal("first");
      error = undefined;
      await limiter.drain().catch((e) => (error = e));
      expect((error as Error).message).to.equal("first");
    });
  });
});
