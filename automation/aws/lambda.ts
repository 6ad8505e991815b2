import { GetFunctionConfigurationCommand, GetFunctionConfigurationCommandOutput, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { OperationError } from "../errors";
import { callAws, isAwsError, rethrowAws } from "./errors";

/**
 * The one edge to Lambda: every Lambda API call goes through here, with its failure
 * turned into one sentence by aws/errors.ts. The driver never changes a function
 * (cut-over is declarative, through the environment stack); it reads a function's
 * configuration and invokes validators. What callers decide with the answers lives with them.
 */

/** The function's configuration; undefined when it does not exist. */
async function functionConfiguration(lambda: LambdaClient, functionName: string): Promise<GetFunctionConfigurationCommandOutput | undefined> {
  try {
    return await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  } catch (error) {
    if (isAwsError(error, "ResourceNotFoundException")) return undefined;
    return rethrowAws(`read the configuration of Lambda ${functionName}`, error);
  }
}

/** The function's environment variables as AWS has them; OperationError naming the function when it does not exist. */
export async function readFunctionVariables(lambda: LambdaClient, functionName: string): Promise<Record<string, string>> {
  const config = await functionConfiguration(lambda, functionName);
  if (config === undefined) {
    throw new OperationError(`Lambda ${functionName} (the environment's apiFunctionName output) does not exist in this account and region; check --region and that the environment stack is deployed.`);
  }
  return config.Environment?.Variables ?? {};
}

/** Whether a function (name, `name:alias`, partial or full ARN) exists, for a pre-flight check before it is needed. */
export async function functionExists(lambda: LambdaClient, functionName: string): Promise<boolean> {
  return (await functionConfiguration(lambda, functionName)) !== undefined;
}

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
