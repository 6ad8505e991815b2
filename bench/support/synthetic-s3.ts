/**
 * A synthetic versioned bucket of any size, served over S3's REST API from arithmetic
 * instead of storage, for the benchmark's memory figure: a listing of a million versions
 * costs this server nothing, so what is measured is the tool's own memory. It answers what
 * a restore-prefix sends, with S3's documented semantics (listing order and markers,
 * HEAD of versions and of delete markers, copies, marker removals, no open multipart
 * upload), and accepts every write without changing the bucket.
 *
 * Key i is `<prefix><i div 1000, 4 digits>/<i, 7 digits>.png` with versions v1 (t1), v2
 * (t2) and then: v3 (t3) for i mod 10 < 7, an overwrite (t5) for 7 and 8, a delete marker
 * (t5) for 9. Restoring to t4 copies 20 % of the keys back and undeletes 10 %.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

const T = (n: number) => new Date(Date.UTC(2026, 10, 25, 12, n)).toISOString();
/** The moment to restore to: after v3, before the incident. */
export const SYNTHETIC_AT = T(4);

type Entry = { kind: "version" | "marker"; versionId: string; at: string; latest: boolean; etag: string; size: number };

export class SyntheticBucket {
  private server: http.Server | undefined;
  readonly writes = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly prefix: string,
    readonly keys: number,
  ) {}

  get versions(): number {
    return this.keys * 3;
  }

  key(i: number): string {
    return `${this.prefix}${String(Math.floor(i / 1000)).padStart(4, "0")}/${String(i).padStart(7, "0")}.png`;
  }

  private index(key: string): number | undefined {
    const match = /(\d{7})\.png$/.exec(key);
    return match && key === this.key(Number(match[1])) ? Number(match[1]) : undefined;
  }

  entries(i: number): Entry[] {
    const etag = (n: string) => `"${(i * 7919 + n.charCodeAt(0)).toString(16).padStart(32, "0")}"`;
    const v = (n: string, at: string, latest = false): Entry => ({ kind: "version", versionId: `${i}.${n}`, at, latest, etag: etag(n), size: 1000 + n.charCodeAt(0) });
    const older = [v("2", T(2)), v("1", T(1))];
    const kind = i % 10;
    if (kind < 7) return [v("3", T(3), true), ...older];
    if (kind < 9) return [v("b", T(5), true), ...older];
    return [{ kind: "marker", versionId: `${i}.m`, at: T(5), latest: true, etag: "", size: 0 }, ...older];
  }

  /** The first key index whose key is greater than (or, with `inclusive`, at least) `text`. */
  private firstAfter(text: string, inclusive: boolean): number {
    let lo = 0;
    let hi = this.keys;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const key = this.key(mid);
      if (key < text || (!inclusive && key === text)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private list(q: URLSearchParams): string {
    const prefix = q.get("prefix") ?? "";
    const delimiter = q.get("delimiter") ?? undefined;
    const keyMarker = q.get("key-marker") ?? undefined;
    const versionMarker = q.get("version-id-marker") || undefined;
    const maxKeys = Number(q.get("max-keys") ?? 1000);
    let i = this.firstAfter(prefix, true);
    let skipThrough: string | undefined;
    if (keyMarker !== undefined) {
      const at = this.index(keyMarker);
      if (versionMarker !== undefined && at !== undefined) {
        i = at;
        skipThrough = versionMarker;
      } else {
        i = Math.max(i, this.firstAfter(keyMarker, false));
        // After a common prefix, S3 goes on with the keys that don't roll up into it.
        if (delimiter !== undefined && keyMarker.endsWith(delimiter)) i = Math.max(i, this.firstAfter(keyMarker + "\u{10FFFF}", false));
      }
    }
    const body: string[] = [];
    const prefixes: string[] = [];
    let count = 0;
    let next: { key: string; version?: string } | undefined;
    let truncated = false;
    for (; i < this.keys; i++) {
      const key = this.key(i);
      if (!key.startsWith(prefix)) break;
      const rest = key.slice(prefix.length);
      const cut = delimiter !== undefined ? rest.indexOf(delimiter) : -1;
      if (cut >= 0) {
        const common = prefix + rest.slice(0, cut + delimiter!.length);
        if (count === maxKeys) {
          truncated = true;
          break;
        }
        prefixes.push(common);
        count++;
        next = { key: common };
        i = this.firstAfter(common + "\u{10FFFF}", false) - 1;
        continue;
      }
      let entries = this.entries(i);
      if (skipThrough !== undefined) {
        entries = entries.slice(entries.findIndex((e) => e.versionId === skipThrough) + 1);
        skipThrough = undefined;
      }
      for (const e of entries) {
        if (count === maxKeys) {
          truncated = true;
          break;
        }
        body.push(
          e.kind === "marker"
            ? `<DeleteMarker><Key>${key}</Key><VersionId>${e.versionId}</VersionId><IsLatest>${e.latest}</IsLatest><LastModified>${e.at}</LastModified></DeleteMarker>`
            : `<Version><Key>${key}</Key><VersionId>${e.versionId}</VersionId><IsLatest>${e.latest}</IsLatest><LastModified>${e.at}</LastModified><ETag>${e.etag.replace(/"/g, "&quot;")}</ETag><Size>${e.size}</Size><StorageClass>STANDARD</StorageClass></Version>`,
        );
        count++;
        next = { key, version: e.versionId };
      }
      if (truncated) break;
    }
    const markers = truncated && next !== undefined ? `<NextKeyMarker>${next.key}</NextKeyMarker>${next.version !== undefined ? `<NextVersionIdMarker>${next.version}</NextVersionIdMarker>` : ""}` : "";
    return (
      `<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${this.name}</Name><Prefix>${prefix}</Prefix>` +
      `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${markers}${body.join("")}${prefixes.map((p) => `<CommonPrefixes><Prefix>${p}</Prefix></CommonPrefixes>`).join("")}</ListVersionsResult>`
    );
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://synthetic");
    const raw = url.pathname.slice(1);
    const slash = raw.indexOf("/");
    const key = slash < 0 ? "" : raw.slice(slash + 1).split("/").map(decodeURIComponent).join("/");
    const q = url.searchParams;
    const op = `${req.method} ${key === "" ? [...q.keys()][0] ?? "" : q.has("versionId") ? "version" : "object"}`;
    this.writes.set(op, (this.writes.get(op) ?? 0) + 1);
    req.resume();
    const xml = (status: number, body: string, headers: Record<string, string> = {}): void => void res.writeHead(status, { "content-type": "application/xml", ...headers }).end(body);
    if (key === "") {
      if (q.has("versioning")) return xml(200, `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`);
      if (q.has("versions")) return xml(200, this.list(q));
      if (q.has("uploads")) return xml(200, "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>");
      return xml(400, "<Error><Code>NotImplemented</Code></Error>");
    }
    const i = this.index(key);
    if (i === undefined) return xml(404, "<Error><Code>NoSuchKey</Code></Error>");
    const entries = this.entries(i);
    const versionId = q.get("versionId") ?? undefined;
    const entry = versionId === undefined ? entries[0]! : entries.find((e) => e.versionId === versionId);
    if (req.method === "HEAD") {
      if (entry === undefined) return xml(404, "");
      if (entry.kind === "marker") return xml(versionId === undefined ? 404 : 405, "", { "x-amz-delete-marker": "true", "x-amz-version-id": entry.versionId });
      return xml(200, "", { etag: entry.etag, "content-length": String(entry.size), "x-amz-version-id": entry.versionId, "last-modified": new Date(entry.at).toUTCString() });
    }
    if (req.method === "PUT" && req.headers["x-amz-copy-source"] !== undefined) {
      return xml(200, `<CopyObjectResult><ETag>&quot;copy&quot;</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyObjectResult>`, { "x-amz-version-id": `${i}.copy` });
    }
    if (req.method === "DELETE") return xml(204, "", { "x-amz-delete-marker": "true", "x-amz-version-id": versionId ?? `${i}.hide` });
    return xml(400, "<Error><Code>NotImplemented</Code></Error>");
  }

  async listen(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
