import type { ArgumentsCamelCase, Argv } from "yargs";
import type { CommandContext } from "./context";
import type { GlobalOptions } from "./global-options";

/**
 * One CLI command. `run` returns the exit code (0 or 1); usage problems are thrown as
 * `UsageError` and become exit 2 in main. `A` is what `builder` declares (the global
 * options and the command's own), so `run`'s arguments are typed by the options the
 * parser actually has: write commands with `defineCommand`, which infers it.
 */
export interface CliCommand<A = GlobalOptions> {
  /** yargs command string, e.g. `create [name]`. */
  command: string;
  describe: string;
  builder(yargs: Argv<GlobalOptions>): Argv<A>;
  /** At least one `[command line, what it does]` example; shown in --help. */
  examples: Array<[string, string]>;
  run(args: ArgumentsCamelCase<A>, ctx: CommandContext): Promise<number>;
}

/** A command whose `run` takes the arguments its `builder` declares (TypeScript infers `A` from the builder). */
export function defineCommand<A>(command: CliCommand<A>): CliCommand<A> {
  return command;
}

/** A command with subcommands (`snapshots list|create|prune`). */
export interface CliCommandGroup {
  command: string;
  describe: string;
  subcommands: CliCommand[];
}
