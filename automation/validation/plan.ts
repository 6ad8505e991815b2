import type { DeployedEnvironment } from "../deployed-environment";
import { parseDuration } from "../duration";
import { UsageError, usageRefusal } from "../errors";
import { EnvironmentOutputNames } from "../../contracts/stacks";
import {
  DEFAULT_VALIDATION_TIMEOUT_MS,
  formatValidateWith,
  parseSqlChecks,
  parseValidateWith,
  readValidationSettings,
  SqlChecks,
  sqlChecksConfig,
  ValidationHook,
  ValidationSettings,
} from "../../contracts/validation-config";

/**
 * What one drill or restore validates, decided before anything is created: the hook
 * (`--validate-with`, else the environment's `validationWith`), how long it may take,
 * and for the bundled validator what the restore program deploys (placement and checks).
 * The plan is recorded in the restore spec, so a resumed run validates as it began and
 * the restore program finds the validator's inputs where it finds everything else.
 * Pure; the pre-flight check that the hook can run is validate.ts's.
 */

export interface ValidationPlan {
  hook: ValidationHook;
  timeoutMs: number;
  /** Present exactly when the hook is `bundled`: what the restore stack deploys. */
  bundled?: BundledValidatorPlan;
}

export interface BundledValidatorPlan {
  /** The environment's private subnets (the API's). */
  subnetIds: string[];
  /** The API's security group, which the database's security group admits on 1433. */
  securityGroupId: string;
  checks: SqlChecks;
}

export interface ValidationFlags {
  validateWith?: string;
  validateTimeout?: string;
}

type ValidationEnvironment = Pick<DeployedEnvironment, "stack" | "validation" | "apiSubnetIds" | "apiSecurityGroupId">;

/**
 * The plan of a new run: the flags over the environment's exported settings; undefined
 * when neither names a hook. UsageError (exit 2) for anything that cannot run.
 */
export function planValidation(flags: ValidationFlags, environment: ValidationEnvironment, cwd = process.cwd()): ValidationPlan | undefined {
  const configured = environmentValidation(environment, cwd);
  const hook = flags.validateWith !== undefined ? parseValidateWith(flags.validateWith, "--validate-with", usageRefusal, cwd) : configured?.hook;
  if (hook === undefined) {
    if (flags.validateTimeout !== undefined) {
      throw new UsageError(
        `--validate-timeout ${flags.validateTimeout} times a data validation, but there is none: pass --validate-with, or set validationWith in the config of stack ${environment.stack ?? "(none)"} and deploy it.`,
      );
    }
    return undefined;
  }
  const timeoutMs = flags.validateTimeout !== undefined ? parseDuration(flags.validateTimeout, "--validate-timeout") : (configured?.timeoutMs ?? DEFAULT_VALIDATION_TIMEOUT_MS);
  if (hook.kind !== "bundled") return { hook, timeoutMs };
  const source = flags.validateWith !== undefined ? "--validate-with bundled" : `validationWith bundled (stack ${environment.stack})`;
  const subnetIds = environment.apiSubnetIds ?? [];
  const securityGroupId = environment.apiSecurityGroupId;
  if (configured === undefined || subnetIds.length === 0 || securityGroupId === undefined) {
    const missing = [
      ...(subnetIds.length === 0 ? [EnvironmentOutputNames.apiSubnetIds] : []),
      ...(securityGroupId === undefined ? [EnvironmentOutputNames.apiSecurityGroupId] : []),
      ...(configured === undefined ? [EnvironmentOutputNames.validation] : []),
    ];
    throw new UsageError(
      `${source} runs the SQL validator in the environment's private subnets with the checks of its config, but stack ${environment.stack ?? "(none)"} has no ${missing.join(", ")} output (deployed by an older version?); deploy it with pulumi up, or use a command: or lambda: hook.`,
    );
  }
  return { hook, timeoutMs, bundled: { subnetIds, securityGroupId, checks: configured.sql } };
}

/** The environment's exported settings, read by the same parsers that checked them; a command path resolved here, where the drill runs. */
function environmentValidation(environment: ValidationEnvironment, cwd: string): ValidationSettings | undefined {
  if (environment.validation === undefined) return undefined;
  return readValidationSettings(environment.validation, {
    defaultDatabase: "",
    cwd,
    refuse: (_key, message) =>
      new UsageError(`Stack ${environment.stack}'s ${EnvironmentOutputNames.validation} output is not one this version reads (${message.replace(/\.$/, "")}); deploy the stack again with pulumi up.`),
  });
}

/**
 * The bundled validator runs in the environment's private subnets, which exist only in
 * the environment's region; a restore elsewhere (another region's backups) cannot use it.
 * Checked when the recovery point's region is known, before anything is created.
 */
export function checkValidationRegion(plan: ValidationPlan | undefined, restoreRegion: string, environmentRegion: string | undefined): void {
  if (plan?.bundled === undefined || environmentRegion === undefined || environmentRegion === restoreRegion) return;
  throw new UsageError(
    `The bundled validator runs in the environment's private subnets in ${environmentRegion}, but this restore is in ${restoreRegion}; use a command: or lambda: hook that can reach ${restoreRegion}.`,
  );
}

/** The plan as the restore spec records it (JSON-ready); decodeValidationPlan reads it back. */
export function encodeValidationPlan(plan: ValidationPlan): Record<string, unknown> {
  return {
    hook: formatValidateWith(plan.hook),
    timeoutMs: plan.timeoutMs,
    ...(plan.bundled !== undefined ? { bundled: { subnetIds: plan.bundled.subnetIds, securityGroupId: plan.bundled.securityGroupId, checks: sqlChecksConfig(plan.bundled.checks) } } : {}),
  };
}

/** Reads a recorded plan; `refuse` says why it cannot be (the spec's decoder turns that into its own refusal). */
export function decodeValidationPlan(value: unknown, refuse: (why: string) => never): ValidationPlan {
  const bad = (why: string): never => refuse(`an unreadable validation in its restore spec (${why})`);
  if (value === null || typeof value !== "object" || Array.isArray(value)) return bad("not an object");
  const v = value as Record<string, unknown>;
  if (typeof v.hook !== "string") return bad("no hook");
  const hook = parseValidateWith(v.hook, "hook", (_key, message) => bad(message));
  const timeoutMs = v.timeoutMs;
  if (typeof timeoutMs !== "number" || !Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) return bad("no timeoutMs");
  if (hook.kind !== "bundled") return v.bundled === undefined ? { hook, timeoutMs } : bad("bundled placement for another hook");
  const b = (v.bundled ?? {}) as Record<string, unknown>;
  const subnetIds = b.subnetIds;
  if (!Array.isArray(subnetIds) || subnetIds.length === 0 || !subnetIds.every((s) => typeof s === "string" && s !== "")) return bad("no bundled.subnetIds");
  if (typeof b.securityGroupId !== "string" || b.securityGroupId === "") return bad("no bundled.securityGroupId");
  const checks = parseSqlChecks((b.checks ?? {}) as Record<string, unknown>, { defaultDatabase: "", refuse: (_key, message) => bad(message) });
  return { hook, timeoutMs, bundled: { subnetIds: subnetIds as string[], securityGroupId: b.securityGroupId, checks } };
}
