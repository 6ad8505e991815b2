import { S3Client } from "@aws-sdk/client-s3";
import { CONDITION_FAILED } from "../aws/s3";
import { OperationError, UsageError } from "../errors";
import { assertVersionedBucket } from "./bucket";
import { sameListedContent } from "./content";
import { CopyMethod, copyVersion } from "./copy";
import { checkPlannedCopy } from "./copy-check";
import { removeDeleteMarker } from "./delete-marker";
import { currentEntry, DeleteMarker, entryAt, HistoryEntry, KeyHistory, markersAbove, newestVersion, ObjectVersion } from "./history";
import { keyHistory } from "./listing";
import { CopyDecision } from "./plan";
import { describeEntry } from "./summary";

/**
 * One key's recovery (`assets versions | restore | undelete`): what to bring back, decided
 * from the key's history (pure, a UsageError when it can't be done), and the one or few
 * writes that do it, each conditional on the key not having changed since it was read.
 */

/** The bucket, refused unless versioned, and every version and delete marker of the key. */
export async function readKeyHistory(s3: S3Client, bucket: string, key: string): Promise<KeyHistory> {
  await assertVersionedBucket(s3, bucket);
  return keyHistory(s3, bucket, key);
}

function requireHistory(history: KeyHistory, bucket: string): void {
  if (history.entries.length === 0) {
    throw new UsageError(`s3://${bucket}/${history.key} has no versions at all; check the key (assets versions --bucket ${bucket} <key>, or aws s3 ls for nearby keys).`);
  }
}

export type WhichVersion = { versionId: string } | { at: Date };

/** The version `assets restore` brings back, or the UsageError saying why there is none. Pure. */
export function chooseVersion(history: KeyHistory, bucket: string, which: WhichVersion): ObjectVersion {
  requireHistory(history, bucket);
  const key = history.key;
  if ("versionId" in which) {
    const found = history.entries.find((e) => e.versionId === which.versionId);
    if (found === undefined) {
      throw new UsageError(`s3://${bucket}/${key} has no version ${which.versionId}; list its ${history.entries.length} version(s) with assets versions ${key}.`);
    }
    if (found.kind === "delete-marker") {
      throw new UsageError(`${which.versionId} is a delete marker of s3://${bucket}/${key}, not a version with content; use assets undelete ${key}, or pick a version id from assets versions.`);
    }
    return found;
  }
  const found = entryAt(history.entries, which.at);
  if (found === undefined) {
    const oldest = history.entries[history.entries.length - 1]!;
    throw new UsageError(`s3://${bucket}/${key} did not exist yet at ${which.at.toISOString()} (its oldest entry is from ${oldest.lastModified.toISOString()}); pick a later --at.`);
  }
  if (found.kind === "delete-marker") {
    throw new UsageError(`s3://${bucket}/${key} was deleted at ${which.at.toISOString()} (${describeEntry(found)}); pick an earlier --at or a --version-id from assets versions.`);
  }
  return found;
}

export type KeyRestore =
  /** The current version already is the target (`sameVersion`), or holds the same content. */
  | { kind: "unchanged"; target: ObjectVersion; current: ObjectVersion; sameVersion: boolean }
  | { kind: "copy"; copy: CopyDecision };

/** What restoring one key to a version does; archived versions are refused (exit 2) before anything is written. */
export async function planKeyRestore(s3: S3Client, bucket: string, history: KeyHistory, which: WhichVersion): Promise<KeyRestore> {
  const target = chooseVersion(history, bucket, which);
  const current = currentEntry(history.entries)!;
  if (current.kind === "version" && sameListedContent(current, target)) return { kind: "unchanged", target, current, sameVersion: current.versionId === target.versionId };
  const checked = await checkPlannedCopy(s3, bucket, { action: "copy", key: history.key, source: target, current });
  if (checked.action === "blocked") {
    throw new UsageError(`Version ${target.versionId} of s3://${bucket}/${history.key} can't be copied now: ${checked.reason}.`);
  }
  // Only a current version can already hold the target's checksum.
  if (checked.action !== "copy") return { kind: "unchanged", target, current: current as ObjectVersion, sameVersion: false };
  return { kind: "copy", copy: checked };
}

/** Copies the planned version over the current one, unless the key changed since its history was read. */
export async function applyKeyRestore(s3: S3Client, bucket: string, copy: CopyDecision): Promise<{ versionId: string | undefined; method: CopyMethod }> {
  const done = await copyVersion(s3, bucket, copy.source, copy.current, copy.settings);
  if (done === CONDITION_FAILED) throw changedSinceRead(bucket, copy.key, copy.current);
  return done;
}

export type KeyUndelete = { kind: "not-deleted"; version: ObjectVersion } | { kind: "undelete"; markers: DeleteMarker[]; version: ObjectVersion };

/** What undeleting one key does: the markers above its newest version, or nothing. Pure. */
export function planUndelete(history: KeyHistory, bucket: string): KeyUndelete {
  requireHistory(history, bucket);
  const version = newestVersion(history.entries);
  if (version === undefined) {
    throw new UsageError(`s3://${bucket}/${history.key} has only delete markers (${history.entries.length}) and no version with content, so there is nothing to bring back; check the key with assets versions.`);
  }
  const markers = markersAbove(history.entries, version);
  return markers.length === 0 ? { kind: "not-deleted", version } : { kind: "undelete", markers, version };
}

/** Removes the markers newest first; returns the ids removed. */
export async function applyUndelete(s3: S3Client, bucket: string, key: string, markers: readonly DeleteMarker[]): Promise<string[]> {
  const removed: string[] = [];
  for (const marker of markers) {
    const outcome = await removeDeleteMarker(s3, bucket, marker);
    if (outcome === "changed") throw changedSinceRead(bucket, key, marker, removed);
    if (outcome === "removed") removed.push(marker.versionId);
  }
  return removed;
}

function changedSinceRead(bucket: string, key: string, seen: HistoryEntry, removed: string[] = []): OperationError {
  const partly = removed.length > 0 ? ` after removing ${removed.length} delete marker(s)` : "";
  return new OperationError(
    `s3://${bucket}/${key} changed since its history was read (its current entry is no longer ${describeEntry(seen)}), so it was left as it is${partly}; look at it again with assets versions ${key}.`,
  );
}
