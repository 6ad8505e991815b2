import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { OperationError } from "../errors";
import { callAws } from "./errors";

/**
 * The Secrets Manager edge. Its one caller today is the bundled validator, which reads
 * the restored instance's RDS-managed master-user secret. The password never leaves as
 * an enumerable property, so logging or serializing the credentials by mistake prints
 * the user name only; no message here ever quotes the secret's value.
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
  if (region === undefined) throw new OperationError(`${secretArn} is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>).`);
  return new SecretsManagerClient({ region, retryMode: "standard", maxAttempts: 3 });
}

/** Reads an RDS master-user secret (`{"username": …, "password": …}`). */
export async function readDatabaseCredentials(secrets: SecretsManagerClient, secretArn: string): Promise<DatabaseCredentials> {
  const response = await callAws(`read the database secret ${secretArn}`, () => secrets.send(new GetSecretValueCommand({ SecretId: secretArn })));
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.SecretString ?? "");
  } catch {
    parsed = undefined;
  }
  const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== "string" || username === "" || typeof password !== "string" || password === "") {
    throw new OperationError(`Secret ${secretArn} holds no RDS master-user credentials (its value is not JSON with a username and a password).`);
  }
  const credentials = { username } as DatabaseCredentials;
  Object.defineProperty(credentials, "password", { value: password, enumerable: false });
  return credentials;
}
