#!/usr/bin/env node
"use strict";
/**
 * `npm test` after the type check: the tools installed once (scripts/test-tools.ts), then
 * three mocha processes side by side, each with its own moto: everything but the engine
 * tier, and the engine tier (the real Pulumi CLI and the stand-in plugins) in two halves.
 * Two processes left half a core idle for the engine tier's last minutes on 2 cores; the
 * halves are split by measured durations (about 4 min each when run alone). The first
 * streams its output; the engine halves' are printed when they end, so nothing
 * interleaves. Exit code: non-zero when any fails.
 */
const { spawn, spawnSync } = require("node:child_process");
const path = require("node:path");

const root = path.join(__dirname, "..");
const mocha = path.join(root, "node_modules", ".bin", "mocha");
const extra = process.argv.slice(2);

const tools = spawnSync(process.execPath, ["--require", "tsx/cjs", path.join(root, "scripts", "test-tools.ts")], { cwd: root, stdio: "inherit" });
if (tools.status !== 0) process.exit(tools.status ?? 1);

function run(args, env, stream) {
  return new Promise((resolve) => {
    const child = spawn(mocha, args, { cwd: root, env: { ...process.env, ...env }, stdio: stream ? "inherit" : ["ignore", "pipe", "pipe"] });
    let output = "";
    if (!stream) {
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
    }
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

// The engine tier's second half: the scenarios that deploy environments of their own.
const ENGINE_SECOND_HALF = ["test/engine/recovery-sources.test.ts", "test/engine/drill-validation.test.ts", "test/engine/memory-stacks-contract.test.ts"];

(async () => {
  const started = Date.now();
  const engineEnv = { GAMETRACKER_TEST_NO_VERSITYGW: "1" };
  const firstHalf = ["test/engine/**/*.test.ts", ...ENGINE_SECOND_HALF.flatMap((f) => ["--exclude", f])];
  const engine = [run([...firstHalf, ...extra], engineEnv, false), run([...ENGINE_SECOND_HALF, ...extra], engineEnv, false)];
  const rest = await run(["test/**/*.test.ts", "--exclude", "test/engine/**", ...extra], {}, true);
  const halves = await Promise.all(engine);
  halves.forEach((half, i) => process.stdout.write(`\n──── engine tier ${i + 1}/2 (real Pulumi CLI, stand-in providers, moto) ────\n${half.output}`));
  const failed = [rest, ...halves].find((r) => r.code !== 0);
  process.stdout.write(`\nnpm test: ${Math.round((Date.now() - started) / 1000)} s for the three test processes; ${failed === undefined ? "all passed" : "FAILED"}\n`);
  process.exit(failed === undefined ? 0 : failed.code);
})();
