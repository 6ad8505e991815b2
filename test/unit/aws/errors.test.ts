import { expect } from "chai";
import { awsErrorCode, awsFailure, callAws, isAwsError } from "../../../automation/aws/errors";
import { OperationError } from "../../../automation/errors";

const sdkError = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: 400, attempts: 1 }, ...extra });

describe("AWS errors as one sentence", () => {
  it("recognises SDK errors by code and nothing else", () => {
    expect(awsErrorCode(sdkError("DBInstanceNotFoundFault", "x"))).to.equal("DBInstanceNotFoundFault");
    expect(awsErrorCode(new TypeError("x"))).to.equal(undefined);
    expect(isAwsError(sdkError("NoSuchBucket", "x"), "NoSuchBucket", "NotFound")).to.equal(true);
    expect(isAwsError(sdkError("NoSuchKey", "x"), "NoSuchBucket")).to.equal(false);
  });

  it("a persistent 5xx says AWS's side, how many attempts, what to do", () => {
    const e = sdkError("ServiceUnavailable", "Service Unavailable", { $fault: "server", $metadata: { httpStatusCode: 503, attempts: 5 } });
    const failure = awsFailure("read DB instance db", e);
    expect(failure).to.be.instanceOf(OperationError);
    expect(failure.message).to.equal(
      "Could not read DB instance db: AWS answered ServiceUnavailable (HTTP 503) after 5 attempts; the problem is on AWS's side, retry in a few minutes and check the AWS Health Dashboard.",
    );
    expect(failure.message.split(". ").length).to.equal(1);
  });

  it("throttling, access, credentials and network failures each get their own advice", () => {
    expect(awsFailure("x", sdkError("ThrottlingException", "Rate exceeded", { $metadata: { attempts: 5 } })).message).to.match(/kept throttling the request \(ThrottlingException\) after 5 attempts; wait a minute/);
    expect(awsFailure("x", sdkError("AccessDenied", "User is not authorized.")).message).to.match(/access was denied \(AccessDenied: User is not authorized\); check which credentials/);
    expect(awsFailure("x", Object.assign(new Error("Could not load credentials"), { name: "CredentialsProviderError" })).message).to.contain("no AWS credentials were found");
    expect(awsFailure("x", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })).message).to.contain("did not answer (ECONNREFUSED); check the network, --region and --endpoint");
    expect(awsFailure("x", sdkError("InvalidParameterValue", "Bad value.\nSecond line.")).message).to.equal("Could not x: AWS answered InvalidParameterValue (Bad value. Second line); fix the cause it names and retry.");
  });

  it("callAws translates AWS failures and lets programming errors through unchanged", async () => {
    const aws = await callAws("list things", () => Promise.reject(sdkError("ServiceUnavailable", "down", { $fault: "server" }))).catch((e: unknown) => e);
    expect(aws).to.be.instanceOf(OperationError);
    expect((aws as Error).message).to.match(/^Could not list things: /);
    const bug = new TypeError("undefined is not a function");
    expect(await callAws("x", () => Promise.reject(bug)).catch((e: unknown) => e)).to.equal(bug);
    expect(await callAws("x", async () => 42)).to.equal(42);
  });
});
