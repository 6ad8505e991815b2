import type * as pulumi from "@pulumi/pulumi";
import { MAX_LAMBDA_TIMEOUT_SECONDS, validatorFunctionName, ValidatorArgs } from "../../components/validator";
import type { ValidationPlan } from "./plan";

/**
 * The bundled validator's arguments in a restore stack, from the run's validation plan:
 * the environment's private subnets and the API's security group, permission on the
 * restored instance's secret only, and a Lambda timeout no longer than the drill waits
 * (so a slow CHECKDB ends in the function's own answer rather than in a drill that has
 * stopped listening). Pure; the restore program registers the component.
 */
export function bundledValidatorArgs(stack: string, plan: ValidationPlan, secretArn: pulumi.Input<string>, tags: Record<string, string>): ValidatorArgs | undefined {
  if (plan.bundled === undefined) return undefined;
  return {
    functionName: validatorFunctionName(stack),
    subnetIds: plan.bundled.subnetIds,
    securityGroupId: plan.bundled.securityGroupId,
    secretArn,
    checks: plan.bundled.checks,
    timeoutSeconds: Math.min(MAX_LAMBDA_TIMEOUT_SECONDS, Math.ceil(plan.timeoutMs / 1000)),
    tags,
  };
}
