import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/**
 * The bundled validator's one AWS call: reading the restored instance's RDS-managed
 * master-user secret. It lives here, beside the handler, and not in the driver's
 * automation/aws/: the driver never reads a secret's value (a validation request names
 * the secret, never the credentials), and the validator is a program of its own that
 * loads nothing of the driver. The password never leaves as an enumerable property, so
 * logging or serializing the credentials by mistake prints the user name only; no
 * message here ever quotes the secret's value.
 */

export interface DatabaseCredentials {
  readonly username: string;
  /** Non-enumerable: absent from JSON.stringify, console.log and spreads. */
  readonly password: string;
}

/** The region a secret lives in, from its ARN (`arn:<partition>:secretsmanager:<region>:…`); undefined for anything else. */
export function secretRegion(secretArn: string): string | undefined {
  const [arn, , service, region] = secretArn.split(":");
  return arn === "arn" && service === "secretsmanager" && region ? region : undefined;
}

/**
 * A client in the secret's own region. The SDK reads AWS_ENDPOINT_URL itself, which is
 * how the tests reach moto; on Lambda it is unset.
 */
export function secretsClientFor(secretArn: string): SecretsManagerClient {
  const region = secretRegion(secretArn);
  if (region === undefined) throw new Error(`${secretArn} is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>).`);
  // Bounded like the driver's clients (automation/aws/bounded-http.ts, not loaded here): a silent
  // endpoint fails the validation in seconds instead of holding it until Lambda's own timeout.
  return new SecretsManagerClient({ region, retryMode: "standard", maxAttempts: 3, requestHandler: { connectionTimeout: 10_000, socketTimeout: 10_000 } });
}

/** Reads an RDS master-user secret (`{"username": …, "password": …}`). */
export async function readDatabaseCredentials(secrets: SecretsManagerClient, secretArn: string): Promise<DatabaseCredentials> {
  let response;
  try {
    response = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  } catch (error) {
    throw new Error(`Could not read the database secret ${secretArn}: ${awsAnswer(error)}.`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.SecretString ?? "");
  } catch {
    parsed = undefined;
  }
  const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== "string" || username === "" || typeof password !== "string" || password === "") {
    throw new Error(`Secret ${secretArn} holds no RDS master-user credentials (its value is not JSON with a username and a password).`);
  }
  const credentials = { username } as DatabaseCredentials;
  Object.defineProperty(credentials, "password", { value: password, enumerable: false });
  return credentials;
}

/**
 * What AWS said, for the answer's check: the error code and message of a service error
 * (`ResourceNotFoundException`, `AccessDeniedException`), else the SDK's own message (a
 * network error). The SDK has retried by then (standard mode, 3 attempts).
 */
function awsAnswer(error: unknown): string {
  const e = (error ?? {}) as { name?: string; message?: string; $metadata?: unknown };
  const message = (e.message ?? String(error)).replace(/\s+/g, " ").trim().replace(/[.;]+$/, "");
  return e.$metadata !== undefined && e.name !== undefined ? `AWS answered ${e.name} (${message})` : message;
}
