/**
 * The decisions behind the Database component, as pure functions: which engine an
 * edition is, whether it can be encrypted, which retention and windows are valid, what
 * an identifier may look like and what a restored instance keeps of the hardening.
 * Each throws an InvalidConfigError whose one sentence names the key, the value and the
 * rule, so the same checks serve config parsing (key `gametracker:database…`) and
 * direct component use (key `DatabaseArgs.…`).
 */
import { InvalidConfigError, show } from "./errors";
import {
  instanceClassProblem,
  instanceIdentifierProblem,
  kmsKeyArnProblem,
  MAX_INSTANCE_IDENTIFIER_LENGTH,
  MAX_SNAPSHOT_IDENTIFIER_LENGTH,
  parseKmsArn,
  rdsIdentifierRule,
  snapshotIdentifierProblem,
} from "../contracts/aws-names";
import type { DatabasePurpose } from "../contracts/tags";

export const EDITIONS = ["express", "web", "standard", "enterprise"] as const;
export type Edition = (typeof EDITIONS)[number];

const ENGINE_BY_EDITION: Record<Edition, string> = {
  express: "sqlserver-ex",
  web: "sqlserver-web",
  standard: "sqlserver-se",
  enterprise: "sqlserver-ee",
};

/** SQL Server's port; the database security group opens this one port only. */
export const SQLSERVER_PORT = 1433;
export const DEFAULT_IDENTIFIER = "gametracker-mssql";
export const DEFAULT_RETENTION_DAYS = 7;
export const DEFAULT_BACKUP_WINDOW = "03:00-04:00";
export const DEFAULT_MAINTENANCE_WINDOW = "sun:05:00-sun:06:00";
export const DEFAULT_MANUAL_SNAPSHOTS: readonly string[] = ["gametracker-manual-backup-v1"];

export function parseEdition(value: unknown, key: string): Edition {
  if (typeof value === "string" && (EDITIONS as readonly string[]).includes(value)) return value as Edition;
  throw new InvalidConfigError(key, `${key} is ${show(value)}, but it must be one of ${EDITIONS.join(", ")} (the SQL Server edition; express is the default).`);
}

/** The RDS engine name of an edition (`express` → `sqlserver-ex`). */
export function engineForEdition(edition: Edition): string {
  return ENGINE_BY_EDITION[edition];
}

/** The edition of an RDS engine name, or undefined for an engine that is not SQL Server. */
export function editionForEngine(engine: string): Edition | undefined {
  return EDITIONS.find((e) => ENGINE_BY_EDITION[e] === engine);
}

/** RDS offers encryption at rest for every SQL Server edition except Express. */
export function supportsEncryptionAtRest(edition: Edition): boolean {
  return edition !== "express";
}

/**
 * Whether storage is encrypted: on by default wherever the edition supports it; asking
 * for it on Express is refused rather than silently ignored, because a silent `false`
 * would let someone believe their data is encrypted.
 */
export function resolveStorageEncrypted(edition: Edition, requested: boolean | undefined, key: string): boolean {
  if (!supportsEncryptionAtRest(edition)) {
    if (requested === true) {
      throw new InvalidConfigError(
        key,
        `${key} is true, but SQL Server Express on RDS has no encryption at rest; choose edition web, standard or enterprise to encrypt, or leave ${key} unset for Express.`,
      );
    }
    return false;
  }
  return requested ?? true;
}

/** Automated backup retention: 1–35 days; 0 is refused because it turns automated backups (and point-in-time restore) off. */
export function validateRetentionDays(value: unknown, key: string): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 35) return value;
  const why = value === 0 ? " (0 would turn automated backups and point-in-time restore off)" : "";
  throw new InvalidConfigError(key, `${key} is ${show(value)}, but it must be a whole number of days from 1 to 35${why}.`);
}

/** An RDS DB instance identifier. */
export function validateIdentifier(value: unknown, key: string): string {
  const rule = rdsIdentifierRule(MAX_INSTANCE_IDENTIFIER_LENGTH, "lowercase");
  if (typeof value !== "string") throw new InvalidConfigError(key, `${key} is ${show(value)}, but it must be ${rule}.`);
  const problem = instanceIdentifierProblem(value, "lowercase");
  if (problem !== undefined) throw new InvalidConfigError(key, `${key} is ${show(value)}, but it must be ${rule} (${problem}).`);
  return value;
}

/** An RDS DB instance class. */
export function validateInstanceClass(value: unknown, key: string): string {
  if (typeof value === "string" && instanceClassProblem(value) === undefined) return value;
  throw new InvalidConfigError(key, `${key} is ${show(value)}, but it must be an RDS instance class such as db.t3.micro.`);
}

