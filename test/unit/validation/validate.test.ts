import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { Clock, systemClock } from "../../../automation/clock";
import { UsageError } from "../../../automation/errors";
import type { ValidationPlan } from "../../../automation/validation/plan";
import { checkValidationHook, runValidation } from "../../../automation/validation/validate";
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

describe("validation pre-flight (before anything is created)", () => {
  const lambda = new LambdaClient({ region: "us-east-1" });
  after(() => lambda.destroy());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gt-plan-"));
  const plan = (file: string): ValidationPlan => ({ hook: { kind: "command", path: file }, timeoutMs: 1000 });

  it("accepts an executable file and refuses a missing, a non-executable or a directory path", async () => {
    const ok = path.join(dir, "validate");
    fs.writeFileSync(ok, "#!/bin/sh\n", { mode: 0o755 });
    await checkValidationHook(plan(ok), lambda);
    const plain = path.join(dir, "plain");
    fs.writeFileSync(plain, "", { mode: 0o644 });
    const cases: Array<[string, string]> = [
      [path.join(dir, "missing"), `The validation hook names ${path.join(dir, "missing")}, which does not exist; give the path of the validator executable.`],
      [plain, `The validation hook names ${plain}, which is not executable; make it so with chmod +x ${plain}.`],
      [dir, `The validation hook names ${dir}, which is not a file; give the path of the validator executable.`],
    ];
    for (const [file, message] of cases) {
      let error: unknown;
      await checkValidationHook(plan(file), lambda).catch((e: unknown) => (error = e));
      expect(error, file).to.be.instanceOf(UsageError);
      expect((error as Error).message).to.equal(message);
    }
  });
});
