import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CreateFunctionCommand } from "@aws-sdk/client-lambda";
import type { AwsClients } from "../../automation/aws/clients";
import { systemClock } from "../../automation/clock";
import { runLambdaHook } from "../../automation/validation/lambda-hook";
import { runValidation } from "../../automation/validation/validate";
import { failureOf, sampleRequest } from "../support/validation";
import { useEmulator } from "../support/emulator";
import { FaultInjector } from "../support/faults";
import { createLambdaRole, createNodeFunction, MotoLambdaRuntime } from "../support/lambda-runtime";
import { zipFiles } from "../support/zip";
import { keepUploadedCode, uploadedCodeDir } from "../engine/standin/control";

/**
 * The Lambda hook through the real SDK client against moto. moto holds the functions
 * (their code, handler, timeout) and answers for unknown ones; MotoLambdaRuntime runs the
 * uploaded code, since moto cannot without Docker.
 */

const request = sampleRequest();

describe("Lambda hook (SDK on moto)", function () {
  this.timeout(20_000);
  const emulator = useEmulator();
  let runtime: MotoLambdaRuntime;
  let clients: AwsClients;
  let roleArn: string;

  beforeEach(async () => {
    runtime = new MotoLambdaRuntime(() => clients.lambda);
    clients = emulator.clients({ middleware: runtime.middleware });
    roleArn = await createLambdaRole(emulator.endpoint());
  });
  afterEach(() => runtime.cleanup());

  /** Creates a function in moto whose index.js is `source`. */
  const deploy = (name: string, source: string, timeoutSeconds = 10) => createNodeFunction(clients.lambda, roleArn, name, source, timeoutSeconds);

  it("invokes the function with the request and reads its pass", async () => {
    await deploy(
      "validator",
      `exports.handler = async (event) => ({ status: "pass", checks: [{ name: "reached " + event.endpoint.address, expected: "answer", actual: "answer", ok: true }], dataTime: "2026-11-25T08:58:30Z" });`,
    );
    const outcome = await runLambdaHook(clients.lambda, "validator", request);
    expect(outcome).to.deep.equal({
      kind: "answered",
      answer: { status: "pass", checks: [{ name: `reached ${request.endpoint.address}`, expected: "answer", actual: "answer", ok: true }], dataTime: "2026-11-25T08:58:30.000Z" },
    });
    expect(runtime.invocations.map((i) => i.event)).to.deep.equal([request]);
  });

  it("runs the deployed bundled validator as a Lambda hook under the name the stack gives", async () => {
    await deploy("dev-drill-1-validator", `exports.handler = async () => ({ status: "pass", checks: [{ name: "n", expected: "e", actual: "a", ok: true }] });`);
    const run = await runValidation({ kind: "bundled" }, request, { lambda: clients.lambda, clock: systemClock, timeoutMs: 10_000, bundledFunctionName: "dev-drill-1-validator" });
    expect(run.outcome.kind).to.equal("answered");
    expect(run.hook).to.equal("the bundled SQL validator (Lambda function dev-drill-1-validator)");
    expect(runtime.invocations.map((i) => i.functionName)).to.deep.equal(["dev-drill-1-validator"]);
  });

  it("reads a fail as an answer, also when invoked by ARN", async () => {
    await deploy("validator", `exports.handler = async () => ({ status: "fail", checks: [{ name: "dbo.Players has at least 1000 rows", expected: ">= 1000 rows", actual: "3 rows", ok: false }] });`);
    const outcome = await runLambdaHook(clients.lambda, "arn:aws:lambda:us-east-1:123456789012:function:validator", request);
    expect(outcome.kind === "answered" && outcome.answer.status).to.equal("fail");
  });

  it("reports a function that throws as a crash with Lambda's error, redacted", async () => {
    await deploy("validator", `exports.handler = async () => { throw new TypeError("cannot connect: Server=db;Password=hunter2;"); };`);
    const { failure: kind, message } = failureOf(await runLambdaHook(clients.lambda, "validator", request));
    expect(kind).to.equal("crash");
    expect(message).to.equal("Lambda function validator failed (Unhandled, TypeError): cannot connect: Server=db;Password=[redacted];");
  });

  it("reports Lambda stopping the function at its timeout as a timeout", async () => {
    await deploy("validator", `exports.handler = () => new Promise(() => {});`, 1);
    const { failure: kind, message } = failureOf(await runLambdaHook(clients.lambda, "validator", request));
    expect(kind).to.equal("timeout");
    expect(message).to.equal("Lambda function validator failed (Unhandled, Sandbox.Timedout): RequestId: 00000000-test Error: Task timed out after 1.00 seconds");
  });

  it("stops waiting at the hook's own timeout", async () => {
    await deploy("validator", `exports.handler = () => new Promise((r) => setTimeout(() => r({ status: "pass", checks: [] }), 1500));`);
    const started = Date.now();
    const { failure: kind, message } = failureOf(await runLambdaHook(clients.lambda, "validator", request, { timeoutMs: 300 }));
    expect(Date.now() - started).to.be.lessThan(1200);
    expect(kind).to.equal("timeout");
    expect(message).to.equal("Lambda function validator gave no answer within 300ms");
  });

  it("refuses a result that is not an answer, with the reason", async () => {
    await deploy("stringly", `exports.handler = async () => JSON.stringify({ status: "pass", checks: [] });`);
    await deploy("wrong", `exports.handler = async () => ({ status: "ok", checks: [] });`);
    await deploy("nothing", `exports.handler = async () => undefined;`);
    expect(failureOf(await runLambdaHook(clients.lambda, "stringly", request))).to.deep.equal({
      kind: "failed",
      failure: "malformed",
      message: "Lambda function stringly: the answer is a JSON string, not an object; return the object itself, not its serialization",
    });
    expect(failureOf(await runLambdaHook(clients.lambda, "wrong", request)).message).to.equal('Lambda function wrong: status is "ok", but it must be "pass" or "fail"');
    expect(failureOf(await runLambdaHook(clients.lambda, "nothing", request)).message).to.equal("Lambda function nothing: the answer is null, but it must be an object with status and checks");
  });

  it("says so when the function does not exist (moto's answer)", async () => {
    const { failure: kind, message } = failureOf(await runLambdaHook(clients.lambda, "no-such-validator", request));
    expect(kind).to.equal("invoke");
    expect(message).to.equal("Could not invoke Lambda function no-such-validator: it does not exist in this account and region; check the name and --region.");
    expect(runtime.invocations).to.deep.equal([]);
  });

  it("runs code another process uploaded (the engine's stand-in provider) from the copy it kept, only when those bytes are what moto holds", async () => {
    const kept = fs.mkdtempSync(path.join(os.tmpdir(), "gt-kept-code-"));
    const elsewhere = emulator.clients();
    const other = new MotoLambdaRuntime(() => clients.lambda, { uploadedCodeDir: uploadedCodeDir(kept) });
    const invoking = emulator.clients({ middleware: other.middleware });
    try {
      const zip = zipFiles([{ name: "index.js", data: Buffer.from(`exports.handler = async () => ({ status: "pass", checks: [] });`) }]);
      // Uploaded by a client the runtime is not the middleware of, as the stand-in plugin's clients are not.
      await elsewhere.lambda.send(new CreateFunctionCommand({ FunctionName: "uploaded-elsewhere", Runtime: "nodejs22.x", Handler: "index.handler", Role: roleArn, Code: { ZipFile: zip } }));
      expect(failureOf(await runLambdaHook(invoking.lambda, "uploaded-elsewhere", request)).message).to.contain(`was not uploaded through this client nor kept in ${uploadedCodeDir(kept)}`);

      keepUploadedCode(zip, kept);
      const outcome = await runLambdaHook(invoking.lambda, "uploaded-elsewhere", request);
      expect(outcome).to.deep.equal({ kind: "answered", answer: { status: "pass", checks: [] } });
      expect(other.invocations.map((i) => i.functionName)).to.deep.equal(["uploaded-elsewhere"]);

      // A file under the right name with other bytes is not the function's code.
      const [file] = fs.readdirSync(uploadedCodeDir(kept));
      fs.writeFileSync(path.join(uploadedCodeDir(kept), file!), zipFiles([{ name: "index.js", data: Buffer.from(`exports.handler = async () => ({ status: "fail", checks: [] });`) }]));
      expect(failureOf(await runLambdaHook(invoking.lambda, "uploaded-elsewhere", request)).message).to.match(/is not the code moto holds/);
      expect(other.invocations).to.have.length(1);
    } finally {
      other.cleanup();
      for (const c of [elsewhere, invoking]) c.destroy();
      fs.rmSync(kept, { recursive: true, force: true });
    }
  });

  it("turns persistent throttling into the one-sentence AWS error after the SDK's retries", async () => {
    await deploy("validator", `exports.handler = async () => ({ status: "pass", checks: [] });`);
    const faults = new FaultInjector().add({ operation: "Invoke", kind: "throttle", times: Infinity });
    const throttled = emulator.clients({ middleware: faults.middleware, maxAttempts: 2 });
    const { failure: kind, message } = failureOf(await runLambdaHook(throttled.lambda, "validator", request));
    expect(kind).to.equal("invoke");
    expect(message).to.match(/^Could not invoke Lambda function validator: AWS kept throttling the request \(ThrottlingException\)/);
    expect(faults.count("Invoke")).to.equal(2);
  });
});
