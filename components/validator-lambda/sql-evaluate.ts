import { displayName } from "../../contracts/sql-names";
import type { SqlChecks } from "../../contracts/validation-config";
import type { AnswerCheck, ValidationAnswer } from "../../contracts/validation-exchange";
import { CHECKDB_QUERY_KEY, DATABASE_QUERY_KEY, freshnessKey, rowsKey } from "./sql-queries";

/**
 * The verdict of the bundled validator over what SQL Server answered: one check per
 * declared check, and the newest data time across the freshness columns. Pure, so every
 * verdict is tested with recorded result sets (empty tables, NULL maxima, SQL errors)
 * without a server. A query that did not run is a failed check that says why.
 */

export type SqlValue = string | number | bigint | boolean | Date | null;
export type QueryResult = { rows: Array<Record<string, SqlValue>> } | { error: string };

export interface ServerTarget {
  address: string;
  port: number;
}

/** Whether the checks of the tables can run: the database exists and is ONLINE. */
export function databaseOnline(result: QueryResult | undefined): boolean {
  return result !== undefined && "rows" in result && result.rows[0]?.state_desc === "ONLINE";
}

/** The answer when the validator could not get as far as running checks. */
export function setupFailure(name: string, expected: string, actual: string): ValidationAnswer {
  return { status: "fail", checks: [{ name, expected, actual, ok: false }] };
}

export function connectionCheckName(target: ServerTarget): string {
  return `connect to ${target.address}:${target.port} over TLS with the master user`;
}

/** A result as a check sees it: what the server answered, or why the query never ran. */
type Seen = QueryResult | { skipped: string } | undefined;

export function evaluateSqlChecks(checks: SqlChecks, target: ServerTarget, results: ReadonlyMap<string, QueryResult>): ValidationAnswer {
  const online = databaseOnline(results.get(DATABASE_QUERY_KEY));
  const seen = (key: string): Seen => results.get(key) ?? (online ? undefined : { skipped: `not run: database ${checks.database} is not online` });
  const out: AnswerCheck[] = [
    { name: connectionCheckName(target), expected: "connected, server certificate verified", actual: "connected", ok: true },
    databaseCheck(checks.database, results.get(DATABASE_QUERY_KEY)),
  ];
  checks.minRows.forEach(({ table, min }, i) => {
    const name = `${displayName([table.schema, table.table])} has at least ${min} rows`;
    out.push(rowsCheck(name, min, seen(rowsKey(i))));
  });
  let newest: Date | undefined;
  checks.freshness.forEach(({ table, column }, i) => {
    const name = `newest ${displayName([table.schema, table.table, column])}`;
    const { check, time } = freshnessCheck(name, seen(freshnessKey(i)));
    out.push(check);
    if (time !== undefined && (newest === undefined || time > newest)) newest = time;
  });
  if (checks.checkDb) out.push(checkDbCheck(checks.database, seen(CHECKDB_QUERY_KEY)));
  const answer: ValidationAnswer = { status: out.every((c) => c.ok) ? "pass" : "fail", checks: out };
  if (newest !== undefined) answer.dataTime = newest.toISOString();
  return answer;
}

/** Why there are no rows to judge, or undefined when there are. */
function unavailable(result: Seen): string | undefined {
  if (result === undefined) return "not run";
  if ("skipped" in result) return result.skipped;
  if ("error" in result) return `query failed: ${result.error}`;
  return undefined;
}

function rowsOf(result: Seen): Array<Record<string, SqlValue>> {
  return result !== undefined && "rows" in result ? result.rows : [];
}

function databaseCheck(database: string, result: Seen): AnswerCheck {
  const check = (ok: boolean, actual: string): AnswerCheck => ({ name: `database ${database} exists and is online`, expected: "ONLINE", actual, ok });
  const reason = unavailable(result);
  if (reason !== undefined) return check(false, reason);
  const rows = rowsOf(result);
  const state = rows[0]?.state_desc;
  if (rows.length === 0) return check(false, "does not exist");
  return check(state === "ONLINE", typeof state === "string" ? state : `unknown state ${String(state)}`);
}

function rowsCheck(name: string, min: number, result: Seen): AnswerCheck {
  const check = (ok: boolean, actual: string): AnswerCheck => ({ name, expected: `>= ${min} rows`, actual, ok });
  const reason = unavailable(result);
  if (reason !== undefined) return check(false, reason);
  const value = rowsOf(result)[0]?.rows;
  const count = wholeNumber(value);
  if (count === undefined) return check(false, `no row count in the result (${describe(value)})`);
  // The query stops counting at the minimum, so reaching it means "at least".
  return count >= min ? check(true, min === 0 ? "table readable" : `at least ${min} rows`) : check(false, `${count} rows`);
}

function freshnessCheck(name: string, result: Seen): { check: AnswerCheck; time?: Date } {
  const check = (ok: boolean, actual: string): AnswerCheck => ({ name, expected: "a newest date/time value", actual, ok });
  const reason = unavailable(result);
  if (reason !== undefined) return { check: check(false, reason) };
  const value = rowsOf(result)[0]?.newest;
  if (value === null || value === undefined) return { check: check(false, "no rows (MAX is NULL), so the table holds no data to date") };
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) return { check: check(false, `not a date/time column (MAX is ${describe(value)})`) };
  return { check: check(true, value.toISOString()), time: value };
}

function checkDbCheck(database: string, result: Seen): AnswerCheck {
  const check = (ok: boolean, actual: string): AnswerCheck => ({ name: `DBCC CHECKDB ${database}`, expected: "no consistency errors", actual, ok });
  const reason = unavailable(result);
  if (reason !== undefined) return check(false, reason);
  // Severity 10 and below are informational; 11 and up are errors.
  const errors = rowsOf(result).filter((r) => (wholeNumber(r.Level) ?? 16) > 10);
  if (errors.length === 0) return check(true, "no errors");
  const first = errors[0]!;
  return check(false, `${errors.length} error(s), first: Msg ${String(first.Error ?? "?")}: ${String(first.MessageText ?? "")}`.trim());
}

/** COUNT_BIG comes back as a string (tedious keeps bigint precision), a number or a bigint. */
function wholeNumber(value: SqlValue | undefined): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function describe(value: SqlValue | undefined): string {
  if (value === undefined) return "missing";
  if (value === null) return "NULL";
  if (value instanceof Date) return value.toISOString();
  return `${typeof value} ${String(value)}`;
}
