import { expect } from "chai";
import { Interruption, InterruptedError } from "../../../automation/interrupt";
import { StepRecorder } from "../../../automation/restore/steps";
import { ManualClock } from "../../support/manual-clock";

describe("drill step recorder and interruption", () => {
  it("records durations with the injected clock, the first failure, and unreached steps as skipped", async () => {
    const clock = new ManualClock("2026-11-25T12:00:00Z");
    const steps = new StepRecorder(clock);
    await steps.run("choose", async () => clock.advance(1500));
    let thrown: unknown;
    try {
      await steps.run("restore", async () => {
        clock.advance(60_000);
        throw new Error("up failed");
      });
    } catch (e) {
      thrown = e;
    }
    expect((thrown as Error).message).to.equal("up failed");
    steps.skip("cleanup", "nothing was created");
    expect(steps.firstFailure).to.equal("restore");
    expect(steps.list(["choose", "restore", "verify", "cleanup"])).to.deep.equal([
      { name: "choose", status: "ok", startedAt: "2026-11-25T12:00:00.000Z", durationMs: 1500 },
      { name: "restore", status: "failed", startedAt: "2026-11-25T12:00:01.500Z", durationMs: 60_000, note: "up failed" },
      { name: "verify", status: "skipped", durationMs: 0, note: "not reached" },
      { name: "cleanup", status: "skipped", durationMs: 0, note: "nothing was created" },
    ]);
  });

  it("an interruption counts its presses and makes the current wait give up at the first, while the work itself continues", async () => {
    const interruption = new Interruption();
    let finish!: (v: string) => void;
    const work = new Promise<string>((resolve) => (finish = resolve));
    const raced = interruption.race(work);
    expect(interruption.trigger()).to.equal(1);
    expect(interruption.abandoned).to.equal(false);
    expect(interruption.trigger()).to.equal(2);
    expect(interruption.abandoned).to.equal(true);
    let error: unknown;
    try {
      await raced;
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(InterruptedError);
    finish("done");
    expect(await work).to.equal("done");
    // A step started after the interruption gives up at once.
    let late: unknown;
    try {
      await interruption.race(new Promise(() => undefined));
    } catch (e) {
      late = e;
    }
    expect(late).to.be.instanceOf(InterruptedError);
  });
});

