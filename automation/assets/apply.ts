import { S3Client } from "@aws-sdk/client-s3";
import { CONDITION_FAILED } from "../aws/s3";
import { Clock } from "../clock";
import { CopyOptions, copyVersion } from "./copy";
import { hideKey, removeDeleteMarker } from "./delete-marker";
import { WriteDecision } from "./plan";
import { runBounded } from "./pool";
import { errorMessage } from "../../contracts/text";

export const DEFAULT_CONCURRENCY = 16;
export const MAX_CONCURRENCY = 256;
/** After this many failed keys no new key is started: ten AccessDenied in a row won't become two thousand. */
export const DEFAULT_MAX_FAILURES = 10;
/** Keys changed since the plan that the result names (the rest are counted). */
export const CHANGED_KEPT = 100;

export interface ApplyOptions {
  concurrency: number;
  clock: Clock;
  /** How many writes the plan holds, for progress and for counting the keys not attempted. */
  total: number;
  copy?: CopyOptions;
  maxFailures?: number;
  onProgress?: (done: number, total: number, elapsedMs: number) => void;
}

export interface ApplyView {
  copied: number;
  undeleted: number;
  hidden: number;
  writes: number;
  /** Keys the application wrote (or deleted) between the plan and their write: left as they are, not overwritten. */
  changed: string[];
  changedCount: number;
  failed: Array<{ key: string; error: string }>;
  skipped: number;
  elapsedMs: number;
}

/**
 * Executes the writes of a plan, nothing else: every decision was made by the planner.
 * Keys are independent, so they run with bounded concurrency, read from the plan's
 * spool as fast as they are written. Each write is conditional on the key still being
 * as the plan saw it; a key that changed since is reported, not overwritten. A failed
 * key is recorded and the others go on (a re-run finishes the job, because finished
 * keys plan as unchanged), up to `maxFailures`.
 */
export async function applyWrites(s3: S3Client, bucket: string, writes: Iterable<WriteDecision> | AsyncIterable<WriteDecision>, options: ApplyOptions): Promise<ApplyView> {
  const started = options.clock.now().getTime();
  const view: ApplyView = { copied: 0, undeleted: 0, hidden: 0, writes: 0, changed: [], changedCount: 0, failed: [], skipped: 0, elapsedMs: 0 };
  const maxFailures = options.maxFailures ?? DEFAULT_MAX_FAILURES;
  let done = 0;
  const settle = () => {
    done++;
    options.onProgress?.(done, options.total, options.clock.now().getTime() - started);
  };
  const changed = (key: string) => {
    view.changedCount++;
    if (view.changed.length < CHANGED_KEPT) view.changed.push(key);
  };
  const result = await runBounded(
    writes,
    options.concurrency,
    async (decision) => {
      switch (decision.action) {
        case "copy": {
          const copied = await copyVersion(s3, bucket, decision.source, decision.current, decision.settings, options.copy);
          if (copied === CONDITION_FAILED) changed(decision.key);
          else {
            view.copied++;
            view.writes++;
          }
          break;
        }
        case "undelete": {
          // Newest first: if interrupted, the key is still hidden by an older marker rather than half-restored.
          let outcome: "removed" | "already-gone" | "changed" = "already-gone";
          for (const marker of decision.markers) {
            outcome = await removeDeleteMarker(s3, bucket, marker);
            if (outcome === "changed") break;
            if (outcome === "removed") view.writes++;
          }
          if (outcome === "changed") changed(decision.key);
          else view.undeleted++;
          break;
        }
        case "hide": {
          const hidden = await hideKey(s3, bucket, decision.current);
          if (hidden === "changed") changed(decision.key);
          else {
            view.hidden++;
            view.writes++;
          }
          break;
        }
      }
      settle();
    },
    (error, decision) => {
      view.failed.push({ key: decision.key, error: errorMessage(error) });
      settle();
      return view.failed.length < maxFailures;
    },
  );
  view.skipped = Math.max(0, options.total - result.started);
  view.elapsedMs = options.clock.now().getTime() - started;
  return view;
}
