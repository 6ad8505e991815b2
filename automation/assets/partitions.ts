import { S3Client } from "@aws-sdk/client-s3";
import { compareKeys, KeyHistory, orderKeyEntries } from "./history";
import { groupPage, KeyRange, ListOptions, listRangeHistories, OpenKey, versionPages } from "./listing";
import { inOrder, Semaphore } from "./streams";

/**
 * A prefix listed in parallel. One listing of a prefix is a chain of pages (10 million
 * versions are 10,000 requests one after the other), so the prefix is cut into parts
 * that can be listed at the same time: first by delimiter (the sub-prefixes a listing
 * with `Delimiter=/` names), then into ranges of consecutive sub-prefixes. The parts are
 * listed concurrently, at most `concurrency` requests in flight, and their histories
 * come out merged in key order, as one sequential listing would give them.
 */

export const DELIMITER = "/";
/** How many levels deeper a listing looks for parts when a level has fewer sub-prefixes than lanes. */
export const MAX_PARTITION_DEPTH = 2;
/** Histories a part may list ahead of the merge; bounds memory whatever the prefix holds. */
export const PART_BUFFER = 500;

export interface ParallelListOptions {
  /** Parts listed at once, and list requests in flight at most (unless `requests` is shared with other work). */
  concurrency: number;
  /** The permits every list request takes; shared with the planner's checks so that all its requests stay within one bound. */
  requests?: Semaphore | undefined;
  pageSize?: number | undefined;
  onPage?: ((entries: number) => void) | undefined;
}

/** A part of one level of a prefix, in key order. */
export type Segment =
  /** Keys directly at this level (no delimiter after the prefix), already read by the level's own listing. */
  | { kind: "keys"; histories: KeyHistory[] }
  /** Consecutive sub-prefixes `first` … `last`, listed as one range starting after `previous`. */
  | { kind: "prefixes"; previous: string | undefined; first: string; last: string }
  /** One sub-prefix with enough in it to be cut into parts again. */
  | { kind: "level"; prefix: string };

/** The sub-prefix (up to and including the delimiter) a key lies under, below `parent`; undefined for a key directly at that level. Pure. */
export function subPrefixOf(parent: string, key: string): string | undefined {
  const at = key.indexOf(DELIMITER, parent.length);
  return at < 0 ? undefined : key.slice(0, at + DELIMITER.length);
}

/**
 * The range that lists the keys under the sub-prefixes `first` … `last` of `parent`: from
 * just after `previous`, the sub-prefix before `first` (none for the first part of a
 * level), up to the end of `last`; keys of other parts met on the way are skipped.
 *
 * Why after the previous sub-prefix, and not right before `first`: S3 starts a listing
 * with the keys after its KeyMarker, but moto drops the first entry at or after it, and
 * versitygw includes the marker key itself. With the previous sub-prefix as the marker,
 * whatever an implementation does at the marker falls on the previous part, never on
 * this one: exact on all three, for the cost of reading that one sub-prefix again. Pure.
 */
export function prefixRange(parent: string, previous: string | undefined, first: string, last: string): KeyRange {
  return {
    prefix: parent,
    startAfter: previous,
    includes: (key) => {
      const sub = subPrefixOf(parent, key);
      return sub !== undefined && compareKeys(sub, first) >= 0 && compareKeys(sub, last) <= 0;
    },
    beyond: (key) => compareKeys(key, last) > 0 && !key.startsWith(last),
  };
}

/**
 * How one page of a level's delimiter listing becomes parts, in key order: runs of
 * direct keys, and runs of sub-prefixes cut into about `lanes` ranges per page (or, with
 * `descend`, one part per sub-prefix, each cut again). Pure.
 */
export function segmentsOf(directs: KeyHistory[], prefixes: readonly string[], lanes: number, descend: boolean, previous?: string): Segment[] {
  const items = [
    ...directs.map((h) => ({ key: h.key, history: h as KeyHistory | undefined })),
    ...prefixes.map((p) => ({ key: p, history: undefined as KeyHistory | undefined })),
  ].sort((a, b) => compareKeys(a.key, b.key));
  const perRange = Math.max(1, Math.ceil(prefixes.length / Math.max(1, lanes)));
  const segments: Segment[] = [];
  let run: string[] = [];
  let before = previous;
  const flushRun = () => {
    for (let i = 0; i < run.length; i += perRange) {
      const part = run.slice(i, i + perRange);
      segments.push({ kind: "prefixes", previous: before, first: part[0]!, last: part[part.length - 1]! });
      before = part[part.length - 1];
    }
    run = [];
  };
  for (const item of items) {
    if (item.history !== undefined) {
      flushRun();
      const last = segments[segments.length - 1];
      if (last?.kind === "keys") last.histories.push(item.history);
      else segments.push({ kind: "keys", histories: [item.history] });
    } else if (descend) {
      segments.push({ kind: "level", prefix: item.key });
      before = item.key;
    } else {
      run.push(item.key);
    }
  }
  flushRun();
  return segments;
}

/** Every key's history under `prefix`, listed in parallel parts and merged back into key order. */
export function listPrefixHistories(s3: S3Client, bucket: string, prefix: string, options: ParallelListOptions): AsyncGenerator<KeyHistory> {
  const semaphore = options.requests ?? new Semaphore(options.concurrency);
  const listOptions: ListOptions = { pageSize: options.pageSize, onPage: options.onPage, slot: (request) => semaphore.use(request) };

  const level = (levelPrefix: string, depth: number): AsyncGenerator<KeyHistory> =>
    inOrder(levelSegments(levelPrefix, depth), options.concurrency, PART_BUFFER, (segment) => {
      switch (segment.kind) {
        case "keys":
          return arrayStream(segment.histories);
        case "prefixes":
          return listRangeHistories(s3, bucket, prefixRange(levelPrefix, segment.previous, segment.first, segment.last), listOptions);
        case "level":
          return level(segment.prefix, depth + 1);
      }
    });

  async function* levelSegments(levelPrefix: string, depth: number): AsyncGenerator<Segment> {
    let open: OpenKey | undefined;
    let first = true;
    let descend = false;
    let lastPrefix: string | undefined;
    for await (const page of versionPages(s3, { bucket, prefix: levelPrefix, delimiter: DELIMITER }, listOptions)) {
      // A level whose first page is all of it and names fewer sub-prefixes than lanes is worth cutting one level deeper.
      if (first) descend = !page.isTruncated && depth < MAX_PARTITION_DEPTH && page.commonPrefixes.length > 0 && page.commonPrefixes.length < options.concurrency;
      first = false;
      const grouped = groupPage(page, open);
      open = grouped.open;
      const directs = grouped.keys.map((g) => ({ key: g.key, entries: orderKeyEntries(g.entries) }));
      // A server whose key markers include the marker (versitygw) names the sub-prefix a page ended with again.
      const prefixes = page.commonPrefixes.filter((p) => lastPrefix === undefined || compareKeys(p, lastPrefix) > 0);
      yield* segmentsOf(directs, prefixes, options.concurrency, descend, lastPrefix);
      lastPrefix = prefixes[prefixes.length - 1] ?? lastPrefix;
    }
    if (open !== undefined) yield { kind: "keys", histories: [{ key: open.key, entries: orderKeyEntries(open.entries) }] };
  }

  return level(prefix, 0);
}

async function* arrayStream<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
