import { promises as fs } from "node:fs";
import * as path from "node:path";
import { UsageError } from "../errors";

/**
 * `drill --id-file <path>`: the drill's id, written before it creates anything, so that a
 * step that runs after it — the workflow's `if: always()` step, after a drill killed at a
 * job's timeout — can clean up after this drill and no other (`cleanup --drill <id>`).
 */

/** Refuses a path the id can't be written to, before the drill creates anything. */
export async function checkIdFile(file: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  let stat;
  try {
    stat = await fs.stat(dir);
    await fs.access(dir, fs.constants.W_OK);
  } catch (error) {
    throw new UsageError(`--id-file ${file} can't be written (${(error as { code?: string }).code ?? String(error)} on ${dir}); pass a file in an existing, writable directory.`);
  }
  if (!stat.isDirectory()) throw new UsageError(`--id-file ${file} can't be written (${dir} is not a directory); pass a file in an existing, writable directory.`);
  const existing = await fs.stat(file).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`--id-file ${file} is a directory; pass the path of a file (it is overwritten).`);
}

/** Writes the id and a newline, replacing what the file held. */
export async function writeIdFile(file: string, id: string): Promise<void> {
  await fs.writeFile(file, `${id}\n`);
}
