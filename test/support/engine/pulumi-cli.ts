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
import { buildFromModuleProxy, Log, onPath, withLock } from "../go-build";
import { cacheRoot } from "../tool-cache";

export const PINNED_PULUMI_VERSION = "v3.274.1";
/** The oldest CLI the project supports (README prerequisites). */
export const MINIMUM_PULUMI_VERSION = "3.249.0";

export type { Log };
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

/** Builds the pinned CLI into `target` (go-build.ts). */
export function buildPinnedCli(go: string, target: string, log: Log): void {
  buildFromModuleProxy(
    go,
    target,
    {
      what: `the Pulumi CLI ${PINNED_PULUMI_VERSION}`,
      module: "gametracker-dr/pulumi-cli",
      requires: [
        ["github.com/pulumi/pulumi/pkg/v3", PINNED_PULUMI_VERSION],
        ["github.com/pulumi/pulumi/sdk/v3", PINNED_PULUMI_VERSION],
      ],
      replaces: {
        comment: "Copied from pkg/v3's own go.mod: replace directives of a dependency are not inherited.",
        lines: ["github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"],
      },
      importPath: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
      ldflags: `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PINNED_PULUMI_VERSION}`,
      expected: "about 4-7 minutes",
    },
    log,
  );
}
