import { expect } from "chai";
import { deepEqual, formatPath, parsePath, underPath } from "./property-values";

describe("engine property values (shared by MemoryStacks and the stand-in provider)", () => {
  it("formats and parses engine property paths", () => {
    expect(formatPath(["environment", "variables", "SPRING_DATASOURCE_URL"])).to.equal("environment.variables.SPRING_DATASOURCE_URL");
    expect(formatPath(["tags", "gametracker:drill-id"])).to.equal('tags["gametracker:drill-id"]');
    expect(formatPath(["vpcSecurityGroupIds", 1])).to.equal("vpcSecurityGroupIds[1]");
    expect(parsePath('tags["gametracker:drill-id"].x[2]')).to.deep.equal(["tags", "gametracker:drill-id", "x", 2]);
  });

  it("reads back every path it writes, and ignoreChanges wildcards", () => {
    for (const path of [["a"], ["tags", "a:b"], ["rules", 0, "id"], ["x", 'quote"d', 3], ["$ref", "_id"]]) {
      expect(parsePath(formatPath(path)), formatPath(path)).to.deep.equal(path);
    }
    expect(parsePath("rules[*].id")).to.deep.equal(["rules", "*", "id"]);
    expect(underPath(["rules", 2, "id"], parsePath("rules[*]"))).to.equal(true);
    expect(underPath(["rules", 2, "id"], parsePath("rules[*].filter"))).to.equal(false);
    expect(underPath(["tags"], parsePath("tags.Name"))).to.equal(false);
  });

  it("compares values by structure: keys in any order, arrays in order", () => {
    expect(deepEqual({ a: 1, b: [1, { c: "x" }] }, { b: [1, { c: "x" }], a: 1 })).to.equal(true);
    expect(deepEqual([1, 2], [2, 1])).to.equal(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).to.equal(false);
    expect(deepEqual({ a: [1] }, { a: [1, 2] })).to.equal(false);
    expect(deepEqual({ a: "1" }, { a: 1 })).to.equal(false);
    expect(deepEqual(null, {})).to.equal(false);
    expect(deepEqual([], {})).to.equal(false);
  });
});
