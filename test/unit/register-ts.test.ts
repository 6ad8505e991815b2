import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");

/** Runs node the way Pulumi.yaml's runtime options start the program. */
function nodeWithHook(script: string, cwd: string) {
  return spawnSync(process.execPath, ["--require", path.join(ROOT, "register-ts.js"), "-e", script], { cwd, encoding: "utf8" });
}

describe("register-ts.js (how Pulumi.yaml runs the TypeScript program)", () => {
  it("transpiles required .ts files, resolving extensionless imports and `export =`, with types erased", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gt-register-ts-"));
    fs.writeFileSync(path.join(dir, "lib.ts"), "export interface Shape { side: number }\nexport function area(s: Shape): number { return s.side ** 2; }\n");
    fs.writeFileSync(path.join(dir, "main.ts"), 'import { area, Shape } from "./lib";\nconst s: Shape = { side: 3 };\nexport = { area: area(s) };\n');
    const run = nodeWithHook(`process.stdout.write(JSON.stringify(require(${JSON.stringify(path.join(dir, "main.ts"))})))`, dir);
    expect(run.stderr).to.equal("");
    expect(JSON.parse(run.stdout)).to.deep.equal({ area: 9 });
  });

  it("always runs the current source: an edit is picked up by the next process", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gt-register-ts-"));
    const file = path.join(dir, "value.ts");
    const read = () => nodeWithHook(`process.stdout.write(String(require(${JSON.stringify(file)}).value))`, dir).stdout;
    fs.writeFileSync(file, "export const value: number = 1;\n");
    expect(read()).to.equal("1");
    fs.writeFileSync(file, "export const value: number = 2;\n");
    expect(read()).to.equal("2");
  });

  it("loads the real program's modules", () => {
    const run = nodeWithHook(`const c = require("./config"); process.stdout.write(c.parseEnvironmentConfig({}, "dev").database.identifier)`, ROOT);
    expect(run.stderr).to.equal("");
    expect(run.stdout).to.equal("gametracker-mssql");
  });
});
