/**
 * Building a Go tool the tests need from the Go module proxy, once per machine, into the
 * tools' cache (tool-cache.ts): the Pulumi CLI and the Node.js language host. Both are
 * packages of modules that `go install …@v` can't build (pkg/v3's replace directives; the
 * host's own module is not served), so each is built from a local main module that
 * requires the module holding it and imports the package in a `tools.go`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export type Log = (line: string) => void;

/** An executable named `name` in a directory of PATH (or of `pathVar`), or undefined. */
export function onPath(name: string, pathVar = process.env.PATH ?? ""): string | undefined {
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

export interface GoModuleBuild {
  /** What is built, in messages: "the Pulumi CLI v3.274.1". */
  what: string;
  /** The local main module's name. */
  module: string;
  /** `require` lines: module path and version. */
  requires: Array<[string, string]>;
  /** `replace` lines, with a comment saying where they come from. */
  replaces?: { comment: string; lines: string[] };
  /** The package that is the binary. */
  importPath: string;
  /** Linker flags (the version the binary reports). */
  ldflags: string;
  /** Said while it builds: "about 4-7 minutes". */
  expected: string;
}

/**
 * Builds `build` into `target` through a temporary name renamed at the end, so a crash
 * mid-build never leaves a half-written binary where the next run would trust it. The
 * local main module is kept beside the target (build-module/), for a look at what was built.
 */
export function buildFromModuleProxy(go: string, target: string, build: GoModuleBuild, log: Log): void {
  const dir = path.dirname(target);
  const module = path.join(dir, "build-module");
  fs.mkdirSync(module, { recursive: true });
  fs.writeFileSync(
    path.join(module, "go.mod"),
    [
      `module ${build.module}`,
      "",
      "go 1.24",
      "",
      "require (",
      ...build.requires.map(([m, v]) => `\t${m} ${v}`),
      ")",
      "",
      ...(build.replaces ? [`// ${build.replaces.comment}`, ...build.replaces.lines.map((l) => `replace ${l}`), ""] : []),
    ].join("\n"),
  );
  fs.writeFileSync(path.join(module, "tools.go"), `//go:build tools\n\npackage tools\n\nimport _ "${build.importPath}"\n`);
  const env = { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? "local" };
  const run = (args: string[]) => {
    log(`  go ${args.join(" ")}`);
    const r = spawnSync(go, args, { cwd: module, env, stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) throw new Error(`go ${args[0]} failed with exit code ${r.status} while building ${build.what}; see its output above.`);
  };
  const started = Date.now();
  log(`building ${build.what} from the Go module proxy into ${dir} (first run on this machine only, ${build.expected}) ...`);
  run(["mod", "tidy"]);
  const partial = `${target}.partial-${process.pid}`;
  run(["build", "-ldflags", build.ldflags, "-o", partial, build.importPath]);
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
      if (!announced) log(`waiting for process ${owner}, which is building into ${path.dirname(lockPath)} ...`);
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
