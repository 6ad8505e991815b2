import * as os from "node:os";
import * as path from "node:path";

/**
 * Where the tools the tests build are kept (the Pulumi CLI, versitygw):
 * `${GAMETRACKER_CACHE_DIR:-~/.cache/gametracker-dr}`, outside any checkout, so a second
 * run and a fresh clone on the same machine reuse them.
 */
export function cacheRoot(): string {
  return process.env.GAMETRACKER_CACHE_DIR ?? path.join(os.homedir(), ".cache", "gametracker-dr");
}
