import { expect } from "chai";
import { restoreProgram } from "../../../automation/restore/program";
import { encodeRestoreSpec, RestoreSpec, SPEC_CONFIG_KEY } from "../../../automation/restore/spec";
import { parseSqlChecks } from "../../../contracts/validation-config";
import type { ValidationPlan } from "../../../automation/validation/plan";
import { validatorFunctionName } from "../../../components/validator";
import { RESTORE_PROJECT, RestoreOutputNames } from "../../../contracts/stacks";
import { runProgram } from "../../support/pulumi-mocks";
import { drillRestoreSpec } from "../../support/restore-spec";
import { usageRefusal } from "../../../automation/errors";

/**
 * `--validate-with bundled` as the restore program deploys it (mocks): the Validator
 * beside the restored instance, in the spec's subnets with the API's security group,
 * allowed to read that instance's secret and no other, its name the stack's output.
 */

const INSTANCE = "aws:rds/instance:Instance";
const FUNCTION = "aws:lambda/function:Function";
const checks = parseSqlChecks({ validationMinRows: ["dbo.Players>=1000"], validationCheckDb: true }, { defaultDatabase: "gametracker", refuse: usageRefusal });
const bundled: ValidationPlan = { hook: { kind: "bundled" }, timeoutMs: 10 * 60_000, bundled: { subnetIds: ["subnet-private-a", "subnet-private-b"], securityGroupId: "sg-api", checks } };
const stack = (s: RestoreSpec) => `dev-drill-${s.drillId}`;
const run = (s: RestoreSpec) => runProgram(restoreProgram, { project: RESTORE_PROJECT, stack: stack(s), config: { [SPEC_CONFIG_KEY]: encodeRestoreSpec(s) } });

describe("bundled validator in the restore program (mocks)", () => {
  it("deploys the Validator beside the instance: the spec's subnets, the API's group, permission on exactly that instance's secret", async () => {
    const spec = drillRestoreSpec({ validation: bundled });
    const result = await run(spec);
    const instance = result.one(INSTANCE);
    const secretArn = result.outputs[RestoreOutputNames.secretArn] as string;
    // The secret is the one RDS made for this instance (the mocks' state of its masterUserSecrets).
    expect(secretArn).to.equal(instance.state.masterUserSecrets[0].secretArn);

    const policy = JSON.parse(result.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
    expect(policy.Statement).to.deep.equal([{ Sid: "ReadTheRestoredDatabaseSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn }]);

    const fn = result.one(FUNCTION);
    expect(fn.inputs.name).to.equal(`${stack(spec)}-validator`);
    expect(fn.inputs.vpcConfig).to.deep.equal({ subnetIds: ["subnet-private-a", "subnet-private-b"], securityGroupIds: ["sg-api"] });
    // The function gives up no later than the drill stops waiting for it.
    expect(fn.inputs.timeout).to.equal(600);
    expect(JSON.parse(fn.inputs.environment.variables.GAMETRACKER_VALIDATION_CHECKS)).to.deep.equal({
      validationDatabase: "gametracker",
      validationMinRows: ["dbo.Players>=1000"],
      validationFreshnessColumns: [],
      validationCheckDb: true,
    });
    // Tagged like the instance, so it is recognisably this drill's.
    expect(fn.inputs.tags).to.include({ "gametracker:drill-id": spec.drillId, "gametracker:environment": "dev", "gametracker:component": "validator" });
    expect(result.outputs[RestoreOutputNames.validatorFunctionName]).to.equal(`${stack(spec)}-validator`);
    // The instance is what it is without a validator.
    expect(instance.inputs).to.deep.equal((await run(drillRestoreSpec())).one(INSTANCE).inputs);
  });

  it("deploys no validator for another hook or none, and says so with an empty output", async () => {
    for (const validation of [undefined, { hook: { kind: "command" as const, path: "/opt/v" }, timeoutMs: 60_000 }]) {
      const result = await run(drillRestoreSpec(validation ? { validation } : {}));
      expect(result.ofType(FUNCTION)).to.deep.equal([]);
      expect(result.ofType("gametracker:validation:Validator")).to.deep.equal([]);
      expect(result.outputs[RestoreOutputNames.validatorFunctionName]).to.equal("");
    }
  });

  it("caps the function's timeout at Lambda's 15 minutes", async () => {
    const result = await run(drillRestoreSpec({ validation: { ...bundled, timeoutMs: 2 * 3600_000 } }));
    expect(result.one(FUNCTION).inputs.timeout).to.equal(900);
  });

  it("names the function after its stack, unique and within Lambda's 64 characters", () => {
    expect(validatorFunctionName("dev-drill-202611251200k3x9")).to.equal("dev-drill-202611251200k3x9-validator");
    const long = `${"a-very-long-environment-name".repeat(2)}-drill-202611251200k3x9`;
    const other = `${"a-very-long-environment-name".repeat(2)}-drill-202611251200zzzz`;
    const [a, b] = [validatorFunctionName(long), validatorFunctionName(other)];
    for (const name of [a, b]) expect(name).to.match(/^[A-Za-z0-9_-]{1,64}$/).and.match(/-validator$/);
    expect(a.length).to.equal(64);
    expect(a).to.not.equal(b);
    expect(validatorFunctionName("dev.x")).to.equal("dev-x-validator");
  });
});
