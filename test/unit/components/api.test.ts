import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { runProgram, valueOf } from "../../support/pulumi-mocks";
import { Api, ApiArgs, apiFunctionName, apiPolicyDocument, RDS_SECRET_INSTANCE_TAG } from "../../../components/api";
import { HEALTH_HANDLER_SOURCE } from "../../../components/health-handler";
import { jdbcTarget, jdbcUrl, validateDatabaseName } from "../../../components/datasource";
import { InvalidConfigError } from "../../../components/errors";

const scope = { partition: "aws", region: "eu-west-1", accountId: "111122223333", databaseIdentifier: "gametracker-mssql", bucketArn: "arn:aws:s3:::gt-assets" };

const baseArgs: ApiArgs = {
  functionName: "gametracker-dev-api",
  subnetIds: ["subnet-a", "subnet-b"],
  securityGroupId: "sg-api",
  databaseSecurityGroupId: "sg-db",
  datasourceUrl: "jdbc:sqlserver://db.example.rds.amazonaws.com:1433;databaseName=gametracker;encrypt=true;trustServerCertificate=false",
  databaseSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf",
  databaseSource: "primary",
  databaseIdentifier: "gametracker-mssql",
  bucketName: "gt-assets",
  bucketArn: "arn:aws:s3:::gt-assets",
  tags: { "gametracker:environment": "dev" },
};

/** Does an IAM StringLike pattern (`*` and `?` wildcards) match? */
function iamLike(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return re.test(value);
}

/** Loads the handler source exactly as uploaded, as a CommonJS module. */
function loadHandler(): { handler: () => Promise<{ statusCode: number; body: string }>; target: (url: string) => unknown } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gt-health-"));
  const file = path.join(dir, "index.js");
  fs.writeFileSync(file, HEALTH_HANDLER_SOURCE);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file);
}

