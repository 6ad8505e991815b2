import { S3Client } from "@aws-sdk/client-s3";
import { listVersionPage, VersionPage, VersionPageRequest } from "../aws/s3";
import { OperationError } from "../errors";
import { compareKeys, HistoryEntry, KeyHistory, orderKeyEntries } from "./history";

export interface ListOptions {
  /** MaxKeys per ListObjectVersions page (S3's maximum and default is 1,000). */
  pageSize?: number | undefined;
  /** Called after each page with the number of entries it held. */
  onPage?: ((entries: number) => void) | undefined;
  /** Waited for before each request: how a parallel listing bounds the requests in flight. */
  slot?: (<T>(request: () => Promise<T>) => Promise<T>) | undefined;
}

/** A contiguous part of a prefix: the keys after `startAfter` for which `includes` holds, up to the first key `beyond` it. */
export interface KeyRange {
  readonly prefix: string;
  /** S3's KeyMarker: listing starts with the keys greater than this. */
  readonly startAfter?: string | undefined;
  readonly includes?: ((key: string) => boolean) | undefined;
  readonly beyond?: ((key: string) => boolean) | undefined;
}

/**
 * Follows a listing page by page, by KeyMarker *and* VersionIdMarker, so a key with more
 * versions than fit in a page continues on the next one. Stops when the caller stops.
 */
export async function* versionPages(s3: S3Client, request: VersionPageRequest, options: ListOptions = {}): AsyncGenerator<VersionPage> {
  let keyMarker = request.keyMarker;
  let versionIdMarker = request.versionIdMarker;
  const slot = options.slot ?? ((call) => call());
  for (;;) {
    const page = await slot(() => listVersionPage(s3, { ...request, keyMarker, versionIdMarker, maxKeys: options.pageSize ?? request.maxKeys }));
    options.onPage?.(page.entries.length);
    yield page;
    if (!page.isTruncated) return;
    const where = `s3://${request.bucket}/${request.prefix ?? ""}`;
    if (page.nextKeyMarker === undefined) {
      throw new OperationError(`Listing versions of ${where} stopped: S3 said the page was truncated but gave no NextKeyMarker; try again.`);
    }
    if (page.nextKeyMarker === keyMarker && page.nextVersionIdMarker === versionIdMarker) {
      throw new OperationError(`Listing versions of ${where} made no progress past key ${JSON.stringify(keyMarker)}; try again.`);
    }
    keyMarker = page.nextKeyMarker;
    versionIdMarker = page.nextVersionIdMarker;
  }
}

/** A key whose entries may continue on the next page. */
export interface OpenKey {
  readonly key: string;
  readonly entries: HistoryEntry[];
  /** The version the page stopped at (its NextVersionIdMarker), already among `entries`. */
  readonly stoppedAt?: string | undefined;
}

/**
 * One page's entries, with the key carried over from the page before, grouped per key
 * in S3's key order (emulators that list all versions before all markers break it), and
 * the key the page stopped in, which the next page may continue (S3 names it as the
 * NextKeyMarker of a truncated page). Pure.
 */
export function groupPage(page: VersionPage, carried: OpenKey | undefined): { keys: OpenKey[]; open: OpenKey | undefined } {
  const byKey = new Map<string, HistoryEntry[]>();
  if (carried !== undefined) byKey.set(carried.key, carried.entries);
  for (const entry of page.entries) {
    // S3 starts a page after its markers; versitygw starts at them and lists that version again.
    if (carried !== undefined && entry.key === carried.key && entry.versionId === carried.stoppedAt) continue;
    let list = byKey.get(entry.key);
    if (list === undefined) byKey.set(entry.key, (list = []));
    list.push(entry);
  }
  const openKey = page.isTruncated ? page.nextKeyMarker : undefined;
  const keys: OpenKey[] = [];
  let open: OpenKey | undefined;
  for (const key of [...byKey.keys()].sort(compareKeys)) {
    const group = { key, entries: byKey.get(key)!, ...(key === openKey ? { stoppedAt: page.nextVersionIdMarker } : {}) };
    if (key === openKey) open = group;
    else keys.push(group);
  }
  return { keys, open };
}

/**
 * Turns a stream of pages into one history per key, in S3's key order. A key is only
 * yielded once no later page can add to it. Memory is one page plus one key, however
 * large the prefix.
 */
export async function* keyHistories(pages: AsyncIterable<VersionPage>, range: Pick<KeyRange, "includes" | "beyond"> = {}): AsyncGenerator<KeyHistory> {
  const wanted = (key: string) => range.includes === undefined || range.includes(key);
  let open: OpenKey | undefined;
  for await (const page of pages) {
    const grouped = groupPage(page, open);
    open = grouped.open;
    for (const group of grouped.keys) {
      if (range.beyond?.(group.key)) return;
      if (wanted(group.key)) yield { key: group.key, entries: orderKeyEntries(group.entries) };
    }
    if (open !== undefined && range.beyond?.(open.key)) return;
  }
  if (open !== undefined && wanted(open.key)) yield { key: open.key, entries: orderKeyEntries(open.entries) };
}

/** Every key's history in one range of a prefix, listed sequentially. */
export function listRangeHistories(s3: S3Client, bucket: string, range: KeyRange, options: ListOptions = {}): AsyncGenerator<KeyHistory> {
  return keyHistories(versionPages(s3, { bucket, prefix: range.prefix, keyMarker: range.startAfter }, options), range);
}

/** The history of exactly one key (other keys that merely start with it are skipped). */
export async function keyHistory(s3: S3Client, bucket: string, key: string, options: ListOptions = {}): Promise<KeyHistory> {
  // Under the prefix `key`, the key itself sorts first: any other key ends the search.
  for await (const history of listRangeHistories(s3, bucket, { prefix: key, beyond: (k) => k !== key }, options)) return history;
  return { key, entries: [] };
}
