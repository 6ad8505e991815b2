/**
 * Installs what the tests run against, once, before the test processes that need it start
 * (two installs of the same tool at once would race). Two parts, run by scripts/test.js
 * one after the other but the second beside the first test process:
 *
 *   emulators: moto and s3-pit-restore into .venv-moto, versitygw into ~/.cache/gametracker-dr
 *   engine:    the Pulumi CLI and the Node.js language host (each built from the Go module
 *              proxy when missing), the stand-in provider plugins, and dist/ when it is older
 *              than the sources (the crash tier runs bin/gametracker-dr.js); a missing CLI or
 *              host with no Go to build it is not an error here: the tests that need it then
 *              skip with that sentence
 *
 * With no argument, both.
 */
import { ensurePythonTools } from "../test/support/moto";
import { ensureVersitygw } from "../test/support/versitygw";
import { ensurePulumiCli, PulumiCliUnavailableError } from "../test/support/engine/pulumi-cli";
import { standinPlugins } from "../test/support/engine/plugins";
import { errorMessage } from "../contracts/text";
import { ensureBuiltCli } from "../test/support/engine/checkout";
import { ensureLanguageHost, LanguageHostUnavailableError } from "../test/support/engine/language-host";

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(part: string | undefined): Promise<void> {
  if (process.env.GAMETRACKER_TEST_NO_EMULATOR === "1") return;
  if (part !== undefined && part !== "emulators" && part !== "engine") throw new Error(`scripts/test-tools.ts: unknown part "${part}" (emulators or engine)`);
  if (part !== "engine") {
    ensurePythonTools(log);
    ensureVersitygw(log);
  }
  if (part === "emulators") return;
  try {
    log(`pulumi CLI: ${ensurePulumiCli(log)}`);
    await standinPlugins();
  } catch (error) {
    if (!(error instanceof PulumiCliUnavailableError)) throw error;
    log(`engine tests will be skipped: ${error.message}`);
    return;
  }
  try {
    log(`Node.js language host: ${ensureLanguageHost(log)}`);
  } catch (error) {
    if (!(error instanceof LanguageHostUnavailableError)) throw error;
    log(`the engine tests of the production paths will be skipped: ${error.message}`);
  }
  ensureBuiltCli(log);
}

main(process.argv[2]).catch((error: unknown) => {
  log(errorMessage(error));
  process.exit(1);
});
