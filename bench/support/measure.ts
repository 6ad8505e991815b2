/** Runs a command as a child process under /usr/bin/time: its wall time, its own peak memory (max RSS), and what it printed. */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface Measured {
  code: number | null;
  ms: number;
  maxRssMiB: number;
  stdout: string;
  stderr: string;
}

export function measure(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-time-")), "rusage");
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn("/usr/bin/time", ["-f", "%M", "-o", report, command, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-8000)));
    child.on("error", reject);
    child.on("exit", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const kib = Number(fs.readFileSync(report, "utf8").trim().split("\n").pop());
      fs.rmSync(path.dirname(report), { recursive: true, force: true });
      resolve({ code, ms, maxRssMiB: kib / 1024, stdout, stderr });
    });
  });
}

/** Builds dist/ from the tree (as `npm ci` does), so that what is measured is the binary users run, and of this code. */
export function buildCli(repo: string): void {
  const built = spawnSync(process.execPath, [path.join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(repo, "tsconfig.build.json")], { stdio: "inherit" });
  if (built.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed with exit code ${built.status}`);
}

/** The gametracker-dr binary (bin/gametracker-dr.js → dist/). */
export function cliCommand(repo: string, argv: string[]): [string, string[]] {
  return [process.execPath, [path.join(repo, "bin", "gametracker-dr.js"), ...argv]];
}
