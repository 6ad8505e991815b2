/**
 * Puts the stand-in provider plugins (test/engine/standin) where the engine finds ambient
 * plugins: executables `pulumi-resource-aws` and `pulumi-resource-awsx` in a directory that
 * goes first on the engine's PATH. They run on this test run's Node (process.execPath, the
 * project's Node 22). The engine starts a plugin on every preview/up/destroy, so `aws` is an
 * esbuild bundle (one file to parse instead of ~900 modules); `awsx` runs from source
 * through the repository's register-ts.js because it needs @pulumi/pulumi and @pulumi/aws as
 * installed (their runtime state and lazy modules don't survive bundling).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as esbuild from "esbuild";
import { REPO_ROOT } from "../moto";

export const STANDIN_DIR = path.join(REPO_ROOT, "test", "engine", "standin");

export interface StandinPlugins {
  /** Put first on the engine's PATH. */
  binDir: string;
}

let built: Promise<StandinPlugins> | undefined;

/** Builds the plugins once per test process (about a second), into a fresh temporary directory. */
export function standinPlugins(): Promise<StandinPlugins> {
  return (built ??= build());
}

async function build(): Promise<StandinPlugins> {
  const binDir = fs.mkdtempSync(path.join(os.tmpdir(), "gametracker-standin-"));
  const bundle = path.join(binDir, "aws-standin.js");
  await esbuild.build({
    entryPoints: [path.join(STANDIN_DIR, "aws", "main.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    // The SDK's ES module builds tree-shake: only the commands the stand-in sends get bundled.
    mainFields: ["module", "main"],
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "error",
    banner: { js: "// TEST DOUBLE: stand-in aws provider bundle for the GameTracker engine tests (test/engine/standin/aws); not pulumi-aws." },
  });
  const node = process.execPath;
  writeShim(path.join(binDir, "pulumi-resource-aws"), `exec ${q(node)} ${q(bundle)} "$@"`);
  writeShim(
    path.join(binDir, "pulumi-resource-awsx"),
    `exec ${q(node)} --require ${q(path.join(REPO_ROOT, "register-ts.js"))} ${q(path.join(STANDIN_DIR, "awsx", "main.ts"))} "$@"`,
  );
  return { binDir };
}

function writeShim(file: string, command: string): void {
  fs.writeFileSync(file, `#!/bin/sh\n# TEST DOUBLE plugin shim written by test/support/engine/plugins.ts\n${command}\n`, { mode: 0o755 });
}

function q(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}
