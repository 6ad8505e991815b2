/**
 * Data validation (issue 13) through the real engine: drills of the environment deployed
 * by the REAL program from Pulumi.dev.yaml, whose restore stacks the engine creates and
 * destroys through the stand-in providers in moto. The command hook is a real executable;
 * the bundled validator is deployed by the engine into moto and run, from the very zip
 * the stand-in uploaded, by the test-only Lambda runtime (moto cannot run code). Every
 * verdict comes from what a validator did; state is asserted in moto and in the backend.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, ListRolesCommand } from "@aws-sdk/client-iam";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DrillReport } from "../../automation/drill/report";
import { checkIdsFor } from "../../automation/restore/verify";
import type { ValidationRequest } from "../../contracts/validation-exchange";
import { EnvironmentOutputNames, RESTORE_PROJECT, RestoreOutputNames } from "../../contracts/stacks";
import { LAMBDA_CA_BUNDLE, MAX_LAMBDA_TIMEOUT_SECONDS } from "../../components/validator";
import { useDeployedEnvironment } from "../support/engine/deployed-environment";
import { MotoLambdaRuntime } from "../support/lambda-runtime";
import { applyIamMotoGaps } from "../support/moto-gaps";
import { primaryFingerprint } from "../support/rds-fixtures";
import { STEPS_FAILED_AT_VALIDATE, validatorScript } from "../support/validation";
import { uploadedCodeDir } from "./standin/control";

const SNAPSHOT = "gametracker-manual-backup-v1";
const VPC_ACCESS_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
const PASS = JSON.stringify({ status: "pass", checks: [{ name: "dbo.Players has at least 1000 rows", expected: ">= 1000 rows", actual: "at least 1000 rows", ok: true }], dataTime: "2026-01-01T00:00:00Z" });
const FAIL = JSON.stringify({ status: "fail", checks: [{ name: "dbo.Players has at least 1000 rows", expected: ">= 1000 rows", actual: "12 rows", ok: false }] });

describe("engine scenarios: data validation in drills of the deployed dev environment", function () {
  this.timeout(10 * 60_000);
  const world = useDeployedEnvironment("dev");
  const primary = () => String(world.out(EnvironmentOutputNames.databaseIdentifier));
  let dir: string;
  let lambda: LambdaClient;
  let iam: IAMClient;
  let logs: CloudWatchLogsClient;
  let secrets: SecretsManagerClient;
  let runtime: MotoLambdaRuntime;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gt-engine-validation-"));
    const endpoint = { endpoint: world.engine.motoEndpoint, region: "us-east-1" };
    lambda = new LambdaClient(endpoint);
    iam = new IAMClient(endpoint);
    // As the stand-in sees IAM: moto here has no AWS managed policies, the gap behaviour attaches a copy and reads it back by the AWS ARN.
    applyIamMotoGaps(iam);
    logs = new CloudWatchLogsClient(endpoint);
    secrets = new SecretsManagerClient(endpoint);
  });
  beforeEach(() => {
    // The code moto holds for the validator was uploaded by the stand-in's plugin process, not by the CLI's clients.
    runtime = new MotoLambdaRuntime(() => lambda, { uploadedCodeDir: uploadedCodeDir(world.engine.levers.dir) });
  });
  afterEach(() => runtime.cleanup());
  after(() => {
    for (const c of [lambda, iam, logs, secrets]) c?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const instances = async () => ((await world.aws().rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((i) => i.DBInstanceIdentifier!).sort();
  const restoreStacks = async () => (await world.stacks().list(RESTORE_PROJECT)).map((s) => s.name).sort();
  const functions = async () => ((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName!).sort();
  const roles = async () => ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName!).sort();
  const logGroups = async () => ((await logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map((g) => g.logGroupName!).sort();
  const password = async (secretArn: string) => JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!).password as string;
  const drill = (argv: string[], extra: Parameters<typeof world.run>[1] = {}) =>
    world.run(["drill", "--stack", "dev", "--from", `snapshot:${SNAPSHOT}`, "--json", ...argv], { middleware: runtime.middleware, ...extra });

  /** What the environment had before any drill of this describe: the restore stacks' resources must leave exactly this. */
  let baseline: { functions: string[]; roles: string[]; logGroups: string[]; primary: unknown };
  before(async () => {
    baseline = { functions: await functions(), roles: await roles(), logGroups: await logGroups(), primary: await primaryFingerprint(world.aws().rds, primary()) };
  });

  async function expectNothingLeftBehind(): Promise<void> {
    expect(await restoreStacks(), "restore stacks in the backend").to.deep.equal([]);
    expect(await instances(), "instances in moto").to.deep.equal([primary()]);
    expect(await functions(), "functions in moto").to.deep.equal(baseline.functions);
    expect(await roles(), "roles in moto").to.deep.equal(baseline.roles);
    expect(await logGroups(), "log groups in moto").to.deep.equal(baseline.logGroups);
    expect(await primaryFingerprint(world.aws().rds, primary())).to.deep.equal(baseline.primary);
  }

  describe("the command hook", () => {
    it("gets the restored endpoint and the secret's ARN (never a password), and its checks join the built-in ones in the report, with the data RPO", async () => {
      const received = path.join(dir, "request.json");
      const hook = validatorScript(dir, "validate", `cat > "${received}"\nprintf '%s' '${PASS}'`);
      // The restored instance's password, read from moto while the instance exists (its secret goes with it), to prove it appears nowhere.
      const hold = world.engine.levers.hold({ op: "delete", type: "aws:rds/instance:Instance", preview: false });
      const running = drill(["--validate-with", `command:${hook}`]);
      let secret = "";
      try {
        await hold.reached(5 * 60_000);
        secret = await password((JSON.parse(fs.readFileSync(received, "utf8")) as ValidationRequest).secretArn);
      } finally {
        hold.release();
      }
      const result = await running;
      expect(result.code, result.stderr).to.equal(0);
      const report = result.json<DrillReport>();
      expect(report.outcome).to.equal("passed");
      expect(report.steps.map((s) => [s.name, s.status])).to.deep.equal(["choose", "restore", "verify", "validate", "assets", "report", "cleanup"].map((s) => [s, s === "assets" ? "skipped" : "ok"]));
      expect(report.steps.find((s) => s.name === "validate")?.note).to.match(new RegExp(`^command:${hook} answered pass \\(1 checks\\) in `));
      expect(report.checks.map((c) => [c.id, c.status])).to.deep.equal([...checkIdsFor("drill"), "validation", "validation-dbo-players-has-at-least-1000-rows"].map((id) => [id, "pass"]));
      const pointTime = Date.parse(report.recoveryPoint!.time);
      expect(report.validation).to.deep.include({
        hook: `command:${hook}`,
        passed: true,
        dataTime: "2026-01-01T00:00:00.000Z",
        dataRpoSeconds: Math.round((pointTime - Date.parse("2026-01-01T00:00:00Z")) / 1000),
      });

      // The request names the instance the engine restored (as the backend recorded it) and where its credentials are.
      const request = JSON.parse(fs.readFileSync(received, "utf8")) as ValidationRequest;
      expect(request).to.deep.include({ drillId: report.drillId, endpoint: { address: report.endpoint!.address, port: report.endpoint!.port }, secretArn: report.secretArn });
      expect(request.recoveryPoint).to.deep.include({ kind: "snapshot", source: `snapshot:${SNAPSHOT}` });
      expect(request.engine).to.match(/^sqlserver-/);
      expect(report.endpoint!.address).to.match(new RegExp(`^${report.targetInstance}\\.`));
      expect(Object.keys(request)).to.not.include("password");
      expect(secret).to.have.length.greaterThan(8);
      for (const text of [fs.readFileSync(received, "utf8"), result.stdout, result.stderr]) expect(text).to.not.include(secret);
      await expectNothingLeftBehind();
    });

    it("a fail answer fails the drill at validate (exit 1), with the failed check beside the passed built-in ones; cleanup still destroys the restore stack", async () => {
      const hook = validatorScript(dir, "fail", `cat >/dev/null\nprintf '%s' '${FAIL}'`);
      const result = await drill(["--validate-with", `command:${hook}`]);
      expect(result.code, result.stderr).to.equal(1);
      const report = result.json<DrillReport>();
      expect(report).to.deep.include({ outcome: "failed", failedStep: "validate" });
      expect(report.error).to.match(new RegExp(`^data validation failed: command:${hook} answered fail \\(1 of 1 checks failed\\) in `));
      expect(report.steps.map((s) => [s.name, s.status])).to.deep.equal(STEPS_FAILED_AT_VALIDATE);
      expect(report.checks.map((c) => [c.id, c.status])).to.deep.equal([
        ...checkIdsFor("drill").map((id) => [id, "pass"]),
        ["validation", "fail"],
        ["validation-dbo-players-has-at-least-1000-rows", "fail"],
      ]);
      expect(report.checks.at(-1)?.actual).to.equal("12 rows");
      expect(report.validation).to.deep.include({ hook: `command:${hook}`, passed: false });
      expect(report.cleanup.status).to.equal("destroyed");
      await expectNothingLeftBehind();
    });
  });

  describe("the bundled validator", () => {
    it("is deployed by the engine with the restore stack, invoked with the restored instance, reports honestly that it cannot reach SQL Server, and is destroyed with the stack", async () => {
      const result = await drill(["--validate-with", "bundled"]);
      // No SQL Server answers anywhere here (moto's endpoints are in no DNS): the validator can only fail, and says why.
      expect(result.code, result.stderr).to.equal(1);
      const report = result.json<DrillReport>();
      const stack = report.restoreStack.split("/").pop()!;
      const name = `${stack}-validator`;
      expect(report).to.deep.include({ outcome: "failed", failedStep: "validate" });
      expect(report.steps.map((s) => [s.name, s.status])).to.deep.equal(STEPS_FAILED_AT_VALIDATE);
      expect(report.validation).to.deep.include({ hook: `the bundled SQL validator (Lambda function ${name})`, passed: false });
      // It ran, from the code the engine deployed, with the request for the restored instance.
      expect(runtime.invocations.map((i) => i.functionName)).to.deep.equal([name]);
      expect(runtime.invocations[0]!.event).to.deep.include({ drillId: report.drillId, secretArn: report.secretArn, endpoint: { address: report.endpoint!.address, port: report.endpoint!.port } });
      expect(report.checks.slice(0, checkIdsFor("drill").length).map((c) => [c.id, c.status])).to.deep.equal(checkIdsFor("drill").map((id) => [id, "pass"]));
      const connect = report.checks.find((c) => c.name.startsWith(`connect to ${report.endpoint!.address}:1433`));
      expect(connect?.status, JSON.stringify(report.checks)).to.equal("fail");
      // Reading the secret came first and worked: the failure is the connection, by name.
      expect(connect?.actual).to.match(/ENOTFOUND/);
      expect(report.cleanup.status).to.equal("destroyed");
      await expectNothingLeftBehind();
    });

    it("as deployed (--keep): the engine's Lambda in the API's private subnets with its security group, a role that may read only the restored instance's secret; then cleanup removes them all", async () => {
      const result = await drill(["--validate-with", "bundled", "--keep"]);
      expect(result.code, result.stderr).to.equal(1);
      const report = result.json<DrillReport>();
      expect(report).to.deep.include({ outcome: "failed", failedStep: "validate" });
      expect(report.cleanup.status).to.equal("kept");
      const stack = report.restoreStack.split("/").pop()!;
      const name = `${stack}-validator`;

      // In moto, as the stand-in created it from the engine's inputs.
      const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      expect(config.VpcConfig?.SubnetIds?.slice().sort()).to.deep.equal((world.out(EnvironmentOutputNames.apiSubnetIds) as string[]).slice().sort());
      expect(config.VpcConfig?.SecurityGroupIds).to.deep.equal([world.out(EnvironmentOutputNames.apiSecurityGroupId)]);
      expect(config.Timeout).to.equal(MAX_LAMBDA_TIMEOUT_SECONDS);
      expect(config.Runtime).to.match(/^nodejs/);
      expect(config.Environment?.Variables?.NODE_EXTRA_CA_CERTS).to.equal(LAMBDA_CA_BUNDLE);
      const roleName = config.Role!.split("/").pop()!;
      expect((await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.Arn).to.equal(config.Role);
      expect(((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []).map((p) => p.PolicyArn)).to.deep.equal([VPC_ACCESS_POLICY]);
      const inline = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
      expect(inline).to.have.length(1);
      const document = (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: inline[0]! }))).PolicyDocument!;
      expect(JSON.parse(decodeURIComponent(document))).to.deep.equal({
        Version: "2012-10-17",
        Statement: [{ Sid: "ReadTheRestoredDatabaseSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: report.secretArn }],
      });
      expect(await logGroups()).to.include(`/aws/lambda/${name}`);

      // In the backend: the engine's record of the same resources, and the stack's output naming the function.
      const state = await world.engine.exportStack(RESTORE_PROJECT, stack);
      const byType = (type: string) => state.resources.filter((r) => r.type === type);
      expect(byType("gametracker:validation:Validator")).to.have.length(1);
      expect(byType("aws:lambda/function:Function").map((r) => r.id)).to.deep.equal([name]);
      expect(byType("aws:iam/role:Role").map((r) => r.id)).to.deep.equal([roleName]);
      expect(byType("aws:iam/rolePolicy:RolePolicy").map((r) => r.id)).to.deep.equal([`${roleName}:${inline[0]}`]);
      expect(byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.have.length(1);
      const root = state.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
      expect(root.outputs?.[RestoreOutputNames.validatorFunctionName]).to.equal(name);

      // The secret's value was never printed, by the drill or by the validator that read it.
      expect(runtime.invocations.map((i) => i.functionName)).to.deep.equal([name]);
      const secret = await password(report.secretArn!);
      expect(secret).to.have.length.greaterThan(8);
      for (const text of [result.stdout, result.stderr, runtime.logs()]) expect(text).to.not.include(secret);

      world.clock.advance(3 * 3600_000);
      const cleaned = await world.run(["cleanup", "--older-than", "1h", "--yes", "--json"]);
      expect(cleaned.code, cleaned.stderr).to.equal(0);
      expect(cleaned.json<{ items: Array<{ name: string; action: string }> }>().items.find((i) => i.name === stack)?.action).to.equal("destroy-stack");
      await expectNothingLeftBehind();
    });
  });
});
