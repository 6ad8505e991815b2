#!/usr/bin/env node
"use strict";
/**
 * `npm test`: the strict type check, and three mocha processes side by side, each with its
 * own moto: everything but the engine tier, and the engine tier (the real Pulumi CLI and the
 * stand-in plugins) in two halves, split by measured durations (two processes left half a
 * core idle for the engine tier's last minutes on 2 cores). The type check runs beside the
 * tools' installation and the first tests instead of before them (the tests run from source
 * through esbuild and don't wait for it); a type error still fails the run.
 *
 * The tools are installed first (scripts/test-tools.ts), except the engine tier's: on a new
 * machine the Pulumi CLI is built from the Go module proxy (about 5 min) and the Node.js
 * language host (about 30 s), beside the first process, which doesn't need them; the engine
 * halves start when they are there. The first process streams its output; the tools' and
 * the engine halves' are printed after it, so nothing interleaves. Exit code: non-zero when anything fails.
 */
const { spawn } = require("node:child_process");
const path = require("node:path");

const root = path.join(__dirname, "..");
const mocha = path.join(root, "node_modules", ".bin", "mocha");
const extra = process.argv.slice(2);
const tools = (part) => [process.execPath, ["--require", "tsx/cjs", path.join(root, "scripts", "test-tools.ts"), part]];

function run(command, args, env, stream) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: stream ? "inherit" : ["ignore", "pipe", "pipe"] });
    let output = "";
    if (!stream) {
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
    }
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

// The engine tier's second half: the scenarios that deploy environments of their own, the
// crash tier's restore cases, the production path's prod and prod-dr, and five small files
// that even the halves out. Measured on an idle 2-core machine: 668 s of tests in the first
// half against 536 s here before the five small ones (about 70 s with their setup) moved.
const ENGINE_SECOND_HALF = [
  "test/engine/recovery-sources.test.ts",
  "test/engine/drill-validation.test.ts",
  "test/engine/memory-stacks-contract.test.ts",
  "test/engine/rds.test.ts",
  "test/engine/crash/restore-kills.test.ts",
  "test/engine/production-paths.test.ts",
  "test/engine/recovery.test.ts",
  "test/engine/lock-and-resume.test.ts",
  "test/engine/stack-reference.test.ts",
  "test/engine/lifecycle.test.ts",
  "test/engine/region.test.ts",
];

(async () => {
  const started = Date.now();
  const typecheck = run(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "tsconfig.json"], {}, false);
  const emulators = await run(...tools("emulators"), {}, true);
  if (emulators.code !== 0) process.exit(emulators.code);
  const engineEnv = { GAMETRACKER_TEST_NO_VERSITYGW: "1" };
  const firstHalf = ["test/engine/**/*.test.ts", ...ENGINE_SECOND_HALF.flatMap((f) => ["--exclude", f])];
  const engine = (async () => {
    const cli = await run(...tools("engine"), {}, false);
    if (cli.code !== 0) return { cli, halves: [] };
    const halves = await Promise.all([run(mocha, [...firstHalf, ...extra], engineEnv, false), run(mocha, [...ENGINE_SECOND_HALF, ...extra], engineEnv, false)]);
    return { cli, halves };
  })();
  const rest = await run(mocha, ["test/**/*.test.ts", "--exclude", "test/engine/**", ...extra], {}, true);
  const { cli, halves } = await engine;
  const types = await typecheck;
  process.stdout.write(`\n──── type check (tsc --noEmit, strict) ────\n${types.code === 0 ? "no type errors\n" : types.output}`);
  process.stdout.write(`\n──── the Pulumi CLI, the language host and the stand-in plugins ────\n${cli.output}`);
  halves.forEach((half, i) => process.stdout.write(`\n──── engine tier ${i + 1}/2 (real Pulumi CLI, stand-in providers, moto) ────\n${half.output}`));
  const failed = [types, rest, cli, ...halves].find((r) => r.code !== 0);
  process.stdout.write(`\nnpm test: ${Math.round((Date.now() - started) / 1000)} s for the type check and the three test processes; ${failed === undefined ? "all passed" : "FAILED"}\n`);
  process.exit(failed === undefined ? 0 : failed.code);
})();
