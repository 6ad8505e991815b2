import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { redactText } from "../contracts/redact";

/**
 * Where the full text of a failure goes when the operator sees one sentence of it (a
 * failed `pulumi up`'s 50 lines): a file whose path the sentence names, redacted like
 * everything else this tool writes. The directory is GAMETRACKER_LOG_DIR, else
 * `<tmp>/gametracker-dr`; a CI job can upload it as an artifact.
 */
export const LOG_DIR_ENV = "GAMETRACKER_LOG_DIR";

let written = 0;

export function logDirectory(): string {
  return process.env[LOG_DIR_ENV] || path.join(os.tmpdir(), "gametracker-dr");
}

/**
 * Writes `text` (redacted) to a new file named after `name` and the time; returns its path,
 * or undefined when it can't be written (the sentence then goes without it: a full disk
 * must not hide the failure it reports).
 */
export function writeFailureLog(name: string, text: string, now = new Date()): string | undefined {
  try {
    const dir = logDirectory();
    fs.mkdirSync(dir, { recursive: true });
    const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
    const file = path.join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, "_")}-${stamp}-${process.pid}-${++written}.log`);
    fs.writeFileSync(file, redactText(text).replace(/\n?$/, "\n"), { flag: "wx" });
    return file;
  } catch {
    return undefined;
  }
}
