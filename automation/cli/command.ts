import type { Argv } from "yargs";
import { CommandContext, GlobalArgs } from "./context";

/**
 * One CLI command. `run` returns the exit code (0 or 1); usage problems are thrown as
 * `UsageError` and become exit 2 in main.
 */
export interface CliCommand<A = any> {
  /** yargs command string, e.g. `create [name]`. */
  command: string;
  describe: string;
  builder?: (yargs: Argv<GlobalArgs>) => Argv<any>;
  /** At least one `[command line, what it does]` example; shown in --help. */
  examples: Array<[string, string]>;
  run(args: A & GlobalArgs, ctx: CommandContext): Promise<number>;
}

/** A command with subcommands (`snapshots list|create|prune`). */
export interface CliCommandGroup {
  command: string;
  describe: string;
  subcommands: CliCommand[];
}
