import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { IAMClient } from "@aws-sdk/client-iam";
import type { AwsClients } from "../../automation/aws/clients";
import { parseSqlChecks, encodeSqlChecks } from "../../contracts/validation-config";
import type { ValidationAnswer, ValidationRequest } from "../../contracts/validation-exchange";
import { runLambdaHook } from "../../automation/validation/lambda-hook";
import { summarizeValidation } from "../../automation/validation/verdict";
import { ValidatorEnvironment } from "../../components/validator-lambda/environment";
import { Validator } from "../../components/validator";
import { buildValidatorBundle } from "../../components/validator-bundle";
import { useEmulator } from "../support/emulator";
import { MotoLambdaRuntime } from "../support/lambda-runtime";
import { freePort } from "../support/moto";
import { iamRoleLifecycle, lambdaFunctionLifecycle } from "../support/moto-behaviours";
import type { ResourceLifecycle } from "../support/memory-stacks/lifecycle";
import { runProgram, ResourceBehaviour } from "../support/pulumi-mocks";
import { sampleRequest } from "../support/validation";
import { usageRefusal } from "../../automation/errors";

/**
 * The bundled SQL validator as it ships: the bundle esbuild builds at deploy time, loaded
 * by Node, reading a real secret from moto's Secrets Manager. No SQL Server runs here, so
 * every server below is unreachable (a closed port on 127.0.0.1): what is proven is that
 * the validator gets as far as connecting, answers `fail` with the reason instead of
 * throwing, and never prints or returns the password.
 */

const PASSWORD = "Pw-7f3a9c!unique-in-this-test";
const checks = parseSqlChecks({ validationMinRows: ["dbo.Players>=1000"], validationFreshnessColumns: ["dbo.Matches.endedAt"] }, { defaultDatabase: "gametracker", refuse: usageRefusal });

type Handler = (event: unknown, context?: { getRemainingTimeInMillis(): number }) => Promise<ValidationAnswer>;

/** Runs the lifecycles of moto-behaviours as Pulumi mocks behaviours, so a component's resources land in moto. */
function inMoto(lifecycles: ResourceLifecycle[]): ResourceBehaviour[] {
  return lifecycles.map((l) => (args) => (args.type === l.type ? l.create(args.inputs, { stack: { project: "gametracker-restore", stack: "dev-drill-1" }, type: args.type, name: args.name, config: {} }) : undefined));
}

