import { Connection, Request, TYPES } from "tedious";
import type { QueryResult, SqlValue } from "./sql-evaluate";
import type { SqlQuery } from "./sql-queries";
import type { SqlSession } from "./sql-run";

/**
 * The only code that talks to SQL Server (tedious). Thin on purpose: open one encrypted
 * connection to `master`, run a query with its parameters, hand back the rows as plain
 * values. What the rows mean is sql-evaluate.ts's job.
 *
 * TLS: `encrypt` with `trustServerCertificate: false`, so the server's certificate must
 * chain to a trusted CA and name the host. RDS certificates chain to the RDS CAs, which
 * Lambda's Node.js runtimes ship in /var/runtime/ca-cert.pem; the function's environment
 * sets NODE_EXTRA_CA_CERTS to it (components/validator.ts).
 */

export interface SqlServerTarget {
  address: string;
  port: number;
  userName: string;
  password: string;
  connectTimeoutMs: number;
  /** Per query; CHECKDB of a large database takes minutes, so the caller gives what time is left. */
  requestTimeoutMs: number;
}

/** Rows kept per query: CHECKDB of a badly damaged database can report thousands of errors. */
const MAX_ROWS = 1000;

export interface OpenSession extends SqlSession {
  close(): void;
}

/** Connects; rejects with tedious's message (which names the host, never the password). */
export function openSqlSession(target: SqlServerTarget): Promise<OpenSession> {
  const connection = new Connection({
    server: target.address,
    authentication: { type: "default", options: { userName: target.userName, password: target.password } },
    options: {
      port: target.port,
      database: "master",
      encrypt: true,
      trustServerCertificate: false,
      connectTimeout: target.connectTimeoutMs,
      requestTimeout: target.requestTimeoutMs,
      // datetime/datetime2 carry no zone; they are read as UTC, as the docs of validationFreshnessColumns say.
      useUTC: true,
      appName: "gametracker-validator",
      // The validator reads only; a retry loop on login would only hide a wrong endpoint longer.
      maxRetriesOnTransientErrors: 0,
    },
  });
  return new Promise((resolve, reject) => {
    connection.connect((error) => {
      if (error) {
        connection.close();
        reject(new Error(connectErrorText(error)));
        return;
      }
      resolve({ query: (query) => runQuery(connection, query), close: () => connection.close() });
    });
  });
}

function runQuery(connection: Connection, query: SqlQuery): Promise<QueryResult> {
  return new Promise((resolve) => {
    const rows: Array<Record<string, SqlValue>> = [];
    const request = new Request(query.text, (error) => resolve(error ? { error: errorText(error) } : { rows }));
    for (const p of query.parameters) request.addParameter(p.name, p.type === "bigint" ? TYPES.BigInt : TYPES.NVarChar, p.value);
    request.on("row", (columns: Array<{ metadata: { colName: string }; value: SqlValue }>) => {
      if (rows.length < MAX_ROWS) rows.push(Object.fromEntries(columns.map((c) => [c.metadata.colName, c.value])));
    });
    connection.execSql(request);
  });
}

/** tedious says "Could not connect (sequence)"; the socket errors it wraps say why (ECONNREFUSED, ETIMEDOUT, a certificate). */
function connectErrorText(error: Error): string {
  const causes: string[] = [];
  for (let cause: unknown = error.cause; cause instanceof Error && causes.length < 5; cause = cause.cause) {
    const inner = cause instanceof AggregateError ? (cause.errors as unknown[]).filter((e): e is Error => e instanceof Error) : [cause];
    causes.push(...inner.map((e) => e.message));
  }
  return causes.length === 0 ? error.message : `${error.message} (${[...new Set(causes)].join("; ")})`;
}

function errorText(error: Error & { number?: number }): string {
  return error.number !== undefined ? `Msg ${error.number}: ${error.message}` : error.message;
}
