import { UsageError } from "./errors";

/**
 * Durations on the command line (`--older-than 30d`, `--max-restore-lag 15m`,
 * `--random-within 7d`): one parser so every flag accepts the same spelling and rejects
 * bad input with the same sentence, before anything touches AWS.
 *
 * Accepted: one or more `<whole number><unit>` parts, largest unit first, e.g. `30d`,
 * `24h`, `15m`, `90s`, `2w`, `1d12h`, `1h30m`. Units: w (weeks), d (days), h (hours),
 * m (minutes), s (seconds); case-insensitive. `m` is always minutes, never months.
 * A bare number is refused: "30" could mean seconds or days, and guessing wrong makes
 * a prune delete too much.
 */
export const DURATION_UNITS_MS = {
  w: 7 * 24 * 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  h: 60 * 60 * 1000,
  m: 60 * 1000,
  s: 1000,
} as const;
export type DurationUnit = keyof typeof DURATION_UNITS_MS;

const UNIT_ORDER: DurationUnit[] = ["w", "d", "h", "m", "s"];
const WHOLE = /^(?:\d+[wdhms])+$/;
const PART = /(\d+)([wdhms])/g;

/** The reason `text` is not a duration, or `undefined` when it is one. Pure. */
export function durationProblem(text: string): string | undefined {
  const value = text.trim().toLowerCase();
  if (value === "") return "it is empty";
  if (/^\d+(\.\d+)?$/.test(value)) return "it has no unit";
  if (!WHOLE.test(value)) return "it is not a whole number followed by w, d, h, m or s";
  let lastIndex = -1;
  for (const [, , unit] of value.matchAll(PART)) {
    const index = UNIT_ORDER.indexOf(unit as DurationUnit);
    if (index <= lastIndex) return `its units are repeated or out of order (largest first, e.g. 1d12h)`;
    lastIndex = index;
  }
  const ms = sum(value);
  if (!Number.isSafeInteger(ms)) return "it is too large";
  if (ms <= 0) return "it must be longer than zero";
  return undefined;
}

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
  return sum(text.trim().toLowerCase());
}

/**
 * The spelling of a duration for reports, the inverse of parseDuration for whole seconds.
 * A whole number of days or hours stays in that unit (`30d`, `26h`, not `1d2h`);
 * anything else is spelled out largest unit first (`1h30m`). Pure.
 */
export function formatDurationSpec(ms: number): string {
  const whole = Math.round(ms / 1000) * 1000;
  if (whole <= 0) return "0s";
  for (const unit of ["d", "h"] as const) {
    if (whole % DURATION_UNITS_MS[unit] === 0) return `${whole / DURATION_UNITS_MS[unit]}${unit}`;
  }
  let rest = whole;
  let text = "";
  for (const unit of ["h", "m", "s"] as const) {
    const count = Math.floor(rest / DURATION_UNITS_MS[unit]);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * DURATION_UNITS_MS[unit];
    }
  }
  return text;
}

/**
 * A yargs option for a duration flag: a string option whose value is checked by
 * parseDuration when the command runs. Read it with `parseDuration(args.olderThan, "--older-than")`,
 * or use `durationArg` below to get milliseconds or undefined.
 */
export function durationOption(describe: string, defaultValue?: string): { type: "string"; describe: string; default?: string; requiresArg: true } {
  return { type: "string", describe, requiresArg: true, ...(defaultValue !== undefined ? { default: defaultValue } : {}) };
}

/** Milliseconds for an optional duration flag value; `undefined` when the flag was not given. */
export function durationArg(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : parseDuration(value, flag);
}

function sum(value: string): number {
  let ms = 0;
  for (const [, count, unit] of value.matchAll(PART)) ms += Number(count) * DURATION_UNITS_MS[unit as DurationUnit];
  return ms;
}
