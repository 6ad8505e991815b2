/**
 * The bundled SQL validator: a small Node.js Lambda a drill deploys into its restore
 * stack to look inside the restored database. It runs in the environment's private
 * subnets with the API's security group, which the database's security group already
 * admits on 1433 and which has HTTPS out to Secrets Manager; its role may read exactly
 * one secret, the restored instance's, and nothing else beyond running in the VPC and
 * logging. Its code (validator-lambda/) is bundled when the program runs (validator-bundle.ts).
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { TagKeys } from "../contracts/tags";
import { encodeSqlChecks, SqlChecks } from "../contracts/validation-config";
import { LAMBDA_TRUST_POLICY } from "./api";
import { InvalidConfigError, show } from "./errors";
import { ValidatorEnvironment } from "./validator-lambda/environment";
import { buildValidatorBundle, VALIDATOR_FILE, VALIDATOR_HANDLER, VALIDATOR_RUNTIME } from "./validator-bundle";

/** Where Lambda's Node.js runtimes keep the CA bundle that includes the RDS certificate authorities. */
export const LAMBDA_CA_BUNDLE = "/var/runtime/ca-cert.pem";
/** Lambda's own ceiling, and the validator's default: a CHECKDB gets all the time there is. */
export const MAX_LAMBDA_TIMEOUT_SECONDS = 900;

/** A secret ARN with no wildcard: `*` or `?` in an IAM resource would grant more than the one secret. */
const SECRET_ARN = /^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The validator's only permission beyond the VPC-access managed policy: reading the value
 * of one secret. Not DescribeSecret, not a pattern: exactly the ARN it is given.
 */
export function validatorPolicyDocument(secretArn: string): object {
  if (!SECRET_ARN.test(secretArn)) {
    throw new InvalidConfigError("secretArn", `The validator's secretArn is ${show(secretArn)}, but it must be the full ARN of one Secrets Manager secret, without wildcards.`);
  }
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "ReadTheRestoredDatabaseSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn }],
  };
}

const VALIDATOR_SUFFIX = "-validator";

/**
 * The function name of a restore stack's validator: `<stack>-validator`. Lambda names are
 * unique per account and region and at most 64 characters; a longer stack name keeps its
 * start and gets a hash of the whole, so two stacks never share a validator. Pure.
 */
export function validatorFunctionName(stack: string): string {
  const safe = stack.replace(/[^A-Za-z0-9_-]/g, "-");
  if (safe.length + VALIDATOR_SUFFIX.length <= 64) return `${safe}${VALIDATOR_SUFFIX}`;
  const hash = createHash("sha256").update(stack).digest("hex").slice(0, 8);
  return `${safe.slice(0, 64 - VALIDATOR_SUFFIX.length - hash.length - 1)}-${hash}${VALIDATOR_SUFFIX}`;
}

export interface ValidatorArgs {
  /** The function's name (1-64 letters, digits, - or _). */
  readonly functionName: string;
  /** The environment's private subnets. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The API's security group (the database's security group admits it on 1433; it has HTTPS out). */
  readonly securityGroupId: pulumi.Input<string>;
  /** The restored instance's RDS-managed master-user secret: the only secret the function may read. */
  readonly secretArn: pulumi.Input<string>;
  /** What the validator checks (parseSqlChecks); carried in the function's environment, which holds no secret. */
  readonly checks: SqlChecks;
  /** Timeout, seconds (1-900). Default 900, so CHECKDB has the most time Lambda allows. */
  readonly timeoutSeconds?: number;
  /** Memory, MB. Default 256: the validator holds a few rows at a time. */
  readonly memorySize?: number;
  /** CloudWatch log retention, days. Default 14: the drill report keeps the evidence. */
  readonly logRetentionDays?: number;
  readonly tags?: Record<string, string>;
}

/** Checks the arguments that are known now; returns the timeout to use. */
function validateValidatorArgs(args: ValidatorArgs): number {
  if (!FUNCTION_NAME.test(args.functionName)) {
    throw new InvalidConfigError("functionName", `The validator's functionName is ${show(args.functionName)}, but a Lambda function name is 1-64 letters, digits, - or _.`);
  }
  const timeout = args.timeoutSeconds ?? MAX_LAMBDA_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_LAMBDA_TIMEOUT_SECONDS) {
    throw new InvalidConfigError("timeoutSeconds", `The validator's timeoutSeconds is ${show(timeout)}, but Lambda allows 1-${MAX_LAMBDA_TIMEOUT_SECONDS} seconds.`);
  }
  // A plain ARN is checked now; one known only at deploy time is checked in the policy's apply.
  if (typeof args.secretArn === "string") validatorPolicyDocument(args.secretArn);
  return timeout;
}

export class Validator extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;
  readonly functionArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: ValidatorArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Refused before anything is registered, the component included.
    const timeout = validateValidatorArgs(args);
    super("gametracker:validation:Validator", name, {}, opts);
    const tags = { ...args.tags, [TagKeys.component]: "validator" };
    const child = { parent: this };

    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: JSON.stringify(LAMBDA_TRUST_POLICY), description: `Runs ${args.functionName}`, tags }, child);
    // The VPC access policy includes the basic execution (CloudWatch Logs) permissions.
    const vpcAccess = new aws.iam.RolePolicyAttachment(`${name}-vpc-access`, { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaVPCAccessExecutionRole }, child);
    const policy = new aws.iam.RolePolicy(
      `${name}-secret-access`,
      { role: role.name, policy: pulumi.output(args.secretArn).apply((arn) => JSON.stringify(validatorPolicyDocument(arn))) },
      child,
    );
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: `/aws/lambda/${args.functionName}`, retentionInDays: args.logRetentionDays ?? 14, tags }, child);

    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        name: args.functionName,
        role: role.arn,
        runtime: VALIDATOR_RUNTIME,
        handler: VALIDATOR_HANDLER,
        code: new pulumi.asset.AssetArchive({ [VALIDATOR_FILE]: new pulumi.asset.StringAsset(buildValidatorBundle()) }),
        memorySize: args.memorySize ?? 256,
        timeout,
        vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: [args.securityGroupId] },
        environment: {
          variables: {
            // Read by Node.js at start-up: TLS to RDS then verifies against the RDS CAs.
            NODE_EXTRA_CA_CERTS: LAMBDA_CA_BUNDLE,
            [ValidatorEnvironment.checks]: encodeSqlChecks(args.checks),
          },
        },
        tags,
      },
      // Lambda checks at creation that the role may create network interfaces in the VPC.
      { parent: this, dependsOn: [logGroup, policy, vpcAccess] },
    );

    this.functionName = fn.name;
    this.functionArn = fn.arn;
    this.roleArn = role.arn;
    this.registerOutputs({ functionName: this.functionName, functionArn: this.functionArn, roleArn: this.roleArn });
  }
}
