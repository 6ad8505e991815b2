import { OperationError } from "./errors";

/**
 * Ctrl-C must neither leave an RDS instance running (and billing) unnoticed nor a stack
 * half-updated. The handler does not exit: it makes the current wait give up, so the
 * caller's own cleanup runs as it does for any failure (a drill destroys its restore
 * stack, a restore keeps it for --resume, a cut-over puts its config back). It triggers
 * that once; pressing again only says what is going on.
 */
export class InterruptedError extends OperationError {
  constructor(signal = "SIGINT") {
    super(`Interrupted (${signal}).`);
  }
}

export class Interruption {
  private rejectWith: ((error: Error) => void) | undefined;
  private triggered = false;
  private readonly controller = new AbortController();
  /** Rejects when the interruption is triggered; never resolves. */
  readonly promise: Promise<never>;

  constructor() {
    this.promise = new Promise<never>((_resolve, reject) => {
      this.rejectWith = reject;
    });
    // Nobody may be racing it when it fires; that is not an unhandled rejection.
    this.promise.catch(() => undefined);
  }

  get interrupted(): boolean {
    return this.triggered;
  }

  /** Aborted when the interruption is triggered, for work that can stop itself (a validator's process group) rather than only be left behind. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Returns true the first time only. */
  trigger(signal = "SIGINT"): boolean {
    if (this.triggered) return false;
    this.triggered = true;
    this.rejectWith?.(new InterruptedError(signal));
    this.controller.abort();
    return true;
  }

  /** `work`, unless the interruption comes first. The work itself keeps running; callers wait for it before cleaning up. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.promise]);
  }
}

/** Installs a handler for an interrupt; returns the function that uninstalls it. */
export type InterruptInstaller = (handler: () => void) => () => void;

/**
 * The process's SIGINT (and SIGTERM, which CI runners send on cancel). A third Ctrl-C
 * restores Node's default and re-raises, for an operator who really wants out.
 */
export const processInterrupts: InterruptInstaller = (handler) => {
  let count = 0;
  const listener = (signal: NodeJS.Signals) => {
    count += 1;
    if (count >= 3) {
      uninstall();
      process.kill(process.pid, signal);
      return;
    }
    handler();
  };
  const uninstall = () => {
    process.removeListener("SIGINT", listener);
    process.removeListener("SIGTERM", listener);
  };
  process.on("SIGINT", listener);
  process.on("SIGTERM", listener);
  return uninstall;
};
