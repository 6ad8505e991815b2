/**
 * The cut-over's proof: not the stack's word, but the Lambda's own configuration read
 * back from AWS. The API connects with `SPRING_DATASOURCE_URL`, so the cut-over is done
 * when that URL names the database it was moved to.
 */
import { jdbcTarget } from "../../components/datasource";

/** The Lambda environment variable the API (Spring Boot) reads its JDBC URL from. */
export const DATASOURCE_VARIABLE = "SPRING_DATASOURCE_URL";

export interface DatasourceTarget {
  host: string;
  port?: number;
}

export interface DatasourceCheck {
  ok: boolean;
  /** The host and port the Lambda's URL names, when it names one. */
  actual: DatasourceTarget | undefined;
  /** One sentence for the operator. */
  message: string;
}

/** Whether the Lambda's variables point the API at `expected`. Pure. */
export function checkDatasource(functionName: string, variables: Record<string, string> | undefined, expected: DatasourceTarget): DatasourceCheck {
  const url = variables?.[DATASOURCE_VARIABLE];
  if (url === undefined || url === "") {
    return { ok: false, actual: undefined, message: `Lambda ${functionName} has no ${DATASOURCE_VARIABLE} in its environment, so the API has no database URL.` };
  }
  const actual = jdbcTarget(url);
  if (actual === undefined) {
    return { ok: false, actual: undefined, message: `Lambda ${functionName}'s ${DATASOURCE_VARIABLE} is not a SQL Server JDBC URL, so it cannot be checked against ${expected.host}.` };
  }
  const hostMatches = actual.host.toLowerCase() === expected.host.toLowerCase();
  const portMatches = expected.port === undefined || actual.port === expected.port;
  const where = `${actual.host}:${actual.port}`;
  if (hostMatches && portMatches) return { ok: true, actual, message: `Lambda ${functionName}'s ${DATASOURCE_VARIABLE} names ${where}.` };
  return {
    ok: false,
    actual,
    message: `Lambda ${functionName}'s ${DATASOURCE_VARIABLE} names ${where}, not ${expected.host}${expected.port !== undefined ? `:${expected.port}` : ""}.`,
  };
}
