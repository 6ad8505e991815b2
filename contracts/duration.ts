/**
 * How durations are spelled wherever one is written down: on the command line
 * (`--older-than 30d`, `--max-restore-lag 15m`) and in config (`validationTimeout`). One
 * grammar, so the program that checks a config value and the driver that reads a flag
 * accept the same text and refuse it for the same reason. Pure.
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

/** The reason `text` is not a duration, or `undefined` when it is one. */
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
  const ms = durationMs(value);
  if (!Number.isSafeInteger(ms)) return "it is too large";
  if (ms <= 0) return "it must be longer than zero";
  return undefined;
}

/** Milliseconds in a text durationProblem accepts (anything else gives a meaningless number). */
export function durationMs(text: string): number {
  let ms = 0;
  for (const [, count, unit] of text.trim().toLowerCase().matchAll(PART)) ms += Number(count) * DURATION_UNITS_MS[unit as DurationUnit];
  return ms;
}

/**
 * The spelling of a duration for reports, the inverse of durationMs for whole seconds.
 * A whole number of days or hours stays in that unit (`30d`, `26h`, not `1d2h`);
 * anything else is spelled out largest unit first (`1h30m`).
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

/** A timeout as messages say it (`15m`; below a second, in milliseconds). */
export function describeTimeout(ms: number): string {
  return ms < 1000 ? `${ms}ms` : formatDurationSpec(ms);
}
