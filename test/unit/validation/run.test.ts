import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { Clock, systemClock } from "../../../automation/clock";
import { runValidation } from "../../../automation/validation/run";
import { sampleRequest } from "../../support/validation";

describe("runValidation (the drill's one call)", () => {
  const lambda = new LambdaClient({ region: "us-east-1" });
  after(() => lambda.destroy());

  it("runs a command hook and times it with the drill's clock", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gt-run-"));
    const file = path.join(dir, "validate");
    fs.writeFileSync(file, `#!/bin/sh\nsleep 0.2\necho '{"status":"pass","checks":[{"name":"n","expected":"e","actual":"a","ok":true}]}'\n`, { mode: 0o755 });
    const ticks: Date[] = [];
    const clock: Clock = { now: () => (ticks.push(systemClock.now()), ticks[ticks.length - 1]!), sleep: systemClock.sleep };
    const run = await runValidation({ kind: "command", path: file }, sampleRequest(), { lambda, clock, timeoutMs: 10_000 });
    expect(run.outcome).to.deep.equal({ kind: "answered", answer: { status: "pass", checks: [{ name: "n", expected: "e", actual: "a", ok: true }] } });
    expect(run.hook).to.equal(`command:${file}`);
    expect(ticks).to.have.length(2);
    expect(run.durationMs).to.equal(ticks[1]!.getTime() - ticks[0]!.getTime()).and.to.be.at.least(150);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("needs the deployed function's name to run the bundled validator", async () => {
    let error: unknown;
    await runValidation({ kind: "bundled" }, sampleRequest(), { lambda, clock: systemClock, timeoutMs: 1000 }).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.include("the bundled validator was asked for, but no deployed function name was given");
  });
});
