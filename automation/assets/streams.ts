/**
 * Small async-stream tools for the parallel listing: a counting semaphore, a stream that
 * reads ahead into a bounded buffer, and an ordered merge of streams that are read ahead
 * in parallel.
 */

/** At most `permits` calls of `use` run at once; the others wait their turn, first come first served. */
export class Semaphore {
  private waiting: Array<() => void> = [];
  private active = 0;

  constructor(private readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError(`permits must be a positive integer, got ${permits}`);
  }

  async use<T>(call: () => Promise<T>): Promise<T> {
    if (this.active >= this.permits) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await call();
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.active--;
    }
  }
}

/**
 * Reads `source` ahead into a buffer of at most `capacity` items, from the moment it is
 * created, so that it makes progress while the consumer is still busy with something
 * else. A failure of the source is raised where the consumer reaches it.
 */
export class ReadAhead<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;
  private cancelled = false;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(
    private readonly source: AsyncIterable<T>,
    private readonly capacity: number,
  ) {
    void this.pump();
  }

  private async pump(): Promise<void> {
    const iterator = this.source[Symbol.asyncIterator]();
    try {
      for (;;) {
        while (this.items.length >= this.capacity && !this.cancelled) await new Promise<void>((resolve) => (this.wakeProducer = resolve));
        if (this.cancelled) break;
        const next = await iterator.next();
        if (next.done) break;
        this.items.push(next.value);
        this.wake();
      }
    } catch (error) {
      this.failure = { error };
    } finally {
      if (this.cancelled) await iterator.return?.(undefined).catch(() => undefined);
      this.ended = true;
      this.wake();
    }
  }

  private wake(): void {
    const wake = this.wakeConsumer;
    this.wakeConsumer = undefined;
    wake?.();
  }

  /** Stops reading ahead (the consumer gave up); the source is closed. */
  cancel(): void {
    this.cancelled = true;
    const wake = this.wakeProducer;
    this.wakeProducer = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      for (;;) {
        if (this.items.length > 0) {
          const item = this.items.shift()!;
          const wake = this.wakeProducer;
          this.wakeProducer = undefined;
          wake?.();
          yield item;
          continue;
        }
        if (this.failure !== undefined) throw this.failure.error;
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
      }
    } finally {
      this.cancel();
    }
  }
}

/**
 * The items of every stream `open` makes of `sources`, stream after stream in the order of
 * `sources`, while the next ones are already read ahead: `window` streams at most are
 * open at once, the one being read included, each read ahead into at most `buffer` items. That is an ordered merge of parts listed in parallel: the
 * output is what reading them one after the other would give.
 */
export async function* inOrder<S, T>(sources: AsyncIterable<S>, window: number, buffer: number, open: (source: S) => AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = sources[Symbol.asyncIterator]();
  const ahead: Array<ReadAhead<T>> = [];
  let exhausted = false;
  let closed = false;
  let filling: Promise<void> | undefined;
  let fillFailure: { error: unknown } | undefined;
  const fill = (): Promise<void> => {
    filling ??= (async () => {
      try {
        while (!exhausted && !closed && ahead.length < window) {
          const next = await iterator.next();
          if (next.done) exhausted = true;
          else if (closed) return;
          else ahead.push(new ReadAhead(open(next.value), buffer));
        }
      } catch (error) {
        fillFailure ??= { error };
      } finally {
        filling = undefined;
      }
    })();
    return filling;
  };
  try {
    for (;;) {
      if (ahead.length === 0) {
        await fill();
        if (fillFailure !== undefined) throw fillFailure.error;
        if (ahead.length === 0) return;
      }
      // The part being read stays in the window until it is done.
      yield* ahead[0]!;
      ahead.shift();
      void fill();
      if (fillFailure !== undefined) throw fillFailure.error;
    }
  } finally {
    closed = true;
    for (const waiting of ahead) waiting.cancel();
    if (filling !== undefined) await filling;
    if (!exhausted) await iterator.return?.(undefined).catch(() => undefined);
  }
}
