/**
 * A configuration value or component argument that breaks a rule. It is a Pulumi `RunError`
 * so that `pulumi up` prints the one sentence and exits, instead of a stack trace that
 * buries the sentence, and it is thrown before any resource is registered.
 *
 * It is one by the SDK's own test, `RunError.isInstance`, which reads the marker below so
 * that it holds across copies of the SDK, rather than by `extends pulumi.RunError`: the CLI
 * validates config too, and importing `@pulumi/pulumi` for one class cost every command
 * about 0.7 s and 60 MB at start (the engine tier checks that the sentence still arrives alone).
 */
export class InvalidConfigError extends Error {
  override readonly name = "InvalidConfigError";
  /** `pulumi.RunError.isInstance` looks for this marker (@pulumi/pulumi errors.js). */
  // eslint-disable-next-line @typescript-eslint/naming-convention
  readonly __pulumiRunError = true;
  /** The config key or argument that is wrong, e.g. `gametracker:databaseBackupRetentionDays`. */
  readonly key: string;
  constructor(key: string, message: string) {
    super(message);
    this.key = key;
  }
}

/** Quotes a value the way it was given, so "0", 0 and "" are told apart in the sentence. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "unset";
  return JSON.stringify(value) ?? String(value);
}

/** A whole number in [min, max]; `what` completes "must be a whole number of …". */
export function validateWholeNumber(value: unknown, key: string, min: number, max: number, what: string): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
  throw new InvalidConfigError(key, `${key} is ${show(value)}, but it must be a whole number of ${what} from ${min} to ${max}.`);
}
