/**
 * moto, the local AWS emulator every AWS-calling test runs against. Installed on first
 * use into a project-local virtual environment (.venv-moto, keyed by the hash of
 * requirements-test.txt so a version bump reinstalls), started on a free 127.0.0.1 port
 * and reset between tests.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { startServerProcess } from "./server-process";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const VENV_DIR = path.join(REPO_ROOT, ".venv-moto");
const REQUIREMENTS = path.join(REPO_ROOT, "requirements-test.txt");
const STAMP = path.join(VENV_DIR, ".requirements.sha256");

export function venvBin(name: string): string {
  return path.join(VENV_DIR, "bin", name);
}

/** Creates or refreshes the virtual environment; a clear error when python3 is missing. */
export function ensurePythonTools(log: (line: string) => void = () => {}): void {
  const wanted = createHash("sha256").update(fs.readFileSync(REQUIREMENTS)).digest("hex");
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === wanted && fs.existsSync(venvBin("moto_server"))) return;
  const python = process.env.PYTHON ?? "python3";
  const probe = spawnSync(python, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(`The emulator tests need Python 3 (${python} was not found); install python3 with venv support (apt-get install python3 python3-venv) or set PYTHON.`);
  }
  log(`installing moto into ${VENV_DIR} (first run only) ...`);
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], cwd: REPO_ROOT });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${r.status}; see its output above.`);
  };
  if (!fs.existsSync(venvBin("python"))) run(python, ["-m", "venv", VENV_DIR]);
  run(venvBin("python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS]);
  fs.writeFileSync(STAMP, wanted);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface MotoServer {
  endpoint: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<MotoServer> {
  ensurePythonTools((line) => process.stderr.write(line + "\n"));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const server = await startServerProcess("moto_server", venvBin("moto_server"), ["-H", "127.0.0.1", "-p", String(port)], async () => (await fetch(`${endpoint}/moto-api/`)).ok, {
    timeoutMs: 60_000,
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: "true" },
  });
  return {
    endpoint,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
    },
    stop: server.stop,
  };
}
