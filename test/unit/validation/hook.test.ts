import { expect } from "chai";
import { UsageError } from "../../../automation/errors";
import { describeHook, describeTimeout, parseValidateWith } from "../../../automation/validation/hook";
import { messageOf } from "../../support/expect-error";

describe("--validate-with grammar", () => {
  it("reads command, lambda and bundled", () => {
    expect(parseValidateWith("command:/opt/gt/validate")).to.deep.equal({ kind: "command", path: "/opt/gt/validate" });
    expect(parseValidateWith("command:scripts/validate drill", "--validate-with", undefined, "/work/repo")).to.deep.equal({ kind: "command", path: "/work/repo/scripts/validate drill" });
    expect(parseValidateWith(" bundled ")).to.deep.equal({ kind: "bundled" });
    for (const fn of [
      "gametracker-dev-validator",
      "validator:live",
      "validator:7",
      "validator:$LATEST",
      "123456789012:function:validator",
      "arn:aws:lambda:eu-west-1:123456789012:function:validator",
      "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:validator:prod",
    ]) {
      expect(parseValidateWith(`lambda:${fn}`)).to.deep.equal({ kind: "lambda", functionName: fn });
    }
  });

  it("refuses anything else with one sentence that shows the forms", () => {
    expect(messageOf(() => parseValidateWith("script:/opt/v"), UsageError)).to.equal(
      '--validate-with is "script:/opt/v", but it must be command:<path to an executable>, lambda:<function name or ARN> or bundled.',
    );
    expect(messageOf(() => parseValidateWith("Bundled"), UsageError)).to.include("but it must be command:");
    expect(messageOf(() => parseValidateWith("command:"), UsageError)).to.equal('--validate-with "command:" names no executable; give its path, e.g. command:./scripts/validate-drill.');
    expect(messageOf(() => parseValidateWith("lambda:"), UsageError)).to.equal('--validate-with "lambda:" names no function; give its name or ARN, e.g. lambda:gametracker-dev-validator.');
    for (const fn of ["my function", "a".repeat(65), "arn:aws:lambda:eu-west-1:123:function:v", "arn:aws:s3:::bucket", "v:alias:extra"]) {
      expect(messageOf(() => parseValidateWith(`lambda:${fn}`), UsageError)).to.match(/is not a Lambda function name \(up to 64 letters/);
    }
  });

  it("names the config key instead of the flag, and lets the caller choose the error", () => {
    class ConfigError extends Error {
      constructor(
        readonly key: string,
        message: string,
      ) {
        super(message);
      }
    }
    const error = messageOf(() => parseValidateWith("nope", "gametracker:validationWith", (key, message) => new ConfigError(key, message)), ConfigError);
    expect(error).to.equal('gametracker:validationWith is "nope", but it must be command:<path to an executable>, lambda:<function name or ARN> or bundled.');
  });

  it("names hooks and timeouts for reports", () => {
    expect(describeHook({ kind: "command", path: "/opt/v" })).to.equal("command:/opt/v");
    expect(describeHook({ kind: "lambda", functionName: "v" })).to.equal("lambda:v");
    expect(describeHook({ kind: "bundled" })).to.equal("the bundled SQL validator");
    expect([describeTimeout(400), describeTimeout(15 * 60_000), describeTimeout(90_000)]).to.deep.equal(["400ms", "15m", "1m30s"]);
  });
});
