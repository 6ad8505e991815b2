/**
 * The real Pulumi CLI for the engine tier. `pulumi` >= 3.249 on PATH wins (CI installs it
 * with pulumi/actions); otherwise the pinned version is built once from the Go module proxy
 * into a cache outside the checkout, so a second run and a fresh clone on the same machine
 * reuse it. Facts of the build (DESIGN.md, "Facts of the real engine"): `go install …@v`
 * fails on pkg/v3's replace directives, a local main module that requires pkg/v3 and
 * sdk/v3 and copies pkg's clipboard replace builds it, in 3–7 minutes on 2 cores.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { cacheRoot } from "../tool-cache";

export const PINNED_PULUMI_VERSION = "v3.274.1";
/** The oldest CLI the project supports (README prerequisites). */
export const MINIMUM_PULUMI_VERSION = "3.249.0";

export type Log = (line: string) => void;

export { cacheRoot };

export function pinnedCliPath(): string {
  return path.join(cacheRoot(), `pulumi-${PINNED_PULUMI_VERSION}`, "pulumi");
}

/** Parses `v3.274.1` / `3.274.1-dev.0` into comparable numbers. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function atLeast(version: [number, number, number], minimum: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (version[i] !== minimum[i]) return version[i]! > minimum[i]!;
  return true;
}

/** The version a `pulumi` binary reports, or undefined when it cannot be run. */
export function cliVersion(binary: string): [number, number, number] | undefined {
  const r = spawnSync(binary, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" }, timeout: 30_000 });
  return r.status === 0 ? parseVersion(r.stdout) : undefined;
}

function onPath(name: string, pathVar = process.env.PATH ?? ""): string | undefined {
  for (const dir of pathVar.split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export class PulumiCliUnavailableError extends Error {
  override readonly name = "PulumiCliUnavailableError";
}

/**
 * The path of a usable `pulumi`: PATH's when it is new enough, else the cached build,
 * building it when missing. Throws PulumiCliUnavailableError (one sentence) when neither
 * a `pulumi` nor `go` is there.
 */
export function ensurePulumiCli(log: Log = () => {}): string {
  const minimum = parseVersion(MINIMUM_PULUMI_VERSION)!;
  const fromPath = onPath("pulumi");
  if (fromPath !== undefined) {
    const version = cliVersion(fromPath);
    if (version !== undefined && atLeast(version, minimum)) return fromPath;
    log(`pulumi on PATH (${fromPath}) is ${version?.join(".") ?? "unusable"}, older than ${MINIMUM_PULUMI_VERSION}; using the pinned ${PINNED_PULUMI_VERSION}`);
  }
  const target = pinnedCliPath();
  if (fs.existsSync(target)) return target;
  const go = onPath("go");
  if (go === undefined) {
    throw new PulumiCliUnavailableError(
      `The engine tests need the Pulumi CLI >= ${MINIMUM_PULUMI_VERSION}, but there is no pulumi on PATH and no go to build ${PINNED_PULUMI_VERSION} with; install one of them (curl -fsSL https://get.pulumi.com | sh, or Go 1.24+).`,
    );
  }
  withLock(`${target}.lock`, log, () => {
    // Another run may have finished the build while this one waited for the lock.
    if (!fs.existsSync(target)) buildPinnedCli(go, target, log);
  });
  return target;
}

/**
 * Builds the pinned CLI into `target` through a temporary name renamed at the end, so a
 * crash mid-build never leaves a half-written binary where the next run would trust it.
 */
export function buildPinnedCli(go: string, target: string, log: Log): void {
  const dir = path.dirname(target);
  const module = path.join(dir, "build-module");
  fs.mkdirSync(module, { recursive: true });
  fs.writeFileSync(
    path.join(module, "go.mod"),
    [
      "module gametracker-dr/pulumi-cli",
      "",
      "go 1.24",
      "",
      "require (",
      `\tgithub.com/pulumi/pulumi/pkg/v3 ${PINNED_PULUMI_VERSION}`,
      `\tgithub.com/pulumi/pulumi/sdk/v3 ${PINNED_PULUMI_VERSION}`,
      ")",
      "",
      "// Copied from pkg/v3's own go.mod: replace directives of a dependency are not inherited.",
      "replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e",
      "",
    ].join("\n"),
  );
  fs.writeFileSync(path.join(module, "tools.go"), '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n');
  const env = { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? "local" };
  const run = (args: string[]) => {
    log(`  go ${args.join(" ")}`);
    const r = spawnSync(go, args, { cwd: module, env, stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) throw new Error(`go ${args[0]} failed with exit code ${r.status} while building the Pulumi CLI ${PINNED_PULUMI_VERSION}; see its output above.`);
  };
  const started = Date.now();
  log(`building the Pulumi CLI ${PINNED_PULUMI_VERSION} from the Go module proxy into ${dir} (first run on this machine only, about 4-7 minutes) ...`);
  run(["mod", "tidy"]);
  const partial = `${target}.partial-${process.pid}`;
  run(["build", "-ldflags", `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PINNED_PULUMI_VERSION}`, "-o", partial, "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"]);
  fs.renameSync(partial, target);
  log(`built ${target} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * A lock file made with O_EXCL, so two concurrent test runs don't build twice; the second
 * waits. A lock whose owner process is gone (a killed build) is taken over.
 */
export function withLock(lockPath: string, log: Log, action: () => void, timeoutMs = 20 * 60_000): void {
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(fs.readFileSync(lockPath, "utf8").trim());
      if (!Number.isInteger(owner) || owner <= 0 || !alive(owner)) {
        fs.rmSync(lockPath, { force: true });
        continue;
      }
      if (!announced) log(`waiting for process ${owner}, which is building the Pulumi CLI (${lockPath}) ...`);
      announced = true;
      if (Date.now() > deadline) throw new Error(`Gave up after ${timeoutMs / 60_000} min waiting for ${lockPath} (held by process ${owner}).`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_000);
    }
  }
  try {
    action();
  } finally {
    fs.rmSync(lockPath, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
