/**
 * The GameTracker API: one Lambda in the private subnets, with a role that can read the
 * RDS-managed database secret of this environment (primary or restored) and the assets
 * bucket, and nothing else. Its environment is the only thing a cut-over changes.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { SQLSERVER_PORT } from "./database-rules";
import { HEALTH_HANDLER_ENTRY, HEALTH_HANDLER_FILE, HEALTH_HANDLER_RUNTIME, HEALTH_HANDLER_SOURCE } from "./health-handler";
import { TagKeys } from "../contracts/tags";

/** The Lambda environment variables this program sets. */
export const ApiEnvironment = {
  /** JDBC URL of the active database (no credentials). */
  datasourceUrl: "SPRING_DATASOURCE_URL",
  /** ARN of the active database's RDS-managed secret (the app reads username/password from it). */
  databaseSecretArn: "DATABASE_SECRET_ARN",
  /** `primary` or the restore stack the API is cut over to. */
  databaseSource: "GAMETRACKER_DATABASE_SOURCE",
  assetsBucket: "ASSETS_BUCKET",
} as const;

/** The tag RDS puts on the Secrets Manager secret it manages for an instance; its value is the instance ARN. */
export const RDS_SECRET_INSTANCE_TAG = "aws:rds:primaryDBInstanceArn";

export interface PolicyScope {
  partition: string;
  region: string;
  accountId: string;
  /** The environment's DB identifier; restored instances are named `<identifier>-…`. */
  databaseIdentifier: string;
  bucketArn: string;
}

/**
 * The API's only permissions beyond running in the VPC and logging. RDS names managed
 * secrets `rds!db-<uuid>`, so the name cannot say which instance a secret belongs to;
 * the tag RDS sets can. Matching the environment's identifier and `<identifier>-*` covers
 * the primary and every restored instance of the environment, so the policy is the same
 * before and after a cut-over (a cut-over changes only the Lambda's environment).
 * No s3:DeleteObjectVersion: on a versioned bucket the API can add delete markers, but
 * never destroy a version that asset recovery might need.
 */
export function apiPolicyDocument(scope: PolicyScope): object {
  const { partition, region, accountId, databaseIdentifier, bucketArn } = scope;
  const db = `arn:${partition}:rds:${region}:${accountId}:db:${databaseIdentifier}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadThisEnvironmentsDatabaseSecret",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: `arn:${partition}:secretsmanager:${region}:${accountId}:secret:rds!db-*`,
        Condition: { StringLike: { [`aws:ResourceTag/${RDS_SECRET_INSTANCE_TAG}`]: [db, `${db}-*`] } },
      },
      { Sid: "ListAssets", Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucketArn },
      { Sid: "ReadWriteAssets", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${bucketArn}/*` },
    ],
  };
}

export const LAMBDA_TRUST_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/** A Lambda function name from the project and stack: letters, digits, hyphens, underscores, at most 64. */
export function apiFunctionName(project: string, stack: string): string {
  return `${project}-${stack}-api`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 64);
}

export interface ApiCode {
  /** Path of the Spring Boot Lambda artifact (zip or jar). */
  readonly artifactPath: string;
  /** Lambda runtime, e.g. `java21`. */
  readonly runtime: string;
  /** Handler, e.g. `com.gametracker.StreamLambdaHandler::handleRequest`. */
  readonly handler: string;
}

export interface ApiArgs {
  readonly functionName: string;
  /** Private subnets the function runs in. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The API security group (made by the Network component). */
  readonly securityGroupId: pulumi.Input<string>;
  /** The database security group the function may reach on 1433. */
  readonly databaseSecurityGroupId: pulumi.Input<string>;
  /** JDBC URL of the active database (see `jdbcUrl`). */
  readonly datasourceUrl: pulumi.Input<string>;
  /** ARN of the active database's managed secret. */
  readonly databaseSecretArn: pulumi.Input<string>;
  /** `primary` or the restore stack name, for the health handler and operators. */
  readonly databaseSource: string;
  /** The environment's DB identifier, which scopes the secret permission (see `apiPolicyDocument`). */
  readonly databaseIdentifier: string;
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  /** The Spring Boot artifact; unset deploys the bundled health handler. */
  readonly code?: ApiCode;
  /** Memory, MB. Default 1024. */
  readonly memorySize?: number;
  /** Timeout, seconds. Default 30. */
  readonly timeoutSeconds?: number;
  /** CloudWatch log retention, days. Default 30. */
  readonly logRetentionDays?: number;
  readonly tags?: Record<string, string>;
}

export class Api extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;
  readonly functionArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly function: aws.lambda.Function;

  constructor(name: string, args: ApiArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("gametracker:api:Api", name, {}, opts);
    const tags = { ...args.tags, [TagKeys.component]: "api" };
    const child = { parent: this };

    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: JSON.stringify(LAMBDA_TRUST_POLICY), description: `Runs ${args.functionName}`, tags }, child);
    // The VPC access policy includes the basic execution (CloudWatch Logs) permissions.
    const vpcAccess = new aws.iam.RolePolicyAttachment(`${name}-vpc-access`, { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaVPCAccessExecutionRole }, child);
    const partition = aws.getPartitionOutput({}, child).partition;
    const region = aws.getRegionOutput({}, child).region;
    const accountId = aws.getCallerIdentityOutput({}, child).accountId;
    const policy = new aws.iam.RolePolicy(
      `${name}-data-access`,
      {
        role: role.name,
        policy: pulumi
          .all([partition, region, accountId, args.bucketArn])
          .apply(([p, r, a, bucketArn]) => JSON.stringify(apiPolicyDocument({ partition: p, region: r, accountId: a, databaseIdentifier: args.databaseIdentifier, bucketArn }))),
      },
      child,
    );

    new aws.vpc.SecurityGroupEgressRule(
      `${name}-sql-out`,
      {
        securityGroupId: args.securityGroupId,
        referencedSecurityGroupId: args.databaseSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: SQLSERVER_PORT,
        toPort: SQLSERVER_PORT,
        description: "SQL Server",
        tags,
      },
      child,
    );

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: `/aws/lambda/${args.functionName}`, retentionInDays: args.logRetentionDays ?? 30, tags }, child);

    const code = args.code;
    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        name: args.functionName,
        role: role.arn,
        runtime: code?.runtime ?? HEALTH_HANDLER_RUNTIME,
        handler: code?.handler ?? HEALTH_HANDLER_ENTRY,
        code: code
          ? new pulumi.asset.FileArchive(code.artifactPath)
          : new pulumi.asset.AssetArchive({ [HEALTH_HANDLER_FILE]: new pulumi.asset.StringAsset(HEALTH_HANDLER_SOURCE) }),
        memorySize: args.memorySize ?? 1024,
        timeout: args.timeoutSeconds ?? 30,
        vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: [args.securityGroupId] },
        environment: {
          variables: {
            [ApiEnvironment.datasourceUrl]: args.datasourceUrl,
            [ApiEnvironment.databaseSecretArn]: args.databaseSecretArn,
            [ApiEnvironment.databaseSource]: args.databaseSource,
            [ApiEnvironment.assetsBucket]: args.bucketName,
          },
        },
        tags,
      },
      // Lambda checks at creation that the role may create network interfaces in the VPC.
      { parent: this, dependsOn: [logGroup, policy, vpcAccess] },
    );

    this.function = fn;
    this.functionName = fn.name;
    this.functionArn = fn.arn;
    this.roleArn = role.arn;
    this.registerOutputs({ functionName: this.functionName, functionArn: this.functionArn, roleArn: this.roleArn });
  }
}
