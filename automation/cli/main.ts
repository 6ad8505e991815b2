import yargs, { ArgumentsCamelCase, Argv } from "yargs";
import { causeChain, ExitCode, exitCodeOf, UsageError } from "../errors";
import { errorMessage } from "../../contracts/text";
import { StreamOutput } from "../output";
import { redactText } from "../../contracts/redact";
import { StackNotFoundError } from "../stacks/port";
import { CliCommand, CliCommandGroup } from "./command";
import { allCommands } from "./commands";
import { CliDeps, CommandContext, defaultDeps } from "./context";
import { checkGlobalOptions, GlobalOptions, withGlobalOptions } from "./global-options";
import { checkParsedArguments, CLI, OptionFacts, orList, ParsingContext, rewriteParserMessage } from "./parser-messages";

export const CLI_NAME = CLI;

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
    // --verbose: the stack trace, then what caused it, down to the full text of a failed Pulumi run.
    if (verbose && error instanceof Error && error.stack) deps.stderr.write(redactText(error.stack) + "\n");
    if (verbose) for (const line of causeChain(error)) deps.stderr.write(redactText(line) + "\n");
  };

  // What yargs is parsing, for its messages (parser-messages.ts): the command path, its options and examples.
  const all = { options: {} as Record<string, OptionFacts> };
  let parsing: ParsingContext = { path: "", options: all.options, commands: commands.map((c) => c.command.split(" ")[0]!), positionals: [] };

  const handlerFor = (command: CliCommand) => async (args: ArgumentsCamelCase<GlobalOptions>) => {
    checkParsedArguments(argv, args, parsing);
    const globals = checkGlobalOptions(args, process.env);
    context = new CommandContext(args, new StreamOutput(args.json, deps.stdout, deps.stderr), deps, globals.awsTimeoutMs);
    exitCode = await command.run(args, context);
  };

  const register = (y: Argv<GlobalOptions>, command: CliCommand, group?: string): Argv<GlobalOptions> =>
    y.command(
      command.command,
      command.describe,
      (sub) => {
        const built = command.builder(sub);
        for (const [line, what] of command.examples) built.example(line, what);
        const [name, ...positionals] = command.command.split(" ");
        parsing = {
          path: [group, name].filter(Boolean).join(" "),
          options: optionFacts(built),
          commands: [],
          positionals,
          ...(command.examples[0] !== undefined ? { example: command.examples[0][0].replace(/^\$0/, CLI) } : {}),
          examples: command.examples.map(([line]) => line.replace(/^\$0/, CLI)),
        };
        return built;
      },
      handlerFor(command),
    );

  let parser = withGlobalOptions(
    yargs()
      .scriptName(CLI_NAME)
      .usage(`$0 <command> [options]\n\nDisaster-recovery driver for the GameTracker environment: backups, restore drills, cut-over, asset recovery.`),
  );

  for (const entry of commands) {
    if ("subcommands" in entry) {
      parser = parser.command(entry.command, entry.describe, (y) => {
        parsing = { path: entry.command, options: optionFacts(y), commands: entry.subcommands.map((c) => c.command.split(" ")[0]!), positionals: [] };
        let sub = y;
        for (const command of entry.subcommands) sub = register(sub, command, entry.command);
        const names = entry.subcommands.map((c) => c.command.split(" ")[0]!);
        return sub.demandCommand(1, `Name a ${entry.command} subcommand: ${orList(names)} (${CLI} ${entry.command} --help describes them).`);
      });
    } else {
      parser = register(parser, entry);
    }
  }

  parser = parser
    .demandCommand(1, `Name a command, e.g. ${CLI} drill --stack dev (${CLI} --help lists them).`)
    .strict()
    .recommendCommands()
    .help()
    .alias("help", "h")
    .version(false)
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error, usage) => {
      // yargs' own complaints (no error, or its YError) become one sentence with the fix; a command's errors pass through.
      if (error === undefined || error === null || error.name === "YError") {
        throw new UsageError(rewriteParserMessage(message ?? error?.message ?? "", withDescriptions(parsing, usage), argv));
      }
      throw error;
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

/** The options a yargs instance knows, by dashed name (yargs keeps no public accessor; read defensively). */
function optionFacts(y: unknown): Record<string, OptionFacts> {
  const o = (y as { getOptions?: () => Record<string, any> }).getOptions?.();
  if (o === undefined) return {};
  const facts: Record<string, OptionFacts> = {};
  for (const name of Object.keys(o.key ?? {})) {
    if (!name.includes("-") && /[A-Z]/.test(name)) continue;
    const type = (["boolean", "number", "string"] as const).find((t) => Array.isArray(o[t]) && o[t].includes(name));
    facts[name] = {
      ...(type !== undefined ? { type } : {}),
      ...(o.default?.[name] !== undefined ? { default: o.default[name] } : {}),
      ...(o.choices?.[name] !== undefined ? { choices: o.choices[name] } : {}),
    };
  }
  return facts;
}

/** The options' descriptions, from the usage instance yargs hands its fail handler (internal, read defensively). */
function withDescriptions(context: ParsingContext, usage: unknown): ParsingContext {
  const descriptions = (usage as { getDescriptions?: () => Record<string, unknown> }).getDescriptions?.() ?? {};
  const options = { ...context.options };
  for (const [name, text] of Object.entries(descriptions)) {
    if (typeof text === "string" && options[name] !== undefined) options[name] = { ...options[name], describe: text };
  }
  return { ...context, options };
}
