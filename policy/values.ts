/**
 * The plain-data view every rule decides on. The policy SDK hands rules a proxy that
 * throws the moment a value unknown during preview is touched (an endpoint, an id of a
 * resource not yet created), which would abandon the whole rule for that resource. We
 * copy the props into plain data instead, with each such value replaced by an
 * `Unknown` that remembers its path, so a rule still judges everything it can see and
 * says precisely what it could not.
 */

/** A value Pulumi can't know yet (preview of something not yet created); `path` is where it sits in the props. */
export class Unknown {
  constructor(readonly path: readonly string[]) {}

  toString(): string {
    return `.${this.path.join(".")}`;
  }
}

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

export type Props = Record<string, unknown>;

export interface Violation {
  message: string;
  /** The resource the violation belongs to (stack-level rules); resource rules leave it out. */
  urn?: string;
}

/** What a rule concluded: definite violations, and the unknown values that kept it from concluding more. */
export interface RuleResult {
  violations: Violation[];
  undecided: Unknown[];
}

/** Collects one rule's findings. */
export class Findings {
  private readonly violations: Violation[] = [];
  private readonly undecided: Unknown[] = [];

  fail(message: string, urn?: string): this {
    this.violations.push(urn === undefined ? { message } : { message, urn });
    return this;
  }

  undecide(value: Unknown): this {
    this.undecided.push(value);
    return this;
  }

  merge(result: RuleResult): this {
    this.violations.push(...result.violations);
    this.undecided.push(...result.undecided);
    return this;
  }

  result(): RuleResult {
    return { violations: [...this.violations], undecided: [...this.undecided] };
  }
}

export const pass = (): RuleResult => ({ violations: [], undecided: [] });

// The SDK exports UnknownValueError at runtime but strips it from its typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const UnknownValueError = (require("@pulumi/policy") as { UnknownValueError: new (...args: never[]) => Error }).UnknownValueError;

/**
 * Copies (possibly proxied) props into plain objects and arrays, replacing every value
 * the SDK reports as unknown with an `Unknown`. Class instances (assets, archives) are
 * kept as they are: no rule looks inside them.
 */
export function toPlain(value: unknown, path: readonly string[] = []): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (let i = 0; i < value.length; i++) items.push(read(value, String(i), path));
    return items;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Props = {};
  for (const key of Object.keys(value)) copy[key] = read(value as Props, key, path);
  return copy;
}

function read(container: object, key: string, path: readonly string[]): unknown {
  const at = [...path, key];
  try {
    return toPlain((container as Record<string, unknown>)[key], at);
  } catch (error) {
    if (error instanceof UnknownValueError) return new Unknown(at);
    throw error;
  }
}

/** The value at `path`, or undefined when a step is missing; an Unknown on the way is returned as is. */
export function at(props: unknown, ...path: string[]): unknown {
  let current = props;
  for (const key of path) {
    if (isUnknown(current)) return current;
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Props)[key];
  }
  return current;
}

/** Shows a setting in a message without ever echoing a long or sensitive value. */
export function describe(value: unknown): string {
  if (value === undefined) return "not set";
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}
