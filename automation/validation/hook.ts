import * as path from "node:path";
import { formatDurationSpec } from "../duration";
import { UsageError } from "../errors";

/**
 * Which validator a drill runs, from `--validate-with` or the `validationWith` config
 * key: `command:<path>` (a local executable), `lambda:<name or ARN>` (a deployed
 * function) or `bundled` (the SQL validator the drill deploys into its restore stack).
 * Pure: a bad value is refused with one sentence before the drill creates anything.
 */
/** How long a drill waits for its validator unless told otherwise (`--validate-timeout`, `validationTimeout`). */
export const DEFAULT_VALIDATION_TIMEOUT_MS = 15 * 60 * 1000;

export type ValidationHook = { kind: "command"; path: string } | { kind: "lambda"; functionName: string } | { kind: "bundled" };

/** Turns a message into the error to throw; `key` is the flag or config key at fault. */
export type Refuse = (key: string, message: string) => Error;
export const usageRefusal: Refuse = (_key, message) => new UsageError(message);

const FORMS = "command:<path to an executable>, lambda:<function name or ARN> or bundled";
/** Invoke's FunctionName: a name with an optional version or alias, a partial ARN, or a full ARN. */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;
const PARTIAL_ARN = /^\d{12}:function:[A-Za-z0-9_-]{1,64}(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;
const FUNCTION_ARN = /^arn:aws(?:-[a-z]+)*:lambda:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/**
 * Parses a hook value. `source` is how the operator gave it (`--validate-with`,
 * `gametracker:validationWith`); a relative command path is resolved against `cwd`, so
 * the report names the exact file that ran.
 */
export function parseValidateWith(value: string, source = "--validate-with", refuse: Refuse = usageRefusal, cwd = process.cwd()): ValidationHook {
  const text = value.trim();
  if (text === "bundled") return { kind: "bundled" };
  const colon = text.indexOf(":");
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? "" : text.slice(colon + 1);
  if (kind === "command") {
    if (rest.trim() === "") throw refuse(source, `${source} ${show(value)} names no executable; give its path, e.g. command:./scripts/validate-drill.`);
    if (rest.includes("\0")) throw refuse(source, `${source} ${show(value)} contains a NUL character, which no file path can hold; give the executable's path.`);
    return { kind: "command", path: path.resolve(cwd, rest) };
  }
  if (kind === "lambda") {
    if (rest === "") throw refuse(source, `${source} ${show(value)} names no function; give its name or ARN, e.g. lambda:gametracker-dev-validator.`);
    if (!FUNCTION_NAME.test(rest) && !PARTIAL_ARN.test(rest) && !FUNCTION_ARN.test(rest)) {
      throw refuse(
        source,
        `${source} ${show(value)} is not a Lambda function name (up to 64 letters, digits, - or _, optionally :version or :alias) or function ARN (arn:aws:lambda:<region>:<account>:function:<name>).`,
      );
    }
    return { kind: "lambda", functionName: rest };
  }
  throw refuse(source, `${source} is ${show(value)}, but it must be ${FORMS}.`);
}

/** The hook as `--validate-with` spells it; parseValidateWith reads it back (the restore spec records it so). */
export function formatValidateWith(hook: ValidationHook): string {
  switch (hook.kind) {
    case "command":
      return `command:${hook.path}`;
    case "lambda":
      return `lambda:${hook.functionName}`;
    case "bundled":
      return "bundled";
  }
}

/** How a hook is named in reports and messages. */
export function describeHook(hook: ValidationHook): string {
  return hook.kind === "bundled" ? "the bundled SQL validator" : formatValidateWith(hook);
}

/** A timeout as messages say it (`15m`; below a second, in milliseconds). */
export function describeTimeout(ms: number): string {
  return ms < 1000 ? `${ms}ms` : formatDurationSpec(ms);
}

function show(value: string): string {
  return JSON.stringify(value);
}
