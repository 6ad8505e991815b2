import { MASK, redactText } from "../../contracts/redact";
import { parseSqlChecks, SqlChecks } from "../../contracts/validation-config";
import { parseValidationRequest, ValidationAnswer } from "../../contracts/validation-exchange";
import { ValidatorEnvironment } from "./environment";
import { readDatabaseCredentials, secretsClientFor } from "./secrets";
import { connectionCheckName, evaluateSqlChecks, setupFailure } from "./sql-evaluate";
import { runSqlChecks } from "./sql-run";
import { openSqlSession, OpenSession } from "./sql-server";
import { errorMessage } from "../../contracts/text";

/**
 * The bundled SQL validator: a Lambda function the drill deploys into its restore stack
 * (../validator.ts), built from this file and what it imports (../validator-bundle.ts).
 * It takes a validation request, reads the master credentials from the secret it names,
 * runs the checks it was deployed with and answers in the hook format. It always
 * answers — a bad request, an unreadable secret or an unreachable server is a `fail`
 * with the reason — because a thrown error would reach the drill as a bare "Unhandled"
 * and lose that reason. The password is passed to the driver and nowhere else: never
 * logged, never in the answer. It imports nothing of the driver's (automation/): it is a
 * program of its own.
 */

/** Kept back from the function's remaining time so the answer is sent before Lambda stops the function. */
const ANSWER_MARGIN_MS = 10_000;

interface LambdaContext {
  getRemainingTimeInMillis?: () => number;
}

export async function handler(event: unknown, context: LambdaContext = {}): Promise<ValidationAnswer> {
  const parsed = parseValidationRequest(event);
  if (!parsed.ok) return setupFailure("read the validation request", "a validation request", parsed.reason);
  const { request } = parsed;

  let checks: SqlChecks;
  try {
    const raw: unknown = JSON.parse(process.env[ValidatorEnvironment.checks] ?? "");
    checks = parseSqlChecks(raw as Record<string, unknown>, { defaultDatabase: "", refuse: (_key, message) => new Error(message) });
  } catch (error) {
    return setupFailure(`read the checks from ${ValidatorEnvironment.checks}`, "the checks the validator was deployed with", redactedMessage(error));
  }

  let credentials;
  try {
    credentials = await readDatabaseCredentials(secretsClientFor(request.secretArn), request.secretArn);
  } catch (error) {
    return setupFailure("read the master-user secret", `the secret ${request.secretArn}`, redactedMessage(error));
  }

  const target = { address: request.endpoint.address, port: request.endpoint.port };
  const remaining = context.getRemainingTimeInMillis?.() ?? 15 * 60 * 1000;
  let session: OpenSession | undefined;
  try {
    session = await openSqlSession({
      ...target,
      userName: credentials.username,
      password: credentials.password,
      connectTimeoutMs: Number(process.env[ValidatorEnvironment.connectTimeoutMs] ?? "") || 15_000,
      requestTimeoutMs: Math.max(1000, remaining - ANSWER_MARGIN_MS),
    });
  } catch (error) {
    return masked(setupFailure(connectionCheckName(target), "connected, server certificate verified", redactedMessage(error)), credentials.password);
  }
  try {
    return masked(evaluateSqlChecks(checks, target, await runSqlChecks(session, checks)), credentials.password);
  } catch (error) {
    return masked(setupFailure("run the checks", "every query answered", redactedMessage(error)), credentials.password);
  } finally {
    session.close();
  }
}

function redactedMessage(error: unknown): string {
  return redactText(errorMessage(error));
}

/** Belt and braces: whatever a driver or server message might echo, the password itself never leaves. */
function masked(answer: ValidationAnswer, password: string): ValidationAnswer {
  const hide = (text: string) => text.split(password).join(MASK);
  return { ...answer, checks: answer.checks.map((c) => ({ ...c, name: hide(c.name), expected: hide(c.expected), actual: hide(c.actual) })) };
}
