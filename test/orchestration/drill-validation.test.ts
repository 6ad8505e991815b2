import { expect } from "chai";
import { primaryFingerprint } from "../support/rds-fixtures";
import { FakeInterrupts } from "../support/interrupts";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetFunctionConfigurationCommand, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DrillReport } from "../../automation/drill/report";
import { newRunId } from "../../automation/restore/naming";
import { RestoreResult } from "../../automation/restore/restore";
import { checkIdsFor } from "../../automation/restore/verify";
import type { ValidationRequest } from "../../contracts/validation-exchange";
import { NO_VALIDATION_NOTE } from "../../automation/validation/validate";
import { drillStackName, ENVIRONMENT_PROJECT, RESTORE_PROJECT, restoreStackName } from "../../contracts/stacks";
import { useEmulator } from "../support/emulator";
import { createLambdaRole, createNodeFunction } from "../support/lambda-runtime";
import { eventuallyGone, isRunning, STEPS_FAILED_AT_VALIDATE, validatorScript } from "../support/validation";
import { DECLARED_SNAPSHOT, drillHarness, Harness, PRIMARY } from "./restore-fixtures";

/**
 * Data validation through the real CLI (`main`) on the drill harness: real validator
 * executables for the command hook, functions in moto run by the Lambda runtime stand-in
 * for the Lambda hook and the bundled validator. Every verdict below comes from what the
 * validator did (its answer, exit code, time), never from a stand-in's opinion.
 */

const PASS = (dataTime: string) => JSON.stringify({ status: "pass", checks: [{ name: "dbo.Players has at least 1000 rows", expected: ">= 1000 rows", actual: "at least 1000 rows", ok: true }], dataTime });

