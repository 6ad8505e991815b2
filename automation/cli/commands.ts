import { CliCommand, CliCommandGroup } from "./command";
import { assetsCommand } from "../commands/assets";
import { checkCommand } from "../commands/check";
import { cleanupCommand } from "../commands/cleanup";
import { cutoverCommand } from "../commands/cutover";
import { drillCommand } from "../commands/drill";
import { restoreCommand } from "../commands/restore";
import { rollbackCommand } from "../commands/rollback";
import { snapshotsCommand } from "../commands/snapshots";

/** Every command of the CLI, in the order --help lists them. */
export const allCommands: Array<CliCommand | CliCommandGroup> = [checkCommand, snapshotsCommand, restoreCommand, drillCommand, cutoverCommand, rollbackCommand, cleanupCommand, assetsCommand];
