/**
 * A test-only SDK middleware that answers one client's requests itself, below the
 * serializer, signer and retry middleware and above the deserializer: the request is the
 * exact HTTP request the SDK would send, and the answer goes through the SDK's own
 * parser. For the services no emulator here has (S3 Control jobs) and for S3 answers in
 * the exact shape the S3 API reference documents. Every answer given is one S3 documents.
 */
import type { MiddlewareStack } from "@smithy/types";

export interface SentRequest {
  client: string;
  operation: string;
  method: string;
  hostname: string;
  path: string;
  query: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body: string;
}

export interface CannedAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

export class CannedHttp {
  readonly requests: SentRequest[] = [];

  /** `answer` returns undefined to let a request through to the real endpoint. */
  constructor(private readonly answer: (request: SentRequest) => CannedAnswer | undefined | Promise<CannedAnswer | undefined>) {}

  readonly middleware = (stack: MiddlewareStack<any, any>): void => {
    stack.add(
      (next: any, context: any) => async (args: any) => {
        const request = args.request as { method: string; hostname: string; path: string; query?: Record<string, any>; headers: Record<string, string>; body?: unknown };
        const sent: SentRequest = {
          client: String(context.clientName ?? ""),
          operation: String(context.commandName ?? "").replace(/Command$/, ""),
          method: request.method,
          hostname: request.hostname,
          path: request.path,
          query: request.query ?? {},
          headers: request.headers,
          body: typeof request.body === "string" ? request.body : request.body instanceof Uint8Array ? Buffer.from(request.body).toString("utf8") : "",
        };
        const canned = await this.answer(sent);
        if (canned === undefined) return next(args);
        this.requests.push(sent);
        return {
          response: { statusCode: canned.status ?? 200, headers: { "content-type": "application/xml", ...(canned.headers ?? {}) }, body: Buffer.from(canned.body ?? "") },
        };
      },
      { step: "deserialize", name: "gametrackerCannedHttp", priority: "low" },
    );
  };
}
