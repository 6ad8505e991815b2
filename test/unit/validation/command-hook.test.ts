import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../../automation/errors";
import { checkExecutable, runCommandHook } from "../../../automation/validation/command-hook";
import { eventuallyGone, failureOf, sampleRequest, validatorScript } from "../../support/validation";

/**
 * The command hook end to end: real executables, written by the tests, run by the real
 * runner. Every outcome below comes from what the process did (its stdout, exit code,
 * signals, time), never from a stand-in.
 */

const request = sampleRequest();

const PASS = '{"status":"pass","checks":[{"name":"dbo.Players has at least 1000 rows","expected":">= 1000 rows","actual":"at least 1000 rows","ok":true}],"dataTime":"2026-11-25T08:58:30Z"}';

let dir: string;

const script = (name: string, body: string) => validatorScript(dir, name, body);

describe("command hook (real executables)", () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gt-hook-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("sends the request on stdin and reads a pass from stdout", async () => {
    const received = path.join(dir, "received.json");
    const hook = script("pass.sh", `cat > "${received}"\nprintf '%s' '${PASS}'`);
    const outcome = await runCommandHook(hook, request, { timeoutMs: 10_000 });
    expect(outcome).to.deep.equal({ kind: "answered", answer: JSON.parse(PASS.replace("08:58:30Z", "08:58:30.000Z")) });
    const sent = fs.readFileSync(received, "utf8");
    expect(JSON.parse(sent)).to.deep.equal(request);
    expect(sent).to.not.match(/password/i);
  });

  it("reads a fail as an answer, not as a crash", async () => {
    const hook = script("fail.sh", `cat >/dev/null\necho '{"status":"fail","checks":[{"name":"dbo.Players has at least 1000 rows","expected":">= 1000 rows","actual":"12 rows","ok":false}]}'`);
    const outcome = await runCommandHook(hook, request);
    expect(outcome).to.deep.equal({ kind: "answered", answer: { status: "fail", checks: [{ name: "dbo.Players has at least 1000 rows", expected: ">= 1000 rows", actual: "12 rows", ok: false }] } });
  });

  it("reports a non-zero exit as a crash with the end of stderr", async () => {
    const hook = script("crash.sh", `echo "starting" >&2\necho "Login failed for user 'admin'" >&2\necho '${PASS}'\nexit 3`);
    const { failure: kind, message } = failureOf(await runCommandHook(hook, request));
    expect(kind).to.equal("crash");
    expect(message).to.equal(`${hook} exited with code 3; stderr: starting Login failed for user 'admin'`);
  });

  it("reports death by a signal as a crash", async () => {
    const hook = script("segv.sh", "kill -SEGV $$");
    const { failure: kind, message } = failureOf(await runCommandHook(hook, request));
    expect(kind).to.equal("crash");
    expect(message).to.equal(`${hook} was killed by SIGSEGV`);
  });

  it("kills the validator and what it started when the timeout passes", async () => {
    const pidFile = path.join(dir, "timeout.pid");
    const hook = script("slow.sh", `sleep 30 &\necho $! > "${pidFile}"\necho "checking dbo.Matches" >&2\nwait`);
    const started = Date.now();
    const { failure: kind, message } = failureOf(await runCommandHook(hook, request, { timeoutMs: 400 }));
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(kind).to.equal("timeout");
    expect(message).to.equal(`${hook} gave no answer within 400ms; its process group was killed; stderr: checking dbo.Matches`);
    expect(await eventuallyGone(Number(fs.readFileSync(pidFile, "utf8"))), "the validator's child is killed too").to.equal(true);
  });

  it("follows SIGTERM with SIGKILL when the validator ignores it", async () => {
    const hook = script("stubborn.sh", `trap '' TERM\nwhile true; do sleep 0.05; done`);
    const started = Date.now();
    const { failure: kind } = failureOf(await runCommandHook(hook, request, { timeoutMs: 200, killGraceMs: 200 }));
    expect(kind).to.equal("timeout");
    expect(Date.now() - started).to.be.within(350, 5000);
  });

  it("refuses output that is not an answer, with the parser's reason", async () => {
    const hook = script("chatty.sh", `echo "connecting to the database..."\necho '${PASS}'`);
    const { failure: kind, message } = failureOf(await runCommandHook(hook, request));
    expect(kind).to.equal("malformed");
    expect(message).to.match(new RegExp(`^${hook.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: the answer is not JSON \\(`));
    const wrongShape = script("shape.sh", `echo '{"status":"ok","checks":[]}'`);
    expect(failureOf(await runCommandHook(wrongShape, request)).message).to.equal(`${wrongShape}: status is "ok", but it must be "pass" or "fail"`);
  });

  it("kills a validator that floods stdout instead of reading it all", async () => {
    const hook = script("flood.sh", "yes '{\"status\":\"pass\"}'");
    const started = Date.now();
    const { failure: kind, message } = failureOf(await runCommandHook(hook, request, { maxAnswerBytes: 64 * 1024, killGraceMs: 200 }));
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(kind).to.equal("malformed");
    expect(message).to.equal(`${hook} wrote more than 65536 bytes on stdout, far more than an answer, and was killed`);
  });

  it("redacts secrets the validator prints on stderr", async () => {
    const hook = script("leaky.sh", `echo 'connecting with {"username": "admin", "password": "hunter2"}' >&2\necho 'Server=db;User Id=admin;Password=s3cr3t-Value;' >&2\nexit 1`);
    const { message } = failureOf(await runCommandHook(hook, request));
    expect(message).to.not.include("hunter2");
    expect(message).to.not.include("s3cr3t-Value");
    expect(message).to.include('"password": "[redacted]"').and.include("Password=[redacted];");
  });

  it("does not wait for what a finished validator left running, and kills it", async () => {
    const pidFile = path.join(dir, "leftover.pid");
    const hook = script("leaves.sh", `sleep 30 &\necho $! > "${pidFile}"\necho '${PASS}'`);
    const started = Date.now();
    const outcome = await runCommandHook(hook, request, { timeoutMs: 10_000 });
    expect(outcome.kind).to.equal("answered");
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(await eventuallyGone(Number(fs.readFileSync(pidFile, "utf8")))).to.equal(true);
  });

  it("stops the validator when the drill is interrupted", async () => {
    const hook = script("interrupted.sh", "sleep 30");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const { failure: kind } = failureOf(await runCommandHook(hook, request, { signal: controller.signal, killGraceMs: 200 }));
    expect(kind).to.equal("aborted");
  });

  it("runs the file itself, without a shell that would interpret its path", async () => {
    const odd = script("odd name; touch pwned.txt", `echo '${PASS}'`);
    const outcome = await runCommandHook(odd, request);
    expect(outcome.kind).to.equal("answered");
    expect(fs.existsSync(path.join(process.cwd(), "pwned.txt"))).to.equal(false);
    const { failure: kind, message } = failureOf(await runCommandHook(path.join(dir, "missing"), request));
    expect(kind).to.equal("crash");
    expect(message).to.equal(`could not start ${path.join(dir, "missing")}: ENOENT`);
  });

  it("checks before the drill that the path is an executable file", async () => {
    const plain = path.join(dir, "plain.txt");
    fs.writeFileSync(plain, "not a program", { mode: 0o644 });
    await checkExecutable(script("ok.sh", "true"));
    for (const [file, reason] of [
      [plain, `which is not executable; make it so with chmod +x ${plain}.`],
      [dir, "which is not a file"],
      [path.join(dir, "nope"), "which does not exist"],
    ] as const) {
      let error: unknown;
      await checkExecutable(file).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(UsageError);
      expect((error as Error).message).to.include(`--validate-with names ${file}, ${reason}`);
    }
  });
});
