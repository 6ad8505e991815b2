import { expect } from "chai";
import { decidePending, FoundInstance, lookupFor, priorState } from "../../../automation/recovery/pending";
import type { PendingOperation } from "../../../automation/stacks/port";

const STACK = "organization/gametracker-restore/dev-restore-202612071922k3x9";
const URN = "urn:pulumi:dev-restore-202612071922k3x9::gametracker-restore::gametracker:index:Database$aws:rds/instance:Instance::restored-instance";
const TAGS = { "gametracker:environment": "dev", "gametracker:recovery-point": "latest-restorable", "gametracker:purpose": "cutover" };
const instanceCreate = (inputs: Record<string, unknown> = {}): PendingOperation => ({
  urn: URN,
  type: "aws:rds/instance:Instance",
  operation: "creating",
  id: undefined,
  inputs: { identifier: "gametracker-mssql-restore", region: "us-east-1", manageMasterUserPassword: true, backupWindow: "03:00-04:00", tags: TAGS, __defaults: [], ...inputs },
});
const found = (extra: Partial<FoundInstance> = {}): FoundInstance => ({
  identifier: "gametracker-mssql-restore",
  resourceId: "db-ABCDEFGHIJ",
  status: "available",
  tags: { ...TAGS, "gametracker:component": "database" },
  createdAt: new Date("2026-12-07T19:30:00Z"),
  ...extra,
});
const context = { stack: STACK, notBefore: new Date("2026-12-07T19:22:00Z") };

