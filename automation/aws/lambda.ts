import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { OperationError } from "../errors";
import { isAwsError, rethrowAws } from "./errors";

/**
 * The one edge to Lambda. The driver never changes a function (cut-over is declarative,
 * through the environment stack); it only reads what a function is configured with.
 */

/** The function's environment variables as AWS has them; OperationError naming the function when it does not exist. */
export async function readFunctionVariables(lambda: LambdaClient, functionName: string): Promise<Record<string, string>> {
  try {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    return config.Environment?.Variables ?? {};
  } catch (error) {
    if (isAwsError(error, "ResourceNotFoundException")) {
      throw new OperationError(`Lambda ${functionName} (the environment's apiFunctionName output) does not exist in this account and region; check --region and that the environment stack is deployed.`, {
        cause: error,
      });
    }
    return rethrowAws(`read the configuration of Lambda ${functionName}`, error);
  }
}
