/**
 * What a failed Pulumi CLI run said: the engine's own diagnostic line ("DB instance already
 * exists", "the stack is currently locked …", "update canceled"), the resource it concerns,
 * and the pending operations an interrupted run left. The Automation API hands a failure
 * over as a CommandError whose message is the whole display, 7 to 50 lines, twice; the
 * adapter (pulumi-stacks.ts) turns it into one sentence with this and keeps the full text
 * in a log file.
 *
 * The engine's diagnostic events (the event log: severity, message and the resource's URN)
 * come first; the text is read where there are none (the CLI refused before the engine
 * started: a lock, a stack name, a kill) and in the display's two layouts (`--diff` puts
 * the errors first, the default one in a Diagnostics section).
 *
 * Pure: output and events in, facts out. The unit tests run it on output captured from the
 * real CLI (test/unit/stacks/fixtures/pulumi-failures).
 */

export type PulumiFailureKind =
  /** Another update holds the stack's lock. */
  | "locked"
  /** `up --plan` met a step its plan does not hold. */
  | "plan-violation"
  /** A resource's provider operation failed. */
  | "resource"
  /** The program itself threw. */
  | "program"
  /** The operation was cancelled (SIGINT/SIGTERM) and stopped after the steps in flight. */
  | "canceled"
  /** The CLI was killed before it could say anything. */
  | "killed"
  /** A protected resource stopped a destroy. */
  | "protected"
  /** `stack rm` of a stack that still has resources. */
  | "has-resources"
  /** The CLI refused the stack's name. */
  | "stack-name"
  | "other";

export interface PulumiFailure {
  kind: PulumiFailureKind;
  /** The engine's own sentence, without `error: ` and the trailing period. */
  diagnostic: string;
  /** The resource the diagnostic is about, as the display names it (`aws:rds:Instance db`); undefined for the stack as a whole. */
  resource: string | undefined;
  /** Operations an interrupted run left pending (`aws:rds/instance:Instance db, interrupted while creating`). */
  pending: string[];
  /** The command the engine itself suggests, when it names one (`pulumi state unprotect '<urn>'`). */
  hint?: string;
}

/** One of the engine's diagnostic events (the Automation API's `diagnosticEvent`). */
export interface EngineDiagnostic {
  urn?: string | undefined;
  /** `error`, `warning`, `info`, `debug`, … */
  severity: string;
  message: string;
}

const GENERIC = /^(update|preview|destroy|refresh|import) failed$/;
const STACK_TYPE = "pulumi:pulumi:Stack";

