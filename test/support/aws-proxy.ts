/**
 * A test-only HTTP proxy in front of moto for the crash tier: every AWS call of a real
 * `gametracker-dr` process, and of the engine and stand-in plugins it starts, goes through
 * it (AWS_ENDPOINT_URL), unchanged, so a test can stop the world at a chosen call:
 *
 *  - `hold(match)`: the next matching request waits (its request, or moto's answer to it)
 *    until released — "during verify's wait", "mid-apply";
 *  - `hang(match)`: every matching request is taken and never answered, as a silent
 *    endpoint does (a listener that accepts and never replies) — "a hang of RDS".
 *
 * Requests are told apart as AWS tells them apart: the service and region from the SigV4
 * credential scope, the operation from the protocol (Query: `Action=`; JSON: X-Amz-Target;
 * S3 and Lambda: method and path), and the caller by User-Agent (the stand-in provider
 * sends `gametracker-standin`, as pulumi-aws sends its own). Nothing in any answer is
 * changed. S3 operations are named as s3-proxy.ts names them.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { requestKind } from "./s3-proxy";
import { STANDIN_USER_AGENT } from "../engine/standin/aws/clients";
import type { Hold } from "./engine/levers";

export interface AwsRequest {
  service: string;
  region: string;
  /** The operation: `DescribeDBInstances`, `CopyObject`, `GetFunctionConfiguration`. */
  action: string;
  caller: "cli" | "provider";
  /** Query/form parameters (Query protocol), the JSON body's top-level strings, or the URL's query. */
  params: Record<string, string>;
  path: string;
}

export interface AwsMatch {
  service?: string;
  action?: string;
  caller?: AwsRequest["caller"];
  /** Every one of these parameters has this value. */
  params?: Record<string, string>;
  /** Let this many matching requests through first. */
  skip?: number;
}

interface Rule {
  match: AwsMatch;
  kind: "hold" | "hang";
  /** hold only: stop the request, or moto's answer to it (only an answer `answered` accepts). */
  at: "request" | "answer";
  answered?: (status: number, body: string) => boolean;
  seen: number;
  reached: boolean;
  released: boolean;
  waiters: Array<() => void>;
  onReached: Array<() => void>;
}

/** Which AWS operation a Lambda REST request is (the paths of the Lambda API reference). Pure. */
export function lambdaAction(method: string, pathname: string): string {
  const p = pathname.replace(/^\/\d{4}-\d{2}-\d{2}/, "");
  if (/^\/functions\/[^/]+\/invocations$/.test(p)) return "Invoke";
  if (/^\/functions\/[^/]+\/configuration$/.test(p)) return method === "PUT" ? "UpdateFunctionConfiguration" : "GetFunctionConfiguration";
  if (/^\/functions\/[^/]+\/code$/.test(p)) return "UpdateFunctionCode";
  if (/^\/functions\/[^/]+$/.test(p)) return method === "DELETE" ? "DeleteFunction" : "GetFunction";
  if (/^\/functions\/?$/.test(p)) return method === "POST" ? "CreateFunction" : "ListFunctions";
  return `${method} ${p}`;
}

/** A request as the proxy classifies it (see the header). Pure. */
export function classify(method: string, url: URL, headers: http.IncomingHttpHeaders, body: string): AwsRequest {
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(headers.authorization ?? ""));
  const region = scope?.[1] ?? "";
  const service = scope?.[2] ?? "";
  const caller = `${headers["user-agent"] ?? ""} ${headers["x-amz-user-agent"] ?? ""}`.includes(STANDIN_USER_AGENT) ? "provider" : "cli";
  const params: Record<string, string> = Object.fromEntries(url.searchParams);
  let action: string;
  const target = headers["x-amz-target"];
  if (typeof target === "string") {
    action = target.slice(target.lastIndexOf(".") + 1);
    try {
      for (const [k, v] of Object.entries(JSON.parse(body || "{}") as Record<string, unknown>)) if (typeof v === "string") params[k] = v;
    } catch {
      // not JSON
    }
  } else if (String(headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
    action = params.Action ?? "";
  } else if (service === "s3") {
    action = requestKind(method, url, headers);
  } else if (service === "lambda") {
    action = lambdaAction(method, url.pathname);
  } else {
    action = `${method} ${url.pathname}`;
  }
  return { service, region, action, caller, params, path: url.pathname };
}

function matches(match: AwsMatch, request: AwsRequest): boolean {
  return (
    (match.service === undefined || match.service === request.service) &&
    (match.action === undefined || match.action === request.action) &&
    (match.caller === undefined || match.caller === request.caller) &&
    Object.entries(match.params ?? {}).every(([k, v]) => request.params[k] === v)
  );
}

