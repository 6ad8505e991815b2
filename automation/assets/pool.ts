/**
 * Runs `worker` over `items` (an array, or a stream such as the spooled writes of a plan)
 * with at most `concurrency` in flight. No dependency needed: `concurrency` lanes pull
 * the next item from one shared iterator, so a stream is read only as fast as the
 * workers take from it. A worker's rejection stops new work from being started and is
 * rethrown once the in-flight ones have settled; with `onError` the rejection is
 * handled there instead, and its answer says whether to keep starting new work.
 */
export async function runBounded<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  worker: (item: T, index: number) => Promise<void>,
  onError?: (error: unknown, item: T, index: number) => boolean,
): Promise<{ started: number }> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const iterator = Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : toAsync((items as Iterable<T>)[Symbol.iterator]());
  let next = 0;
  let stopped = false;
  let exhausted = false;
  let firstError: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!stopped && !exhausted) {
      const pulled = await iterator.next();
      if (pulled.done) {
        exhausted = true;
        return;
      }
      if (stopped) return;
      const index = next++;
      try {
        await worker(pulled.value, index);
      } catch (error) {
        if (onError !== undefined) {
          if (!onError(error, pulled.value, index)) stopped = true;
          continue;
        }
        stopped = true;
        firstError ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  if (!exhausted) await iterator.return?.();
  if (firstError !== undefined) throw firstError.error;
  return { started: next };
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return { next: async () => iterator.next() };
}

/**
 * Starts tasks with at most `limit` running, for a producer that discovers work as it
 * goes (the planner, which checks planned copies while the listing streams in): `run`
 * returns once the task has started, so the producer slows down to the tasks' pace. The
 * first failure is rethrown by the next `run` and by `drain`.
 */
export class TaskLimiter {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }

  async run(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    if (this.failure !== undefined) throw this.failure.error;
    const started: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(started));
    this.running.add(started);
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
    if (this.failure !== undefined) throw this.failure.error;
  }
}
