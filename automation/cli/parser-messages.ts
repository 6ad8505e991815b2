import { UsageError } from "../errors";

/**
 * yargs' own messages ("Unknown arguments: older-thn, olderThn", "Invalid values:\n
 * Argument: via, Given: …", "Not enough arguments following: at") rewritten as this tool's
 * one sentence with the fix, and the mistakes yargs lets through (`--json=maybe` read as
 * false, `--db-instance a --db-instance b` read as "a,b", `--concurrency abc` read as NaN)
 * refused the same way. Pure: the message, what was being parsed and the command line in;
 * a sentence or a UsageError out. main.ts gathers the context from yargs.
 */

export interface OptionFacts {
  type?: "boolean" | "number" | "string";
  default?: unknown;
  describe?: string;
  choices?: readonly unknown[];
}

export interface ParsingContext {
  /** The command being parsed, as typed after the CLI's name: "" at the top, "snapshots", "assets restore-prefix". */
  path: string;
  /** The options known there, by their dashed name. */
  options: Record<string, OptionFacts>;
  /** The subcommands at this level, for an unknown command. */
  commands: string[];
  /** The command's positionals as its usage writes them (`<key>`). */
  positionals: string[];
  /** One of the command's examples, with the CLI's name. */
  example?: string;
  /** All of the command's examples, for a value to show (`--keep-last 5`). */
  examples?: string[];
}

export const CLI = "gametracker-dr";

export function rewriteParserMessage(message: string, context: ParsingContext, argv: string[]): string {
  const cmd = [CLI, context.path].filter(Boolean).join(" ");
  const help = `${cmd} --help`;
  let m: RegExpExecArray | null;
  if ((m = /^Unknown arguments?: (.+)$/.exec(message)) !== null) return unknownArgument(distinctNames(m[1]!.split(", ")), context, argv, cmd, help);
  if ((m = /^Did you mean (.+)\?$/.exec(message)) !== null || (m = /^Unknown commands?: (.+)$/.exec(message)) !== null) {
    const typed = typedCommand(context, argv) ?? m[1]!;
    const suggestion = nearest(typed, context.commands);
    return `Unknown command ${JSON.stringify(typed)} for ${cmd}${suggestion !== undefined ? `; did you mean ${[cmd, suggestion].join(" ")}?` : ""} (${help} lists its commands).`;
  }
  if ((m = /^Not enough arguments following: (.+)$/.exec(message)) !== null) return `--${m[1]} needs a value${about(context.options[m[1]!])}; see ${help}.`;
  if ((m = /^Missing required arguments?: (.+)$/.exec(message)) !== null) {
    const names = m[1]!.split(", ").filter((n) => /-|^[a-z0-9]+$/.test(n));
    return `${cmd} needs ${names.map((n) => `--${n}`).join(" and ")}${names.length === 1 ? about(context.options[names[0]!]) : ""}; see ${help}.`;
  }
  if ((m = /^Invalid values:\s*Argument: ([^,]+), Given: (.+), Choices: (.+)$/m.exec(message)) !== null) {
    return `Invalid --${m[1]} ${m[2]}: choose ${orList(m[3]!.split(", ").map((c) => c.replace(/^"|"$/g, "")))}.`;
  }
  if ((m = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(message)) !== null) {
    const wanted = context.positionals.join(" ") || "an argument";
    return `${cmd} needs ${wanted}${context.example !== undefined ? `, e.g. ${context.example}` : ""}; see ${help}.`;
  }
  if ((m = /^Too many non-option arguments: got (\d+), maximum of (\d+)$/.exec(message)) !== null) {
    return `${cmd} takes ${context.positionals.join(" ") || "no arguments"} but got ${m[1]}; quote a value that contains spaces, and see ${help}.`;
  }
  if ((m = /^Arguments (\S+) and (\S+) are mutually exclusive$/.exec(message)) !== null) return `Give --${m[1]} or --${m[2]}, not both.`;
  const sentence = message.replace(/\s+/g, " ").trim().replace(/\.$/, "");
  // A message of this tool's own (a demandCommand's) already says where help is.
  return /--help/.test(sentence) ? `${sentence}.` : `${sentence}; see ${help}.`;
}

/**
 * What yargs accepts but must not be: a switch given a value other than true or false
 * (yargs reads `--json=maybe` as false), an option given twice (read as a list that no
 * option here takes), a number option given something else (read as NaN).
 */