export class AwsProxy {
  private readonly upstream: URL;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private server: http.Server | undefined;
  private rules: Rule[] = [];
  private readonly parked = new Set<http.ServerResponse>();
  /** Every request since the last `clear()`, in order. */
  readonly requests: AwsRequest[] = [];

  constructor(upstream: string) {
    this.upstream = new URL(upstream);
  }

  async listen(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this.endpoint;
  }

  /** The proxy's URL, once listening: what AWS_ENDPOINT_URL names. */
  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error("the proxy is not listening yet");
    return `http://127.0.0.1:${address.port}`;
  }

  /** The next matching request (after `skip`) waits until released: its request before moto sees it, or (`at: "answer"`) moto's answer, when `answered` accepts it. */
  hold(match: AwsMatch, options: { at?: "request" | "answer"; answered?: (status: number, body: string) => boolean } = {}): Pick<Hold, "reached" | "release"> {
    const rule = this.add({ match, kind: "hold", at: options.at ?? "request", ...(options.answered ? { answered: options.answered } : {}) });
    return {
      reached: (timeoutMs) => this.reached(rule, timeoutMs),
      release: () => {
        rule.released = true;
        for (const w of rule.waiters.splice(0)) w();
      },
    };
  }

  /** Every matching request from now on (after `skip`) is taken and never answered; `reached` resolves at the first. */
  hang(match: AwsMatch): Pick<Hold, "reached"> {
    const rule = this.add({ match, kind: "hang", at: "request" });
    return { reached: (timeoutMs) => this.reached(rule, timeoutMs) };
  }

  private add(rule: Pick<Rule, "match" | "kind" | "at" | "answered">): Rule {
    const full: Rule = { ...rule, seen: 0, reached: false, released: false, waiters: [], onReached: [] };
    this.rules.push(full);
    return full;
  }

  private reached(rule: Rule, timeoutMs = 60_000): Promise<void> {
    if (rule.reached) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no request reached the proxy's ${rule.kind} ${JSON.stringify(rule.match)} within ${timeoutMs} ms`)), timeoutMs);
      rule.onReached.push(() => (clearTimeout(timer), resolve()));
    });
  }

  /** Forgets every rule (what is held stays held: release it, or close the proxy) and the request log. */
  clear(): void {
    this.rules = [];
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    for (const res of this.parked) res.destroy();
    this.parked.clear();
    this.agent.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The first rule this request meets (and counts it against `skip`). */
  private ruleFor(request: AwsRequest, at: Rule["at"]): Rule | undefined {
    for (const rule of this.rules) {
      if (rule.at !== at || !matches(rule.match, request)) continue;
      if (rule.kind === "hold" && rule.reached) continue;
      if (at === "request" && rule.seen++ < (rule.match.skip ?? 0)) continue;
      return rule;
    }
    return undefined;
  }

  private park(rule: Rule, res: http.ServerResponse): Promise<void> {
    rule.reached = true;
    for (const r of rule.onReached.splice(0)) r();
    this.parked.add(res);
    return rule.released ? Promise.resolve() : new Promise<void>((resolve) => rule.waiters.push(resolve)).then(() => void this.parked.delete(res));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const request = classify(req.method ?? "GET", new URL(req.url ?? "/", "http://proxy"), req.headers, body.toString("utf8"));
      this.requests.push(request);
      const rule = this.ruleFor(request, "request");
      if (rule?.kind === "hang") {
        void this.park(rule, res);
        return;
      }
      const go = () => this.forward(req, body, request, res);
      if (rule === undefined) go();
      else void this.park(rule, res).then(go);
    });
  }

  private forward(req: http.IncomingMessage, body: Buffer, request: AwsRequest, res: http.ServerResponse): void {
    if (res.destroyed) return;
    const upstream = http.request({ host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers, agent: this.agent }, (answer) => {
      const watching = this.rules.some((r) => r.at === "answer" && !r.reached && matches(r.match, request));
      if (!watching) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const parts: Buffer[] = [];
      answer.on("data", (c: Buffer) => parts.push(c));
      answer.on("end", () => {
        const text = Buffer.concat(parts);
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(text);
        };
        const rule = this.rules.find((r) => r.at === "answer" && !r.reached && matches(r.match, request) && (r.answered?.(answer.statusCode ?? 0, text.toString("utf8")) ?? true));
        if (rule === undefined) send();
        else void this.park(rule, res).then(send);
      });
    });
    upstream.on("error", (error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    upstream.end(body);
  }
}
