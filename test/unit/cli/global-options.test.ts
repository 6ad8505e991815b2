import { expect } from "chai";
import { checkGlobalOptions } from "../../../automation/cli/global-options";
import { UsageError } from "../../../automation/errors";

describe("global options, checked before any command runs (global-options.ts)", () => {
  const refused = (values: Parameters<typeof checkGlobalOptions>[0], env: Record<string, string> = {}) => {
    try {
      checkGlobalOptions(values, env);
    } catch (error) {
      expect(error).to.be.instanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(values)} ${JSON.stringify(env)}`);
  };

  it("takes a stack name by Pulumi's rules, short enough for its restore stacks' names", () => {
    expect(checkGlobalOptions({ stack: "prod-dr" }, {})).to.deep.equal({ awsTimeoutMs: undefined });
    expect(checkGlobalOptions({ stack: "dev_2.eu" }, {}).awsTimeoutMs).to.equal(undefined);
    expect(refused({ stack: "organization/gametracker/dev" })).to.contain("it has a /");
    expect(refused({ stack: "dev\tprod" })).to.contain('it contains "\\t" at position 4');
    expect(refused({ stack: "x".repeat(76) })).to.equal(
      `Invalid --stack "${"x".repeat(76)}": it is 76 characters long (at most 75, so that its restore stacks' names stay within Pulumi's 100); pass the environment stack's name as pulumi stack ls shows it, e.g. --stack dev.`,
    );
  });

  it("checks the environment variables that stand in for the options, naming the variable, and lets the option win", () => {
    expect(refused({}, { AWS_ENDPOINT_URL: "localhost:4566" })).to.equal(
      'Invalid AWS_ENDPOINT_URL "localhost:4566": it does not start with http:// or https:// (e.g. http://localhost:5000 or https://rds.us-east-1.amazonaws.com), or unset it to use AWS\'s own endpoints.',
    );
    expect(refused({}, { AWS_REGION: "eu-west" })).to.match(/^Invalid AWS_REGION "eu-west": it is not an AWS region name such as us-west-2; .* or unset it to use the default us-east-1\.$/);
    expect(refused({}, { GAMETRACKER_AWS_TIMEOUT: "15" })).to.match(/^Invalid GAMETRACKER_AWS_TIMEOUT "15": it has no unit; /);
    expect(checkGlobalOptions({ endpoint: "http://127.0.0.1:5000", region: "us-west-2" }, { AWS_ENDPOINT_URL: "bad", AWS_REGION: "bad" })).to.deep.equal({ awsTimeoutMs: undefined });
    expect(checkGlobalOptions({}, { GAMETRACKER_AWS_TIMEOUT: "30s" }).awsTimeoutMs).to.equal(30_000);
    expect(checkGlobalOptions({ awsTimeout: "2m" }, { GAMETRACKER_AWS_TIMEOUT: "30s" }).awsTimeoutMs).to.equal(120_000);
    expect(refused({ awsTimeout: "500ms" })).to.match(/^Invalid --aws-timeout "500ms": /);
  });
});
