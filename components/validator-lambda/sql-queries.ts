import { quoteIdentifier } from "../../contracts/sql-names";
import type { SqlChecks, TableName } from "../../contracts/validation-config";

/**
 * The queries the bundled validator runs, built from the declared checks. Values (the
 * database name, the minimum row count) are parameters; identifiers cannot be, so they
 * are quoted by quoteIdentifier and nothing else reaches the text. Every query runs on
 * one connection to `master` and names its objects with three parts, so none depends on
 * a `USE` having happened. Pure.
 */

export type SqlParameter = { name: string; type: "nvarchar"; value: string } | { name: string; type: "bigint"; value: number };

export interface SqlQuery {
  /** Which check the result belongs to: `database`, `rows:<i>`, `freshness:<i>`, `checkdb`. */
  key: string;
  text: string;
  parameters: SqlParameter[];
}

export const DATABASE_QUERY_KEY = "database";
export const CHECKDB_QUERY_KEY = "checkdb";
export const rowsKey = (index: number) => `rows:${index}`;
export const freshnessKey = (index: number) => `freshness:${index}`;

/** The queries in the order they run: the database first (the rest need it online), CHECKDB last (the slowest). */
export function buildSqlQueries(checks: SqlChecks): SqlQuery[] {
  const database: SqlParameter = { name: "database", type: "nvarchar", value: checks.database };
  const queries: SqlQuery[] = [
    { key: DATABASE_QUERY_KEY, text: "SELECT [name], [state_desc] FROM sys.databases WHERE [name] = @database;", parameters: [database] },
  ];
  checks.minRows.forEach(({ table, min }, i) => {
    // TOP stops the count at the minimum: proving "at least N" never scans a large table to its end.
    queries.push({
      key: rowsKey(i),
      text: `SELECT COUNT_BIG(*) AS [rows] FROM (SELECT TOP (@minimum) 1 AS [one] FROM ${qualified(checks.database, table)}) AS [counted];`,
      parameters: [{ name: "minimum", type: "bigint", value: min }],
    });
  });
  checks.freshness.forEach(({ table, column }, i) => {
    queries.push({ key: freshnessKey(i), text: `SELECT MAX(${quoteIdentifier(column)}) AS [newest] FROM ${qualified(checks.database, table)};`, parameters: [] });
  });
  if (checks.checkDb) {
    // TABLERESULTS makes the errors rows the evaluator can read; NO_INFOMSGS leaves only errors.
    queries.push({ key: CHECKDB_QUERY_KEY, text: "DBCC CHECKDB (@database) WITH NO_INFOMSGS, ALL_ERRORMSGS, TABLERESULTS;", parameters: [database] });
  }
  return queries;
}

function qualified(database: string, table: TableName): string {
  return [database, table.schema, table.table].map(quoteIdentifier).join(".");
}
