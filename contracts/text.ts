/**
 * How every side (the program, the driver, the bundled validator) puts a name or a thrown
 * value into a sentence or a key. Pure.
 */

/** `text` with its first letter in upper case: a sentence that begins with a name, or a camelCase key built from one. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The message of any thrown value, for a sentence that quotes it. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
