import { expect } from "chai";
import { cutoverScope, describePendingChange } from "../../../automation/cutover/scope";
import { preview, step } from "../../support/preview-steps";

const lambda = step("aws:lambda/function:Function", "update", ["environment.variables.SPRING_DATASOURCE_URL"], "api-function");
const reference = step("pulumi:pulumi:StackReference", "read", [], "organization/gametracker-restore/dev-restore-1");
const deferred = step("aws:rds/instance:Instance", "update", ["instanceClass"], "database-instance");

describe("cutover scope: what the switch applies, and what stays pending", () => {
  it("targets the Lambda, the stack references and the builtin provider's create; every other change is not applied", () => {
    const scope = cutoverScope(
      preview(
        step("pulumi:pulumi:Stack", "update", ["outputs"], "gametracker-dev"),
        step("pulumi:providers:pulumi", "create", [], "default"),
        reference,
        deferred,
        step("aws:s3/bucket:Bucket", "same", [], "assets-bucket"),
        lambda,
        step("aws:rds/snapshot:Snapshot", "create", [], "database-snapshot-v2"),
      ),
    );
    expect(scope.targets).to.deep.equal([step("pulumi:providers:pulumi", "create", [], "default").urn, reference.urn, lambda.urn]);
    expect(scope.notApplied.map(describePendingChange)).to.deep.equal(["update aws:rds/instance:Instance database-instance (instanceClass)", "create aws:rds/snapshot:Snapshot database-snapshot-v2"]);
  });

  it("a rollback targets the stack reference it discards, and an unchanged Lambda too (so the update is never untargeted)", () => {
    const back = step("pulumi:pulumi:StackReference", "discard", [], "organization/gametracker-restore/dev-restore-1");
    const same = step("aws:lambda/function:Function", "same", [], "api-function");
    expect(cutoverScope(preview(same, back, deferred))).to.deep.equal({ targets: [same.urn, back.urn], notApplied: [{ urn: deferred.urn, type: deferred.type, name: "database-instance", op: "update", paths: ["instanceClass"] }] });
  });

  it("leaves nothing pending when the preview is the switch alone, and names a change without paths by its operation", () => {
    expect(cutoverScope(preview(lambda, reference)).notApplied).to.deep.equal([]);
    const provider = step("pulumi:providers:aws", "update", [], "default_7_48_0");
    expect(cutoverScope(preview(lambda, provider)).notApplied.map(describePendingChange)).to.deep.equal(["update pulumi:providers:aws default_7_48_0"]);
  });
});