describe("bundled SQL validator (bundle loaded by Node, secret in moto)", function () {
  this.timeout(30_000);
  const emulator = useEmulator();
  let secrets: SecretsManagerClient;
  let handler: Handler;
  let unreachable: number;

  before(async function () {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gt-bundle-")), "index.js");
    fs.writeFileSync(file, await buildValidatorBundle());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = require(file).handler;
    unreachable = await freePort();
  });
  beforeEach(() => {
    secrets = new SecretsManagerClient({ endpoint: emulator.endpoint(), region: "us-east-1" });
    process.env[ValidatorEnvironment.checks] = encodeSqlChecks(checks);
  });
  afterEach(() => {
    secrets.destroy();
    delete process.env[ValidatorEnvironment.checks];
  });

  async function secret(value: string, name = "rds!db-5f0c2a7e"): Promise<string> {
    return (await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }))).ARN!;
  }

  function request(secretArn: string, port = unreachable): ValidationRequest {
    return sampleRequest({ address: "127.0.0.1", port }, secretArn);
  }

  /** Calls the handler with everything it prints captured. */
  async function call(event: unknown): Promise<{ answer: ValidationAnswer; printed: string }> {
    let printed = "";
    const write = (chunk: unknown) => {
      printed += String(chunk);
      return true;
    };
    const out = process.stdout.write;
    const err = process.stderr.write;
    process.stdout.write = write as typeof process.stdout.write;
    process.stderr.write = write as typeof process.stderr.write;
    try {
      return { answer: await handler(event, { getRemainingTimeInMillis: () => 60_000 }), printed };
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
  }

  it("exports a handler that reads the secret, fails to connect, and answers fail with the reason", async () => {
    const arn = await secret(JSON.stringify({ username: "admin", password: PASSWORD, engine: "sqlserver", port: 1433 }));
    const { answer, printed } = await call(request(arn));
    expect(answer.status).to.equal("fail");
    expect(answer.checks).to.have.length(1);
    expect(answer.checks[0]).to.include({ name: `connect to 127.0.0.1:${unreachable} over TLS with the master user`, expected: "connected, server certificate verified", ok: false });
    expect(answer.checks[0]!.actual).to.match(/ECONNREFUSED/);
    expect(JSON.stringify(answer) + printed).to.not.include(PASSWORD);
  });

  it("answers fail, not an exception, for a missing secret, a secret that holds no credentials, and a bad request", async () => {
    const missing = await call(request("arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-gone-AbCdEf"));
    expect(missing.answer.status).to.equal("fail");
    expect(missing.answer.checks[0]).to.include({ name: "read the master-user secret", ok: false });
    expect(missing.answer.checks[0]!.actual).to.match(/^Could not read the database secret arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-gone-AbCdEf: AWS answered ResourceNotFoundException/);

    const plain = await secret(`just-the-password ${PASSWORD}`, "not-json");
    const notCredentials = await call(request(plain));
    expect(notCredentials.answer.checks[0]!.actual).to.equal(`Secret ${plain} holds no RDS master-user credentials (its value is not JSON with a username and a password).`);
    expect(JSON.stringify(notCredentials)).to.not.include(PASSWORD);

    expect((await call({ drillId: "x" })).answer).to.deep.equal({
      status: "fail",
      checks: [{ name: "read the validation request", expected: "a validation request", actual: "secretArn must be a non-empty string", ok: false }],
    });
  });

  it("answers fail when deployed without readable checks", async () => {
    process.env[ValidatorEnvironment.checks] = JSON.stringify({ validationDatabase: "gametracker", validationMinRows: ["Players>=1"] });
    const { answer } = await call(request(await secret(JSON.stringify({ username: "admin", password: PASSWORD }))));
    expect(answer.checks[0]).to.include({ name: `read the checks from ${ValidatorEnvironment.checks}`, ok: false });
    expect(answer.checks[0]!.actual).to.include("validationMinRows[0]");
  });

  describe("deployed as the Validator component into moto and invoked through the Lambda hook", () => {
    let runtime: MotoLambdaRuntime;
    let clients: AwsClients;
    let iam: IAMClient;
    beforeEach(() => {
      runtime = new MotoLambdaRuntime(() => clients.lambda);
      clients = emulator.clients({ middleware: runtime.middleware });
      iam = new IAMClient({ endpoint: emulator.endpoint(), region: "us-east-1" });
    });
    afterEach(() => {
      runtime.cleanup();
      iam.destroy();
    });

    it("runs the uploaded bundle, which answers fail for the unreachable server, with no password anywhere", async () => {
      const arn = await secret(JSON.stringify({ username: "admin", password: PASSWORD }));
      const run = await runProgram(
        () => {
          const validator = new Validator("validator", { functionName: "dev-drill-1-validator", subnetIds: ["subnet-a"], securityGroupId: "sg-api", secretArn: arn, checks, timeoutSeconds: 20 });
          return { name: validator.functionName };
        },
        { behaviours: inMoto([iamRoleLifecycle(iam), lambdaFunctionLifecycle(() => clients)]) },
      );
      const deployed = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: run.outputs.name }));
      expect(deployed.Environment?.Variables).to.deep.equal({ NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem", [ValidatorEnvironment.checks]: encodeSqlChecks(checks) });
      delete process.env[ValidatorEnvironment.checks]; // the function must get its checks from its own environment

      const outcome = await runLambdaHook(clients.lambda, run.outputs.name, request(arn));
      if (outcome.kind !== "answered") expect.fail(`expected an answer, got ${JSON.stringify(outcome)}`);
      expect(outcome.answer.status).to.equal("fail");
      expect(outcome.answer.checks[0]!.actual).to.match(/ECONNREFUSED/);
      const summary = summarizeValidation(outcome, { hook: "the bundled SQL validator", recoveryPointTime: new Date("2026-11-25T09:00:00Z"), durationMs: 1200 });
      expect(summary.passed).to.equal(false);
      expect(summary.checks.map((c) => [c.id, c.status])).to.deep.equal([
        ["validation", "fail"],
        [`validation-connect-to-127-0-0-1-${unreachable}-over-tls-with-the-master-user`, "fail"],
      ]);
      expect(runtime.invocations).to.have.length(1);
      expect(JSON.stringify(outcome) + JSON.stringify(summary) + runtime.logs() + JSON.stringify(deployed)).to.not.include(PASSWORD);
    });
  });
});
