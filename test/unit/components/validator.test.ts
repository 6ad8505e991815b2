import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { parseSqlChecks } from "../../../contracts/validation-config";
import { InvalidConfigError } from "../../../components/errors";
import { Validator, ValidatorArgs, validatorPolicyDocument } from "../../../components/validator";
import { buildValidatorBundle } from "../../../components/validator-bundle";
import { messageOf } from "../../support/expect-error";
import { runProgram } from "../../support/pulumi-mocks";
import { usageRefusal } from "../../../automation/errors";

const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-5f0c2a7e-AbCdEf";
const checks = parseSqlChecks({ validationMinRows: ["dbo.Players>=1000"], validationFreshnessColumns: ["dbo.Matches.endedAt"], validationCheckDb: true }, { defaultDatabase: "gametracker", refuse: usageRefusal });
const baseArgs: ValidatorArgs = {
  functionName: "dev-drill-202611251200k3x9-validator",
  subnetIds: ["subnet-a", "subnet-b"],
  securityGroupId: "sg-api",
  secretArn: SECRET,
  checks,
  tags: { "gametracker:environment": "dev" },
};

type Statement = { Effect: string; Action: string | string[]; Resource: string | string[] };
/** Whether a policy allows `action` on `arn`; the validator's policy has no wildcards, so a resource matches only by equality. */
function grants(policy: { Statement: Statement[] }, action: string, arn: string): boolean {
  return policy.Statement.some((s) => s.Effect === "Allow" && [s.Action].flat().includes(action) && [s.Resource].flat().includes(arn));
}

