"use strict";
/**
 * How `pulumi up` runs the TypeScript program (Pulumi.yaml: `nodeargs: --require
 * ./register-ts.js`, `typescript: false`): each `.ts` file is transpiled by esbuild when
 * it is required, so the code that runs is always the code in the tree — no stale
 * dist/. Type checking is `npm test`'s job. It hooks only the `.ts` extension: general
 * loaders (tsx) intercept every one of the ~1,500 module files @pulumi/* loads, which
 * doubled the cold start (bench/cold-start.bench.ts).
 */
const fs = require("node:fs");
const Module = require("node:module");
const esbuild = require("esbuild");

Module._extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code } = esbuild.transformSync(fs.readFileSync(filename, "utf8"), {
    loader: "ts",
    format: "cjs",
    target: "node22",
    sourcefile: filename,
    // Stack traces point at the .ts lines under --enable-source-maps.
    sourcemap: "inline",
  });
  module._compile(code, filename);
};
