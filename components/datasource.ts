/**
 * The JDBC URL the API (Spring Boot) connects with. Pure, and never carries a user or
 * password: the credentials come from the RDS-managed secret whose ARN is passed beside it.
 */
import { InvalidConfigError, show } from "./errors";

export interface DatasourceTarget {
  host: string;
  port: number;
  databaseName: string;
}

/** SQL Server regular identifier: letter, `_`, `@` or `#` first, then letters, digits, `_ @ # $`; up to 128. */
const DATABASE_NAME = /^[A-Za-z_@#][A-Za-z0-9_@#$]{0,127}$/;
/** A DNS host name (the RDS endpoint address). */
const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function validateDatabaseName(value: unknown, key: string): string {
  if (typeof value === "string" && DATABASE_NAME.test(value)) return value;
  throw new InvalidConfigError(key, `${key} is ${show(value)}, but it must be a SQL Server database name: a letter, _, @ or # followed by up to 127 letters, digits, _, @, # or $.`);
}

/**
 * `jdbc:sqlserver://host:port;databaseName=…;encrypt=true;trustServerCertificate=false;…`.
 * TLS is required and the server certificate is checked against the host name, so a
 * cut-over to another endpoint cannot silently talk to the wrong server.
 */
export function jdbcUrl(target: DatasourceTarget): string {
  if (!HOST.test(target.host)) throw new Error(`Database host ${JSON.stringify(target.host)} is not a DNS name; the JDBC URL is built only from an RDS endpoint address.`);
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) throw new Error(`Database port ${target.port} is not a TCP port (1-65535).`);
  validateDatabaseName(target.databaseName, "databaseName");
  return [
    `jdbc:sqlserver://${target.host}:${target.port}`,
    `databaseName=${target.databaseName}`,
    "encrypt=true",
    "trustServerCertificate=false",
    "loginTimeout=30",
    "applicationName=gametracker-api",
  ].join(";");
}

/** The host and port a JDBC SQL Server URL points at (what the health handler reports). */
export function jdbcTarget(url: string): { host: string; port: number } | undefined {
  const m = /^jdbc:sqlserver:\/\/([^:;/\\]+)(?::(\d+))?/.exec(url);
  return m ? { host: m[1]!, port: m[2] ? Number(m[2]) : 1433 } : undefined;
}