describe("Api", () => {
  describe("IAM policy (pure)", () => {
    const doc = apiPolicyDocument(scope) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string; Condition?: any }> };
    const statement = (sid: string) => doc.Statement.find((s) => s.Sid === sid)!;

    it("reads RDS-managed secrets only, conditioned on the tag RDS sets to the instance ARN", () => {
      const secret = statement("ReadThisEnvironmentsDatabaseSecret");
      expect(secret.Action).to.deep.equal(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]);
      expect(secret.Resource).to.equal("arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-*");
      expect(Object.keys(secret.Condition.StringLike)).to.deep.equal([`aws:ResourceTag/${RDS_SECRET_INSTANCE_TAG}`]);
      expect(RDS_SECRET_INSTANCE_TAG).to.equal("aws:rds:primaryDBInstanceArn");
    });

    it("covers the primary and every restored instance of the environment, and no other instance", () => {
      const patterns: string[] = statement("ReadThisEnvironmentsDatabaseSecret").Condition.StringLike[`aws:ResourceTag/${RDS_SECRET_INSTANCE_TAG}`];
      const covered = (arn: string) => patterns.some((p) => iamLike(p, arn));
      const db = (id: string, account = "111122223333", region = "eu-west-1") => `arn:aws:rds:${region}:${account}:db:${id}`;
      expect(covered(db("gametracker-mssql"))).to.equal(true);
      expect(covered(db("gametracker-mssql-r20250601"))).to.equal(true);
      expect(covered(db("gametracker-mssql-d7f3a"))).to.equal(true);
      expect(covered(db("gametracker-mssqlx")), "another environment's prefix-sharing instance").to.equal(false);
      expect(covered(db("other-db"))).to.equal(false);
      expect(covered(db("gametracker-mssql", "999999999999"))).to.equal(false);
      expect(covered(db("gametracker-mssql", "111122223333", "us-east-1"))).to.equal(false);
    });

    it("reaches the assets bucket only, and can never delete an object version", () => {
      expect(statement("ListAssets")).to.deep.include({ Action: ["s3:ListBucket"], Resource: "arn:aws:s3:::gt-assets" });
      expect(statement("ReadWriteAssets")).to.deep.include({ Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: "arn:aws:s3:::gt-assets/*" });
      const actions = doc.Statement.flatMap((s) => s.Action);
      expect(actions.some((a) => a.includes("*")), "no wildcard actions").to.equal(false);
      expect(actions).to.not.include("s3:DeleteObjectVersion");
      expect(doc.Statement.map((s) => s.Sid)).to.have.length(3);
    });

    it("names the function from project and stack within Lambda's rules", () => {
      expect(apiFunctionName("gametracker", "dev")).to.equal("gametracker-dev-api");
      expect(apiFunctionName("gametracker", "team.prod")).to.equal("gametracker-team-prod-api");
      expect(apiFunctionName("gametracker", "x".repeat(80))).to.have.length(64);
    });
  });

  describe("JDBC URL (pure)", () => {
    it("builds an encrypted, certificate-checked SQL Server URL without credentials", () => {
      const url = jdbcUrl({ host: "gametracker-mssql.abc.us-east-1.rds.amazonaws.com", port: 1433, databaseName: "gametracker" });
      expect(url).to.equal(
        "jdbc:sqlserver://gametracker-mssql.abc.us-east-1.rds.amazonaws.com:1433;databaseName=gametracker;encrypt=true;trustServerCertificate=false;loginTimeout=30;applicationName=gametracker-api",
      );
      expect(url).to.not.match(/user|password/i);
      expect(jdbcTarget(url)).to.deep.equal({ host: "gametracker-mssql.abc.us-east-1.rds.amazonaws.com", port: 1433 });
    });

    it("refuses a host, port or database name that could smuggle in properties", () => {
      expect(() => jdbcUrl({ host: "db;password=x", port: 1433, databaseName: "gametracker" })).to.throw("not a DNS name");
      expect(() => jdbcUrl({ host: "", port: 1433, databaseName: "gametracker" })).to.throw("not a DNS name");
      expect(() => jdbcUrl({ host: "db.example.com", port: 0, databaseName: "gametracker" })).to.throw("not a TCP port");
      expect(() => jdbcUrl({ host: "db.example.com", port: 1433, databaseName: "game;user=sa" })).to.throw(InvalidConfigError, "SQL Server database name");
      expect(() => validateDatabaseName("1db", "gametracker:databaseName")).to.throw("gametracker:databaseName is \"1db\"");
    });

    it("reads the target back from URLs with and without a port", () => {
      expect(jdbcTarget("jdbc:sqlserver://h.example:1533;databaseName=x")).to.deep.equal({ host: "h.example", port: 1533 });
      expect(jdbcTarget("jdbc:sqlserver://h.example;databaseName=x")).to.deep.equal({ host: "h.example", port: 1433 });
      expect(jdbcTarget("jdbc:postgresql://h/x")).to.equal(undefined);
    });
  });

  describe("bundled health handler (the uploaded source, run by node)", () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const key of ["SPRING_DATASOURCE_URL", "GAMETRACKER_DATABASE_SOURCE", "ASSETS_BUCKET"]) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    });

    it("answers which database host and port it is configured for", async () => {
      process.env.SPRING_DATASOURCE_URL = jdbcUrl({ host: "gametracker-mssql-r1.abc.us-east-1.rds.amazonaws.com", port: 1433, databaseName: "gametracker" });
      process.env.GAMETRACKER_DATABASE_SOURCE = "dev-restore-r1";
      process.env.ASSETS_BUCKET = "gt-assets";
      const response = await loadHandler().handler();
      expect(response.statusCode).to.equal(200);
      expect(JSON.parse(response.body)).to.deep.equal({
        status: "ok",
        databaseHost: "gametracker-mssql-r1.abc.us-east-1.rds.amazonaws.com",
        databasePort: 1433,
        databaseSource: "dev-restore-r1",
        assetsBucket: "gt-assets",
      });
    });

    it("reports a 500 when no datasource is configured", async () => {
      delete process.env.SPRING_DATASOURCE_URL;
      const response = await loadHandler().handler();
      expect(response.statusCode).to.equal(500);
      expect(JSON.parse(response.body)).to.include({ status: "no-database-configured", databaseHost: null });
    });

    it("parses URLs exactly like the program's jdbcTarget", () => {
      const handler = loadHandler();
      for (const url of ["jdbc:sqlserver://a.b.c:1433;databaseName=x", "jdbc:sqlserver://a.b.c;x=y", "jdbc:sqlserver://a:99", "nonsense", ""]) {
        expect(handler.target(url) ?? undefined, url).to.deep.equal(jdbcTarget(url));
      }
    });
  });

  describe("component (mocks)", () => {
    it("registers the Lambda in the private subnets with its security group and the datasource environment", async () => {
      const run = await runProgram(() => {
        const api = new Api("api", baseArgs);
        return { name: api.functionName, role: api.roleArn };
      });
      const fn = run.one("aws:lambda/function:Function");
      expect(fn.inputs).to.include({ name: "gametracker-dev-api", runtime: "nodejs22.x", handler: "index.handler", memorySize: 1024, timeout: 30 });
      expect(fn.inputs.vpcConfig).to.deep.equal({ subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-api"] });
      expect(fn.inputs.environment.variables).to.deep.equal({
        SPRING_DATASOURCE_URL: baseArgs.datasourceUrl,
        DATABASE_SECRET_ARN: baseArgs.databaseSecretArn,
        GAMETRACKER_DATABASE_SOURCE: "primary",
        ASSETS_BUCKET: "gt-assets",
      });
      expect(JSON.stringify(fn.inputs.environment)).to.not.match(/password/i);
      expect(fn.inputs.role).to.equal(await valueOf(run.outputs.role));
      expect(fn.inputs.tags).to.include({ "gametracker:environment": "dev", "gametracker:component": "api" });
    });

    it("uploads the bundled health handler when no artifact is configured", async () => {
      const run = await runProgram(() => new Api("api", baseArgs));
      const code = run.one("aws:lambda/function:Function").inputs.code;
      expect(pulumi.asset.AssetArchive.isInstance(code)).to.equal(true);
      const assets = await (code as pulumi.asset.AssetArchive).assets;
      expect(Object.keys(assets)).to.deep.equal(["index.js"]);
      expect(await (assets["index.js"] as pulumi.asset.StringAsset).text).to.equal(HEALTH_HANDLER_SOURCE);
    });

    it("deploys the Spring Boot artifact with its runtime and handler when configured", async () => {
      const run = await runProgram(() => new Api("api", { ...baseArgs, code: { artifactPath: "build/api.zip", runtime: "java21", handler: "com.gametracker.StreamLambdaHandler::handleRequest" }, memorySize: 2048, timeoutSeconds: 60 }));
      const fn = run.one("aws:lambda/function:Function");
      expect(fn.inputs).to.include({ runtime: "java21", handler: "com.gametracker.StreamLambdaHandler::handleRequest", memorySize: 2048, timeout: 60 });
      expect(pulumi.asset.FileArchive.isInstance(fn.inputs.code)).to.equal(true);
      expect(await (fn.inputs.code as pulumi.asset.FileArchive).path).to.equal("build/api.zip");
    });

    it("gives the role VPC access (which includes logging), the data policy, and nothing else", async () => {
      const run = await runProgram(() => new Api("api", baseArgs));
      expect(JSON.parse(run.one("aws:iam/role:Role").inputs.assumeRolePolicy).Statement).to.deep.equal([
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      expect(run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn)).to.deep.equal([
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
      ]);
      const policy = JSON.parse(run.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
      expect(policy).to.deep.equal(apiPolicyDocument({ partition: "aws", region: "us-east-1", accountId: "123456789012", databaseIdentifier: "gametracker-mssql", bucketArn: "arn:aws:s3:::gt-assets" }));
    });

    it("opens SQL Server egress to the database's security group only, and keeps logs 30 days", async () => {
      const run = await runProgram(() => new Api("api", baseArgs));
      expect(run.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").inputs).to.include({ securityGroupId: "sg-api", referencedSecurityGroupId: "sg-db", fromPort: 1433, toPort: 1433, ipProtocol: "tcp" });
      expect(run.one("aws:cloudwatch/logGroup:LogGroup").inputs).to.include({ name: "/aws/lambda/gametracker-dev-api", retentionInDays: 30 });
    });
  });
});
