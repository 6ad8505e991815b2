/**
 * A local HTTP proxy in front of an S3 server (versitygw), for the tests and the benchmark.
 * It forwards every request unchanged (the SigV4 signature covers the Host header, which
 * is kept), and can:
 *
 *  - count requests by operation, the same way for every client (the benchmark's
 *    "requests by kind" for both tools);
 *  - add S3-like latency per operation, from a seeded generator, so that a benchmark
 *    measures the tools and not a local server that answers in microseconds;
 *  - give ListObjectVersions S3's documented semantics where versitygw departs from them
 *    (`s3Timestamps`): LastModified is the moment a version or delete marker was created
 *    (versitygw reports when a version stopped being current, to the second, and for a
 *    current delete marker the time of the version it hid), and a key's versions and
 *    markers are listed interleaved, newest first (versitygw lists all markers first). The
 *    creation moments are the proxy's own observations of the writes passing through it.
 *    Nothing else in any answer is changed;
 *  - hold the requests `hold` picks: neither forwarded nor answered, as S3 looks to a
 *    client killed while waiting for it (a test kills that client at the hold).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface LatencyProfile {
  seed: number;
  /** A page of ListObjectVersions / ListObjectsV2. */
  listMs: number;
  /** CopyObject, UploadPartCopy. */
  copyMs: number;
  headMs: number;
  /** Everything else (DeleteObject, PutObject, GetObject, …). */
  otherMs: number;
  /** ± this fraction of the base, uniformly (0.2: 24–36 ms for a 30 ms base). */
  jitter: number;
}

export interface S3ProxyOptions {
  upstream: string;
  latency?: LatencyProfile;
  s3Timestamps?: boolean;
  /** Called on POST /__reset (before the proxy forgets what it observed). */
  onReset?: () => void;
}

/** Bucket and key of a path-style request path (`/bucket/key/with//slashes`). Pure. */
export function bucketAndKey(pathname: string): { bucket: string; key: string } {
  const raw = pathname.slice(1);
  const slash = raw.indexOf("/");
  if (slash < 0) return { bucket: decodeURIComponent(raw), key: "" };
  return { bucket: decodeURIComponent(raw.slice(0, slash)), key: raw.slice(slash + 1).split("/").map(decodeURIComponent).join("/") };
}

/** The S3 operation a request is, from its method, path and query (path-style addressing). Pure. */
export function requestKind(method: string, url: URL, headers: http.IncomingHttpHeaders): string {
  const q = url.searchParams;
  const { bucket, key } = bucketAndKey(url.pathname);
  if (bucket === "") return "ListBuckets";
  if (key === "") {
    if (q.has("versions")) return "ListObjectVersions";
    if (q.has("uploads")) return "ListMultipartUploads";
    if (q.has("versioning")) return method === "PUT" ? "PutBucketVersioning" : "GetBucketVersioning";
    if (q.get("list-type") === "2") return "ListObjectsV2";
    if (method === "PUT" && [...q.keys()].length === 0) return "CreateBucket";
    return `${method} bucket?${[...q.keys()][0] ?? ""}`;
  }
  const copy = headers["x-amz-copy-source"] !== undefined;
  switch (method) {
    case "HEAD":
      return "HeadObject";
    case "GET":
      return q.has("tagging") ? "GetObjectTagging" : "GetObject";
    case "PUT":
      if (q.has("partNumber")) return copy ? "UploadPartCopy" : "UploadPart";
      if (q.has("tagging")) return "PutObjectTagging";
      return copy ? "CopyObject" : "PutObject";
    case "POST":
      return q.has("uploads") ? "CreateMultipartUpload" : q.has("uploadId") ? "CompleteMultipartUpload" : "POST object";
    case "DELETE":
      if (q.has("uploadId")) return "AbortMultipartUpload";
      return q.has("versionId") ? "DeleteObjectVersion" : "DeleteObject";
    default:
      return `${method} object`;
  }
}

/** mulberry32: a small seeded generator, so a benchmark's latencies are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const unescapeXml = (s: string) => s.replace(/&(lt|gt|quot|apos|amp|#34|#39);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&", "#34": '"', "#39": "'" })[e]!);
const tagText = (xml: string, tag: string) => new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1];

/**
 * A ListObjectVersions body as S3 would write it, given when each entry was created:
 * LastModified set to that moment (milliseconds), and the entries sorted by key (UTF-8
 * byte order) and, within a key, newest first. Entries of unknown creation keep their
 * LastModified. Pure.
 */
