import type { Encryption } from "../aws/s3";
import { sameListedContent } from "./content";
import { compareKeys, currentEntry, DeleteMarker, entryAt, HistoryEntry, KeyHistory, ObjectVersion } from "./history";

/** How a copy is written so that the restored version is stored as the source was: its encryption and storage class. */
export interface CopySettings {
  readonly encryption?: Encryption | undefined;
  /** Undefined for STANDARD, S3's default. */
  readonly storageClass?: string | undefined;
}

/**
 * What a point-in-time restore does to one key. `decideKey` decides it from the key's
 * listed history and the moment alone, so that it can be tested without S3; a planned
 * copy is then checked against a HEAD of its source (copy-check.ts) before it counts.
 */
export type KeyDecision =
  /** Already as it was at the time: same version, same content, same stored checksum, or absent then and now. */
  | { action: "unchanged"; key: string; reason: "current" | "same-content" | "same-checksum" | "absent" }
  /** A server-side copy of `source` becomes the current version; `settings` are filled in once its HEAD was read. */
  | { action: "copy"; key: string; source: ObjectVersion; current: HistoryEntry; settings?: CopySettings | undefined }
  /** Only delete markers, all newer than the time, sit above `version`: removing them brings it back without a new version. */
  | { action: "undelete"; key: string; markers: DeleteMarker[]; version: ObjectVersion }
  /** Created (or re-created) after the time; hidden behind a new delete marker with --delete-new. */
  | { action: "hide"; key: string; current: ObjectVersion }
  /** Created (or re-created) after the time and left alone because --delete-new was not given. */
  | { action: "keep-new"; key: string; current: ObjectVersion }
  /** The version to bring back can't be copied now (archived, or gone); it has to be restored from the archive first. */
  | { action: "blocked"; key: string; source: ObjectVersion; reason: string };

export type Action = KeyDecision["action"];
export type CopyDecision = Extract<KeyDecision, { action: "copy" }>;

export interface DecideOptions {
  /** Hide keys that did not exist at the time (never deletes a version: it adds a delete marker). */
  deleteNew: boolean;
}

export function decideKey(history: KeyHistory, at: Date, options: DecideOptions): KeyDecision {
  const { key, entries } = history;
  const current = currentEntry(entries);
  const target = entryAt(entries, at);
  if (current === undefined) return { action: "unchanged", key, reason: "absent" };

  if (target === undefined || target.kind === "delete-marker") {
    if (current.kind === "delete-marker") return { action: "unchanged", key, reason: "absent" };
    return options.deleteNew ? { action: "hide", key, current } : { action: "keep-new", key, current };
  }

  if (current.kind === "version" && sameListedContent(current, target)) {
    return { action: "unchanged", key, reason: current.versionId === target.versionId ? "current" : "same-content" };
  }
  const above = entries.slice(0, entries.indexOf(target));
  if (above.length > 0 && above.every((e): e is DeleteMarker => e.kind === "delete-marker")) {
    return { action: "undelete", key, markers: above, version: target };
  }
  return { action: "copy", key, source: target, current };
}

/** How many S3 writes a decision makes: one per copy or new marker, one per removed marker. */
export function writesOf(decision: KeyDecision): number {
  switch (decision.action) {
    case "copy":
    case "hide":
      return 1;
    case "undelete":
      return decision.markers.length;
    default:
      return 0;
  }
}

/** The decisions that write, streamed to the apply step. */
export type WriteDecision = Extract<KeyDecision, { action: "copy" | "undelete" | "hide" }>;

export function isWrite(decision: KeyDecision): decision is WriteDecision {
  return decision.action === "copy" || decision.action === "undelete" || decision.action === "hide";
}

/** How many blocked keys a plan keeps with their reasons (the rest are counted). */
export const BLOCKED_KEPT = 100;

/**
 * What a restore plan says, built key by key while the listing streams in: every action
 * counted, with the first few keys (in key order, whatever order the keys were decided
 * in) as samples. The writes themselves are not kept here but spooled to disk, so a
 * prefix of millions of keys costs this plan a few kilobytes.
 */
export class RestorePlan {
  readonly counts: Record<Action, number> = { copy: 0, undelete: 0, hide: 0, unchanged: 0, "keep-new": 0, blocked: 0 };
  readonly samples: Record<Action, string[]> = { copy: [], undelete: [], hide: [], unchanged: [], "keep-new": [], blocked: [] };
  readonly blocked: Array<{ key: string; reason: string }> = [];
  keys = 0;
  writeCount = 0;

  constructor(
    readonly bucket: string,
    readonly prefix: string,
    readonly at: Date,
    readonly options: DecideOptions,
    private readonly sampleSize = 5,
  ) {}

  add(decision: KeyDecision): void {
    this.keys++;
    this.counts[decision.action]++;
    this.writeCount += writesOf(decision);
    keepSmallest(this.samples[decision.action], decision.key, (k) => k, this.sampleSize);
    if (decision.action === "blocked") keepSmallest(this.blocked, { key: decision.key, reason: decision.reason }, (b) => b.key, BLOCKED_KEPT);
  }
}

/** Inserts `item` into `items` (sorted by key) if it is among the `limit` smallest. */
function keepSmallest<T>(items: T[], item: T, keyOf: (t: T) => string, limit: number): void {
  let at = items.length;
  while (at > 0 && compareKeys(keyOf(items[at - 1]!), keyOf(item)) > 0) at--;
  if (at >= limit) return;
  items.splice(at, 0, item);
  if (items.length > limit) items.length = limit;
}
