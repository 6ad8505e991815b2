import { expect } from "chai";
import { checkDeadline, deadlineProblem, deadlineStopSentence, DEFAULT_CLEANUP_MARGIN } from "../../../automation/drill/deadline";
import { parseDuration } from "../../../automation/duration";

const MIN = 60_000;
const START = new Date("2026-11-25T04:17:00Z");
const at = (minutes: number) => new Date(START.getTime() + minutes * MIN);

describe("drill --deadline: when a drill stops to clean up in time", () => {
  const deadline = { ms: 160 * MIN, marginMs: 20 * MIN };

  it("runs until no more than the cleanup margin is left of the deadline, then stops", () => {
    expect(checkDeadline(deadline, START, at(0))).to.deep.equal({ stop: false, leftMs: 160 * MIN });
    expect(checkDeadline(deadline, START, at(139.99))).to.deep.include({ stop: false });
    expect(checkDeadline(deadline, START, at(140))).to.deep.equal({ stop: true, leftMs: 20 * MIN });
    expect(checkDeadline(deadline, START, at(150))).to.deep.equal({ stop: true, leftMs: 10 * MIN });
    // A clock that jumped past the deadline (a machine that slept) stops it too.
    expect(checkDeadline(deadline, START, at(200))).to.deep.equal({ stop: true, leftMs: -40 * MIN });
  });

  it("refuses a deadline no longer than the margin: it would stop before it starts", () => {
    expect(deadlineProblem(deadline)).to.equal(undefined);
    expect(deadlineProblem({ ms: 20 * MIN + 1000, marginMs: 20 * MIN })).to.equal(undefined);
    expect(deadlineProblem({ ms: 20 * MIN, marginMs: 20 * MIN })).to.equal(
      "--deadline 20m leaves the drill no time to run: it stops 20m before its deadline (--cleanup-margin) to destroy its restore stack; give a deadline longer than that, e.g. --deadline 1h, or a shorter --cleanup-margin.",
    );
    expect(deadlineProblem({ ms: 10 * MIN, marginMs: parseDuration(DEFAULT_CLEANUP_MARGIN) })).to.match(/^--deadline 10m leaves the drill no time to run: it stops 20m before/);
  });

  it("says which deadline stopped the drill, at which step, and what it kept for cleanup", () => {
    expect(deadlineStopSentence(deadline, "restore", 19 * MIN + 58_000)).to.equal(
      "The drill's --deadline 2h40m stopped it at step restore, with 19m58s of it left, to clean up in the 20m it keeps for that (--cleanup-margin).",
    );
    expect(deadlineStopSentence(deadline, undefined, -5_000)).to.equal(
      "The drill's --deadline 2h40m stopped it between two steps, 5s past it, to clean up in the 20m it keeps for that (--cleanup-margin).",
    );
  });
});
