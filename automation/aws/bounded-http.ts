import { StandardRetryStrategy } from "@smithy/core/retry";
import { NodeHttpHandler, NodeHttpHandlerOptions } from "@smithy/node-http-handler";
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";

/**
 * The AWS SDK v3 has no connection, request or socket timeout of its own: an endpoint that
 * accepts a connection and never answers holds a command forever. Every client this tool
 * builds gets a bound here:
 *
 * - a connection timeout and a socket **idle** timeout of `timeoutMs` (default 15 s), not
 *   a total request time, so that a transfer that keeps moving bytes is never cut however
 *   long it takes;
 * - except for the requests during which AWS may legitimately send nothing for minutes:
 *   server-side copies (CopyObject, UploadPartCopy: S3 holds the response until the copy is
 *   done), CompleteMultipartUpload, and a synchronous Lambda Invoke (the validator runs up
 *   to Lambda's 15 minutes; its caller aborts it at the validation timeout). Those get
 *   LONG_WAIT_IDLE_MS;
 * - a retry budget: timeouts are retried at most TIMEOUT_ATTEMPTS times in all (a silent
 *   endpoint does not start answering on the fifth try), throttling and 5xx as the SDK's
 *   standard mode does, up to the client's maxAttempts.
 *
 * So a silent endpoint ends a command in at most TIMEOUT_ATTEMPTS × timeoutMs plus the
 * SDK's backoff (under a second): 45 s with the default, measured by `npm run bench`.
 */

export const DEFAULT_AWS_TIMEOUT_MS = 15_000;
/** The environment variable that sets the timeout when `--aws-timeout` is not given (a duration: 30s, 2m). */
export const AWS_TIMEOUT_ENV = "GAMETRACKER_AWS_TIMEOUT";
/** Attempts (the first included) a request gets while it keeps timing out. */
export const TIMEOUT_ATTEMPTS = 3;
/** Idle bound of the requests that may wait silently for minutes (see above): Lambda's 15-minute limit and a minute. */
export const LONG_WAIT_IDLE_MS = 16 * 60_000;

/** The part of a request the choice of idle bound looks at. */
export interface RequestShape {
  method: string;
  path: string;
  query?: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Whether AWS may hold this request's response back for minutes while it works (see the module comment). Pure. */
export function isLongWait(request: RequestShape): boolean {
  const header = (name: string) => Object.keys(request.headers).some((h) => h.toLowerCase() === name);
  if (header("x-amz-copy-source")) return true;
  if (request.method === "POST" && request.query !== undefined && "uploadId" in request.query) return true;
  return request.method === "POST" && /^\/2015-03-31\/functions\/[^/]+\/invocations$/.test(request.path);
}

/** Whether an SDK error is a timeout (connection, idle socket, or a request the SDK marked as timed out). */
export function isTimeoutError(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const e = error as { name?: unknown; code?: unknown };
  return e.name === "TimeoutError" || e.code === "ETIMEDOUT";
}

/** The idle bound a request gets: the client's timeout, or LONG_WAIT_IDLE_MS for a long-wait request. Pure. */
export function idleBoundOf(request: RequestShape, timeoutMs: number): number {
  return isLongWait(request) ? Math.max(timeoutMs, LONG_WAIT_IDLE_MS) : timeoutMs;
}

/**
 * @smithy/node-http-handler (4.14) starts a socket's idle clock 3 s after the request when
 * the timeout is 6 s or more (DEFER_EVENT_LISTENER_TIME), so a socketTimeout of 15 s lets a
 * silent endpoint hold a request 18 s (measured by `npm run bench -- silent-endpoint`). The
 * setting that makes the silence an operator waits the timeout they asked for: 3 s less
 * from 9 s on; below 6 s there is no deferral; in between the nearest below. Pure.
 */
export function socketTimeoutSetting(idleMs: number): number {
  const DEFERRAL_MS = 3_000;
  const DEFERRED_FROM_MS = 6_000;
  if (idleMs < DEFERRED_FROM_MS) return idleMs;
  return idleMs - DEFERRAL_MS >= DEFERRED_FROM_MS ? idleMs - DEFERRAL_MS : DEFERRED_FROM_MS - 1;
}

/** An HTTP handler with both bounds: the short idle timeout, or the long one for a long-wait request. */
export class BoundedHttpHandler {
  readonly metadata = { handlerProtocol: "http/1.1" };
  private readonly short: NodeHttpHandler;
  private readonly long: NodeHttpHandler;

  constructor(readonly timeoutMs: number) {
    const base: NodeHttpHandlerOptions = { connectionTimeout: timeoutMs };
    this.short = new NodeHttpHandler({ ...base, socketTimeout: socketTimeoutSetting(timeoutMs) });
    this.long = new NodeHttpHandler({ ...base, socketTimeout: socketTimeoutSetting(Math.max(timeoutMs, LONG_WAIT_IDLE_MS)) });
  }

  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    return (isLongWait(request) ? this.long : this.short).handle(request as never, options) as Promise<{ response: HttpResponse }>;
  }

  updateHttpClientConfig(key: keyof NodeHttpHandlerOptions, value: NodeHttpHandlerOptions[typeof key]): void {
    this.short.updateHttpClientConfig(key, value);
    this.long.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs(): NodeHttpHandlerOptions {
    return this.short.httpHandlerConfigs();
  }

  destroy(): void {
    this.short.destroy();
    this.long.destroy();
  }
}

/** The tokens the standard strategy hands out are its own; it takes them back as such. */
type StandardToken = Parameters<StandardRetryStrategy["recordSuccess"]>[0];

/** The SDK's standard retry strategy, with timeouts held to TIMEOUT_ATTEMPTS attempts. */
export class TimeoutBudgetRetryStrategy implements RetryStrategyV2 {
  private readonly standard: StandardRetryStrategy;

  constructor(
    maxAttempts: number,
    private readonly timeoutAttempts = TIMEOUT_ATTEMPTS,
  ) {
    this.standard = new StandardRetryStrategy(maxAttempts);
  }

  acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    return this.standard.acquireInitialRetryToken(scope);
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    // The SDK rethrows the request's own error when the refresh throws, with the attempts made.
    if (isTimeoutError(info.error) && token.getRetryCount() + 1 >= this.timeoutAttempts) throw new Error("timeout budget spent");
    return this.standard.refreshRetryTokenForRetry(token as StandardToken, info);
  }

  recordSuccess(token: RetryToken): void {
    this.standard.recordSuccess(token as StandardToken);
  }
}
