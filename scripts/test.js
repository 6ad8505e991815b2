#!/usr/bin/env node
"use strict";
/**
 * `npm test` after the type check: three mocha processes side by side, each with its own
 * moto: everything but the engine tier, and the engine tier (the real Pulumi CLI and the
 * stand-in plugins) in two halves, split by measured durations (two processes left half a
 * core idle for the engine tier's last minutes on 2 cores).
 *
 * The tools are installed first (scripts/test-tools.ts), except the Pulumi CLI: on a new
 * machine it is built from the Go module proxy (about 5 min), beside the first process,
 * which doesn't need it; the engine halves start when it is there. The first process
 * streams its output; the CLI build's and the engine halves' are printed after it, so
 * nothing interleaves. Exit code: non-zero when anything fails.
 */
const { spawn, spawnSync } = require("node:child_process");
const path = require("node:path");

const root = path.join(__dirname, "..");
const mocha = path.join(root, "node_modules", ".bin", "mocha");
const extra = process.argv.slice(2);
const tools = (part) => [process.execPath, ["--require", "tsx/cjs", path.join(root, "scripts", "test-tools.ts"), part]];

const emulators = spawnSync(...tools("emulators"), { cwd: root, stdio: "inherit" });
if (emulators.status !== 0) process.exit(emulators.status ?? 1);

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

// The engine tier's second half: the scenarios that deploy environments of their own.
const ENGINE_SECOND_HALF = ["test/engine/recovery-sources.test.ts", "test/engine/drill-validation.test.ts", "test/engine/memory-stacks-contract.test.ts"];

(async () => {
  const started = Date.now();
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
  process.stdout.write(`\n──── the Pulumi CLI and the stand-in plugins ────\n${cli.output}`);
  halves.forEach((half, i) => process.stdout.write(`\n──── engine tier ${i + 1}/2 (real Pulumi CLI, stand-in providers, moto) ────\n${half.output}`));
  const failed = [rest, cli, ...halves].find((r) => r.code !== 0);
  process.stdout.write(`\nnpm test: ${Math.round((Date.now() - started) / 1000)} s for the three test processes; ${failed === undefined ? "all passed" : "FAILED"}\n`);
  process.exit(failed === undefined ? 0 : failed.code);
})();
