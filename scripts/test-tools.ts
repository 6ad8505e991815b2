/**
 * Installs what the tests run against, once and in order, before the test processes
 * start in parallel (two installs of the same tool at once would race): moto and
 * s3-pit-restore into .venv-moto, versitygw and the Pulumi CLI into
 * ~/.cache/gametracker-dr (built from the Go module proxy when missing), and the
 * stand-in provider plugins. A missing Pulumi CLI with no Go to build it is not an
 * error here: the engine tests then skip with that sentence.
 */
import { ensurePythonTools } from "../test/support/moto";
import { ensureVersitygw } from "../test/support/versitygw";
import { ensurePulumiCli, PulumiCliUnavailableError } from "../test/support/engine/pulumi-cli";
import { standinPlugins } from "../test/support/engine/plugins";

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  if (process.env.GAMETRACKER_TEST_NO_EMULATOR === "1") return;
  ensurePythonTools(log);
  ensureVersitygw(log);
  try {
    log(`pulumi CLI: ${ensurePulumiCli(log)}`);
    await standinPlugins();
  } catch (error) {
    if (!(error instanceof PulumiCliUnavailableError)) throw error;
    log(`engine tests will be skipped: ${error.message}`);
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