/** Reads a failed run's output and the diagnostics its engine reported. Pure. */
export function parsePulumiFailure(output: string, diagnostics: readonly EngineDiagnostic[] = []): PulumiFailure {
  const text = stripAnsi(output);
  const lines = [...text.split("\n"), ...diagnostics.flatMap((d) => d.message.split("\n"))];
  const pending = pendingOperations(lines);
  const reported = fromEvents(diagnostics, pending);
  if (reported !== undefined) return reported;

  const killed = /Command was killed with (SIG[A-Z]+)/.exec(text);
  const displayed = diagnosticErrors(lines);
  const resourceError = displayed.find((d) => d.type !== STACK_TYPE && !GENERIC.test(d.message));
  const stackErrors = displayed.filter((d) => d.type === STACK_TYPE && !GENERIC.test(d.message));
  const topLevel = lines.map((l) => /^error: (.+)$/.exec(l)?.[1]).filter((m): m is string => m !== undefined && !GENERIC.test(m));

  const violation = lines.map((l) => l.replace(/^.*?error: /, "")).find((l) => /violates plan|is not allowed by the plan|no plan for resource/.test(l));
  if (violation !== undefined) return failure("plan-violation", violation, undefined, pending);
  const locked = topLevel.find((m) => /currently locked/.test(m));
  if (locked !== undefined) return failure("locked", lockSentence(locked, lines), undefined, pending);
  if (resourceError !== undefined) {
    const unprotect = /`(pulumi state unprotect [^`]+)`/.exec(resourceError.message)?.[1];
    if (unprotect !== undefined) return { ...failure("protected", resourceError.message, `${resourceError.type} ${resourceError.name}`, pending), hint: unprotect };
    return failure("resource", resourceError.message, `${resourceError.type} ${resourceError.name}`, pending);
  }
  const canceled = stackErrors.find((d) => /^(update|preview|destroy|refresh) canceled$/.test(d.message));
  if (canceled !== undefined) return failure("canceled", canceled.message, undefined, pending);
  const programError = stackErrors.find((d) => !/^Unhandled exception:/.test(d.message)) ?? stackErrors[0];
  if (programError !== undefined) return failure("program", programError.message.replace(/^Unhandled exception: (Error: )?/, ""), undefined, pending);
  const first = topLevel[0];
  if (first !== undefined) {
    if (/still has resources; removal rejected/.test(first)) return failure("has-resources", first, undefined, pending);
    if (/stack name|organization name/.test(first)) return failure("stack-name", first, undefined, pending);
    return failure("other", first, undefined, pending);
  }
  if (killed !== null) return failure("killed", `the Pulumi CLI was killed (${killed[1]}) before it finished`, undefined, pending);
  const anyError = lines.map((l) => /error: (.+)$/.exec(l)?.[1]).find((m) => m !== undefined && !GENERIC.test(m));
  return failure("other", anyError ?? lastLine(lines), undefined, pending);
}

/** The failure the engine reported as an event: the first error that is more than "update failed", with its resource. */
function fromEvents(diagnostics: readonly EngineDiagnostic[], pending: string[]): PulumiFailure | undefined {
  const error = diagnostics.find((d) => d.severity === "error" && !GENERIC.test(d.message.trim()));
  if (error === undefined) return undefined;
  const urn = error.urn !== undefined ? parseUrn(error.urn) : undefined;
  const message = error.message.trim();
  const resource = urn !== undefined && urn.type !== STACK_TYPE ? `${urn.type} ${urn.name}` : undefined;
  if (/violates plan|is not allowed by the plan|no plan for resource/.test(message)) return failure("plan-violation", message, undefined, pending);
  if (/^(update|preview|destroy|refresh) canceled$/.test(message)) return failure("canceled", message, undefined, pending);
  const unprotect = /`(pulumi state unprotect [^`]+)`/.exec(message)?.[1];
  if (unprotect !== undefined) return { ...failure("protected", message, resource, pending), hint: unprotect };
  if (resource !== undefined) return failure("resource", message, resource, pending);
  // The program itself: its error's first line, without the wrapper and the stack trace.
  return failure("program", message.split("\n")[0]!.replace(/^Unhandled exception: (Error: )?/, ""), undefined, pending);
}

/** The type and name of a URN (`urn:pulumi:<stack>::<project>::<parent types$>type::name`). */
function parseUrn(urn: string): { type: string; name: string } | undefined {
  const parts = urn.split("::");
  if (parts.length < 4) return undefined;
  const types = parts[2]!.split("$");
  return { type: types[types.length - 1]!, name: parts.slice(3).join("::") };
}

function failure(kind: PulumiFailureKind, diagnostic: string, resource: string | undefined, pending: string[]): PulumiFailure {
  return { kind, diagnostic: tidy(diagnostic), resource, pending };
}

interface DiagnosticError {
  type: string;
  name: string;
  message: string;
}

/**
 * The `error:` entries of the display's Diagnostics section, by resource:
 *
 *   Diagnostics:
 *     aws:rds:Instance (db):
 *       error: DB instance already exists
 *
 * An entry's continuation lines (more indented, no `error:`/`warning:`) belong to it.
 */
function diagnosticErrors(lines: string[]): DiagnosticError[] {
  const start = lines.indexOf("Diagnostics:");
  if (start < 0) return [];
  const found: DiagnosticError[] = [];
  let resource: { type: string; name: string } | undefined;
  let current: DiagnosticError | undefined;
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break; // the next section (Resources:, Outputs:, …)
    const header = /^ {2}(\S+) \((.+)\):$/.exec(line);
    if (header !== null) {
      resource = { type: header[1]!, name: header[2]! };
      current = undefined;
      continue;
    }
    const entry = /^ {4}(error|warning): (.*)$/.exec(line);
    if (entry !== null) {
      current = entry[1] === "error" && resource !== undefined ? { ...resource, message: entry[2]! } : undefined;
      if (current !== undefined) found.push(current);
      continue;
    }
    // A stack trace under "Unhandled exception" is not part of the sentence.
    if (current !== undefined && /^ {4}\S/.test(line) && !/^\s+at /.test(line)) current.message += ` ${line.trim()}`;
  }
  return found;
}

