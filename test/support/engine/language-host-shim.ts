/**
 * `pulumi-language-nodejs` on the engine tier's PATH (language-host.ts): runs the v3.68
 * host with the project's runtime options as the flags it takes, read from Pulumi.yaml in
 * the directory the engine starts language plugins in (the project's root).
 *
 *   node language-host-shim.js <host binary> <the engine's arguments…>
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { legacyHostFlags } from "./language-host-flags";

const [host, ...engineArgs] = process.argv.slice(2);
const projectFile = path.join(process.cwd(), "Pulumi.yaml");
if (host === undefined || !fs.existsSync(projectFile)) {
  process.stderr.write(`language-host-shim: no ${host === undefined ? "host binary argument" : projectFile}; the engine starts the language host in the project's directory\n`);
  process.exit(1);
}
process.execve!(host, [host, ...legacyHostFlags(fs.readFileSync(projectFile, "utf8")), ...engineArgs], process.env);
