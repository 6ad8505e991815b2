import { durationMs, durationProblem } from "../contracts/duration";
import { UsageError } from "./errors";

/**
 * Duration flags on the command line (`--older-than 30d`, `--max-restore-lag 15m`,
 * `--random-within 7d`): read with the one grammar (contracts/duration.ts), so every
 * flag accepts the same spelling and rejects bad input with the same sentence, before
 * anything touches AWS.
 */

/**
 * Milliseconds in `text`; a UsageError naming the flag and the value otherwise.
 * `flag` is how the operator typed it (`--older-than`), used in the message.
 */
export function parseDuration(text: string, flag = "duration"): number {
  const problem = durationProblem(text);
  if (problem !== undefined) {
    throw new UsageError(
      `Invalid ${flag} "${text}": ${problem}; use a whole number followed by a unit (w, d, h, m or s), e.g. 30d, 24h, 15m or 1h30m.`,
    );
  }
  return durationMs(text);
}

/**
 * A yargs option for a duration flag: a string option whose value is checked by
 * parseDuration when the command runs. Read it with `parseDuration(args.olderThan, "--older-than")`,
 * or use `durationArg` below to get milliseconds or undefined.
 */
export function durationOption(describe: string): { type: "string"; describe: string; requiresArg: true };
/** With a default, the parsed value is always a string. */
export function durationOption(describe: string, defaultValue: string): { type: "string"; describe: string; default: string; requiresArg: true };
export function durationOption(describe: string, defaultValue?: string): { type: "string"; describe: string; default?: string; requiresArg: true } {
  return { type: "string", describe, requiresArg: true, ...(defaultValue !== undefined ? { default: defaultValue } : {}) };
}

/** Milliseconds for an optional duration flag value; `undefined` when the flag was not given. */
export function durationArg(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : parseDuration(value, flag);
}
