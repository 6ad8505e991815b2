import { expect } from "chai";
import { checkLambdaEnvironment, isSecretStoreArn, lambdaRules, secretVariableProblem } from "../../../policy/lambda";
import { Props, Unknown } from "../../../policy/values";

const fn = (variables: unknown): Props => ({ name: "gametracker-api", environment: { variables } });
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-gametracker-mssql-AbCdEf";

describe("policy: Lambda environment", () => {
  it("passes the API's own environment: JDBC URL without a password, the secret's ARN, the bucket", () => {
    const result = checkLambdaEnvironment(
      fn({
        SPRING_DATASOURCE_URL: "jdbc:sqlserver://gametracker-mssql.abc.us-east-1.rds.amazonaws.com:1433;databaseName=gametracker;encrypt=true;trustServerCertificate=false",
        DATABASE_SECRET_ARN: SECRET_ARN,
        ASSETS_BUCKET: "gametracker-assets",
      }),
    );
    expect(result).to.deep.equal({ violations: [], undecided: [] });
  });

  it("passes a function without environment", () => {
    expect(checkLambdaEnvironment({ name: "f" }).violations).to.be.empty;
    expect(checkLambdaEnvironment({ name: "f", environment: {} }).violations).to.be.empty;
  });

  it("fails a password inside a JDBC URL, naming the variable but never the value", () => {
    const result = checkLambdaEnvironment(fn({ SPRING_DATASOURCE_URL: "jdbc:sqlserver://db:1433;databaseName=g;user=admin;password=hunter2;encrypt=true" }));
    expect(result.violations).to.have.length(1);
    const message = result.violations[0]!.message;
    expect(message).to.contain('Lambda function "gametracker-api" environment variable "SPRING_DATASOURCE_URL"');
    expect(message).to.contain("inline credential parameter");
    expect(message).not.to.contain("hunter2");
  });

  it("fails secret-named variables holding a value instead of an ARN", () => {
    for (const name of ["DB_PASSWORD", "db_passwd", "CLIENT_SECRET", "GITHUB_TOKEN", "API_KEY", "AWS_SECRET_ACCESS_KEY", "SERVICE_CREDENTIALS"]) {
      const result = checkLambdaEnvironment(fn({ [name]: "s3cr3t-value" }));
      expect(result.violations, name).to.have.length(1);
      expect(result.violations[0]!.message).not.to.contain("s3cr3t-value");
    }
  });

  it("accepts secret-named variables holding a Secrets Manager, SSM or KMS ARN, or nothing", () => {
    const ok = {
      DB_SECRET_ARN: SECRET_ARN,
      API_TOKEN_PARAMETER: "arn:aws:ssm:us-east-1:123456789012:parameter/gametracker/api-token",
      SIGNING_KEY_ARN: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      GOVCLOUD_SECRET: "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x",
      OPTIONAL_TOKEN: "",
    };
    expect(checkLambdaEnvironment(fn(ok)).violations).to.be.empty;
  });

  it("does not take any ARN for a secret store's", () => {
    expect(isSecretStoreArn("arn:aws:s3:::gametracker-assets")).to.equal(false);
    expect(isSecretStoreArn("arn:aws:secretsmanager:us-east-1:123456789012:secret:x")).to.equal(true);
    expect(checkLambdaEnvironment(fn({ DB_SECRET: "arn:aws:s3:::bucket/key" })).violations).to.have.length(1);
  });

  it("fails secret-shaped values under innocent names", () => {
    expect(secretVariableProblem("DATABASE_URL", "postgres://app:hunter2@db:5432/g")).to.contain("password inside a URL");
    expect(secretVariableProblem("UPSTREAM", "https://api.example.com/v1?token=abc")).to.contain("inline credential");
    expect(secretVariableProblem("AWS_ID", "AKIAIOSFODNN7EXAMPLE")).to.contain("AWS access key id");
    expect(secretVariableProblem("CERT", "-----BEGIN RSA PRIVATE KEY-----\nMIIE...")).to.contain("private key");
  });

  it("does not flag look-alikes that hold no secret", () => {
    expect(secretVariableProblem("SPRING_DATASOURCE_URL", "jdbc:sqlserver://h:1433;databaseName=g;encrypt=true;hostNameInCertificate=*.rds.amazonaws.com")).to.equal(undefined);
    expect(secretVariableProblem("HOME_PAGE", "https://example.com/login")).to.equal(undefined);
    expect(secretVariableProblem("LOG_LEVEL", "tokenizer=debug")).to.equal(undefined);
  });

  it("leaves values unknown during preview undecided and still reports the known ones", () => {
    const url = new Unknown(["environment", "variables", "SPRING_DATASOURCE_URL"]);
    const result = checkLambdaEnvironment(fn({ SPRING_DATASOURCE_URL: url, DB_PASSWORD: "plain" }));
    expect(result.undecided).to.deep.equal([url]);
    expect(result.violations).to.have.length(1);
    const all = new Unknown(["environment", "variables"]);
    expect(checkLambdaEnvironment(fn(all))).to.deep.equal({ violations: [], undecided: [all] });
  });

  it("is one rule on aws:lambda/function:Function", () => {
    expect(lambdaRules.map((r) => [r.name, r.resourceType])).to.deep.equal([["lambda-no-plaintext-secrets", "aws:lambda/function:Function"]]);
  });
});
