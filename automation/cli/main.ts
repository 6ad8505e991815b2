import yargs, { Argv } from "yargs";
import { errorMessage, ExitCode, exitCodeOf, UsageError } from "../errors";
import { StreamOutput } from "../output";
import { redactText } from "../../contracts/redact";
import { StackNotFoundError } from "../stacks/port";
import { CliCommand, CliCommandGroup } from "./command";
import { allCommands } from "./commands";
import { CliDeps, CommandContext, defaultDeps, GlobalArgs } from "./context";

export const CLI_NAME = "gametracker-dr";

/**
 * Runs the CLI and returns the exit code: 0 success, 1 a check or operation failed,
 * 2 bad usage or input. Never calls process.exit, so tests run it in-process.
 */
export async function main(
  argv: string[],
  overrides: Partial<CliDeps> = {},
  commands: Array<CliCommand | CliCommandGroup> = allCommands,
): Promise<number> {
  const deps: CliDeps = { ...defaultDeps(), ...overrides };
  let exitCode: number = ExitCode.ok;
  let context: CommandContext | undefined;
  const verbose = argv.includes("--verbose");
  const fail = (error: unknown): void => {
    exitCode = error instanceof StackNotFoundError ? ExitCode.usage : exitCodeOf(error);
    const message = errorMessage(error);
    deps.stderr.write(`error: ${redactText(message)}\n`);
    if (verbose && error instanceof Error && error.stack) deps.stderr.write(redactText(error.stack) + "\n");
  };

  const handlerFor = (command: CliCommand) => async (args: GlobalArgs) => {
    context = new CommandContext(args, new StreamOutput(args.json, deps.stdout, deps.stderr), deps);
    exitCode = await command.run(args, context);
  };

  const register = (y: Argv<GlobalArgs>, command: CliCommand): Argv<GlobalArgs> =>
    y.command(
      command.command,
      command.describe,
      (sub) => {
        const built = command.builder ? command.builder(sub) : sub;
        for (const [line, what] of command.examples) built.example(line, what);
        return built;
      },
      handlerFor(command) as any,
    );

  let parser = yargs()
    .scriptName(CLI_NAME)
    .usage(`$0 <command> [options]\n\nDisaster-recovery driver for the GameTracker environment: backups, restore drills, cut-over, asset recovery.`)
    .option("stack", { type: "string", describe: "Environment stack (dev, prod, …) whose outputs name the database and bucket", global: true })
    .option("region", { type: "string", describe: "AWS region (default: AWS_REGION, then us-east-1)", global: true })
    .option("endpoint", { type: "string", describe: "AWS endpoint override (default: AWS_ENDPOINT_URL); used for local emulators", global: true })
    .option("json", { type: "boolean", default: false, describe: "Machine-readable result on stdout; progress stays on stderr", global: true })
    .option("yes", { alias: "y", type: "boolean", default: false, describe: "Do not ask for confirmation", global: true })
    .option("verbose", { type: "boolean", default: false, describe: "Show stack traces on errors", global: true }) as unknown as Argv<GlobalArgs>;

  for (const entry of commands) {
    if ("subcommands" in entry) {
      parser = parser.command(entry.command, entry.describe, (y) => {
        let sub = y as Argv<GlobalArgs>;
        for (const command of entry.subcommands) sub = register(sub, command);
        return sub.demandCommand(1, `Name a ${entry.command} subcommand: ${entry.subcommands.map((c) => c.command.split(" ")[0]).join(", ")}.`);
      });
    } else {
      parser = register(parser, entry);
    }
  }

  parser = parser
    .demandCommand(1, "Name a command; --help lists them.")
    .strict()
    .recommendCommands()
    .help()
    .alias("help", "h")
    .version(false)
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });

  try {
    let helpShown = false;
    await parser.parseAsync(argv, {}, (error, _parsed, text) => {
      if (error) return;
      if (text) {
        helpShown = true;
        deps.stdout.write(text + "\n");
      }
    });
    if (helpShown) return ExitCode.ok;
  } catch (error) {
    fail(error);
  } finally {
    (context as CommandContext | undefined)?.dispose();
  }
  return exitCode;
}