/** `* urn:pulumi:dev::proj::aws:rds/instance:Instance::db, interrupted while creating` → `aws:rds/instance:Instance db, interrupted while creating`; one per pending operation, once. */
function pendingOperations(lines: string[]): string[] {
  const found = new Set<string>();
  for (const line of lines) {
    const m = /^\s*\* (urn:pulumi:\S+), (interrupted while [a-z]+)/.exec(line);
    const urn = m === null ? undefined : parseUrn(m[1]!);
    if (urn !== undefined) found.add(`${urn.type} ${urn.name}, ${m![2]}`);
  }
  return [...found];
}

/** The lock sentence and who holds it (`created by root@vm (pid 2627) at 2026-12-07T19:15:09Z`). */
function lockSentence(message: string, lines: string[]): string {
  const holder = lines.map((l) => /: (created by .+)$/.exec(l)?.[1]).find((h) => h !== undefined);
  const sentence = message.replace(/\. Either wait.*$/, "");
  return holder !== undefined ? `${sentence} (${holder})` : sentence;
}

function lastLine(lines: string[]): string {
  return [...lines].reverse().find((l) => l.trim() !== "")?.trim() ?? "the Pulumi CLI failed without a message";
}

/** One line, its first sentence only (the engine's own advice follows in later ones), without the closing stop. */
function tidy(text: string): string {
  return text.replace(/\s+/g, " ").trim().split(/\. (?=[A-Z])/)[0]!.replace(/[.:;]+$/, "");
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "").replace(/<\{%[^%]*%\}>/g, "").replace(/\r/g, "");
}

/** How many, in words: `1 pending operation`, `2 pending operations`. */
function pendingClause(pending: string[]): string {
  return `${pending.length} pending operation${pending.length === 1 ? "" : "s"} left by an interrupted run (${pending.join("; ")})`;
}

/**
 * The one sentence for a failed operation, without its closing stop (callers add the
 * gametracker-dr command that comes next): what failed, where, the engine's own words, and
 * where the full output is. Pure.
 */
export function describePulumiFailure(operation: string, stack: string, failure: PulumiFailure, logFile: string | undefined): string {
  const at = failure.resource !== undefined ? ` at ${failure.resource}` : "";
  let sentence: string;
  switch (failure.kind) {
    case "canceled":
      sentence = `pulumi ${operation} of ${stack} was cancelled and stopped after the steps in flight (${failure.diagnostic})`;
      break;
    case "killed":
      sentence = `pulumi ${operation} of ${stack} did not finish: ${failure.diagnostic}`;
      break;
    default:
      sentence = `pulumi ${operation} of ${stack} failed${at}: ${failure.diagnostic}`;
  }
  if (failure.pending.length > 0) sentence += `, with ${pendingClause(failure.pending)}`;
  if (failure.kind === "protected" && failure.hint !== undefined) sentence += `; if it must really go, ${failure.hint} first`;
  if (failure.kind === "stack-name") sentence += "; a stack name takes letters, digits, hyphens, underscores and periods only";
  return logFile !== undefined ? `${sentence} (full output: ${logFile})` : sentence;
}

/**
 * A failed Pulumi operation, as one sentence (`message`), with what was read from the
 * engine's output (`failure`) and the whole of it (`detail`, redacted, also in `logFile`),
 * which `--verbose` prints.
 */
export class PulumiOperationError extends Error {
  override readonly name = "PulumiOperationError";
  constructor(
    readonly operation: string,
    readonly stackName: string,
    readonly failure: PulumiFailure,
    readonly detail: string,
    readonly logFile: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${describePulumiFailure(operation, stackName, failure, logFile)}.`, options);
  }
}