describe("Validator (bundled SQL validator)", () => {
  describe("secret permission (pure)", () => {
    it("grants GetSecretValue on exactly the one secret, and nothing else", () => {
      const policy = validatorPolicyDocument(SECRET) as { Statement: Statement[] };
      expect(policy.Statement).to.deep.equal([{ Sid: "ReadTheRestoredDatabaseSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: SECRET }]);
      expect(JSON.stringify(policy)).to.not.match(/[*?]/);
      expect(grants(policy, "secretsmanager:GetSecretValue", SECRET)).to.equal(true);
      for (const other of [
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0c9d1e2f-ZyXwVu",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-5f0c2a7e-AbCdEf-2",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-5f0c2a7e-AbCdEf",
        "arn:aws:secretsmanager:us-east-1:999999999999:secret:rds!db-5f0c2a7e-AbCdEf",
      ]) {
        expect(grants(policy, "secretsmanager:GetSecretValue", other), other).to.equal(false);
      }
      expect(grants(policy, "secretsmanager:PutSecretValue", SECRET)).to.equal(false);
    });

    it("refuses a pattern or anything that is not one secret's ARN", () => {
      for (const arn of ["arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-*", "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-?", "*", "", "arn:aws:s3:::bucket"]) {
        expect(messageOf(() => validatorPolicyDocument(arn), InvalidConfigError)).to.include("must be the full ARN of one Secrets Manager secret, without wildcards");
      }
    });
  });

  describe("component (mocks)", () => {
    it("registers role, VPC access, the secret policy, a log group and the function, all its children", async () => {
      const run = await runProgram(() => {
        const validator = new Validator("validator", baseArgs);
        return { name: validator.functionName, arn: validator.functionArn, role: validator.roleArn };
      });
      const component = run.one("gametracker:validation:Validator");
      const children = run.resources.filter((r) => r !== component);
      expect(children.map((r) => [r.type, r.name]).sort()).to.deep.equal(
        [
          ["aws:cloudwatch/logGroup:LogGroup", "validator-logs"],
          ["aws:iam/role:Role", "validator-role"],
          ["aws:iam/rolePolicy:RolePolicy", "validator-secret-access"],
          ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "validator-vpc-access"],
          ["aws:lambda/function:Function", "validator-function"],
        ].sort(),
      );
      for (const r of children) expect(r.parent, r.name).to.equal(component.urn);

      const fn = run.one("aws:lambda/function:Function");
      expect(fn.inputs).to.include({ name: baseArgs.functionName, runtime: "nodejs22.x", handler: "index.handler", memorySize: 256, timeout: 900 });
      expect(fn.inputs.vpcConfig).to.deep.equal({ subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-api"] });
      expect(fn.inputs.environment.variables).to.deep.equal({
        NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
        GAMETRACKER_VALIDATION_CHECKS: JSON.stringify({ validationDatabase: "gametracker", validationMinRows: ["dbo.Players>=1000"], validationFreshnessColumns: ["dbo.Matches.endedAt"], validationCheckDb: true }),
      });
      expect(fn.inputs.role).to.equal(run.outputs.role);
      expect(fn.inputs.tags).to.deep.equal({ "gametracker:environment": "dev", "gametracker:component": "validator" });
      expect(run.outputs).to.deep.include({ name: baseArgs.functionName, arn: `arn:aws:lambda:us-east-1:123456789012:function:${baseArgs.functionName}` });

      expect(run.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn).to.equal("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole");
      expect(JSON.parse(run.one("aws:iam/rolePolicy:RolePolicy").inputs.policy)).to.deep.equal(validatorPolicyDocument(SECRET));
      expect(JSON.parse(run.one("aws:iam/role:Role").inputs.assumeRolePolicy).Statement).to.deep.equal([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
      expect(run.one("aws:cloudwatch/logGroup:LogGroup").inputs).to.include({ name: `/aws/lambda/${baseArgs.functionName}`, retentionInDays: 14 });
    });

    it("scopes the policy to a secret ARN known only at deploy time (another resource's output)", async () => {
      const restoredArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-restored-QwErTy";
      const secretBehaviour = (args: { type: string; inputs: Record<string, unknown> }) =>
        args.type === "aws:secretsmanager/secret:Secret" ? { id: "restored-secret", state: { ...args.inputs, arn: restoredArn } } : undefined;
      const run = await runProgram(
        () => {
          const secret = new aws.secretsmanager.Secret("restored-secret", { name: "rds!db-restored" });
          return new Validator("validator", { ...baseArgs, secretArn: secret.arn });
        },
        { behaviours: [secretBehaviour] },
      );
      const policy = JSON.parse(run.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
      expect(grants(policy, "secretsmanager:GetSecretValue", restoredArn)).to.equal(true);
      expect(grants(policy, "secretsmanager:GetSecretValue", SECRET)).to.equal(false);
    });

    it("puts no password anywhere it registers (the code aside, which reads one at run time)", async () => {
      const run = await runProgram(() => new Validator("validator", baseArgs));
      for (const r of run.resources) {
        const { code: _code, ...inputs } = r.inputs;
        expect(JSON.stringify(inputs), r.name).to.not.match(/password|hunter|pwd=/i);
      }
    });

    it("uploads the bundle built now from the handler in the tree, which Node loads", async () => {
      const run = await runProgram(() => new Validator("validator", baseArgs));
      const code = run.one("aws:lambda/function:Function").inputs.code;
      expect(pulumi.asset.AssetArchive.isInstance(code)).to.equal(true);
      const assets = await (code as pulumi.asset.AssetArchive).assets;
      expect(Object.keys(assets)).to.deep.equal(["index.js"]);
      const text = await (assets["index.js"] as pulumi.asset.StringAsset).text;
      expect(text).to.equal(await buildValidatorBundle());
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gt-validator-")), "index.js");
      fs.writeFileSync(file, text);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(typeof require(file).handler).to.equal("function");
    });

    it("takes memory, timeout and log retention, and refuses what Lambda would", async () => {
      const run = await runProgram(() => new Validator("v", { ...baseArgs, memorySize: 512, timeoutSeconds: 300, logRetentionDays: 30 }));
      expect(run.one("aws:lambda/function:Function").inputs).to.include({ memorySize: 512, timeout: 300 });
      expect(run.one("aws:cloudwatch/logGroup:LogGroup").inputs).to.include({ retentionInDays: 30 });
      let message = "";
      const refused = await runProgram(() => {
        message = messageOf(() => new Validator("v", { ...baseArgs, timeoutSeconds: 901 }), InvalidConfigError);
      });
      expect(message).to.equal("The validator's timeoutSeconds is 901, but Lambda allows 1-900 seconds.");
      expect(refused.resources, "nothing registered, not even the component").to.deep.equal([]);
      expect(messageOf(() => new Validator("v", { ...baseArgs, functionName: "x".repeat(65) }), InvalidConfigError)).to.include("a Lambda function name is 1-64 letters, digits, - or _");
      expect(messageOf(() => new Validator("v", { ...baseArgs, secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-*" }), InvalidConfigError)).to.include("without wildcards");
    });
  });
});
