import { CliCommand, CliCommandGroup } from "./command";

/** Every command of the CLI, in the order --help lists them. */
export const allCommands: Array<CliCommand | CliCommandGroup> = [];
