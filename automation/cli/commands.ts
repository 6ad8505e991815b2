import { CliCommand, CliCommandGroup } from "./command";
import { assetsCommand } from "../commands/assets";

/** Every command of the CLI, in the order --help lists them. */
export const allCommands: Array<CliCommand | CliCommandGroup> = [assetsCommand];