export function s3OrderedListing(xml: string, createdAt: (key: string, versionId: string) => number | undefined): string {
  const blocks = [...xml.matchAll(/<(Version|DeleteMarker)>[\s\S]*?<\/\1>/g)];
  if (blocks.length === 0) return xml;
  const entries = blocks.map((m, position) => {
    const text = m[0];
    const key = unescapeXml(tagText(text, "Key") ?? "");
    const versionId = unescapeXml(tagText(text, "VersionId") ?? "null");
    const created = createdAt(key, versionId) ?? Date.parse(tagText(text, "LastModified") ?? "");
    return { key, created, position, text: text.replace(/<LastModified>[^<]*<\/LastModified>/, `<LastModified>${new Date(created).toISOString()}</LastModified>`) };
  });
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) || b.created - a.created || a.position - b.position);
  let rest = "";
  let last = 0;
  for (const m of blocks) {
    rest += xml.slice(last, m.index);
    last = m.index! + m[0].length;
  }
  rest += xml.slice(last);
  const at = blocks[0]!.index!;
  return rest.slice(0, at) + entries.map((e) => e.text).join("") + rest.slice(at);
}

const WRITES = new Set(["PutObject", "CopyObject", "CompleteMultipartUpload", "DeleteObject"]);

export class S3Proxy {
  private readonly upstream: URL;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  private readonly servers: http.Server[] = [];
  private readonly created = new Map<string, number>();
  private readonly random: () => number;
  /** Requests by operation on the measured endpoint since the last `resetCounts`. */
  readonly counts = new Map<string, number>();
  /** Requests for which this answers true are held until the client goes away or the proxy closes. */
  hold: ((kind: string, url: URL) => boolean) | undefined;
  private readonly heldRequests: http.IncomingMessage[] = [];

  constructor(private readonly options: S3ProxyOptions) {
    this.upstream = new URL(options.upstream);
    this.random = seededRandom(options.latency?.seed ?? 1);
  }

  /** Starts a listener; `measured: false` gives one without latency or counting (for building a benchmark's starting state). */
  async listen(measured = true): Promise<string> {
    const server = http.createServer((req, res) => this.handle(req, res, measured));
    server.keepAliveTimeout = 30_000;
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Resolves once `count` requests are held; rejects after `timeoutMs`. */
  async whenHeld(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.heldRequests.length < count) {
      if (Date.now() > deadline) throw new Error(`${this.heldRequests.length} of ${count} requests held after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  resetCounts(): void {
    this.counts.clear();
  }

  async close(): Promise<void> {
    for (const req of this.heldRequests) req.socket.destroy();
    this.agent.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private delayFor(kind: string): number {
    const l = this.options.latency;
    if (l === undefined) return 0;
    const base = kind.startsWith("List") ? l.listMs : kind === "CopyObject" || kind === "UploadPartCopy" ? l.copyMs : kind === "HeadObject" ? l.headMs : l.otherMs;
    return base * (1 - l.jitter + 2 * l.jitter * this.random());
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, measured: boolean): void {
    const url = new URL(req.url ?? "/", "http://proxy");
    if (req.method === "POST" && url.pathname === "/__reset") {
      this.options.onReset?.();
      this.created.clear();
      this.counts.clear();
      res.writeHead(200).end("reset");
      return;
    }
    const kind = requestKind(req.method ?? "GET", url, req.headers);
    if (measured) this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    if (this.hold?.(kind, url) === true) {
      this.heldRequests.push(req);
      return;
    }
    const forward = () => {
      const upstream = http.request(
        { host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers, agent: this.agent },
        (answer) => this.answer(kind, url, answer, res),
      );
      upstream.on("error", (error) => {
        if (!res.headersSent) res.writeHead(502);
        res.end(String(error));
      });
      req.pipe(upstream);
    };
    const delay = measured ? this.delayFor(kind) : 0;
    if (delay > 0) setTimeout(forward, delay);
    else forward();
  }

  private answer(kind: string, url: URL, answer: http.IncomingMessage, res: http.ServerResponse): void {
    const status = answer.statusCode ?? 502;
    const { bucket, key: objectKey } = bucketAndKey(url.pathname);
    if (this.options.s3Timestamps && status >= 200 && status < 300 && WRITES.has(kind) && !url.searchParams.has("versionId")) {
      const versionId = (answer.headers["x-amz-version-id"] as string | undefined) ?? "null";
      if (kind !== "DeleteObject" || answer.headers["x-amz-delete-marker"] === "true") this.created.set(`${bucket}\u0000${objectKey}\u0000${versionId}`, Date.now());
    }
    if (!(this.options.s3Timestamps && kind === "ListObjectVersions" && status === 200)) {
      res.writeHead(status, answer.headers);
      answer.pipe(res);
      return;
    }
    const chunks: Buffer[] = [];
    answer.on("data", (c: Buffer) => chunks.push(c));
    answer.on("end", () => {
      const body = Buffer.from(s3OrderedListing(Buffer.concat(chunks).toString("utf8"), (key, versionId) => this.created.get(`${bucket}\u0000${key}\u0000${versionId}`)));
      const headers = { ...answer.headers, "content-length": String(body.length) };
      delete headers["transfer-encoding"];
      res.writeHead(status, headers);
      res.end(body);
    });
  }
}