/** An RDS manual snapshot identifier (same rules as an instance identifier, up to 255 characters). */
export function validateSnapshotIdentifier(value: unknown, key: string): string {
  const rule = rdsIdentifierRule(MAX_SNAPSHOT_IDENTIFIER_LENGTH, "lowercase");
  if (typeof value !== "string") throw new InvalidConfigError(key, `${key} is ${show(value)}, but each snapshot identifier must be ${rule}.`);
  const problem = snapshotIdentifierProblem(value, "lowercase");
  if (problem !== undefined) throw new InvalidConfigError(key, `${key} has ${show(value)}, but each snapshot identifier must be ${rule} (${problem}).`);
  return value;
}

/**
 * A KMS key as the operator names it for RDS: its key ARN, and a key of `region` where one
 * is given (a key exists in one region only). RDS reports the key ARN back, so an alias, an
 * alias ARN or a bare key id would differ from it on every preview, and `kmsKeyId` forces a
 * replacement: the provider would plan to replace what the key encrypts each time.
 */
export function validateKmsKeyArn(value: unknown, key: string, region?: string, encrypts = "the instance"): string {
  const text = typeof value === "string" ? value : "";
  const problem = kmsKeyArnProblem(text);
  if (problem !== undefined) {
    throw new InvalidConfigError(
      key,
      `${key} is ${show(value)}, but ${problem}, and it must be the key's ARN (arn:aws:kms:<region>:<account>:key/<key id>): RDS reports the key ARN back, so any other form differs from it on every preview and plans a replacement of ${encrypts}.`,
    );
  }
  const keyRegion = parseKmsArn(text)!.region;
  if (region !== undefined && keyRegion !== region) {
    throw new InvalidConfigError(key, `${key} is a key of ${keyRegion}, but it must be a key of ${region}, where RDS uses it; give the ARN of a key in ${region}.`);
  }
  return text;
}

/**
 * The final snapshot taken when the instance is deleted: unique per instance creation
 * (second resolution), so recreating an instance and deleting it again never collides
 * with the first final snapshot (RDS refuses the delete when the name exists).
 */
export function finalSnapshotIdentifier(identifier: string, createdAt: Date): string {
  const stamp = createdAt.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "").replace("T", "-").toLowerCase();
  return `${identifier}-final-${stamp}`;
}

// ---------------------------------------------------------------------------------
// Backup and maintenance windows (UTC). Times are minutes; a week starts Monday 00:00.

const DAY_MINUTES = 24 * 60;
const WEEK_MINUTES = 7 * DAY_MINUTES;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const MIN_WINDOW_MINUTES = 30;

/** A window as a start and a length in minutes; `start + length` may pass midnight / the end of the week. */
export interface Window {
  start: number;
  length: number;
}

