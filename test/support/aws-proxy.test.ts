/**
 * The crash tier's proxy (aws-proxy.ts) in front of moto: it names each request as AWS
 * would (service, region, operation, caller, parameters), changes no answer, holds and
 * releases the one request (or answer) asked for, and leaves a hung request unanswered.
 */
import { expect } from "chai";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { CreateBucketCommand, ListBucketsCommand, ListObjectVersionsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { STANDIN_USER_AGENT } from "../engine/standin/aws/clients";
import { AwsProxy, lambdaAction } from "./aws-proxy";
import { useEmulator } from "./emulator";

describe("the crash tier's AWS proxy, in front of moto", () => {
  const moto = useEmulator();
  let proxy: AwsProxy;
  let endpoint: string;
  const clients: Array<{ destroy(): void }> = [];
  const rds = (extra: Record<string, unknown> = {}) => {
    const c = new RDSClient({ region: "eu-west-1", endpoint, maxAttempts: 1, ...extra });
    clients.push(c);
    return c;
  };
  beforeEach(async () => {
    proxy = new AwsProxy(moto.endpoint());
    endpoint = await proxy.listen();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await proxy.close();
  });

  it("names each request by service, region, operation, caller and parameters, and passes moto's answers through unchanged", async () => {
    const s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true });
    const lambda = new LambdaClient({ region: "us-east-1", endpoint, maxAttempts: 1 });
    clients.push(s3, lambda);
    expect((await rds().send(new DescribeDBInstancesCommand({}))).DBInstances).to.deep.equal([]);
    await rds({ customUserAgent: STANDIN_USER_AGENT }).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "nope" })).catch((e: Error) => expect(e.name).to.equal("DBInstanceNotFoundFault"));
    await s3.send(new CreateBucketCommand({ Bucket: "proxied" }));
    await s3.send(new ListObjectVersionsCommand({ Bucket: "proxied", Prefix: "a/" }));
    await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "missing" })).catch(() => undefined);
    expect(proxy.requests.map((r) => [r.service, r.region, r.action, r.caller])).to.deep.equal([
      ["rds", "eu-west-1", "DescribeDBInstances", "cli"],
      ["rds", "eu-west-1", "DescribeDBInstances", "provider"],
      ["s3", "us-east-1", "CreateBucket", "cli"],
      ["s3", "us-east-1", "ListObjectVersions", "cli"],
      ["lambda", "us-east-1", "GetFunctionConfiguration", "cli"],
    ]);
    expect(proxy.requests[1]!.params).to.include({ DBInstanceIdentifier: "nope" });
    expect(proxy.requests[3]!.params).to.include({ prefix: "a/" });
  });

  it("holds the one matching request (after skip) until released, and lets the others through meanwhile", async () => {
    const hold = proxy.hold({ service: "rds", action: "DescribeDBInstances", skip: 1 });
    await rds().send(new DescribeDBInstancesCommand({}));
    let answered = false;
    const held = rds()
      .send(new DescribeDBInstancesCommand({}))
      .then(() => (answered = true));
    await hold.reached(5_000);
    await rds().send(new DescribeDBInstancesCommand({}));
    expect(answered, "held until released").to.equal(false);
    hold.release();
    await held;
    expect(answered).to.equal(true);
  });

  it("holds moto's answer when it is the one asked for: the request has reached moto, the client waits", async () => {
    const s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true });
    clients.push(s3);
    const hold = proxy.hold({ service: "s3", action: "CreateBucket" }, { at: "answer", answered: (status) => status === 200 });
    let answered = false;
    const held = s3.send(new CreateBucketCommand({ Bucket: "made-while-held" })).then(() => (answered = true));
    await hold.reached(5_000);
    const direct = moto.clients().s3;
    expect(((await direct.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name), "moto made it").to.include("made-while-held");
    expect(answered, "the client still waits").to.equal(false);
    hold.release();
    await held;
  });

  it("never answers a hung service: the client's own timeout is all that ends the wait, and the other services still answer", async () => {
    const silent = proxy.hang({ service: "rds" });
    const started = Date.now();
    let failure: unknown;
    await rds({ requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } })
      .send(new DescribeDBInstancesCommand({}))
      .catch((e: unknown) => (failure = e));
    await silent.reached(1_000);
    expect(failure, "the request timed out on the client").to.be.instanceOf(Error);
    expect((failure as Error).name).to.match(/TimeoutError/);
    expect(Date.now() - started).to.be.at.least(300);
    const s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true });
    clients.push(s3);
    await s3.send(new CreateBucketCommand({ Bucket: "still-answers" }));
  });

  it("knows the Lambda API's operations by method and path", () => {
    expect(lambdaAction("GET", "/2015-03-31/functions/api/configuration")).to.equal("GetFunctionConfiguration");
    expect(lambdaAction("PUT", "/2015-03-31/functions/api/configuration")).to.equal("UpdateFunctionConfiguration");
    expect(lambdaAction("POST", "/2015-03-31/functions/api/invocations")).to.equal("Invoke");
    expect(lambdaAction("DELETE", "/2015-03-31/functions/api")).to.equal("DeleteFunction");
    expect(lambdaAction("POST", "/2015-03-31/functions")).to.equal("CreateFunction");
  });
});