describe("drill and restore with data validation (in-memory stacks + moto)", () => {
  const emulator = useEmulator();
  let h: Harness;
  let before: unknown;
  let drillId: string;
  let dir: string;

  beforeEach(async () => {
    h = await drillHarness((o) => emulator.clients(o), emulator.endpoint());
    before = await primaryFingerprint(h.aws.rds, PRIMARY);
    drillId = newRunId(h.clock.now(), () => 0.5);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gt-drill-validation-"));
  });
  afterEach(() => {
    h.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const script = (name: string, body: string) => validatorScript(dir, name, body);
  /** The master password RDS (moto) keeps in the restored instance's secret. */
  const secretPassword = async (secretArn: string): Promise<string> => {
    const secrets = new SecretsManagerClient({ endpoint: emulator.endpoint(), region: "us-east-1" });
    try {
      return JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!).password as string;
    } finally {
      secrets.destroy();
    }
  };
  const drillStack = () => ({ project: RESTORE_PROJECT, stack: drillStackName("dev", drillId) });
  const instances = async () => ((await h.aws.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((i) => i.DBInstanceIdentifier).sort();
  const functions = async () => ((await h.aws.lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName).sort();

  /** After every drill: the restore stack gone, only the primary left, the environment and the primary as they were. */
  async function expectNothingLeftBehind(): Promise<void> {
    expect(h.stacks.exists(drillStack()), "restore stack removed").to.equal(false);
    expect(await instances()).to.deep.equal([PRIMARY]);
    expect(h.stacks.mutations({ project: ENVIRONMENT_PROJECT, stack: "dev" })).to.deep.equal([]);
    expect(await primaryFingerprint(h.aws.rds, PRIMARY)).to.deep.equal(before);
  }

  /** A drill that failed at the validate step, with cleanup done anyway; returns its report. */
  async function failedAtValidate(argv: string[], options: Parameters<Harness["run"]>[1] = {}): Promise<DrillReport> {
    const result = await h.run(["drill", "--stack", "dev", "--json", ...argv], options);
    expect(result.code, result.stderr).to.equal(1);
    const report = result.json<DrillReport>();
    expect(report).to.deep.include({ outcome: "failed", failedStep: "validate" });
    expect(report.steps.map((s) => [s.name, s.status])).to.deep.equal(STEPS_FAILED_AT_VALIDATE);
    // The built-in checks passed and are still reported, before the validator's verdict.
    expect(report.checks.slice(0, checkIdsFor("drill").length).map((c) => [c.id, c.status])).to.deep.equal(checkIdsFor("drill").map((id) => [id, "pass"]));
    expect(report.checks.find((c) => c.id === "validation")?.status).to.equal("fail");
    expect(report.cleanup.status).to.equal("destroyed");
    await expectNothingLeftBehind();
    return report;
  }

  describe("the command hook", () => {
    it("hands the verified instance to the validator and reports its checks beside the built-in ones, with the data RPO", async () => {
      const received = path.join(dir, "request.json");
      const hook = script("validate", `cat > "${received}"\nprintf '%s' '${PASS("2026-01-01T00:00:00Z")}'`);
      const reportDir = path.join(dir, "reports");
      // The instance's password, read from moto while it exists (its secret goes with it), to prove it appears nowhere.
      let password = "";
      h.stacks.beforeNext(drillStack().stack, "destroy", async () => {
        const { secretArn } = JSON.parse(fs.readFileSync(received, "utf8")) as ValidationRequest;
        password = await secretPassword(secretArn);
      });
      const result = await h.run(["drill", "--stack", "dev", "--from", `snapshot:${DECLARED_SNAPSHOT}`, "--validate-with", `command:${hook}`, "--report-dir", reportDir, "--json"]);
      expect(result.code, result.stderr).to.equal(0);
      const report = result.json<DrillReport>();
      expect(report.outcome).to.equal("passed");
      expect(report.steps.map((s) => [s.name, s.status])).to.deep.equal([
        ["choose", "ok"],
        ["restore", "ok"],
        ["verify", "ok"],
        ["validate", "ok"],
        ["assets", "skipped"],
        ["report", "ok"],
        ["cleanup", "ok"],
      ]);
      const validate = report.steps.find((s) => s.name === "validate")!;
      expect(validate.note).to.equal(`command:${hook} answered pass (1 checks) in 0s`);
      expect(report.checks.map((c) => c.id)).to.deep.equal([...checkIdsFor("drill"), "validation", "validation-dbo-players-has-at-least-1000-rows"]);
      // The data RPO: the recovery point's time minus the newest data the validator found.
      const pointTime = new Date(report.recoveryPoint!.time).getTime();
      expect(report.validation).to.deep.equal({
        hook: `command:${hook}`,
        passed: true,
        durationMs: validate.durationMs,
        dataTime: "2026-01-01T00:00:00.000Z",
        dataRpoSeconds: Math.round((pointTime - Date.parse("2026-01-01T00:00:00Z")) / 1000),
      });

      // What the validator was told: the restored instance and where its credentials are, never the credentials.
      const request = JSON.parse(fs.readFileSync(received, "utf8")) as ValidationRequest;
      expect(request).to.deep.equal({
        drillId,
        recoveryPoint: { kind: "snapshot", time: report.recoveryPoint!.time, source: `snapshot:${DECLARED_SNAPSHOT}`, region: "us-east-1" },
        endpoint: { address: report.endpoint!.address, port: report.endpoint!.port },
        secretArn: report.secretArn,
        engine: request.engine,
        engineVersion: request.engineVersion,
      });
      expect(request.engine).to.match(/^sqlserver-/);
      expect(password).to.have.length.greaterThan(8);
      const md = fs.readFileSync(path.join(reportDir, `drill-${drillId}.md`), "utf8");
      for (const text of [fs.readFileSync(received, "utf8"), result.stdout, result.stderr, md, fs.readFileSync(path.join(reportDir, `drill-${drillId}.json`), "utf8")]) {
        expect(text).to.not.include(password);
      }
      expect(md).to.match(/\| Data RPO \(recovery point − newest data found\) \| \d+[dhms]/);
      expect(md).to.contain(`| Data validation | command:${hook}: passed in 0s |`);
      await expectNothingLeftBehind();
    });

    it("runs the environment's validationWith without any flag (the weekly drill), and a flag overrides it", async () => {
      const ran = (name: string) => path.join(dir, `${name}.ran`);
      const configured = script("configured", `cat > "${ran("configured")}"\nprintf '%s' '${PASS("2026-01-01T00:00:00Z")}'`);
      const other = script("other", `cat > "${ran("other")}"\nprintf '%s' '${PASS("2026-01-01T00:00:00Z")}'`);
      await h.configureValidation({ validationWith: `command:${configured}`, validationTimeout: "2m" });
      const weekly = await h.run(["drill", "--stack", "dev", "--json"]);
      expect(weekly.code, weekly.stderr).to.equal(0);
      expect(weekly.json<DrillReport>().validation?.hook).to.equal(`command:${configured}`);
      expect(fs.existsSync(ran("configured"))).to.equal(true);

      fs.rmSync(ran("configured"));
      h.clock.advance(60_000);
      const overridden = await h.run(["drill", "--stack", "dev", "--validate-with", `command:${other}`, "--json"]);
      expect(overridden.code, overridden.stderr).to.equal(0);
      expect(overridden.json<DrillReport>().validation?.hook).to.equal(`command:${other}`);
      expect(fs.existsSync(ran("other"))).to.equal(true);
      expect(fs.existsSync(ran("configured"))).to.equal(false);
    });

    it("runs none when neither names a hook, and says how to ask for one", async () => {
      const result = await h.run(["drill", "--stack", "dev", "--json"]);
      expect(result.code, result.stderr).to.equal(0);
      const report = result.json<DrillReport>();
      expect(report.steps.find((s) => s.name === "validate")).to.deep.equal({ name: "validate", status: "skipped", durationMs: 0, note: NO_VALIDATION_NOTE });
      expect(report).to.not.have.property("validation");
    });

    it("a fail answer fails the drill at validate, with the failed check in the report; cleanup still runs", async () => {
      const hook = script("fail", `cat >/dev/null\necho '{"status":"fail","checks":[{"name":"dbo.Players has at least 1000 rows","expected":">= 1000 rows","actual":"12 rows","ok":false}]}'`);
      const report = await failedAtValidate(["--validate-with", `command:${hook}`]);
      expect(report.error).to.match(new RegExp(`^data validation failed: command:${hook} answered fail \\(1 of 1 checks failed\\) in 0s\\.$`));
      expect(report.checks.slice(-2).map((c) => [c.id, c.status, c.actual])).to.deep.equal([
        ["validation", "fail", "fail (1 of 1 checks failed)"],
        ["validation-dbo-players-has-at-least-1000-rows", "fail", "12 rows"],
      ]);
      expect(report.validation).to.deep.include({ passed: false });
    });

    it("a crash fails the drill with the validator's exit code and the end of its stderr, redacted", async () => {
      const hook = script("crash", `cat >/dev/null\necho "Login failed: Server=db;Password=hunter2;" >&2\nexit 3`);
      const report = await failedAtValidate(["--validate-with", `command:${hook}`]);
      expect(report.checks.find((c) => c.id === "validation")?.actual).to.equal(`crashed: ${hook} exited with code 3; stderr: Login failed: Server=db;Password=[redacted];`);
      expect(JSON.stringify(report)).to.not.include("hunter2");
    });

    it("malformed output fails the drill and says what is wrong with it", async () => {
      const hook = script("malformed", `cat >/dev/null\necho '{"status":"pass","checks":[],"datatime":"2026-01-01T00:00:00Z"}'`);
      const report = await failedAtValidate(["--validate-with", `command:${hook}`]);
      expect(report.checks.find((c) => c.id === "validation")?.actual).to.equal(`malformed answer: ${hook}: the answer has unknown key(s) datatime; the keys are status, checks, dataTime`);
    });

    it("a validator past --validate-timeout is killed with what it started, and the drill fails", async () => {
      const pids = path.join(dir, "pids");
      const hook = script("slow", `sleep 60 &\necho $$ $! > "${pids}"\nwait`);
      const started = Date.now();
      const report = await failedAtValidate(["--validate-with", `command:${hook}`, "--validate-timeout", "1s"]);
      expect(Date.now() - started).to.be.lessThan(20_000);
      expect(report.checks.find((c) => c.id === "validation")?.actual).to.equal(`timed out: ${hook} gave no answer within 1s; its process group was killed`);
      for (const pid of fs.readFileSync(pids, "utf8").trim().split(" ").map(Number)) expect(await eventuallyGone(pid), `process ${pid}`).to.equal(true);
    });

    it("Ctrl-C while the validator runs: it is killed, the drill stops, and cleanup runs after it is gone", async () => {
      const pids = path.join(dir, "pids");
      const hook = script("waits", `sleep 60 &\necho $$ $! > "${pids}"\nwait`);
      const interrupts = new FakeInterrupts();
      // Cleanup must wait for the step in flight: when the stack is destroyed, the validator is gone.
      let aliveAtDestroy: number[] | undefined;
      h.stacks.beforeNext(drillStack().stack, "destroy", () => {
        aliveAtDestroy = fs.readFileSync(pids, "utf8").trim().split(" ").map(Number).filter(isRunning);
      });
      const running = h.run(["drill", "--stack", "dev", "--validate-with", `command:${hook}`, "--json"], { interrupts });
      for (let i = 0; i < 500 && !fs.existsSync(pids); i++) await new Promise((r) => setTimeout(r, 20));
      expect(fs.existsSync(pids), "the validator started").to.equal(true);
      const [shell, child] = fs.readFileSync(pids, "utf8").trim().split(" ").map(Number) as [number, number];
      interrupts.fire();
      const result = await running;
      expect(result.code).to.equal(1);
      const report = result.json<DrillReport>();
      expect(report).to.deep.include({ outcome: "failed", failedStep: "validate" });
      expect(report.error).to.equal("Interrupted (SIGINT).");
      expect(result.stderr).to.contain(`warning: interrupted: stopping the data validator, then the drill will destroy restore stack`);
      expect(report.cleanup.status).to.equal("destroyed");
      expect(aliveAtDestroy, "validator processes alive when the stack was destroyed").to.deep.equal([]);
      for (const pid of [shell, child]) expect(await eventuallyGone(pid), `process ${pid}`).to.equal(true);
      await expectNothingLeftBehind();
    });

    it("a resumed drill validates as it recorded when it started", async () => {
      const ran = path.join(dir, "ran");
      const hook = script("validate", `cat > "${ran}"\nprintf '%s' '${PASS("2026-01-01T00:00:00Z")}'`);
      h.stacks.failNext(drillStack().stack, "up", new Error("runner lost"), { after: true });
      const first = await h.run(["drill", "--stack", "dev", "--validate-with", `command:${hook}`, "--keep", "--json"]);
      expect(first.code).to.equal(1);
      expect(fs.existsSync(ran), "not reached: the restore failed").to.equal(false);
      const resumed = await h.run(["drill", "--stack", "dev", "--resume", drillId, "--json"]);
      expect(resumed.code, resumed.stderr).to.equal(0);
      expect(resumed.json<DrillReport>().validation?.hook).to.equal(`command:${hook}`);
      expect(fs.existsSync(ran)).to.equal(true);
      await expectNothingLeftBehind();
    });
  });

  describe("the Lambda hook (functions in moto, run by the runtime stand-in)", () => {
    let roleArn: string;
    beforeEach(async () => {
      roleArn = await createLambdaRole(emulator.endpoint());
    });

    it("invokes the function with the request and reports its answer", async () => {
      await createNodeFunction(h.aws.lambda, roleArn, "dev-validator", `exports.handler = async (event) => (${PASS("2026-01-01T00:00:00Z")});`);
      const result = await h.run(["drill", "--stack", "dev", "--validate-with", "lambda:dev-validator", "--json"]);
      expect(result.code, result.stderr).to.equal(0);
      const report = result.json<DrillReport>();
      expect(report.validation).to.deep.include({ hook: "lambda:dev-validator", passed: true, dataTime: "2026-01-01T00:00:00.000Z" });
      expect(h.lambdaRuntime.invocations.map((i) => i.functionName)).to.deep.equal(["dev-validator"]);
      expect(h.lambdaRuntime.invocations[0]!.event).to.deep.include({ drillId, secretArn: report.secretArn, endpoint: { address: report.endpoint!.address, port: report.endpoint!.port } });
      await expectNothingLeftBehind();
    });

    it("a function that throws fails the drill as a crash with Lambda's message", async () => {
      await createNodeFunction(h.aws.lambda, roleArn, "dev-validator", `exports.handler = async () => { throw new Error("no route to the database"); };`);
      const report = await failedAtValidate(["--validate-with", "lambda:dev-validator"]);
      expect(report.checks.find((c) => c.id === "validation")?.actual).to.equal("crashed: Lambda function dev-validator failed (Unhandled, Error): no route to the database");
    });
  });

  describe("the bundled validator (deployed by the drill's restore stack into moto)", () => {
    it("is deployed by the drill's stack, invoked with the restored instance, answers after reading its real secret, and goes with the stack", async () => {
      await h.configureValidation({ validationWith: "bundled", validationMinRows: '["dbo.Players>=1000"]' });
      const report = await failedAtValidate([]);
      const name = `${drillStack().stack}-validator`;
      expect(report.validation?.hook).to.equal(`the bundled SQL validator (Lambda function ${name})`);
      // It ran: read the restored instance's real secret from moto, then could not reach the emulator's endpoint (not in DNS).
      expect(h.lambdaRuntime.invocations.map((i) => i.functionName)).to.deep.equal([name]);
      const connect = report.checks.find((c) => c.name.startsWith(`connect to ${report.endpoint!.address}:1433`));
      expect(connect?.status).to.equal("fail");
      expect(connect?.actual).to.match(/ENOTFOUND/);
      // Destroyed with the restore stack.
      expect(await functions()).to.deep.equal([]);
    });

    it("as deployed (--keep): the API's private subnets and security group, the checks of the environment", async () => {
      await h.configureValidation({ validationWith: "bundled", validationMinRows: '["dbo.Players>=1000"]' });
      const result = await h.run(["drill", "--stack", "dev", "--keep", "--json"]);
      expect(result.code).to.equal(1);
      const name = `${drillStack().stack}-validator`;
      const config = await h.aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      expect(config.VpcConfig?.SubnetIds?.slice().sort()).to.deep.equal(h.network.apiSubnetIds.slice().sort());
      expect(config.VpcConfig?.SecurityGroupIds).to.deep.equal([h.network.apiSecurityGroupId]);
      expect(config.Timeout).to.equal(900);
      expect(JSON.parse(config.Environment!.Variables!.GAMETRACKER_VALIDATION_CHECKS!)).to.deep.equal({
        validationDatabase: "gametracker",
        validationMinRows: ["dbo.Players>=1000"],
        validationFreshnessColumns: [],
        validationCheckDb: false,
      });
      // The secret's value was never printed, by the drill or by the validator.
      const password = await secretPassword(result.json<DrillReport>().secretArn!);
      expect(password).to.have.length.greaterThan(8);
      for (const text of [result.stdout, result.stderr, h.lambdaRuntime.logs()]) expect(text).to.not.include(password);
    });
  });

  describe("restore (for cut-over) validates too", () => {
    it("a passing validation verifies the restore; a failing one keeps the stack and exits 1", async () => {
      const pass = script("pass", `cat >/dev/null\nprintf '%s' '${PASS("2026-01-01T00:00:00Z")}'`);
      const ok = await h.run(["restore", "--stack", "dev", "--yes", "--validate-with", `command:${pass}`, "--json"]);
      expect(ok.code, ok.stderr).to.equal(0);
      const passed = ok.json<RestoreResult>();
      expect(passed.steps.find((s) => s.name === "validate")?.status).to.equal("ok");
      expect(passed.checks.map((c) => c.id)).to.include.members(["validation", "validation-dbo-players-has-at-least-1000-rows"]);

      const fail = script("fail", `cat >/dev/null\necho '{"status":"fail","checks":[{"name":"rows","expected":"1","actual":"0","ok":false}]}'`);
      h.clock.advance(60_000);
      const bad = await h.run(["restore", "--stack", "dev", "--yes", "--validate-with", `command:${fail}`, "--target-id", `${PRIMARY}-restore-2`, "--json"]);
      expect(bad.code).to.equal(1);
      const failed = bad.json<RestoreResult>();
      expect(failed.passed).to.equal(false);
      expect(failed.steps.find((s) => s.name === "validate")?.status).to.equal("failed");
      expect(h.stacks.exists({ project: RESTORE_PROJECT, stack: restoreStackName("dev", failed.restoreId) })).to.equal(true);
    });
  });

  describe("bad validation input is refused with exit 2 before anything is created", () => {
    const refusedWith = async (argv: string[], message: string | RegExp) => {
      const result = await h.run(["drill", "--stack", "dev", ...argv]);
      expect(result.code, result.stderr).to.equal(2);
      const line = result.stderr.trim().split("\n").pop()!;
      if (typeof message === "string") expect(line).to.equal(`error: ${message}`);
      else expect(line).to.match(message);
      expect(h.stacks.history.filter((e) => e.project === RESTORE_PROJECT && e.verb !== "select")).to.deep.equal([]);
      await expectNothingLeftBehind();
    };

    it("a bad --validate-with or --validate-timeout, or a timeout with nothing to time", async () => {
      await refusedWith(["--validate-with", "script:/opt/v"], '--validate-with is "script:/opt/v", but it must be command:<path to an executable>, lambda:<function name or ARN> or bundled.');
      await refusedWith(["--validate-with", "lambda:"], /^error: --validate-with "lambda:" names no function/);
      await refusedWith(["--validate-with", "bundled", "--validate-timeout", "15"], /^error: Invalid --validate-timeout "15": it has no unit/);
      await refusedWith(["--validate-timeout", "5m"], "--validate-timeout 5m times a data validation, but there is none: pass --validate-with, or set validationWith in the config of stack dev and deploy it.");
    });

    it("an executable that is missing or not executable (pre-flight), also when it comes from the environment", async () => {
      const missing = path.join(dir, "missing");
      await refusedWith(["--validate-with", `command:${missing}`], `The validation hook names ${missing}, which does not exist; give the path of the validator executable.`);
      const plain = path.join(dir, "plain");
      fs.writeFileSync(plain, "#!/bin/sh\n", { mode: 0o644 });
      await refusedWith(["--validate-with", `command:${plain}`], `The validation hook names ${plain}, which is not executable; make it so with chmod +x ${plain}.`);
      await h.configureValidation({ validationWith: `command:${missing}` });
      await refusedWith([], `The validation hook names ${missing}, which does not exist; give the path of the validator executable.`);
    });

    it("a Lambda function that does not exist (moto's answer)", async () => {
      await refusedWith(["--validate-with", "lambda:no-such-validator"], "The validation hook lambda:no-such-validator names a function that does not exist in this account and region; check the name and --region.");
    });

    it("--validate-with or --validate-timeout beside --resume", async () => {
      await refusedWith(["--resume", drillId, "--validate-with", "bundled", "--validate-timeout", "1m"], `--resume ${drillId} continues with the data validation it recorded when it started; drop --validate-with and --validate-timeout.`);
    });

    it("the bundled validator for an environment that exports no API network", async () => {
      const env = await h.stacks.select({ project: ENVIRONMENT_PROJECT, stack: "dev" });
      const outputs = JSON.parse((await env.getConfig("test.outputs"))!);
      delete outputs.apiSubnetIds;
      await env.setConfig("test.outputs", JSON.stringify(outputs));
      await env.up();
      h.stacks.clearHistory();
      await refusedWith(["--validate-with", "bundled"], /^error: --validate-with bundled runs the SQL validator in the environment's private subnets with the checks of its config, but stack dev has no apiSubnetIds output/);
    });
  });
});