function hhmm(text: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** `hh24:mi-hh24:mi`, daily, at least 30 minutes; `23:30-00:30` wraps past midnight. Start is minutes after midnight. */
export function parseBackupWindow(value: unknown, key: string): Window {
  const rule = "a daily UTC window hh24:mi-hh24:mi of at least 30 minutes, e.g. 03:00-04:00";
  const parts = typeof value === "string" ? value.split("-") : [];
  const start = parts.length === 2 ? hhmm(parts[0]!) : undefined;
  const end = parts.length === 2 ? hhmm(parts[1]!) : undefined;
  if (start === undefined || end === undefined) throw new InvalidConfigError(key, `${key} is ${show(value)}, but it must be ${rule}.`);
  const length = (end - start + DAY_MINUTES) % DAY_MINUTES;
  if (length < MIN_WINDOW_MINUTES) throw new InvalidConfigError(key, `${key} is ${show(value)}, which lasts ${length} minutes, but it must be ${rule}.`);
  return { start, length };
}

/** `ddd:hh24:mi-ddd:hh24:mi`, weekly, at least 30 minutes; may span days and wrap from Sunday to Monday. Start is minutes after Monday 00:00. */
export function parseMaintenanceWindow(value: unknown, key: string): Window {
  const rule = "a weekly UTC window ddd:hh24:mi-ddd:hh24:mi of at least 30 minutes, e.g. sun:05:00-sun:06:00";
  const point = (text: string | undefined): number | undefined => {
    const m = text === undefined ? null : /^([a-z]{3}):(\d\d:\d\d)$/i.exec(text);
    if (!m) return undefined;
    const day = DAYS.indexOf(m[1]!.toLowerCase() as (typeof DAYS)[number]);
    const time = hhmm(m[2]!);
    return day < 0 || time === undefined ? undefined : day * DAY_MINUTES + time;
  };
  const parts = typeof value === "string" ? value.split("-") : [];
  const start = parts.length === 2 ? point(parts[0]) : undefined;
  const end = parts.length === 2 ? point(parts[1]) : undefined;
  if (start === undefined || end === undefined) throw new InvalidConfigError(key, `${key} is ${show(value)}, but it must be ${rule}.`);
  const length = (end - start + WEEK_MINUTES) % WEEK_MINUTES;
  if (length < MIN_WINDOW_MINUTES) throw new InvalidConfigError(key, `${key} is ${show(value)}, which lasts ${length} minutes, but it must be ${rule}.`);
  return { start, length };
}

/**
 * The weekly window that is open at `now`, else the next one to open, as UTC times: when
 * RDS next applies what waits for the maintenance window.
 */
export function windowAt(window: Window, now: Date): { start: Date; end: Date; open: boolean } {
  const minute = 60_000;
  const sinceMonday = (((now.getUTCDay() + 6) % 7) * DAY_MINUTES + now.getUTCHours() * 60 + now.getUTCMinutes()) * minute + now.getUTCSeconds() * 1000 + now.getUTCMilliseconds();
  const monday = now.getTime() - sinceMonday;
  // This week's window, or last week's when it wraps past Monday 00:00 and is still open.
  for (const weeks of [-1, 0, 1]) {
    const start = monday + (weeks * WEEK_MINUTES + window.start) * minute;
    const end = start + window.length * minute;
    if (end > now.getTime()) return { start: new Date(start), end: new Date(end), open: start <= now.getTime() };
  }
  throw new Error("unreachable: a window starts every week");
}

/** Half-open intervals on the week's circle, split where they pass the end of the week. */
function weekIntervals(start: number, length: number): Array<[number, number]> {
  const s = ((start % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
  const e = s + length;
  return e <= WEEK_MINUTES ? [[s, e]] : [[s, WEEK_MINUTES], [0, e - WEEK_MINUTES]];
}

/**
 * Whether the daily backup window overlaps the weekly maintenance window on any day.
 * Windows that only touch (backup ends 05:00, maintenance starts 05:00) do not overlap.
 */
export function windowsOverlap(backup: Window, maintenance: Window): boolean {
  const m = weekIntervals(maintenance.start, maintenance.length);
  for (let day = 0; day < 7; day++) {
    for (const [bs, be] of weekIntervals(day * DAY_MINUTES + backup.start, backup.length)) {
      if (m.some(([ms, me]) => bs < me && ms < be)) return true;
    }
  }
  return false;
}

/** Parses both windows and refuses an overlap, naming both keys. */
export function validateWindows(backupWindow: unknown, maintenanceWindow: unknown, keys: { backup: string; maintenance: string }): void {
  const backup = parseBackupWindow(backupWindow, keys.backup);
  const maintenance = parseMaintenanceWindow(maintenanceWindow, keys.maintenance);
  if (windowsOverlap(backup, maintenance)) {
    throw new InvalidConfigError(
      keys.backup,
      `${keys.backup} ${show(backupWindow)} overlaps ${keys.maintenance} ${show(maintenanceWindow)}, but RDS requires the daily backup window and the weekly maintenance window not to overlap; move one of them.`,
    );
  }
}

// ---------------------------------------------------------------------------------
// What each purpose keeps of the hardening.

export type { DatabasePurpose };

export interface DeletionBehaviour {
  deletionProtection: boolean;
  skipFinalSnapshot: boolean;
  deleteAutomatedBackups: boolean;
}

/**
 * Primary and cut-over instances are production: deletion protection, a final snapshot
 * and automated backups kept after deletion. A drill instance is disposable: the drill
 * must be able to delete it, a final snapshot per weekly drill would add 52 manual
 * snapshots a year against the region's quota of 100 while the data still exists in
 * the snapshot or backups it came from, and its automated backups hold nothing new.
 */
export function deletionBehaviour(purpose: DatabasePurpose, deletionProtection?: boolean): DeletionBehaviour {
  if (purpose === "drill") return { deletionProtection: false, skipFinalSnapshot: true, deleteAutomatedBackups: true };
  return { deletionProtection: deletionProtection ?? true, skipFinalSnapshot: false, deleteAutomatedBackups: false };
}

/**
 * An ISO-8601 UTC instant as RDS takes it for a point-in-time restore
 * (`2025-06-01T12:34:56Z`, optional fraction).
 */
export function validateRestoreTime(value: unknown, key: string): string {
  const ok = typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) && !Number.isNaN(Date.parse(value));
  if (!ok) throw new InvalidConfigError(key, `${key} is ${show(value)}, but it must be a UTC time in ISO-8601 form such as 2025-06-01T12:34:56Z.`);
  return value as string;
}
