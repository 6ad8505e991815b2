import { CliCommand, CliCommandGroup } from "./command";
import { assetsCommand } from "../commands/assets";
import { checkCommand } from "../commands/check";
import { drillCommand } from "../commands/drill";
import { restoreCommand } from "../commands/restore";
import { snapshotsCommand } from "../commands/snapshots";

/** Every command of the CLI, in the order --help lists them. */
export const allCommands: Array<CliCommand | CliCommandGroup> = [checkCommand, snapshotsCommand, restoreCommand, drillCommand, assetsCommand];
