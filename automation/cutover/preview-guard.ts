/**
 * The cut-over's safety decision, pure: a cut-over only changes which database the API
 * Lambda is pointed at, so its preview may only update the Lambda's `environment`.
 * Anything else — a replacement, a deletion, a change to the database or the network, a
 * Lambda change outside its environment — means the environment stack has drifted from
 * its program or the config holds more than the switch, and applying it in an incident
 * would change things nobody reviewed. Reads of stack references (the restore stack's
 * outputs) change no infrastructure and are allowed.
 *
 * Two engine resources are not infrastructure either, and the engine's own previews show
 * them (test/engine pins these steps): the builtin `pulumi` provider, which the engine
 * creates with the stack's first StackReference and deletes with the last (cut-over and
 * rollback), and the root `pulumi:pulumi:Stack`, whose only properties are the stack's
 * outputs. Every other provider is refused when it changes at all: a changed AWS provider
 * (region, credentials, version) re-targets every resource it manages.
 */
import type { PreviewResult, PreviewStep, StepOp } from "../stacks/port";

export const LAMBDA_FUNCTION_TYPE = "aws:lambda/function:Function";
/** The engine's builtin provider: it only reads stack references. */
export const BUILTIN_PROVIDER_TYPE = "pulumi:providers:pulumi";
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const PROVIDER_TYPE_PREFIX = "pulumi:providers:";

/** Steps that change nothing in the cloud: unchanged resources, and reading or forgetting a stack reference's outputs. */
export const HARMLESS_OPS: ReadonlySet<StepOp> = new Set<StepOp>(["same", "read", "discard", "refresh"]);
/** Steps that delete or recreate something. */
const DESTRUCTIVE: ReadonlySet<StepOp> = new Set<StepOp>([
  "delete",
  "replace",
  "create-replacement",
  "delete-replaced",
  "read-replacement",
  "import-replacement",
  "discard-replaced",
  "remove-pending-replace",
]);

export interface GuardFinding {
  urn: string;
  type: string;
  op: StepOp;
  paths: string[];
  /** One sentence: what the step would do and why the guard objects. */
  reason: string;
}

export interface GuardVerdict {
  /** True when every change is an update of the Lambda's environment and there is at least one. */
  allowed: boolean;
  /** The Lambda environment paths that change (`environment.variables.SPRING_DATASOURCE_URL`, …). */
  lambdaEnvironmentChanges: string[];
  /** Every step the guard objects to; also, when nothing moves the Lambda, a finding saying so. */
  findings: GuardFinding[];
  /** A one-line summary for the operator. */
  summary: string;
}

/** Whether a property path is inside the Lambda's `environment` block. */
export function isEnvironmentPath(path: string): boolean {
  return path === "environment" || path.startsWith("environment.") || path.startsWith("environment[");
}

/** The changed paths of a step: the detailed diff when the provider gave one, else the top-level properties. */
function changedPaths(step: PreviewStep): string[] {
  return step.detailedPaths.length > 0 ? step.detailedPaths : step.diffs;
}


/** A URN's last part: the resource's logical name. */
export function resourceName(urn: string): string {
  const name = urn.split("::").pop();
  return name === undefined || name === "" ? urn : name;
}

/** Judges a cut-over (or rollback) preview. */
export function judgeCutoverPreview(preview: PreviewResult): GuardVerdict {
  const findings: GuardFinding[] = [];
  const lambdaEnvironmentChanges: string[] = [];
  for (const step of preview.steps) {
    if (HARMLESS_OPS.has(step.op)) continue;
    if (step.type === BUILTIN_PROVIDER_TYPE && (step.op === "create" || step.op === "delete")) continue;
    if (step.type === ROOT_STACK_TYPE && step.op === "update") continue;
    const paths = changedPaths(step);
    const name = `${step.type} ${resourceName(step.urn)}`;
    if (step.type.startsWith(PROVIDER_TYPE_PREFIX)) {
      const pkg = step.type.slice(PROVIDER_TYPE_PREFIX.length);
      findings.push({
        urn: step.urn,
        type: step.type,
        op: step.op,
        paths,
        reason: `${step.op}s the ${pkg} provider ${resourceName(step.urn)}${paths.length > 0 ? ` (${paths.join(", ")})` : ""}, which would re-plan every resource it manages`,
      });
      continue;
    }
    if (step.op === "update" && step.type === LAMBDA_FUNCTION_TYPE && paths.length > 0 && paths.every(isEnvironmentPath)) {
      lambdaEnvironmentChanges.push(...paths);
      continue;
    }
    let reason: string;
    if (DESTRUCTIVE.has(step.op)) reason = `${step.op === "delete" ? "deletes" : "replaces"} ${name}${paths.length > 0 ? ` (because of ${paths.join(", ")})` : ""}`;
    else if (step.op === "create") reason = `creates ${name}`;
    else if (step.op === "update" && step.type === LAMBDA_FUNCTION_TYPE) {
      const outside = paths.filter((p) => !isEnvironmentPath(p));
      reason = `changes ${name} outside its environment (${outside.join(", ") || "unspecified properties"})`;
    } else if (step.op === "update") reason = `updates ${name} (${paths.join(", ") || "unspecified properties"})`;
    else reason = `${step.op}s ${name}`;
    findings.push({ urn: step.urn, type: step.type, op: step.op, paths, reason });
  }
  if (lambdaEnvironmentChanges.length === 0) {
    findings.push({ urn: "", type: LAMBDA_FUNCTION_TYPE, op: "same", paths: [], reason: "does not change the API Lambda's environment, so the API would keep its current database" });
  }
  const allowed = findings.length === 0;
  const summary = allowed
    ? `only the API Lambda's environment changes (${lambdaEnvironmentChanges.join(", ")})`
    : `the preview ${findings.map((f) => f.reason).join("; ")}`;
  return { allowed, lambdaEnvironmentChanges, findings, summary };
}
