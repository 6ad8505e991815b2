import * as fs from "node:fs";
import * as path from "node:path";
import * as esbuild from "esbuild";

/**
 * The bundled SQL validator's code, built when the program runs (at deploy time) from
 * the handler in the tree into one CommonJS file with its driver and SDK client inside:
 * what is uploaded is always what the tests load, never a stale artifact, and the
 * function does not depend on the SDK version a Lambda runtime happens to ship.
 */

export const VALIDATOR_FILE = "index.js";
export const VALIDATOR_HANDLER = "index.handler";
export const VALIDATOR_RUNTIME = "nodejs22.x";

/**
 * The handler's source: the `.ts` file when running from the tree, the compiled `.js`
 * when running from dist/ (the installed CLI), where there is no `.ts` beside it.
 */
export function validatorEntry(): string {
  const base = path.resolve(__dirname, "validator-lambda", "handler");
  const found = [".ts", ".js"].map((ext) => base + ext).find((file) => fs.existsSync(file));
  if (found === undefined) throw new Error(`The bundled validator's source is missing (${base}.ts or .js); reinstall the tool (npm ci builds dist/).`);
  return found;
}

let pending: Promise<string> | undefined;

/** The bundle's text; built once per process, since every validator in a program gets the same code. */
export function buildValidatorBundle(): Promise<string> {
  pending ??= esbuild
    .build({
      entryPoints: [validatorEntry()],
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      write: false,
      logLevel: "silent",
      legalComments: "none",
    })
    .then((result) => {
      const file = result.outputFiles[0];
      if (file === undefined) throw new Error("esbuild produced no output for the bundled validator.");
      return file.text;
    })
    .catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
  return pending;
}