export function checkParsedArguments(argv: string[], args: Readonly<Record<string, unknown>>, context: ParsingContext): void {
  const cmd = [CLI, context.path].filter(Boolean).join(" ");
  for (const token of argv) {
    const m = /^--(?:no-)?([^=]+)=(.*)$/.exec(token);
    if (m === null || typeof args[camel(m[1]!)] !== "boolean") continue;
    if (!/^(true|false)$/.test(m[2]!)) {
      throw new UsageError(`--${m[1]} is a switch and takes no value (got ${JSON.stringify(m[2])}); write --${m[1]} to turn it on, or --${m[1]}=false to turn it off.`);
    }
  }
  for (const [name, value] of Object.entries(args)) {
    if (name === "_" || name === "$0" || (!name.includes("-") && /[A-Z]/.test(name))) continue;
    const dashed = dash(name);
    if (Array.isArray(value)) {
      throw new UsageError(`--${dashed} is given ${value.length} times (${value.map((v) => JSON.stringify(String(v))).join(", ")}); give it once.`);
    }
    if (typeof value === "number" && Number.isNaN(value)) {
      const given = givenValue(argv, dashed);
      const fallback = context.options[dashed]?.default;
      const shown = (context.examples ?? []).map((e) => new RegExp(`--${dashed}[ =](\\d+)`).exec(e)?.[1]).find((v) => v !== undefined);
      const example = typeof fallback === "number" ? `, e.g. --${dashed} ${fallback} (the default)` : shown !== undefined ? `, e.g. --${dashed} ${shown}` : ` (${cmd} --help describes --${dashed})`;
      throw new UsageError(`Invalid --${dashed} ${JSON.stringify(given ?? "")}: it is not a number; give a whole number${example}.`);
    }
  }
}

function unknownArgument(names: string[], context: ParsingContext, argv: string[], cmd: string, help: string): string {
  const name = names[0]!;
  if (context.commands.length > 0 && typedCommand(context, argv) === name) {
    const suggestion = nearest(name, context.commands);
    return `Unknown command ${JSON.stringify(name)} for ${cmd}${suggestion !== undefined ? `; did you mean ${[cmd, suggestion].join(" ")}?` : ""} (${help} lists its commands).`;
  }
  const asOption = argv.findIndex((t) => t === `--${name}` || t.startsWith(`--${name}=`) || t === `-${name}` || t.startsWith(`-${name}=`));
  if (asOption >= 0) {
    const known = Object.keys(context.options).filter((o) => o !== "help" && o !== "version");
    const suggestion = nearest(name, known);
    const more = names.length > 1 ? ` (and ${names.slice(1).map((n) => JSON.stringify(n)).join(", ")})` : "";
    return `Unknown option --${name}${more} for ${cmd}${suggestion !== undefined ? `; did you mean --${suggestion}?` : ""} (${help} lists its options).`;
  }
  const at = argv.indexOf(name);
  const before = at > 0 ? /^--([^=]+)$/.exec(argv[at - 1]!)?.[1] : undefined;
  if (before !== undefined && context.options[before]?.type === "boolean") {
    return `--${before} is a switch and takes no value (got ${JSON.stringify(name)} after it); write --${before} to turn it on, or --${before}=false to turn it off.`;
  }
  const takes = context.positionals.length > 0 ? `it takes ${context.positionals.join(" ")}` : "it takes no arguments besides options";
  return `Unexpected argument ${JSON.stringify(name)} for ${cmd}: ${takes}; quote a value that contains spaces, and see ${help}.`;
}

/** `a`, `a or b`, `a, b or c`. */
export function orList(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

/** yargs lists an unknown dashed option twice, dashed and camel-cased; keep the dashed one. */
function distinctNames(names: string[]): string[] {
  return names.filter((n) => !names.some((other) => other !== n && other.includes("-") && camel(other) === n));
}

/** The first word after the command path: what the operator typed as the (sub)command. */
function typedCommand(context: ParsingContext, argv: string[]): string | undefined {
  const words = argv.filter((t) => !t.startsWith("-"));
  const depth = context.path === "" ? 0 : context.path.split(" ").length;
  return words[depth];
}

/** The known word closest to `typed` (edit distance at most 2, or a prefix of it), if any. */
export function nearest(typed: string, known: readonly string[]): string | undefined {
  let best: { word: string; distance: number } | undefined;
  for (const word of known) {
    const distance = word.startsWith(typed) && typed.length >= 2 ? 1 : editDistance(typed, word);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { word, distance };
  }
  return best?.word;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** ` (<description>)` of an option, when known. */
function about(option: OptionFacts | undefined): string {
  if (option?.choices !== undefined) return ` (one of ${option.choices.join(", ")})`;
  const text = option?.describe?.replace(/\.$/, "");
  return text !== undefined && text !== "" ? ` (${text.charAt(0).toLowerCase()}${text.slice(1)})` : "";
}

function givenValue(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i]!.startsWith(`--${name}=`)) return argv[i]!.slice(name.length + 3);
  }
  return undefined;
}

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function dash(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
