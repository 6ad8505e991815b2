import { expect } from "chai";
import { InterruptedError, Interruption, interruptWhen, processInterrupts } from "../../automation/interrupt";
import { interruptNotice, InterruptSituation } from "../../automation/restore/interrupt-notice";
import { switchInterruptNotice } from "../../automation/cutover/switch-source";

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

  it("the third press has the handler speak first, then restores the default and re-raises, so the process does not die silently", () => {
    const said: string[] = [];
    const raised: Array<[number, string]> = [];
    const kill = process.kill;
    const before = process.listeners("SIGINT");
    process.kill = ((pid: number, signal: string) => (raised.push([pid, signal]), true)) as typeof process.kill;
    try {
      processInterrupts((signal) => said.push(String(signal)));
      const listener = process.listeners("SIGINT").find((l) => !before.includes(l)) as (signal: NodeJS.Signals) => void;
      listener("SIGINT");
      listener("SIGTERM");
      expect(raised).to.deep.equal([]);
      listener("SIGINT");
      expect(said).to.deep.equal(["SIGINT", "SIGTERM", "SIGINT"]);
      expect(raised).to.deep.equal([[process.pid, "SIGINT"]]);
      expect(process.listeners("SIGINT")).to.deep.equal(before);
    } finally {
      process.kill = kill;
    }
  });

  it("a run's own interruption (drill --deadline) is the first press: the run fails with its sentence, and a signal after it is the second", async () => {
    const interruption = new Interruption();
    const deadline = new InterruptedError("deadline", "The drill's --deadline 1h stopped it at step restore.");
    const racing = interruption.race(new Promise(() => undefined));
    expect(interruption.trigger(deadline)).to.equal(1);
    expect(interruption.signal.aborted).to.equal(true);
    let caught: unknown;
    await racing.catch((e: unknown) => (caught = e));
    expect(caught).to.equal(deadline);
    expect(interruption.trigger("SIGINT")).to.equal(2);
    expect(interruption.abandonSignal.aborted).to.equal(true);
    expect(interruption.reason, "the first press's reason stays").to.equal(deadline);
  });

  it("the process's hook exits at the third press a handler counted, the run's own interruption included, after two signals", () => {
    const raised: Array<[number, string]> = [];
    const kill = process.kill;
    const before = process.listeners("SIGINT");
    process.kill = ((pid: number, signal: string) => (raised.push([pid, signal]), true)) as typeof process.kill;
    try {
      let press = 1; // the deadline came first
      processInterrupts(() => (press += 1));
      const listener = process.listeners("SIGINT").find((l) => !before.includes(l)) as (signal: NodeJS.Signals) => void;
      listener("SIGINT");
      expect(raised).to.deep.equal([]);
      listener("SIGTERM");
      expect(raised).to.deep.equal([[process.pid, "SIGTERM"]]);
      expect(process.listeners("SIGINT")).to.deep.equal(before);
    } finally {
      process.kill = kill;
    }
  });

  it("interruptWhen calls its handler once, the first time the condition holds, and not after it is uninstalled", async () => {
    let due = false;
    let calls = 0;
    const uninstall = interruptWhen(() => due, 5)(() => void (calls += 1));
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).to.equal(0);
    due = true;
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).to.equal(1);
    uninstall();
    let late = 0;
    const gone = interruptWhen(() => true, 5)(() => void (late += 1));
    gone();
    await new Promise((r) => setTimeout(r, 30));
    expect(late).to.equal(0);
  });

  it("settle waits for the work, but after the second press no longer than the grace", async () => {
    const interruption = new Interruption();
    let finish!: () => void;
    const slow = new Promise<void>((resolve) => (finish = resolve));
    expect(await interruption.settle(Promise.resolve(), 10)).to.equal("settled");
    const waiting = interruption.settle(slow, 30);
    interruption.trigger();
    let outcome: string | undefined;
    void waiting.then((o) => (outcome = o));
    await new Promise((r) => setTimeout(r, 60));
    expect(outcome, "the first press does not end the wait").to.equal(undefined);
    expect(interruption.abandonSignal.aborted).to.equal(false);
    interruption.trigger();
    expect(interruption.abandonSignal.aborted).to.equal(true);
    expect(await waiting).to.equal("abandoned");
    // Work that settles within the grace is waited for.
    const quick = interruption.settle(new Promise((r) => setTimeout(r, 5)), 1_000);
    expect(await quick).to.equal("settled");
    finish();
  });

  describe("what each press says", () => {
    const restore: InterruptSituation = {
      noun: "restore",
      id: "202611251200k3x9",
      environment: "dev",
      restoreStack: "gametracker-restore/dev-restore-202611251200k3x9",
      stackExists: true,
      keeps: true,
      waiting: { kind: "pulumi", what: "the Pulumi update of restore stack gametracker-restore/dev-restore-202611251200k3x9" },
    };

    it("never names a stack that does not exist yet", () => {
      const before = { ...restore, stackExists: false, waiting: { kind: "aws" as const, what: "choosing the recovery point" } };
      const said = [1, 2, 3].map((press) => interruptNotice(press, before));
      expect(said).to.deep.equal([
        "interrupted: stopping restore 202611251200k3x9 before anything is created (it was choosing the recovery point); nothing to clean up",
        "already stopping restore 202611251200k3x9; nothing was created",
        "exiting now; nothing was created",
      ]);
      for (const line of said) expect(line).not.to.contain("dev-restore-").and.not.to.contain("--resume");
    });

    it("once the stack exists: what it waits for, then the exact command that continues or removes what is left", () => {
      const left = "restore stack gametracker-restore/dev-restore-202611251200k3x9 is left as a killed run leaves it — continue with gametracker-dr restore --stack dev --resume 202611251200k3x9, or remove it with gametracker-dr cleanup";
      expect(interruptNotice(1, restore)).to.equal(
        "interrupted: waiting for the Pulumi update of restore stack gametracker-restore/dev-restore-202611251200k3x9 to stop after the steps in flight (Pulumi records them; an RDS create or delete takes 10–40 minutes), then the restore will keep restore stack gametracker-restore/dev-restore-202611251200k3x9 for gametracker-dr restore --stack dev --resume 202611251200k3x9; press Ctrl-C again to stop waiting (the restore then ends within 2 s, continued the same way)",
      );
      expect(interruptNotice(2, restore)).to.equal(`stopping: not waiting any longer (at most 2 s more for the step in flight); ${left}`);
      expect(interruptNotice(3, restore)).to.equal(`exiting now: ${left}`);
      const drillVerifying = { ...restore, noun: "drill" as const, keeps: false, restoreStack: "gametracker-restore/dev-drill-x", waiting: { kind: "aws" as const, what: "instance i to be available" } };
      expect(interruptNotice(1, drillVerifying)).to.equal(
        "interrupted: stopping drill 202611251200k3x9 (it was waiting for instance i to be available); it will destroy restore stack gametracker-restore/dev-drill-x, and a second Ctrl-C stops waiting for that (continue with gametracker-dr drill --stack dev --resume 202611251200k3x9, or remove it with gametracker-dr cleanup)",
      );
    });

    it("a cut-over: before its update the config goes back; during it, the first press waits and the second names what finishes or undoes it", () => {
      const s = { environment: "dev", from: "primary", to: "dev-restore-1" };
      expect(switchInterruptNotice(1, false, s)).to.equal("interrupted: stopping before anything is applied and putting databaseSource back to primary");
      expect(switchInterruptNotice(3, false, s)).to.equal("exiting now; if databaseSource of stack dev still says dev-restore-1, run gametracker-dr rollback --stack dev to put it back");
      expect(switchInterruptNotice(2, true, s)).to.equal(
        "stopping: cancelling the update and not waiting longer than 2 s; databaseSource is dev-restore-1 and the update may be unfinished (perhaps locked, which the next run resolves) — run gametracker-dr cutover --to dev-restore-1 --stack dev to finish it, or gametracker-dr rollback --stack dev to go back",
      );
    });
  });
});
