import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { Clock } from "../clock";
import { runCommandHook } from "./command-hook";
import type { ValidationRequest } from "./contract";
import { describeHook, ValidationHook } from "./hook";
import { runLambdaHook } from "./lambda-hook";
import type { HookOutcome } from "./outcome";

/**
 * The one call a drill makes to validate the data: whichever hook it was given, timed
 * with the drill's clock. The bundled validator is a Lambda function once the restore
 * stack has deployed it, so it runs as one, under the name the stack reports.
 */

export interface ValidationDeps {
  lambda: LambdaClient;
  clock: Clock;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The deployed bundled validator's function name (the restore stack's output); needed for `bundled`. */
  bundledFunctionName?: string;
}

export interface ValidationRun {
  outcome: HookOutcome;
  durationMs: number;
  /** How the hook is named in the report. */
  hook: string;
}

export async function runValidation(hook: ValidationHook, request: ValidationRequest, deps: ValidationDeps): Promise<ValidationRun> {
  const started = deps.clock.now().getTime();
  const common = { timeoutMs: deps.timeoutMs, ...(deps.signal ? { signal: deps.signal } : {}) };
  let outcome: HookOutcome;
  if (hook.kind === "command") {
    outcome = await runCommandHook(hook.path, request, common);
  } else {
    const functionName = hook.kind === "lambda" ? hook.functionName : deps.bundledFunctionName;
    if (functionName === undefined) throw new Error("runValidation: the bundled validator was asked for, but no deployed function name was given (the restore stack's validator output).");
    outcome = await runLambdaHook(deps.lambda, functionName, request, common);
  }
  return { outcome, durationMs: deps.clock.now().getTime() - started, hook: hook.kind === "bundled" ? `${describeHook(hook)} (Lambda function ${deps.bundledFunctionName})` : describeHook(hook) };
}
