import { UsageError } from "../errors";

const ISO_WITH_ZONE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses the `--at` moment of an asset restore. A zone is required: "14:05" on an
 * on-call laptop in another time zone than the bucket's logs is exactly the
 * ambiguity that restores the wrong version. A moment in the future is refused too:
 * it would silently mean "now" and hide a typo in the date.
 */
export function parseRestoreTime(text: string, now: Date, flag = "--at"): Date {
  const example = `e.g. ${flag} 2026-11-25T14:05:00Z or ${flag} 2026-11-25T15:05:00+01:00`;
  const match = ISO_WITH_ZONE.exec(text.trim());
  if (!match) {
    const hint = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text.trim())
      ? "it has no time zone"
      : "it is not an ISO-8601 date and time";
    throw new UsageError(`Invalid ${flag} "${text}": ${hint}; give a date and time with an explicit zone, ${example}.`);
  }
  const [, y, mo, d, h, mi, s, , zone] = match;
  const fields = { month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s ?? "0") };
  const daysInMonth = new Date(Date.UTC(Number(y), fields.month, 0)).getUTCDate();
  if (fields.month < 1 || fields.month > 12 || fields.day < 1 || fields.day > daysInMonth || fields.hour > 23 || fields.minute > 59 || fields.second > 59) {
    throw new UsageError(`Invalid ${flag} "${text}": no such date or time of day; ${example}.`);
  }
  if (zone !== "Z") {
    const [zh, zm] = zone!.slice(1).split(":").map(Number);
    if (zh! > 23 || zm! > 59) throw new UsageError(`Invalid ${flag} "${text}": the zone offset ${zone} does not exist; ${example}.`);
  }
  // Date.parse keeps milliseconds and drops finer digits: S3 timestamps carry milliseconds at most.
  const parsed = new Date(text.trim().replace(/(\.\d{3})\d+/, "$1"));
  if (Number.isNaN(parsed.getTime())) throw new UsageError(`Invalid ${flag} "${text}": it could not be read as a moment in time; ${example}.`);
  if (parsed.getTime() > now.getTime()) {
    throw new UsageError(`Invalid ${flag} "${text}": it is in the future (now is ${now.toISOString()}); give a moment in the past.`);
  }
  return parsed;
}
