import { OperationError } from "./errors";

/**
 * Ctrl-C must neither leave an RDS instance running (and billing) unnoticed nor a stack
 * half-updated, and it must never leave the operator guessing. Three presses:
 *
 * 1. The run stops what it can stop at once (AWS waits: they change nothing) and waits for
 *    what it must (a Pulumi operation stops after the steps in flight and records them; a
 *    validator is stopped), then the caller's own cleanup runs as it does for any failure (a
 *    drill destroys its restore stack, a restore keeps it for --resume, a cut-over puts its
 *    config back). The handler says what it waits for.
 * 2. It stops waiting once the operation in flight has had its grace (INTERRUPT_GRACE_MS)
 *    and ends, leaving what a killed run leaves; the handler says the exact command that
 *    continues or removes it.
 * 3. It exits at once (processInterrupts), after the handler has said the same command.
 *
 * CI runners cancel with SIGINT, then SIGTERM 7.5 s later, then SIGKILL 2.5 s after that:
 * the second press's grace fits in those 2.5 s. A drill's --deadline is a first press of
 * the run's own making (interruptWhen), made in time to clean up; a signal after it counts
 * as the second.
 */
export class InterruptedError extends OperationError {
  /** `message`: the sentence of an interruption of the run's own making (drill --deadline). */
  constructor(signal = "SIGINT", message = `Interrupted (${signal}).`) {
    super(message);
  }
}

/** What a run waits for when Ctrl-C comes, and so how long a second Ctrl-C still waits for it. */
export type WaitKind = "aws" | "pulumi" | "validator";

/**
 * The grace of each kind of wait after the second Ctrl-C: none for AWS reads and polls
 * (nothing to lose); a Pulumi operation gets the time to write its checkpoint after the
 * CLI's own second signal ("terminating"); a validator's process group is already being
 * stopped. All under the 2.5 s a CI runner leaves before SIGKILL.
 */
export const INTERRUPT_GRACE_MS: Readonly<Record<WaitKind, number>> = { aws: 0, pulumi: 2_000, validator: 2_000 };

export class Interruption {
  private rejectWith: ((error: Error) => void) | undefined;
  private pressed = 0;
  private why: InterruptedError | undefined;
  private readonly first = new AbortController();
  private readonly second = new AbortController();
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
    return this.pressed >= 1;
  }

  /** The second press: stop waiting. */
  get abandoned(): boolean {
    return this.pressed >= 2;
  }

  /** Aborted at the first press, for work that can stop itself (a validator's process group, a Pulumi operation) rather than only be left behind. */
  get signal(): AbortSignal {
    return this.first.signal;
  }

  /** Aborted at the second press, for the work started after the first (a drill's cleanup). */
  get abandonSignal(): AbortSignal {
    return this.second.signal;
  }

  /** Why the run was interrupted (the first press's error), once it was. */
  get reason(): InterruptedError | undefined {
    return this.why;
  }

  /** Counts a press and returns which one it was (1, 2, 3, …). A signal's name, or the error an interruption of the run's own making fails the run with. */
  trigger(cause: string | InterruptedError = "SIGINT"): number {
    this.pressed += 1;
    if (this.pressed === 1) {
      this.why = typeof cause === "string" ? new InterruptedError(cause) : cause;
      this.rejectWith?.(this.why);
      this.first.abort();
      return this.pressed;
    }
    if (this.pressed === 2) {
      this.second.abort();
    }
    return this.pressed;
  }

  /** `work`, unless the interruption comes first. The work itself keeps running; callers wait for it before cleaning up. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.promise]);
  }

  /**
   * Waits for `work` to settle, but after the second press for at most `graceMs` more:
   * `settled`, or `abandoned` when the run stopped waiting and `work` may still be running.
   */
  async settle(work: Promise<unknown>, graceMs: number): Promise<"settled" | "abandoned"> {
    let timer: NodeJS.Timeout | undefined;
    let onAbandon: (() => void) | undefined;
    const abandoned = new Promise<"abandoned">((resolve) => {
      onAbandon = () => {
        timer = setTimeout(() => resolve("abandoned"), graceMs);
      };
      if (this.second.signal.aborted) onAbandon();
      else this.second.signal.addEventListener("abort", onAbandon, { once: true });
    });
    try {
      return await Promise.race([work.then(() => "settled" as const, () => "settled" as const), abandoned]);
    } finally {
      clearTimeout(timer);
      if (onAbandon !== undefined) this.second.signal.removeEventListener("abort", onAbandon);
    }
  }
}

/** Installs a handler for an interrupt; returns the function that uninstalls it. The handler may return which press it counted (a run's own interruption can have been the first). */
export type InterruptInstaller = (handler: (signal?: string) => number | void) => () => void;

/**
 * The process's SIGINT (and SIGTERM, which CI runners send on cancel). The third press
 * restores Node's default and re-raises, for an operator who really wants out, after the
 * handler has had its say (what is left behind and the command that continues it).
 */
export const processInterrupts: InterruptInstaller = (handler) => {
  let count = 0;
  const listener = (signal: NodeJS.Signals) => {
    count += 1;
    const press = handler(signal);
    if (count >= 3 || (press ?? 0) >= 3) {
      uninstall();
      process.kill(process.pid, signal);
    }
  };
  const uninstall = () => {
    process.removeListener("SIGINT", listener);
    process.removeListener("SIGTERM", listener);
  };
  process.on("SIGINT", listener);
  process.on("SIGTERM", listener);
  return uninstall;
};

/** How often an interruption of the run's own making looks at its condition: a deadline counted in minutes needs no finer grain, and a clock that jumped (a machine that slept) is noticed within a second. */
export const SELF_INTERRUPT_POLL_MS = 1_000;

/**
 * An interruption the run makes itself (drill --deadline), installed like the process's
 * Ctrl-C: `due()` is asked every `pollMs`, and the handler called once, the first time it
 * says yes. The timer never keeps the process alive.
 */
export function interruptWhen(due: () => boolean, pollMs = SELF_INTERRUPT_POLL_MS): InterruptInstaller {
  return (handler) => {
    const timer = setInterval(() => {
      if (!due()) return;
      clearInterval(timer);
      handler();
    }, pollMs);
    timer.unref();
    return () => clearInterval(timer);
  };
}
