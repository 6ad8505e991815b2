/**
 * Versity Gateway (versitygw), a second real S3 implementation (Go, Apache-2.0) for the
 * asset tests and the benchmark. Built once with `go install` into a cache outside the
 * checkout and reused; started on a free 127.0.0.1 port with its posix backend in a
 * temporary directory; reset by emptying that directory.
 *
 * It is reached through an S3Proxy (s3-proxy.ts) that restores the one thing versitygw
 * lists differently from S3 and that a point-in-time restore reads: LastModified and the
 * order of ListObjectVersions (see docs/testing.md, "moto and versitygw").
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cacheRoot } from "./tool-cache";
import { freePort } from "./moto";
import { S3Proxy } from "./s3-proxy";
import { startServerProcess } from "./server-process";

export const VERSITYGW_VERSION = "v1.8.0";
export const VERSITYGW_MODULE = "github.com/versity/versitygw/cmd/versitygw";
export const VERSITYGW_CACHE = path.join(cacheRoot(), `versitygw-${VERSITYGW_VERSION}`);
export const VERSITYGW_BIN = path.join(VERSITYGW_CACHE, "versitygw");
export const ACCESS_KEY = "testing";
export const SECRET_KEY = "testing";

/** The versitygw binary, built on first use (about a minute; `go` needed only then). */
export function ensureVersitygw(log: (line: string) => void = () => {}): string {
  if (fs.existsSync(VERSITYGW_BIN)) return VERSITYGW_BIN;
  const go = process.env.GO ?? "go";
  const probe = spawnSync(go, ["version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `The S3 emulator tests need Go to build versitygw ${VERSITYGW_VERSION} once (${go} was not found); install Go 1.24 or later (https://go.dev/dl/), or put a versitygw ${VERSITYGW_VERSION} binary at ${VERSITYGW_BIN}.`,
    );
  }
  log(`building versitygw ${VERSITYGW_VERSION} into ${VERSITYGW_CACHE} (first run only, about a minute) ...`);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "versitygw-build-"));
  try {
    const built = spawnSync(go, ["install", `${VERSITYGW_MODULE}@${VERSITYGW_VERSION}`], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, GOBIN: staging } });
    if (built.status !== 0) throw new Error(`go install ${VERSITYGW_MODULE}@${VERSITYGW_VERSION} failed with exit code ${built.status}; see its output above.`);
    fs.mkdirSync(VERSITYGW_CACHE, { recursive: true });
    // Rename, so that an interrupted build never leaves a half-written binary in the cache.
    fs.renameSync(path.join(staging, "versitygw"), VERSITYGW_BIN);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return VERSITYGW_BIN;
}

export interface VersitygwServer {
  /** versitygw itself (tests and tools go through a proxy instead). */
  upstream: string;
  /** Removes every bucket and version. */
  wipe(): void;
  stop(): Promise<void>;
}

export async function startVersitygw(): Promise<VersitygwServer> {
  const bin = ensureVersitygw((line) => process.stderr.write(line + "\n"));
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "gametracker-versitygw-"));
  const root = path.join(base, "root");
  const versions = path.join(base, "versions");
  fs.mkdirSync(root);
  fs.mkdirSync(versions);
  const port = await freePort();
  const upstream = `http://127.0.0.1:${port}`;
  const server = await startServerProcess(
    "versitygw",
    bin,
    // Keep-alive as S3 has it: versitygw closes every connection after one answer by default.
    ["--access", ACCESS_KEY, "--secret", SECRET_KEY, "--port", `127.0.0.1:${port}`, "--keep-alive", "--quiet", "posix", "--versioning-dir", versions, root],
    async () => (await fetch(`${upstream}/`), true),
    { timeoutMs: 30_000 },
  );
  return {
    upstream,
    wipe() {
      for (const dir of [root, versions]) for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    },
    async stop() {
      await server.stop();
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/**
 * For the mocha global fixture: versitygw behind its proxy, published as
 * GAMETRACKER_TEST_VERSITYGW (reset with a POST to <endpoint>/__reset), and versitygw itself
 * as GAMETRACKER_TEST_VERSITYGW_RAW (for the test that shows what the proxy corrects).
 */
export async function startVersitygwForTests(): Promise<{ stop(): Promise<void> }> {
  const server = await startVersitygw();
  const proxy = new S3Proxy({ upstream: server.upstream, s3Timestamps: true, onReset: () => server.wipe() });
  const endpoint = await proxy.listen();
  process.env.GAMETRACKER_TEST_VERSITYGW = endpoint;
  process.env.GAMETRACKER_TEST_VERSITYGW_RAW = server.upstream;
  return {
    async stop() {
      await proxy.close();
      await server.stop();
    },
  };
}
