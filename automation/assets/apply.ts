import { S3Client } from "@aws-sdk/client-s3";
import { Clock } from "../clock";
import { CopyOptions, copyVersion } from "./copy";
import { hideKey, removeDeleteMarker } from "./delete-marker";
import { WriteDecision } from "./plan";
import { runBounded } from "./pool";
import { ApplyView } from "./summary";

export const DEFAULT_CONCURRENCY = 16;
export const MAX_CONCURRENCY = 256;
/** After this many failed keys no new key is started: ten AccessDenied in a row won't become two thousand. */
export const DEFAULT_MAX_FAILURES = 10;

export interface ApplyOptions {
  concurrency: number;
  clock: Clock;
  copy?: CopyOptions;
  maxFailures?: number;
  onProgress?: (done: number, total: number, elapsedMs: number) => void;
}

/**
 * Executes the writes of a plan, nothing else: every decision was made by the pure
 * planner. Keys are independent, so they run with bounded concurrency; a failed key is
 * recorded and the others go on (a re-run finishes the job, because finished keys plan
 * as unchanged), up to `maxFailures`.
 */
export async function applyWrites(s3: S3Client, bucket: string, writes: readonly WriteDecision[], options: ApplyOptions): Promise<ApplyView> {
  const started = options.clock.now().getTime();
  const view: ApplyView = { copied: 0, undeleted: 0, hidden: 0, writes: 0, failed: [], skipped: 0, elapsedMs: 0 };
  const maxFailures = options.maxFailures ?? DEFAULT_MAX_FAILURES;
  let done = 0;
  const settle = () => {
    done++;
    options.onProgress?.(done, writes.length, options.clock.now().getTime() - started);
  };
  const result = await runBounded(
    writes,
    options.concurrency,
    async (decision) => {
      switch (decision.action) {
        case "copy":
          await copyVersion(s3, bucket, decision.source, options.copy);
          view.copied++;
          view.writes++;
          break;
        case "undelete":
          // Newest first: if interrupted, the key is still hidden by an older marker rather than half-restored.
          for (const marker of decision.markers) {
            if ((await removeDeleteMarker(s3, bucket, marker)) === "removed") view.writes++;
          }
          view.undeleted++;
          break;
        case "hide":
          await hideKey(s3, bucket, decision.key);
          view.hidden++;
          view.writes++;
          break;
      }
      settle();
    },
    (error, decision) => {
      view.failed.push({ key: decision.key, error: error instanceof Error ? error.message : String(error) });
      settle();
      return view.failed.length < maxFailures;
    },
  );
  view.skipped = writes.length - result.started;
  view.elapsedMs = options.clock.now().getTime() - started;
  return view;
}
