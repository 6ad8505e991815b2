import { expect } from "chai";
import { applyIgnoreChanges, classifyChange, diffProperties } from "./diff";

describe("memory stacks: pure diffing", () => {
  it("reports leaf paths with their kind", () => {
    const changes = diffProperties(
      { environment: { variables: { A: "1", B: "2" } }, ids: ["a"], name: "n" },
      { environment: { variables: { A: "9", C: "3" } }, ids: ["a", "b"], name: "n" },
    );
    expect(changes).to.deep.equal([
      { path: "environment.variables.A", kind: "update", old: "1", new: "9" },
      { path: "environment.variables.B", kind: "delete", old: "2" },
      { path: "environment.variables.C", kind: "add", new: "3" },
      { path: "ids[1]", kind: "add", new: "b" },
    ]);
    expect(diffProperties({ a: 1 }, { a: 1 })).to.deep.equal([]);
  });

  it("replaces on a property the provider cannot update (its ForceNew attributes), updates otherwise", () => {
    expect(classifyChange("aws:rds/instance:Instance", ["engine"])).to.equal("replace");
    expect(classifyChange("aws:rds/instance:Instance", ["snapshotIdentifier"])).to.equal("replace");
    // Renamed in place with ModifyDBInstance NewDBInstanceIdentifier since terraform-provider-aws v5.
    expect(classifyChange("aws:rds/instance:Instance", ["identifier"])).to.equal("update");
    expect(classifyChange("aws:rds/instance:Instance", ["instanceClass", "tags.app"])).to.equal("update");
    expect(classifyChange("aws:lambda/function:Function", ["name"])).to.equal("replace");
    expect(classifyChange("aws:lambda/function:Function", ["environment.variables.X"])).to.equal("update");
    expect(classifyChange("aws:lambda/function:Function", [])).to.equal("same");
  });

  it("keeps old values under ignoreChanges paths", () => {
    expect(applyIgnoreChanges({ a: 1, t: { x: "old" } }, { a: 2, t: { x: "new", y: 1 } }, ["a", "t.x"])).to.deep.equal({ a: 1, t: { x: "old", y: 1 } });
    expect(applyIgnoreChanges({}, { a: 2 }, ["a"])).to.deep.equal({});
  });
});
