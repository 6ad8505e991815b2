import { UsageError } from "../errors";
import { parseRdsArn } from "../../contracts/aws-names";

/**
 * What the operator asks to restore: `--from` (and the drill's `--random-within`), read
 * into a RecoveryRequest and refused with one sentence naming the forms when it is not
 * one. Pure; which point the request comes to is recovery-choice.ts's decision.
 */

export type RecoveryRequest =
  /** The newest recovery point of every source in the region. */
  | { kind: "latest" }
  /** A snapshot by identifier, or by ARN (`arn` set: a copy named from anywhere). */
  | { kind: "snapshot"; snapshotIdentifier: string; arn?: { region: string; text: string } }
  | { kind: "time"; time: Date; text: string }
  | { kind: "latest-restorable" }
  /** A uniformly random point of the restore window within the last `withinMs` (drills). */
  | { kind: "random-within"; withinMs: number; text: string }
  /** The retained automated backups of a deleted instance, by its resource id. */
  | { kind: "retained"; dbiResourceId: string; at: RequestedTime }
  /** The automated backups replicated into the region. */
  | { kind: "replica"; at: RequestedTime };

/** A point of a point-in-time source: its latest restorable time, or a time the operator typed. */
export type RequestedTime = "latest" | { time: Date; text: string };

const FROM_FORMS =
  "latest, snapshot:<id or ARN>, time:<ISO-8601 with zone>, latest-restorable, retained:<dbi-resource-id>@<ISO-8601 with zone or latest>, replica:latest or replica:<ISO-8601 with zone>";

/** Parses `--from` (and the drill's `--random-within`, already turned into milliseconds). */
export function parseRecoveryRequest(from: string | undefined, randomWithin?: { ms: number; text: string }): RecoveryRequest {
  if (from !== undefined && randomWithin !== undefined) {
    throw new UsageError(`--from ${from} and --random-within ${randomWithin.text} both choose the recovery point; pass only one of them.`);
  }
  if (randomWithin !== undefined) {
    if (!(randomWithin.ms > 0)) throw new UsageError(`--random-within ${randomWithin.text} must be a positive duration such as 7d or 36h.`);
    return { kind: "random-within", withinMs: randomWithin.ms, text: randomWithin.text };
  }
  const value = (from ?? "latest").trim();
  if (value === "latest") return { kind: "latest" };
  if (value === "latest-restorable") return { kind: "latest-restorable" };
  if (value.startsWith("snapshot:")) return parseSnapshotRequest(value);
  if (value.startsWith("time:")) {
    const text = value.slice("time:".length);
    return { kind: "time", time: parseZonedTime(text), text };
  }
  if (value.startsWith("retained:")) return parseRetainedRequest(value);
  if (value.startsWith("replica:")) return { kind: "replica", at: parseRequestedTime(value.slice("replica:".length), value) };
  throw new UsageError(`--from ${JSON.stringify(value)} is not a recovery point; use ${FROM_FORMS}.`);
}

function parseSnapshotRequest(value: string): RecoveryRequest {
  const id = value.slice("snapshot:".length);
  if (id === "") throw new UsageError(`--from ${value} names no snapshot; use snapshot:<snapshot identifier or ARN> (gametracker-dr snapshots list shows them).`);
  if (!id.startsWith("arn:")) return { kind: "snapshot", snapshotIdentifier: id };
  const arn = parseRdsArn(id);
  if (arn === undefined || arn.resourceType !== "snapshot") {
    throw new UsageError(`--from ${value} is not the ARN of a DB snapshot; a snapshot ARN looks like arn:aws:rds:us-west-2:123456789012:snapshot:<name> (gametracker-dr snapshots list --region <region> shows them).`);
  }
  return { kind: "snapshot", snapshotIdentifier: arn.name, arn: { region: arn.region, text: id } };
}

const DBI_RESOURCE_ID = /^db-[A-Za-z0-9]+$/;

function parseRetainedRequest(value: string): RecoveryRequest {
  const rest = value.slice("retained:".length);
  const at = rest.indexOf("@");
  const id = at < 0 ? rest : rest.slice(0, at);
  if (!DBI_RESOURCE_ID.test(id)) {
    throw new UsageError(
      `--from ${value} names no resource id of a deleted instance; use retained:<dbi-resource-id>@<time or latest>, e.g. retained:db-ABCDEFGHIJKLMNOPQRSTUVWXY2@latest (gametracker-dr snapshots list shows the retained backups).`,
    );
  }
  if (at < 0) throw new UsageError(`--from ${value} names no point; add @latest or @<ISO-8601 with zone>, e.g. ${value}@latest.`);
  // RDS shows resource ids in upper case and matches them in any case.
  return { kind: "retained", dbiResourceId: id.toUpperCase().replace(/^DB-/, "db-"), at: parseRequestedTime(rest.slice(at + 1), value) };
}

function parseRequestedTime(text: string, whole: string): RequestedTime {
  if (text === "latest") return "latest";
  if (text === "") throw new UsageError(`--from ${whole} names no point; end it with latest or an ISO-8601 time with zone.`);
  return { time: parseZonedTime(text), text };
}

const ZONED_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO-8601 time with an explicit zone. A time without one is refused rather than
 * read as local time: the operator's laptop and the CI runner disagree on what that is.
 */
export function parseZonedTime(text: string): Date {
  const match = ZONED_ISO.exec(text);
  if (match === null) {
    if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
      throw new UsageError(`time:${text} has no time zone; add Z for UTC or an offset such as +02:00 (e.g. time:${text.replace(" ", "T")}Z).`);
    }
    throw new UsageError(`time:${text} is not an ISO-8601 time; use for example time:2026-11-25T09:30:00Z.`);
  }
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(text);
  const probe = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)));
  const calendarOk =
    !Number.isNaN(date.getTime()) &&
    probe.getUTCFullYear() === Number(y) &&
    probe.getUTCMonth() === Number(mo) - 1 &&
    probe.getUTCDate() === Number(d) &&
    probe.getUTCHours() === Number(h) &&
    probe.getUTCMinutes() === Number(mi) &&
    probe.getUTCSeconds() === Number(s ?? 0);
  if (!calendarOk) throw new UsageError(`time:${text} is not a real date and time; check the day, month and hour.`);
  return date;
}
