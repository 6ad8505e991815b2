/**
 * Secrets must never reach logs, reports or stdout. Everything the tool prints passes
 * through `redact`, which masks values under secret-looking keys and inline
 * `password=` fragments (JDBC URLs, connection strings). ARNs of secrets are kept: they
 * name where a secret lives, they are not the secret.
 */
const SECRET_KEY = /(password|passwd|secret(?!_?arn)|token|credential|private_?key|access_?key)/i;
// The optional quotes cover JSON and quoted assignments ("password": "x", password='x').
const INLINE_SECRET = /(?<![:\w-])((?:password|pwd|secret|token)["']?\s*[=:]\s*["']?)([^;&\s"']+)/gi;
export const MASK = "[redacted]";

export function redactText(text: string): string {
  return text.replace(INLINE_SECRET, (_m, prefix: string) => `${prefix}${MASK}`);
}

export function redact<T>(value: T): T {
  return redactValue(value, undefined) as T;
}

function redactValue(value: unknown, key: string | undefined): unknown {
  if (key !== undefined && SECRET_KEY.test(key) && !/arn$/i.test(key) && value !== null && typeof value !== "object") {
    return MASK;
  }
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, undefined));
  if (value instanceof Date) return value;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k)]));
  }
  return value;
}
