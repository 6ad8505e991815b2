import { Clock } from "./clock";
import { OperationError } from "./errors";
import { formatDuration } from "./output";

/**
 * Polling AWS for a state change. RDS restores take 10–40 minutes; polling faster than
 * every 5 s only burns API quota (DescribeDBInstances is throttled account-wide), so the
 * interval starts at 5 s and backs off with full jitter up to a cap.
 */
export interface WaitOptions<T> {
  /** What is being waited for, for progress and errors ("DB instance gametracker-mssql-restore to be available"). */
  what: string;
  /** One probe. Returns `done: true` with the final value, or the current status to show. */
  probe: () => Promise<{ done: true; value: T } | { done: false; status: string }>;
  clock: Clock;
  timeoutMs: number;
  onProgress?: (message: string) => void;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** Source of randomness in [0,1) for jitter; injectable so tests are repeatable. */
  random?: () => number;
}

export const MIN_POLL_INTERVAL_MS = 5_000;
export const MAX_POLL_INTERVAL_MS = 30_000;

/** The delay before poll number `attempt` (0-based): exponential from min, capped, with jitter that never goes below min. */
export function pollDelay(attempt: number, random: () => number, minMs = MIN_POLL_INTERVAL_MS, maxMs = MAX_POLL_INTERVAL_MS): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** attempt);
  return Math.round(minMs + random() * (ceiling - minMs));
}

export async function waitFor<T>(options: WaitOptions<T>): Promise<T> {
  const { clock, what, timeoutMs } = options;
  const random = options.random ?? Math.random;
  const started = clock.now().getTime();
  for (let attempt = 0; ; attempt++) {
    const result = await options.probe();
    const elapsed = clock.now().getTime() - started;
    if (result.done) return result.value;
    options.onProgress?.(`waiting for ${what} (${formatDuration(elapsed)}, status ${result.status})`);
    if (elapsed >= timeoutMs) {
      throw new OperationError(
        `Timed out after ${formatDuration(elapsed)} waiting for ${what} (last status ${result.status}); check it in the AWS console or raise the timeout.`,
      );
    }
    await clock.sleep(pollDelay(attempt, random, options.minIntervalMs, options.maxIntervalMs));
  }
}
