import type { LambdaClient } from "@aws-sdk/client-lambda";
import { invokeFunction, Invocation } from "../aws/lambda";
import { describeTimeout } from "../../contracts/duration";
import { redactText } from "../../contracts/redact";
import { DEFAULT_VALIDATION_TIMEOUT_MS } from "../../contracts/validation-config";
import { parseAnswer, ValidationRequest } from "../../contracts/validation-exchange";
import { answered, failed, HookOutcome } from "./verdict";
import { errorMessage } from "../../contracts/text";

/**
 * Runs a validator deployed as a Lambda function (the operator's, or the bundled one the
 * drill deploys): the request is the event, the function's result is the answer. The
 * function's own errors (it threw, or Lambda stopped it at its timeout) are crashes and
 * timeouts with Lambda's message; a result that is not an answer is malformed.
 */

export interface LambdaHookOptions {
  timeoutMs?: number;
  /** Aborting (Ctrl-C of the drill) stops waiting; the function itself runs to its own timeout. */
  signal?: AbortSignal;
}

export async function runLambdaHook(lambda: LambdaClient, functionName: string, request: ValidationRequest, options: LambdaHookOptions = {}): Promise<HookOutcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_VALIDATION_TIMEOUT_MS;
  // The timeout races the call instead of relying on the transport to honour the abort;
  // the abort then frees the connection.
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<"aborted">((resolve) => {
    onAbort = () => resolve("aborted");
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
  });
  const call = invokeFunction(lambda, functionName, request, { abortSignal: controller.signal });
  // After a timeout the aborted call still rejects; nobody awaits it then.
  call.catch(() => {});
  let invocation: Invocation;
  try {
    const first = await Promise.race([call, deadline, interrupted]);
    if (first === "timeout") return failed("timeout", `Lambda function ${functionName} gave no answer within ${describeTimeout(timeoutMs)}`);
    if (first === "aborted") return failed("aborted", `stopped waiting for Lambda function ${functionName}: the drill was interrupted`);
    invocation = first;
  } catch (error) {
    return failed("invoke", redactText(errorMessage(error)));
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener("abort", onAbort);
    controller.abort();
  }
  if (invocation.functionError !== undefined) return functionFailure(functionName, invocation);
  const parsed = parseAnswer(invocation.payload);
  if (!parsed.ok) return failed("malformed", redactText(`Lambda function ${functionName}: ${parsed.reason}`));
  return answered(parsed.answer);
}

/** Lambda reports a thrown error or its own timeout as `{errorType, errorMessage}` with FunctionError set. */
function functionFailure(functionName: string, invocation: Invocation): HookOutcome {
  let errorType: string | undefined;
  let errorMessage: string | undefined;
  try {
    const body = JSON.parse(invocation.payload) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof body.errorType === "string") errorType = body.errorType;
    if (typeof body.errorMessage === "string") errorMessage = body.errorMessage;
  } catch {
    // Not Lambda's error shape; the raw payload below says what there is.
  }
  const detail = errorMessage ?? (invocation.payload.slice(0, 600) || "no error message");
  const message = redactText(`Lambda function ${functionName} failed (${invocation.functionError}${errorType ? `, ${errorType}` : ""}): ${detail}`);
  return failed(/Task timed out/i.test(detail) || errorType === "Sandbox.Timedout" ? "timeout" : "crash", message);
}
