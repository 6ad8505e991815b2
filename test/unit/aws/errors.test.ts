import { expect } from "chai";
import { awsErrorCode, awsFailure, callAws, isAwsError, noteRequest } from "../../../automation/aws/errors";
import { GetBucketVersioningCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { OperationError } from "../../../automation/errors";
import { CannedHttp } from "../../support/canned-http";

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
    expect(awsFailure("x", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })).message).to.contain("could not be reached (ECONNREFUSED); check the network, --region and --endpoint");
    expect(awsFailure("x", sdkError("InvalidParameterValue", "Bad value.\nSecond line.")).message).to.equal("Could not x: AWS answered InvalidParameterValue (Bad value. Second line); fix the cause it names and retry.");
  });

  it("a silent or refusing endpoint is named, with how long it was quiet, the attempts, and what to do", () => {
    // The SDK's own messages (@smithy/node-http-handler) and the attempts its retry middleware records.
    const idle = Object.assign(new Error("@smithy/node-http-handler - the request socket timed out after 15000 ms of inactivity (configured by client requestHandler)."), {
      name: "TimeoutError",
      $metadata: { attempts: 3 },
    });
    noteRequest(idle, { endpoint: "http://127.0.0.1:4566", idleMs: 15_000 });
    expect(awsFailure("list snapshots of gametracker-mssql", idle).message).to.equal(
      "Could not list snapshots of gametracker-mssql: the AWS endpoint http://127.0.0.1:4566 did not answer within 15s after 3 attempts; check the network, --region and --endpoint (AWS_ENDPOINT_URL), or allow more time with --aws-timeout.",
    );
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED", $metadata: { attempts: 5 } });
    noteRequest(refused, { endpoint: "http://127.0.0.1:1" });
    expect(awsFailure("x", refused).message).to.equal("Could not x: the AWS endpoint http://127.0.0.1:1 could not be reached (ECONNREFUSED) after 5 attempts; check the network, --region and --endpoint (AWS_ENDPOINT_URL).");
  });

  it("a 403 the SDK could not read (a bucket policy's bare denial) is named as access denied by its HTTP status, not 'Unknown'", async () => {
    const bare = Object.assign(new Error("UnknownError"), { name: "Unknown", $fault: "client", $metadata: { httpStatusCode: 403, attempts: 1 } });
    const message = awsFailure("read versioning of bucket b", bare).message;
    expect(message).to.match(/^Could not read versioning of bucket b: access was denied \(HTTP 403 with no error AWS could read/);
    expect(message).to.contain("the resource's policy");
    expect(message).not.to.contain("Unknown");
    // What the SDK itself makes of a 403 with an empty body (a HEAD's, a policy's), or one that is not XML, through its own parser.
    for (const [body, command] of [[undefined, new HeadObjectCommand({ Bucket: "b", Key: "k" })], ["Forbidden", new GetBucketVersioningCommand({ Bucket: "b" })]] as const) {
      const s3 = new S3Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
      new CannedHttp(() => ({ status: 403, ...(body !== undefined ? { body } : {}) })).middleware(s3.middlewareStack as never);
      const sent = await callAws("read bucket b", () => s3.send(command as never)).catch((e: unknown) => e);
      expect((sent as Error).message, String(body)).to.match(/^Could not read bucket b: access was denied \(HTTP 403 with no error AWS could read/);
    }
    const notFound = Object.assign(new Error("UnknownError"), { name: "Unknown", $fault: "client", $metadata: { httpStatusCode: 404 } });
    expect(awsFailure("x", notFound).message).to.equal("Could not x: AWS answered HTTP 404 with no error it could read; fix the request (check the names and --region) and retry.");
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
