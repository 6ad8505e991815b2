import {
  ARCHIVED_STORAGE_CLASSES,
  currentEntry,
  DeleteMarker,
  entryAt,
  HistoryEntry,
  KeyHistory,
  ObjectVersion,
  sameContent,
} from "./history";

/**
 * What a point-in-time restore does to one key. Pure: decided from the key's listed
 * history and the moment alone, so the whole plan can be shown before anything is
 * written and tested without S3.
 */
export type KeyDecision =
  /** Already as it was at the time (same version, same content, or absent then and now). */
  | { action: "unchanged"; key: string; reason: "current" | "same-content" | "absent" }
  /** A server-side copy of `source` becomes the current version. */
  | { action: "copy"; key: string; source: ObjectVersion; current: HistoryEntry }
  /** Only delete markers, all newer than the time, sit above `version`: removing them brings it back without a new version. */
  | { action: "undelete"; key: string; markers: DeleteMarker[]; version: ObjectVersion }
  /** Created (or re-created) after the time; hidden behind a new delete marker with --delete-new. */
  | { action: "hide"; key: string; current: ObjectVersion }
  /** Created (or re-created) after the time and left alone because --delete-new was not given. */
  | { action: "keep-new"; key: string; current: ObjectVersion }
  /** The version to bring back is in an archive storage class; it has to be restored from there first. */
  | { action: "blocked"; key: string; source: ObjectVersion; reason: string };

export type Action = KeyDecision["action"];

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

  if (current.kind === "version" && sameContent(current, target)) {
    return { action: "unchanged", key, reason: current.versionId === target.versionId ? "current" : "same-content" };
  }
  const above = entries.slice(0, entries.indexOf(target));
  if (above.length > 0 && above.every((e): e is DeleteMarker => e.kind === "delete-marker")) {
    return { action: "undelete", key, markers: above, version: target };
  }
  if (target.storageClass !== undefined && ARCHIVED_STORAGE_CLASSES.has(target.storageClass)) {
    return {
      action: "blocked",
      key,
      source: target,
      reason: `version ${target.versionId} is in ${target.storageClass}; restore it from the archive (aws s3api restore-object) and run again`,
    };
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

/** The decisions that write, kept in full for the apply step. */
export type WriteDecision = Extract<KeyDecision, { action: "copy" | "undelete" | "hide" }>;

export function isWrite(decision: KeyDecision): decision is WriteDecision {
  return decision.action === "copy" || decision.action === "undelete" || decision.action === "hide";
}

export const ACTIONS: readonly Action[] = ["copy", "undelete", "hide", "unchanged", "keep-new", "blocked"];

/**
 * A restore plan built key by key while the listing streams in: the writes (and the
 * blocked keys) in full, every other key only counted with a few samples, so a bucket
 * with millions of unchanged keys costs no memory for them.
 */
export class RestorePlan {
  readonly counts: Record<Action, number> = { copy: 0, undelete: 0, hide: 0, unchanged: 0, "keep-new": 0, blocked: 0 };
  readonly samples: Record<Action, string[]> = { copy: [], undelete: [], hide: [], unchanged: [], "keep-new": [], blocked: [] };
  readonly writes: WriteDecision[] = [];
  readonly blocked: Array<Extract<KeyDecision, { action: "blocked" }>> = [];
  keys = 0;

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
    const samples = this.samples[decision.action];
    if (samples.length < this.sampleSize) samples.push(decision.key);
    if (isWrite(decision)) this.writes.push(decision);
    if (decision.action === "blocked") this.blocked.push(decision);
  }

  addHistory(history: KeyHistory): KeyDecision {
    const decision = decideKey(history, this.at, this.options);
    this.add(decision);
    return decision;
  }

  /** S3 requests that write (new versions, new markers, removed markers). */
  get writeCount(): number {
    return this.writes.reduce((n, d) => n + writesOf(d), 0);
  }
}
