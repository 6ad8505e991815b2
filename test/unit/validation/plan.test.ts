import { expect } from "chai";
import { UsageError, usageRefusal } from "../../../automation/errors";
import { decodeRestoreSpec, encodeRestoreSpec } from "../../../automation/restore/spec";
import { exportValidationSettings, parseValidationSettings } from "../../../contracts/validation-config";
import { checkValidationRegion, decodeValidationPlan, encodeValidationPlan, planValidation, ValidationPlan } from "../../../automation/validation/plan";
import { messageOf } from "../../support/expect-error";
import { drillRestoreSpec } from "../../support/restore-spec";

/** The environment as deployed-environment.ts reads it from a stack whose program exported these settings. */
function deployed(config: Record<string, unknown> = {}, network = { apiSubnetIds: ["subnet-a", "subnet-b"], apiSecurityGroupId: "sg-api" }) {
  return { stack: "dev", validation: exportValidationSettings(parseValidationSettings(config, { defaultDatabase: "gametracker", cwd: "/deploy/checkout", refuse: usageRefusal })), ...network };
}
const refusal = (f: () => unknown) => messageOf(f, UsageError);

describe("validation plan (what one run validates)", () => {
  it("takes the environment's hook and timeout without flags, a relative command resolved where the drill runs", () => {
    expect(planValidation({}, deployed({ validationWith: "command:scripts/validate", validationTimeout: "20m" }), "/runner/checkout")).to.deep.equal({
      hook: { kind: "command", path: "/runner/checkout/scripts/validate" },
      timeoutMs: 20 * 60_000,
    });
    expect(planValidation({}, deployed({ validationWith: "lambda:gametracker-dev-validator" }))).to.deep.equal({ hook: { kind: "lambda", functionName: "gametracker-dev-validator" }, timeoutMs: 15 * 60_000 });
  });

  it("lets the flags override the environment, each on its own", () => {
    const env = deployed({ validationWith: "lambda:fn", validationTimeout: "20m" });
    expect(planValidation({ validateWith: "command:/opt/v" }, env)).to.deep.equal({ hook: { kind: "command", path: "/opt/v" }, timeoutMs: 20 * 60_000 });
    expect(planValidation({ validateTimeout: "90s" }, env)).to.deep.equal({ hook: { kind: "lambda", functionName: "fn" }, timeoutMs: 90_000 });
  });

  it("runs no validation when neither names a hook, also for an environment deployed before there was a validation output", () => {
    expect(planValidation({}, deployed())).to.equal(undefined);
    expect(planValidation({}, { stack: "dev" })).to.equal(undefined);
    expect(planValidation({ validateWith: "command:/opt/v" }, { stack: "dev" })).to.deep.equal({ hook: { kind: "command", path: "/opt/v" }, timeoutMs: 15 * 60_000 });
  });

  it("gives the bundled validator the API's subnets and security group and the environment's SQL checks", () => {
    const env = deployed({ validationWith: "bundled", validationMinRows: ["dbo.Players>=1000"], validationCheckDb: "true" });
    expect(planValidation({}, env)).to.deep.equal({
      hook: { kind: "bundled" },
      timeoutMs: 15 * 60_000,
      bundled: { subnetIds: ["subnet-a", "subnet-b"], securityGroupId: "sg-api", checks: { database: "gametracker", minRows: [{ table: { schema: "dbo", table: "Players" }, min: 1000 }], freshness: [], checkDb: true } },
    });
    // Asked for by flag on an environment that runs another hook: the database still comes from the export.
    expect(planValidation({ validateWith: "bundled" }, deployed({ validationWith: "command:/opt/v" }))?.bundled?.checks).to.deep.equal({ database: "gametracker", minRows: [], freshness: [], checkDb: false });
  });

  it("refuses what cannot run, naming the flag or the missing output", () => {
    expect(refusal(() => planValidation({ validateWith: "script:/opt/v" }, deployed()))).to.equal(
      '--validate-with is "script:/opt/v", but it must be command:<path to an executable>, lambda:<function name or ARN> or bundled.',
    );
    expect(refusal(() => planValidation({ validateWith: "command:/opt/v", validateTimeout: "15" }, deployed()))).to.match(/^Invalid --validate-timeout "15": it has no unit/);
    expect(refusal(() => planValidation({ validateTimeout: "5m" }, deployed()))).to.equal(
      "--validate-timeout 5m times a data validation, but there is none: pass --validate-with, or set validationWith in the config of stack dev and deploy it.",
    );
    expect(refusal(() => planValidation({ validateWith: "bundled" }, { stack: "dev" }))).to.equal(
      "--validate-with bundled runs the SQL validator in the environment's private subnets with the checks of its config, but stack dev has no apiSubnetIds, apiSecurityGroupId, validation output (deployed by an older version?); deploy it with pulumi up, or use a command: or lambda: hook.",
    );
    expect(refusal(() => planValidation({}, deployed({ validationWith: "bundled" }, { apiSubnetIds: [], apiSecurityGroupId: "sg-api" })))).to.match(
      /^validationWith bundled \(stack dev\) runs the SQL validator .* has no apiSubnetIds output/,
    );
    expect(refusal(() => planValidation({}, { stack: "dev", validation: { validationWith: "bundled", validationDatabase: "gametracker", validationMinRows: "dbo.Players" } }))).to.equal(
      "Stack dev's validation output is not one this version reads (gametracker:validationMinRows is \"dbo.Players\", but it must be a list of strings (pulumi config set --path 'validationMinRows[0]' <value>)); deploy the stack again with pulumi up.",
    );
  });

  it("is recorded in the restore spec and read back as it was, so a resumed run validates as it began", () => {
    const plans: ValidationPlan[] = [
      { hook: { kind: "command", path: "/opt/validate drill" }, timeoutMs: 60_000 },
      { hook: { kind: "lambda", functionName: "arn:aws:lambda:us-east-1:123456789012:function:validator:live" }, timeoutMs: 15 * 60_000 },
      planValidation({}, deployed({ validationWith: "bundled", validationMinRows: ["[Game Data].[Match]]Log]>=5"], validationFreshnessColumns: ["dbo.Matches.endedAt"] }))!,
    ];
    for (const validation of plans) {
      const spec = drillRestoreSpec({ validation });
      expect(decodeRestoreSpec(encodeRestoreSpec(spec), "dev-drill-1")).to.deep.equal(spec);
    }
    // A spec written before validation existed reads as no validation.
    expect(decodeRestoreSpec(encodeRestoreSpec(drillRestoreSpec()), "dev-drill-1")).to.not.have.property("validation");
  });

  it("refuses a recorded plan it cannot read, by what is wrong", () => {
    const refuse = (why: string): never => {
      throw new UsageError(why);
    };
    const bundled = encodeValidationPlan(planValidation({ validateWith: "bundled" }, deployed())!);
    const cases: Array<[unknown, string]> = [
      ["bundled", "not an object"],
      [{ hook: "script:x", timeoutMs: 1 }, 'hook is "script:x", but it must be command:'],
      [{ hook: "lambda:fn", timeoutMs: 0 }, "no timeoutMs"],
      [{ hook: "lambda:fn", timeoutMs: 1000, bundled: (bundled as { bundled: unknown }).bundled }, "bundled placement for another hook"],
      [{ ...bundled, bundled: { ...(bundled as { bundled: object }).bundled, subnetIds: [] } }, "no bundled.subnetIds"],
      [{ ...bundled, bundled: { ...(bundled as { bundled: object }).bundled, securityGroupId: "" } }, "no bundled.securityGroupId"],
      [{ ...bundled, bundled: { ...(bundled as { bundled: object }).bundled, checks: { validationDatabase: "" } } }, "gametracker:validationDatabase is \"\""],
    ];
    for (const [value, expected] of cases) {
      expect(messageOf(() => decodeValidationPlan(value, refuse), UsageError), JSON.stringify(value)).to.match(/^an unreadable validation in its restore spec \(/).and.include(expected);
    }
    // Through the spec: the stack is named and the operator told what to do.
    const json = JSON.stringify({ ...JSON.parse(encodeRestoreSpec(drillRestoreSpec())), validation: { hook: "lambda:fn" } });
    expect(messageOf(() => decodeRestoreSpec(json, "dev-drill-1"), UsageError)).to.equal(
      "Restore stack dev-drill-1 has an unreadable validation in its restore spec (no timeoutMs), so it cannot be resumed or verified; remove it with gametracker-dr cleanup and start a new restore.",
    );
  });

  it("keeps the bundled validator in the environment's region, where its subnets are", () => {
    const bundled = planValidation({ validateWith: "bundled" }, deployed());
    expect(() => checkValidationRegion(bundled, "us-east-1", "us-east-1")).to.not.throw();
    expect(() => checkValidationRegion(planValidation({ validateWith: "command:/opt/v" }, deployed()), "us-west-2", "us-east-1")).to.not.throw();
    expect(refusal(() => checkValidationRegion(bundled, "us-west-2", "us-east-1"))).to.equal(
      "The bundled validator runs in the environment's private subnets in us-east-1, but this restore is in us-west-2; use a command: or lambda: hook that can reach us-west-2.",
    );
  });
});
