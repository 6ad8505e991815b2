/**
 * Runs `worker` over `items` with at most `concurrency` in flight. No dependency
 * needed: `concurrency` loops pull the next index from a shared counter. A worker's
 * rejection stops new work from being started and is rethrown once the in-flight
 * ones have settled; with `onError` the rejection is handled there instead, and its
 * answer says whether to keep starting new work.
 */
export async function runBounded<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<void>,
  onError?: (error: unknown, item: T, index: number) => boolean,
): Promise<{ started: number }> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  let next = 0;
  let stopped = false;
  let firstError: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!stopped && next < items.length) {
      const index = next++;
      const item = items[index]!;
      try {
        await worker(item, index);
      } catch (error) {
        if (onError !== undefined) {
          if (!onError(error, item, index)) stopped = true;
          continue;
        }
        stopped = true;
        firstError ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  if (firstError !== undefined) throw firstError.error;
  return { started: next };
}
