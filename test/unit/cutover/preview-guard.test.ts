import { expect } from "chai";
import { isEnvironmentPath, judgeCutoverPreview } from "../../../automation/cutover/preview-guard";
import { preview, step } from "../../support/preview-steps";
const LAMBDA = "aws:lambda/function:Function";
const envUpdate = step(LAMBDA, "update", ["environment.variables.SPRING_DATASOURCE_URL", "environment.variables.DATABASE_SECRET_ARN"], "api-function");

describe("cutover preview guard", () => {
  it("allows a preview whose only change is the Lambda's environment (stack references read or discarded)", () => {
    const verdict = judgeCutoverPreview(
      preview(step("aws:rds/instance:Instance", "same"), envUpdate, step("pulumi:pulumi:StackReference", "read"), step("pulumi:pulumi:StackReference", "discard")),
    );
    expect(verdict.allowed).to.equal(true);
    expect(verdict.findings).to.deep.equal([]);
    expect(verdict.lambdaEnvironmentChanges).to.deep.equal(["environment.variables.SPRING_DATASOURCE_URL", "environment.variables.DATABASE_SECRET_ARN"]);
    expect(verdict.summary).to.equal("only the API Lambda's environment changes (environment.variables.SPRING_DATASOURCE_URL, environment.variables.DATABASE_SECRET_ARN)");
  });

  it("uses the top-level diffs when the provider gives no detailed diff", () => {
    expect(judgeCutoverPreview(preview({ ...envUpdate, detailedPaths: [], diffs: ["environment"] })).allowed).to.equal(true);
    expect(judgeCutoverPreview(preview({ ...envUpdate, detailedPaths: [], diffs: ["environment", "timeout"] })).allowed).to.equal(false);
  });

  it("refuses any delete or replace, naming the resource and the cause", () => {
    for (const op of ["delete", "replace", "create-replacement", "delete-replaced"] as const) {
      const verdict = judgeCutoverPreview(preview(envUpdate, step("aws:rds/instance:Instance", op, op === "delete" ? [] : ["identifier"], "database-instance")));
      expect(verdict.allowed, op).to.equal(false);
      expect(verdict.findings).to.have.length(1);
      expect(verdict.findings[0]!.reason).to.contain("aws:rds/instance:Instance database-instance");
    }
    expect(judgeCutoverPreview(preview(envUpdate, step("aws:rds/instance:Instance", "replace", ["identifier"], "db"))).summary).to.equal(
      "the preview replaces aws:rds/instance:Instance db (because of identifier)",
    );
  });

  it("refuses changes to anything but the Lambda, and Lambda changes outside its environment", () => {
    const other = judgeCutoverPreview(preview(envUpdate, step("aws:rds/instance:Instance", "update", ["instanceClass"], "db")));
    expect(other.allowed).to.equal(false);
    expect(other.findings[0]!.reason).to.equal("updates aws:rds/instance:Instance db (instanceClass)");
    const mixed = judgeCutoverPreview(preview(step(LAMBDA, "update", ["environment.variables.X", "memorySize"], "api")));
    expect(mixed.allowed).to.equal(false);
    expect(mixed.findings[0]!.reason).to.equal(`changes ${LAMBDA} api outside its environment (memorySize)`);
    expect(judgeCutoverPreview(preview(envUpdate, step("aws:s3/bucket:Bucket", "create", [], "b"))).findings[0]!.reason).to.equal("creates aws:s3/bucket:Bucket b");
  });

  it("accepts the engine's builtin pulumi provider coming and going with the stack reference, and the root stack's outputs changing", () => {
    const cutover = judgeCutoverPreview(
      preview(step("pulumi:pulumi:Stack", "same", [], "gametracker-dev"), step("pulumi:providers:pulumi", "create", [], "default"), step("pulumi:pulumi:StackReference", "read"), envUpdate),
    );
    expect(cutover.allowed, cutover.summary).to.equal(true);
    const rollback = judgeCutoverPreview(
      preview(step("pulumi:pulumi:Stack", "update", [], "gametracker-dev"), envUpdate, step("pulumi:pulumi:StackReference", "discard"), step("pulumi:providers:pulumi", "delete", [], "default")),
    );
    expect(rollback.allowed, rollback.summary).to.equal(true);
  });

  it("refuses any change to another provider: a changed AWS provider re-plans every resource", () => {
    for (const op of ["create", "update", "replace", "delete"] as const) {
      const verdict = judgeCutoverPreview(preview(envUpdate, step("pulumi:providers:aws", op, op === "update" ? ["region"] : [], "default_7_48_0")));
      expect(verdict.allowed, op).to.equal(false);
      expect(verdict.findings[0]!.reason).to.match(new RegExp(`^${op}s the aws provider default_7_48_0`));
    }
    expect(judgeCutoverPreview(preview(envUpdate, step("pulumi:providers:aws", "update", ["region"], "default_7_48_0"))).summary).to.equal(
      "the preview updates the aws provider default_7_48_0 (region), which would re-plan every resource it manages",
    );
  });

  it("refuses a preview that does not move the Lambda at all", () => {
    const verdict = judgeCutoverPreview(preview(step(LAMBDA, "same"), step("aws:rds/instance:Instance", "same")));
    expect(verdict.allowed).to.equal(false);
    expect(verdict.summary).to.contain("does not change the API Lambda's environment");
  });

  it("knows what is inside the environment block", () => {
    expect(isEnvironmentPath("environment")).to.equal(true);
    expect(isEnvironmentPath("environment.variables.A")).to.equal(true);
    expect(isEnvironmentPath('environment["variables"]')).to.equal(true);
    expect(isEnvironmentPath("environmentTag")).to.equal(false);
    expect(isEnvironmentPath("tags.environment")).to.equal(false);
  });
});

