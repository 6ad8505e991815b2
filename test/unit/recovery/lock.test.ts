import { expect } from "chai";
import { HostFacts, judgeLock, lockedSentence, StackLockedError, staleLockNote } from "../../../automation/recovery/lock";
import { exitCodeOf } from "../../../automation/errors";
import type { LockHolder } from "../../../automation/stacks/port";

const STACK = "organization/gametracker-restore/dev-drill-202612071922k3x9";
const here: HostFacts = { hostname: "runner-1", isRunning: (pid) => pid === 100 };
const holder = (extra: Partial<LockHolder> = {}): LockHolder => ({ pid: 4242, username: "ci", hostname: "runner-1", since: new Date("2026-12-07T19:22:01.345Z"), lockId: "4b408d67", ...extra });

describe("recovery: judging a stack's lock", () => {
  it("a free lock, and one the backend does not describe, are not refused here", () => {
    expect(judgeLock({ state: "free" }, here)).to.deep.equal({ kind: "free" });
    expect(judgeLock({ state: "unknown" }, here)).to.deep.equal({ kind: "unknown" });
  });

  it("is stale only when every holder ran on this host and its process is gone", () => {
    expect(judgeLock({ state: "held", holders: [holder()] }, here)).to.deep.equal({ kind: "stale", holders: [holder()] });
    expect(judgeLock({ state: "held", holders: [holder(), holder({ pid: 100 })] }, here)).to.deep.include({ kind: "live", where: "this-host" });
  });

  it("a holder still running here, one on another host, one without pid or host, and Pulumi Cloud's holder-less lock are live", () => {
    expect(judgeLock({ state: "held", holders: [holder({ pid: 100 })] }, here)).to.deep.equal({ kind: "live", holder: holder({ pid: 100 }), where: "this-host" });
    expect(judgeLock({ state: "held", holders: [holder({ hostname: "runner-2" })] }, here)).to.deep.include({ kind: "live", where: "another-host" });
    expect(judgeLock({ state: "held", holders: [holder({ pid: undefined })] }, here)).to.deep.include({ kind: "live", where: "unknown" });
    expect(judgeLock({ state: "held", holders: [] }, here)).to.deep.equal({ kind: "live", holder: undefined, where: "unknown" });
  });

  it("says what it cleared: whose, where, since when", () => {
    expect(staleLockNote(holder())).to.equal("cleared the stale lock of pid 4242 on host runner-1, taken 2026-12-07T19:22:01Z (that process is gone)");
  });

  it("refuses in one sentence naming the holder, since when, and the command that works with the fully qualified stack name", () => {
    const elsewhere = lockedSentence(STACK, { kind: "live", holder: holder({ hostname: "runner-2" }), where: "another-host" });
    expect(elsewhere).to.equal(
      `Stack ${STACK} is locked by an update of ci@runner-2 (pid 4242) since 2026-12-07T19:22:01Z on another host, which this tool cannot see; if that run is gone, run pulumi cancel --yes -s ${STACK}, then run this command again — nothing was changed.`,
    );
    const running = lockedSentence(STACK, { kind: "live", holder: holder({ pid: 100 }), where: "this-host" });
    expect(running).to.contain("ci@runner-1 (pid 100) since 2026-12-07T19:22:01Z that is still running on this host").and.contain(`pulumi cancel --yes -s ${STACK}`);
    const cloud = lockedSentence("acme/gametracker/prod", { kind: "live", holder: undefined, where: "unknown" });
    expect(cloud).to.equal("Stack acme/gametracker/prod has an update in progress (the backend does not say whose); wait for it to finish, or if it was interrupted, run pulumi cancel --yes -s acme/gametracker/prod and then this command again — nothing was changed.");
    for (const sentence of [elsewhere, running, cloud]) expect(sentence.match(/\. /g), sentence).to.equal(null);
  });

  it("a refusal is an operation failure (exit 1), not bad input", () => {
    const error = new StackLockedError(STACK, { kind: "live", holder: undefined, where: "unknown" });
    expect(exitCodeOf(error)).to.equal(1);
    expect(error.stackName).to.equal(STACK);
  });
});
