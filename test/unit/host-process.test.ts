import { expect } from "chai";
import { spawn } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import { hostTag, isProcessGone, parseProcStat, processIdentity } from "../../automation/host-process";
import { killedProcess, runningProcess } from "../support/processes";

const hasProc = fs.existsSync("/proc/self/stat");

describe("host-process", () => {
  it("reads the state and start time of a /proc stat line, whatever the command name holds", () => {
    const fields = (comm: string) => `4242 (${comm}) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1000 10 18446744073709551615`;
    expect(parseProcStat(fields("node"))).to.deep.equal({ state: "S", startTicks: 987654 });
    expect(parseProcStat(fields("a) Z (b"))).to.deep.equal({ state: "S", startTicks: 987654 });
    expect(parseProcStat("garbage")).to.equal(undefined);
    expect(parseProcStat("1 (x) R 1 2")).to.equal(undefined);
  });

  it("a host tag is stable for a name and differs between names", () => {
    expect(hostTag("runner-1")).to.equal(hostTag("runner-1")).and.to.match(/^[0-9a-f]{8}$/);
    expect(hostTag("runner-1")).not.to.equal(hostTag("runner-2"));
  });

  it("a running process is not gone, a killed one is; this process and pid 0 (a process group) never are", async () => {
    const running = await runningProcess();
    try {
      expect(isProcessGone(running.identity)).to.equal(false);
    } finally {
      await running.stop();
    }
    expect(isProcessGone(running.identity)).to.equal(true);
    expect(isProcessGone(await killedProcess())).to.equal(true);
    expect(isProcessGone(processIdentity())).to.equal(false);
    expect(isProcessGone({ pid: 0, startTicks: undefined })).to.equal(false);
    expect(isProcessGone({ pid: -1, startTicks: undefined })).to.equal(false);
  });

  (hasProc ? it : it.skip)("a pid now held by a process started at another time (a reused pid) reads as gone; without a start time it reads as alive", async () => {
    const running = await runningProcess();
    try {
      expect(running.identity.startTicks).to.be.a("number");
      expect(isProcessGone({ pid: running.identity.pid, startTicks: running.identity.startTicks! - 1 })).to.equal(true);
      expect(isProcessGone({ pid: running.identity.pid, startTicks: undefined })).to.equal(false);
    } finally {
      await running.stop();
    }
  });

  (hasProc ? it : it.skip)("a zombie (exited, not yet reaped by its parent) reads as gone", async () => {
    // sh execs into sleep, which never reaps the child sh started before: that child stays a zombie while sleep runs.
    const parent = spawn("sh", ["-c", "sleep 0 & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const [line] = (await once(parent.stdout!, "data")) as [Buffer];
      const zombie = Number(line.toString().trim());
      const deadline = Date.now() + 5_000;
      while (parseProcStat(fs.readFileSync(`/proc/${zombie}/stat`, "utf8"))?.state !== "Z") {
        if (Date.now() > deadline) throw new Error(`process ${zombie} did not become a zombie`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(isProcessGone({ pid: zombie, startTicks: undefined })).to.equal(true);
    } finally {
      parent.kill("SIGKILL");
    }
  });
});
