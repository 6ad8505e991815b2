import { CliCommand, CliCommandGroup } from "./command";
import { assetsCommand } from "../commands/assets";
import { drillCommand } from "../commands/drill";
import { restoreCommand } from "../commands/restore";

/** Every command of the CLI, in the order --help lists them. */
export const allCommands: Array<CliCommand | CliCommandGroup> = [restoreCommand, drillCommand, assetsCommand];
