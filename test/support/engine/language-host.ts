/**
 * The Node.js language host (`pulumi-language-nodejs`) for the engine tier's production
 * paths: `pulumi up -s dev` running index.ts as a user's machine does, and the CLI's
 * non-inline environment stack (cutover, rollback). Facts (DESIGN.md, "Facts of the real
 * engine"): the host's own module is not on the Go module proxy, but
 * github.com/pulumi/pulumi/sdk/v3 v3.68.0 (May 2023), the last sdk/v3 release holding it
 * as a package, is: a local main module requiring it builds it in about 30 s (26 MB).
 *
 * That host is older than the CLI, and the two disagree on one thing: a v3.68 host takes
 * the project's `runtime.options` as command-line flags (`-typescript=false`,
 * `-nodeargs=…`), which the CLI of its day passed (sdk/v3@v3.68.0
 * go/common/resource/plugin/langruntime_plugin.go, buildArgsForNewPlugin); CLI 3.274
 * passes only the engine's address and sends the options in the RPC, which the old host
 * does not read. Started bare, it would run index.ts through ts-node with type checking
 * instead of Pulumi.yaml's `nodeargs: --require ./register-ts.js`. So the host goes on the
 * engine's PATH behind a shim that passes the options as that CLI did
 * (language-host-shim.ts), and only those the v3.68 host defines: an option it doesn't
 * know (`packagemanager`, which only `pulumi install` reads) would stop its flag parser.
 *
 * pulumi/actions installs a current host beside the CLI; the tests' host is this older
 * release either way, first on the engine's PATH (docs/testing.md).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as esbuild from "esbuild";
import { buildFromModuleProxy, Log, onPath, withLock } from "../go-build";
import { cacheRoot } from "../tool-cache";

export const LANGUAGE_HOST_SDK_VERSION = "v3.68.0";

/** The built host binary (never on PATH itself: the shim runs it). */
export function languageHostBinary(): string {
  return path.join(cacheRoot(), `pulumi-language-nodejs-${LANGUAGE_HOST_SDK_VERSION}`, "pulumi-language-nodejs");
}

export class LanguageHostUnavailableError extends Error {
  override readonly name = "LanguageHostUnavailableError";
}

/** The cached host, built when missing. Throws LanguageHostUnavailableError (one sentence) when there is no go to build it with. */
export function ensureLanguageHost(log: Log = () => {}): string {
  const target = languageHostBinary();
  if (fs.existsSync(target)) return target;
  const go = onPath("go");
  if (go === undefined) {
    throw new LanguageHostUnavailableError(
      `The engine tests of pulumi up through the Node.js language host need go to build pulumi-language-nodejs from github.com/pulumi/pulumi/sdk/v3@${LANGUAGE_HOST_SDK_VERSION} once; install Go 1.24+ (https://go.dev/dl/).`,
    );
  }
  withLock(`${target}.lock`, log, () => {
    if (fs.existsSync(target)) return;
    buildFromModuleProxy(
      go,
      target,
      {
        what: `pulumi-language-nodejs (sdk/v3 ${LANGUAGE_HOST_SDK_VERSION})`,
        module: "gametracker-dr/pulumi-language-nodejs",
        requires: [["github.com/pulumi/pulumi/sdk/v3", LANGUAGE_HOST_SDK_VERSION]],
        importPath: "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs",
        ldflags: `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${LANGUAGE_HOST_SDK_VERSION}`,
        expected: "about 30 s",
      },
      log,
    );
  });
  return target;
}

/**
 * Puts `pulumi-language-nodejs` into `binDir` (first on the engine's PATH): a shell shim
 * that runs language-host-shim.ts, bundled by esbuild into one file, on this test run's
 * Node; it replaces itself with `host` (process.execve), so the engine's plugin is the
 * host's own process.
 */
export async function installLanguageHost(binDir: string, host: string): Promise<void> {
  const bundle = path.join(binDir, "language-host-shim.js");
  await esbuild.build({
    entryPoints: [path.join(__dirname, "language-host-shim.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    logLevel: "error",
    banner: { js: "// The engine tests' shim for pulumi-language-nodejs v3.68 (test/support/engine/language-host.ts)." },
  });
  const q = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
  fs.writeFileSync(
    path.join(binDir, "pulumi-language-nodejs"),
    `#!/bin/sh\n# written by test/support/engine/language-host.ts\nexec ${q(process.execPath)} ${q(bundle)} ${q(host)} "$@"\n`,
    { mode: 0o755 },
  );
}
