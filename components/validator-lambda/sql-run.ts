import type { SqlChecks } from "../../contracts/validation-config";
import { databaseOnline, QueryResult } from "./sql-evaluate";
import { buildSqlQueries, DATABASE_QUERY_KEY, SqlQuery } from "./sql-queries";

/**
 * Runs the declared checks' queries one after the other on a session (the driver layer
 * in sql-server.ts is the only implementation that talks to SQL Server). A
 * failed query is recorded and the next one still runs, so one missing table does not
 * hide the state of the others; nothing runs against a database that is not online.
 */
export interface SqlSession {
  /** Runs one query; a SQL error is a result (`{ error }`), never a rejection. */
  query(query: SqlQuery): Promise<QueryResult>;
}

export async function runSqlChecks(session: SqlSession, checks: SqlChecks): Promise<Map<string, QueryResult>> {
  const results = new Map<string, QueryResult>();
  for (const query of buildSqlQueries(checks)) {
    results.set(query.key, await session.query(query));
    if (query.key === DATABASE_QUERY_KEY && !databaseOnline(results.get(query.key))) break;
  }
  return results;
}