describe("recovery: deciding each pending operation", () => {
  it("an interrupted create of the restored instance is looked up by its planned identifier in its own region", () => {
    expect(lookupFor(instanceCreate())).to.deep.equal({ identifier: "gametracker-mssql-restore", region: "us-east-1" });
    expect(lookupFor({ ...instanceCreate(), operation: "updating" })).to.equal(undefined);
  });

  it("imports it by its DbiResourceId when it exists as the stack asked, leaving the managed password to the provider's read", () => {
    const decision = decidePending(instanceCreate(), found(), context);
    expect(decision.action).to.equal("import");
    if (decision.action !== "import") return;
    expect(decision.resolution).to.deep.include({ urn: URN, action: "import", id: "db-ABCDEFGHIJ" });
    expect(decision.resolution.action === "import" && decision.resolution.prior).to.not.have.property("manageMasterUserPassword");
    expect(decision.resolution.action === "import" && decision.resolution.prior.backupWindow).to.equal("03:00-04:00");
    expect(decision.note).to.equal("imported the interrupted create of DB instance gametracker-mssql-restore (db-ABCDEFGHIJ, available in us-east-1); the next update applies what the interruption skipped");
    expect(decision.waitUntilAvailable).to.equal(false);
    const creating = decidePending(instanceCreate(), found({ status: "creating" }), context);
    expect(creating.action === "import" && creating.waitUntilAvailable).to.equal(true);
  });

  it("clears it when RDS has no such instance: the next update creates it once", () => {
    expect(decidePending(instanceCreate(), undefined, context)).to.deep.equal({
      action: "clear",
      resolution: { urn: URN, action: "clear" },
      note: "cleared the interrupted create of DB instance gametracker-mssql-restore: RDS has no such instance in us-east-1, so the next update creates it",
    });
  });

  it("neither imports nor clears an instance of that name that is not the stack's: other tags, made before the run, being deleted, failed", () => {
    const otherTags = decidePending(instanceCreate(), found({ tags: { ...TAGS, "gametracker:recovery-point": "snapshot:v1" } }), context);
    expect(otherTags).to.deep.equal({
      action: "refuse",
      reason:
        `Stack ${STACK} was interrupted while creating DB instance gametracker-mssql-restore, and an instance of that name exists in us-east-1, but its tag gametracker:recovery-point is "snapshot:v1", not "latest-restorable", so it is not the stack's and was neither imported nor created again; ` +
        "check that instance, and remove it (aws rds delete-db-instance --db-instance-identifier gametracker-mssql-restore --skip-final-snapshot --region us-east-1) only if nothing uses it, then run this command again.",
    });
    const older = decidePending(instanceCreate(), found({ createdAt: new Date("2026-12-06T10:00:00Z") }), context);
    expect(older.action === "refuse" && older.reason).to.contain("it was created at 2026-12-06T10:00:00Z, before the interrupted run started (2026-12-07T19:22:00Z)");
    expect(decidePending(instanceCreate(), found({ createdAt: new Date("2026-12-07T19:20:00Z") }), context).action, "within the clock-skew tolerance").to.equal("import");
    const deleting = decidePending(instanceCreate(), found({ status: "deleting" }), context);
    expect(deleting.action === "refuse" && deleting.reason).to.contain("is being deleted").and.contain("wait until it is gone");
    const failed = decidePending(instanceCreate(), found({ status: "incompatible-restore" }), context);
    expect(failed.action === "refuse" && failed.reason).to.contain("its create failed at RDS (status incompatible-restore); delete it (aws rds delete-db-instance");
  });

  it("imports the bundled validator's resources by their physical names, for the read to keep or drop", () => {
    const op = (type: string, inputs: Record<string, unknown>): PendingOperation => ({ urn: `urn:pulumi:s::p::${type}::v`, type, operation: "creating", id: undefined, inputs });
    const id = (o: PendingOperation) => {
      const d = decidePending(o, undefined, context);
      return d.action === "import" && d.resolution.action === "import" ? d.resolution.id : d.action;
    };
    expect(id(op("aws:lambda/function:Function", { name: "dev-drill-x-validator" }))).to.equal("dev-drill-x-validator");
    expect(id(op("aws:cloudwatch/logGroup:LogGroup", { name: "/aws/lambda/dev-drill-x-validator" }))).to.equal("/aws/lambda/dev-drill-x-validator");
    expect(id(op("aws:iam/role:Role", { name: "validator-role-5f1e2d3" }))).to.equal("validator-role-5f1e2d3");
    expect(id(op("aws:iam/rolePolicy:RolePolicy", { role: "validator-role-5f1e2d3", name: "secret-access-1a2b3c4" }))).to.equal("validator-role-5f1e2d3:secret-access-1a2b3c4");
    expect(id(op("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: "arn:aws:iam::aws:policy/x" }))).to.equal("r/arn:aws:iam::aws:policy/x");
  });

  it("clears the create of any other type, and names what may be left outside every stack", () => {
    const vpc: PendingOperation = { urn: "urn:pulumi:dev::gametracker::aws:ec2/vpc:Vpc::main", type: "aws:ec2/vpc:Vpc", operation: "creating", id: undefined, inputs: { cidrBlock: "10.0.0.0/16" } };
    const decision = decidePending(vpc, undefined, context);
    expect(decision).to.deep.include({ action: "clear", note: "cleared the interrupted create of main (aws:ec2/vpc:Vpc); the next update creates it" });
    expect(decision.action === "clear" && decision.leftBehind).to.equal(
      "the interrupted create of main (aws:ec2/vpc:Vpc) may have made it in AWS before it was cleared; if so, it is outside every stack: find it by its tags and delete it",
    );
  });

  it("clears an interrupted update, delete or read: reading the resource from AWS gives its real state", () => {
    const update: PendingOperation = { urn: "urn:pulumi:dev::gametracker::aws:lambda/function:Function::api-function", type: "aws:lambda/function:Function", operation: "updating", id: "gt-api", inputs: {} };
    expect(decidePending(update, undefined, context)).to.deep.equal({
      action: "clear",
      resolution: { urn: update.urn, action: "clear" },
      note: "cleared the interrupted update of api-function (aws:lambda/function:Function); reading it from AWS records its real state",
    });
    expect(decidePending({ ...update, operation: "deleting" }, undefined, context)).to.deep.include({ note: "cleared the interrupted delete of api-function (aws:lambda/function:Function); reading it from AWS drops it from the state if it is gone" });
  });

  it("an import's prior state is the create's inputs without what only the provider's read may decide", () => {
    expect(priorState(instanceCreate())).to.not.have.property("manageMasterUserPassword");
    expect(priorState({ ...instanceCreate(), type: "aws:lambda/function:Function" })).to.have.property("manageMasterUserPassword", true);
  });
});
