/**
 * A checkout as a user's machine has one after `npm ci`, for the engine tier's production
 * paths: `pulumi up -s dev` through the Node.js language host, and the real
 * `bin/gametracker-dr.js` as an OS process. The engine harness's work directory already
 * holds copies of Pulumi.yaml and the stack files (config the tool writes lands there,
 * never in the repository); this adds the rest:
 *
 * - `bin/` and `dist/` are copied: the compiled CLI finds the environment project beside
 *   its own dist/ (automation/stacks/pulumi-stacks.ts, findEnvironmentDir), and Node
 *   resolves a symlinked module to its real path, which would be the repository's;
 * - the program's sources, package.json and node_modules are linked: nothing reads their
 *   location, and index.ts's imports resolve through the links as in a clone.
 *
 * dist/ is what `npm ci` (prepare) or `npm run build` made; when a source is newer than it,
 * it is built again first (ensureBuiltCli), once per machine at a time.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { withLock } from "../go-build";
import { REPO_ROOT } from "../moto";

/** What `npm run build` compiles (tsconfig.build.json's include), for the staleness check. */
const BUILD_INPUTS = ["index.ts", "config.ts", "environment-program.ts", "contracts", "components", "automation", "policy"];
const LINKED = ["index.ts", "environment-program.ts", "config.ts", "register-ts.js", "package.json", "package-lock.json", "tsconfig.json", "components", "contracts", "automation", "node_modules"];
const COPIED = ["bin", "dist"];
export const BUILT_CLI = path.join(REPO_ROOT, "dist", "automation", "cli", "bin.js");

function newestSource(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return entry.endsWith(".ts") ? stat.mtimeMs : 0;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newestSource(path.join(entry, name))));
}

/** Whether dist/ is missing or older than a source it compiles. */
export function builtCliIsStale(): boolean {
  if (!fs.existsSync(BUILT_CLI)) return true;
  const built = fs.statSync(BUILT_CLI).mtimeMs;
  return BUILD_INPUTS.some((entry) => newestSource(path.join(REPO_ROOT, entry)) > built);
}

/** `npm run build` when dist/ is stale (about 20 s); a second test process waits for the first's build. */
export function ensureBuiltCli(log: (line: string) => void = () => {}): void {
  if (!builtCliIsStale()) return;
  withLock(path.join(os.tmpdir(), `gametracker-dr-build-${createHash("sha256").update(REPO_ROOT).digest("hex").slice(0, 12)}.lock`), log, () => {
    if (!builtCliIsStale()) return;
    log("dist/ is older than the sources: npm run build ...");
    const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) throw new Error(`npm run build failed with exit code ${r.status}; see its output above.`);
  });
}

/** Makes `dir` a runnable checkout (see the header); idempotent. Returns `dir`. */
export function makeCheckout(dir: string): string {
  if (fs.existsSync(path.join(dir, "dist"))) return dir;
  ensureBuiltCli((line) => process.stderr.write(`${line}\n`));
  for (const entry of LINKED) {
    const at = path.join(dir, entry);
    if (fs.existsSync(at)) continue;
    fs.symlinkSync(path.join(REPO_ROOT, entry), at);
  }
  for (const entry of COPIED) {
    const at = path.join(dir, entry);
    if (!fs.existsSync(at)) fs.cpSync(path.join(REPO_ROOT, entry), at, { recursive: true });
  }
  return dir;
}
