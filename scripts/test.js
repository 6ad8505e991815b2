#!/usr/bin/env node
"use strict";
/**
 * `npm test` after the type check: the tools installed once (scripts/test-tools.ts), then
 * two mocha processes side by side, each with its own moto: the engine tier (the real
 * Pulumi CLI and the stand-in plugins; mostly waiting on subprocesses) and everything
 * else. The first streams its output; the engine tier's is printed when it ends, so the
 * two never interleave. Exit code: non-zero when either fails.
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

(async () => {
  const started = Date.now();
  const engine = run(["test/engine/**/*.test.ts", ...extra], { GAMETRACKER_TEST_NO_VERSITYGW: "1" }, false);
  const rest = await run(["test/**/*.test.ts", "--exclude", "test/engine/**", ...extra], {}, true);
  const tier = await engine;
  process.stdout.write(`\n──── engine tier (real Pulumi CLI, stand-in providers, moto) ────\n${tier.output}`);
  process.stdout.write(`\nnpm test: ${Math.round((Date.now() - started) / 1000)} s for both test processes; ${rest.code === 0 && tier.code === 0 ? "all passed" : "FAILED"}\n`);
  process.exit(rest.code !== 0 ? rest.code : tier.code);
})();
