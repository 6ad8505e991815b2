import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { OperationError } from "../errors";
import { callAws, isAwsError } from "./errors";

/**
 * The Lambda edge: every Lambda API call goes through here, with its failure turned into
 * one sentence by aws/errors.ts. What the callers decide with the answers lives with them.
 */

/** One synchronous invocation, as far as the caller needs it. */
export interface Invocation {
  statusCode: number | undefined;
  /** `Unhandled` (the function threw or timed out) or `Handled`; undefined when it returned normally. */
  functionError: string | undefined;
  /** The response payload as text (the function's JSON result, or its error object). */
  payload: string;
}

export interface InvokeOptions {
  /** Stops waiting for the function (a timeout or Ctrl-C); the SDK rejects with an AbortError. */
  abortSignal?: AbortSignal;
}

/** Invokes `functionName` (name, partial or full ARN) with `event` as JSON and waits for its result. */
export async function invokeFunction(lambda: LambdaClient, functionName: string, event: unknown, options: InvokeOptions = {}): Promise<Invocation> {
  const action = `invoke Lambda function ${functionName}`;
  const response = await callAws(action, async () => {
    try {
      return await lambda.send(
        new InvokeCommand({ FunctionName: functionName, InvocationType: "RequestResponse", Payload: new TextEncoder().encode(JSON.stringify(event)) }),
        options.abortSignal ? { abortSignal: options.abortSignal } : {},
      );
    } catch (error) {
      if (isAwsError(error, "ResourceNotFoundException")) {
        throw new OperationError(`Could not ${action}: it does not exist in this account and region; check the name and --region.`, { cause: error });
      }
      throw error;
    }
  });
  return {
    statusCode: response.StatusCode,
    functionError: response.FunctionError,
    payload: response.Payload === undefined ? "" : new TextDecoder().decode(response.Payload),
  };
}
