import { expect } from "chai";
import { checkIdsFor, DnsAnswer, evaluateRestoredInstance } from "../../../automation/restore/verify";
import { drillExpectations, instanceFactsOf } from "../../support/verify-fixtures";
const expected = drillExpectations();
const restored = instanceFactsOf;

const resolved: DnsAnswer = { host: "x.abc.us-east-1.rds.amazonaws.com", resolver: "test resolver", addresses: ["10.0.1.23"] };
const failing = (checks: ReturnType<typeof evaluateRestoredInstance>) => checks.filter((c) => c.status === "fail").map((c) => c.id);

describe("verification verdicts (pure)", () => {
  it("passes every check for an instance restored as asked (security groups in any order)", () => {
    const checks = evaluateRestoredInstance(restored(), expected, resolved);
    expect(checks.map((c) => c.id)).to.deep.equal([
      "available",
      "engine",
      "engine-version",
      "storage",
      "backup-retention",
      "subnet-group",
      "security-groups",
      "deletion-protection",
      "drill-tags",
      "endpoint-resolves",
    ]);
    expect(failing(checks)).to.deep.equal([]);
    expect(checks.find((c) => c.id === "endpoint-resolves")).to.deep.include({ expected: "x.abc.us-east-1.rds.amazonaws.com resolves (test resolver)", actual: "10.0.1.23" });
  });

  it("fails each property that differs, with expected and actual", () => {
    const checks = evaluateRestoredInstance(
      restored({
        status: "incompatible-restore",
        engine: "sqlserver-se",
        engineVersion: "15.00.4415.2.v1",
        allocatedStorageGiB: 10,
        backupRetentionDays: 0,
        subnetGroupName: "default",
        securityGroupIds: ["sg-default"],
        deletionProtection: true,
        tags: {},
      }),
      expected,
      resolved,
    );
    expect(failing(checks)).to.deep.equal([
      "available",
      "engine",
      "engine-version",
      "storage",
      "backup-retention",
      "subnet-group",
      "security-groups",
      "deletion-protection",
      "drill-tags",
    ]);
    expect(checks.find((c) => c.id === "storage")).to.deep.include({ expected: ">= 20 GiB", actual: "10 GiB" });
    expect(checks.find((c) => c.id === "subnet-group")).to.deep.include({ expected: "gametracker-mssql-subnets", actual: "default" });
  });

  it("a subset of the security groups is not enough", () => {
    expect(failing(evaluateRestoredInstance(restored({ securityGroupIds: ["sg-a"] }), expected, resolved))).to.deep.equal(["security-groups"]);
  });

  it("a cut-over restore must keep deletion protection and needs no drill tags", () => {
    const cutover = { ...expected, purpose: "cutover" as const };
    expect(failing(evaluateRestoredInstance(restored({ deletionProtection: true, tags: {} }), cutover, resolved))).to.deep.equal([]);
    expect(failing(evaluateRestoredInstance(restored({ deletionProtection: false }), cutover, resolved))).to.deep.equal(["deletion-protection"]);
  });

  it("reports an endpoint that does not resolve honestly, naming the resolver", () => {
    const checks = evaluateRestoredInstance(restored(), expected, { host: "x.abc.us-east-1.rds.amazonaws.com", resolver: "system DNS", error: "ENOTFOUND" });
    expect(checks.find((c) => c.id === "endpoint-resolves")).to.deep.include({ status: "fail", expected: "x.abc.us-east-1.rds.amazonaws.com resolves (system DNS)", actual: "not resolved: ENOTFOUND" });
  });

  it("a missing instance is one failed check", () => {
    expect(evaluateRestoredInstance(undefined, expected, undefined)).to.deep.equal([
      { id: "available", name: `instance ${expected.identifier} is available`, status: "fail", expected: "available", actual: "does not exist" },
    ]);
  });

  it("makes exactly the checks checkIdsFor names for each purpose, in that order", () => {
    const answer: DnsAnswer = { host: "h", resolver: "r", addresses: ["10.0.0.1"] };
    expect(evaluateRestoredInstance(restored(), expected, answer).map((c) => c.id)).to.deep.equal(checkIdsFor("drill"));
    expect(evaluateRestoredInstance(restored({ deletionProtection: true }), { ...expected, purpose: "cutover" }, answer).map((c) => c.id)).to.deep.equal(checkIdsFor("cutover"));
  });
});

