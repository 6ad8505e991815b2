import { OperationError } from "../errors";
import { formatDuration } from "../output";

/**
 * AWS SDK errors, turned into the one sentence an operator can act on. The SDK has
 * already retried (standard mode) by the time an error gets here, so the sentence says
 * how many attempts were made and whose side the problem is on, never a stack trace.
 * Wrap every AWS call a command makes: `await callAws("read DB instance x", () => rds.send(...))`.
 */

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "SlowDown",
]);
const ACCESS = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "InvalidClientTokenId",
  "ExpiredToken",
  "ExpiredTokenException",
  "SignatureDoesNotMatch",
  "InvalidAccessKeyId",
  "UnrecognizedClientException",
]);
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EPIPE"]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** Where a failed request went, and how long it could stay silent there. */
export interface RequestNote {
  endpoint: string;
  idleMs?: number;
}

const notes = new WeakMap<object, RequestNote>();

/** Remembers where a failed request went (aws/clients.ts does it for every client). */
export function noteRequest(error: unknown, note: RequestNote): void {
  if (error !== null && typeof error === "object") notes.set(error, note);
}

/** Where a failed request went, when it was noted. */
export function requestNoteOf(error: unknown): RequestNote | undefined {
  return error !== null && typeof error === "object" ? notes.get(error) : undefined;
}

/** The AWS error code (`DBInstanceNotFoundFault`, `NoSuchBucket`, …) of an SDK error, or undefined for anything else. */
export function awsErrorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const e = error as SdkErrorShape;
  if (e.$metadata === undefined && e.$fault === undefined) return undefined;
  return e.name;
}

/** Whether `error` is an AWS error with one of these codes. */
export function isAwsError(error: unknown, ...codes: string[]): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && codes.includes(code);
}

/** The HTTP status an AWS error came with, or undefined (network errors, anything else). */
export function httpStatusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== "object") return undefined;
  return (error as SdkErrorShape).$metadata?.httpStatusCode;
}

/**
 * Whether AWS refused a conditional request because its condition did not hold (HTTP 412
 * PreconditionFailed, or 409 ConditionalRequestConflict when a concurrent write won).
 */
export function isConditionFailed(error: unknown): boolean {
  return isAwsError(error, "PreconditionFailed", "ConditionalRequestConflict") || (awsErrorCode(error) !== undefined && httpStatusOf(error) === 412);
}

/**
 * The OperationError for a failed AWS call: `Could not <action>: <what AWS said>; <what to do>.`
 * `action` names the value too ("create DB snapshot x of instance y").
 */
export function awsFailure(action: string, error: unknown): OperationError {
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? "Error";
  const networkCode = typeof e.code === "string" && NETWORK.has(e.code) ? e.code : undefined;
  const attempts = e.$metadata?.attempts;
  const after = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : "";
  const status = e.$metadata?.httpStatusCode;
  const detail = clean(e.message ?? String(error));
  const note = requestNoteOf(error);
  const where = note !== undefined ? `the AWS endpoint ${note.endpoint}` : "the AWS endpoint";
  // The SDK names an error it could not read from the body (a bucket policy's bare 403, a HEAD's empty one) Unknown / UnknownError.
  const unreadable = name === "Unknown" || name === "UnknownError" || detail === "UnknownError" || /Deserialization error|XML parse error/.test(detail);
  let sentence: string;
  if (THROTTLING.has(name)) {
    sentence = `AWS kept throttling the request (${name})${after}; wait a minute and retry (other automation may be using this account's API quota)`;
  } else if (ACCESS.has(name) || (unreadable && (status === 401 || status === 403))) {
    const what = ACCESS.has(name) ? `${name}: ${detail}` : `HTTP ${status} with no error AWS could read, as a bucket or key policy's denial comes`;
    sentence = `access was denied (${what}); check which credentials are in use (aws sts get-caller-identity), their IAM permissions and the resource's policy`;
  } else if (name === "CredentialsProviderError") {
    sentence = `no AWS credentials were found; set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  } else if (name === "TimeoutError" || networkCode === "ETIMEDOUT") {
    const quiet = note?.idleMs ?? silentFor(detail);
    sentence = `${where} did not answer${quiet !== undefined ? ` within ${quiet < 1000 ? `${quiet}ms` : formatDuration(quiet)}` : ""}${after}; check the network, --region and --endpoint (AWS_ENDPOINT_URL), or allow more time with --aws-timeout`;
  } else if (networkCode !== undefined) {
    sentence = `${where} could not be reached (${networkCode})${after}; check the network, --region and --endpoint (AWS_ENDPOINT_URL)`;
  } else if (e.$fault === "server" || (status !== undefined && status >= 500)) {
    sentence = `AWS answered ${name}${status !== undefined ? ` (HTTP ${status})` : ""}${after}; the problem is on AWS's side, retry in a few minutes and check the AWS Health Dashboard`;
  } else if (unreadable && status !== undefined) {
    sentence = `AWS answered HTTP ${status} with no error it could read; fix the request (check the names and --region) and retry`;
  } else {
    sentence = `AWS answered ${name} (${detail}); fix the cause it names and retry`;
  }
  return new OperationError(`Could not ${action}: ${sentence}.`, { cause: error });
}

/** How long the socket was quiet, from the SDK's timeout message ("… after 15000 ms of inactivity", "… within the configured timeout of 15000 ms"). */
function silentFor(message: string): number | undefined {
  const m = /(?:after|timeout of) (\d+) ms/.exec(message);
  return m === null ? undefined : Number(m[1]);
}

/** Runs one AWS call; an SDK or network error becomes `awsFailure(action, error)`, anything else passes through. */
export async function callAws<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    return rethrowAws(action, error);
  }
}

/** For a catch block that handled the codes it expects: throws the one-sentence error for an AWS failure, anything else unchanged. */
export function rethrowAws(action: string, error: unknown): never {
  if (isTranslatable(error)) throw awsFailure(action, error);
  throw error;
}

function isTranslatable(error: unknown): boolean {
  if (awsErrorCode(error) !== undefined) return true;
  if (error === null || typeof error !== "object") return false;
  const e = error as SdkErrorShape;
  return e.name === "CredentialsProviderError" || e.name === "TimeoutError" || (typeof e.code === "string" && NETWORK.has(e.code));
}

function clean(message: string): string {
  return message.replace(/\s+/g, " ").trim().replace(/[.;]+$/, "");
}
