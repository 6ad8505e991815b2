import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..", "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith(".ts") ? [full] : [];
  });
}

const using = (pattern: RegExp) =>
  sourceFiles(path.join(REPO, "automation"))
    .filter((f) => pattern.test(fs.readFileSync(f, "utf8")))
    .map((f) => path.relative(REPO, f));

describe("assets/delete-marker: the only ways to a deletion, and to S3", () => {
  it("only the S3 edge sends DeleteObject, and only delete-marker.ts calls its two deletions", () => {
    expect(using(/\bDeleteObjects?Command\b/)).to.deep.equal([path.join("automation", "aws", "s3.ts")]);
    expect(using(/\b(deleteMarkerVersion|addDeleteMarker)\b/).sort()).to.deep.equal([path.join("automation", "assets", "delete-marker.ts"), path.join("automation", "aws", "s3.ts")]);
  });

  it("no module but the S3 edge imports the S3 SDK's commands: every S3 call goes through its one error translation", () => {
    const importsCommands = (file: string) =>
      [...fs.readFileSync(file, "utf8").matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"@aws-sdk\/client-s3"/g)].some((m) => /\w+Command\b/.test(m[1]!));
    const senders = sourceFiles(path.join(REPO, "automation")).filter(importsCommands).map((f) => path.relative(REPO, f));
    expect(senders).to.deep.equal([path.join("automation", "aws", "s3.ts")]);
  });
});
