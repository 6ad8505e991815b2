/** What a v3.68 language host is told of a project's runtime options (language-host-flags.ts): the flags the CLI of its day passed. */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../moto";
import { legacyHostFlags } from "./language-host-flags";

describe("engine tier: the language host's flags from Pulumi.yaml", () => {
  it("passes this project's typescript and nodeargs options as flags, and leaves out packagemanager, which that host does not define", () => {
    expect(legacyHostFlags(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"))).to.deep.equal(["-typescript=false", "-nodeargs=--require ./register-ts.js"]);
  });

  it("passes nothing for a runtime without options, and a tsconfig path as given", () => {
    expect(legacyHostFlags("name: x\nruntime: nodejs\n")).to.deep.equal([]);
    expect(legacyHostFlags("name: x\nruntime:\n  name: nodejs\n  options:\n    tsconfig: ./tsconfig.build.json\n    typescript: true\n")).to.deep.equal(["-typescript=true", "-tsconfig=./tsconfig.build.json"]);
  });
});
