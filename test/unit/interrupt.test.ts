import { expect } from "chai";
import { Interruption, processInterrupts } from "../../automation/interrupt";

describe("process interrupts (the real Ctrl-C hook)", () => {
  it("calls the drill's handler for SIGINT and SIGTERM, and uninstalls cleanly", () => {
    const before = { int: process.listeners("SIGINT"), term: process.listeners("SIGTERM") };
    let calls = 0;
    const uninstall = processInterrupts(() => (calls += 1));
    const added = process.listeners("SIGINT").filter((l) => !before.int.includes(l));
    const addedTerm = process.listeners("SIGTERM").filter((l) => !before.term.includes(l));
    expect(added).to.have.length(1);
    expect(addedTerm).to.deep.equal(added);
    // Invoke the listener as Node would, without signalling the test process.
    (added[0] as (signal: NodeJS.Signals) => void)("SIGINT");
    (added[0] as (signal: NodeJS.Signals) => void)("SIGTERM");
    expect(calls).to.equal(2);
    uninstall();
    expect(process.listeners("SIGINT")).to.deep.equal(before.int);
    expect(process.listeners("SIGTERM")).to.deep.equal(before.term);
  });

  it("aborts its signal when triggered, once, so a validator can be stopped and not only left behind", () => {
    const interruption = new Interruption();
    let aborts = 0;
    interruption.signal.addEventListener("abort", () => (aborts += 1));
    expect(interruption.signal.aborted).to.equal(false);
    interruption.trigger();
    interruption.trigger();
    expect(interruption.signal.aborted).to.equal(true);
    expect(aborts).to.equal(1);
  });
});
