import { expect } from "chai";
import { CopyObjectCommand, CreateBucketCommand, ListBucketsCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { describeInstance } from "../../automation/aws/rds";
import { OperationError } from "../../automation/errors";
import { useEmulator } from "../support/emulator";
import { FaultInjector } from "../support/faults";
import { S3Proxy } from "../support/s3-proxy";

describe("AWS client factory (moto)", () => {
  const emulator = useEmulator();

  it("reaches the endpoint override with path-style S3", async () => {
    const { s3 } = emulator.clients();
    await s3.send(new CreateBucketCommand({ Bucket: "factory-test" }));
    const listed = await s3.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((b) => b.Name)).to.deep.equal(["factory-test"]);
  });

  it("retries throttling and succeeds", async () => {
    const faults = new FaultInjector().add({ operation: "DescribeDBInstances", kind: "throttle", times: 2 });
    const { rds } = emulator.clients({ middleware: faults.middleware });
    const result = await rds.send(new DescribeDBInstancesCommand({}));
    expect(result.DBInstances).to.deep.equal([]);
    expect(faults.count("DescribeDBInstances")).to.equal(3);
  });

  it("gives up on a persistent 5xx after the configured attempts", async () => {
    const faults = new FaultInjector().add({ operation: "DescribeDBInstances", kind: "server", times: Infinity });
    const { rds } = emulator.clients({ middleware: faults.middleware, maxAttempts: 3 });
    let error: unknown;
    try {
      await rds.send(new DescribeDBInstancesCommand({}));
    } catch (e) {
      error = e;
    }
    expect((error as Error).name).to.equal("ServiceUnavailable");
    expect(faults.count("DescribeDBInstances")).to.equal(3);
  });

  it("rides out socket timeouts (the SDK retries them), and ends a persistent one after 3 attempts, of the 5 throttling gets, in one sentence naming the endpoint", async () => {
    const flaky = new FaultInjector().add({ operation: "DescribeDBInstances", kind: "timeout", times: 2 });
    const { rds } = emulator.clients({ middleware: flaky.middleware });
    expect(await describeInstance({ rds }, "gametracker-mssql")).to.equal(undefined);
    expect(flaky.count("DescribeDBInstances")).to.equal(3);

    const dead = new FaultInjector().add({ operation: "DescribeDBInstances", kind: "timeout", times: Infinity });
    const clients = emulator.clients({ middleware: dead.middleware });
    let error: unknown;
    try {
      await describeInstance(clients, "gametracker-mssql");
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(OperationError);
    expect((error as Error).message).to.equal(
      `Could not read DB instance gametracker-mssql: the AWS endpoint ${emulator.endpoint()} did not answer within 15s after 3 attempts; check the network, --region and --endpoint (AWS_ENDPOINT_URL), or allow more time with --aws-timeout.`,
    );
    expect(dead.count("DescribeDBInstances")).to.equal(3);
  });

  it("bounds a request by the socket's idle time, not by its length: a server-side copy S3 holds for longer than the timeout completes, a listing that long is cut", async () => {
    // An S3 that takes 1.5 s before it sends a byte of a copy's or a listing's answer (as S3 does while it copies), before moto.
    const proxy = new S3Proxy({ upstream: emulator.endpoint(), latency: { seed: 1, listMs: 1_500, copyMs: 1_500, headMs: 0, otherMs: 0, jitter: 0 } });
    const endpoint = await proxy.listen();
    try {
      const { s3 } = emulator.clients({ endpoint, timeoutMs: 500 });
      await s3.send(new CreateBucketCommand({ Bucket: "slow-copies" }));
      await s3.send(new PutBucketVersioningCommand({ Bucket: "slow-copies", VersioningConfiguration: { Status: "Enabled" } }));
      const put = await s3.send(new PutObjectCommand({ Bucket: "slow-copies", Key: "big.png", Body: "v1" }));
      const copied = await s3.send(new CopyObjectCommand({ Bucket: "slow-copies", Key: "big.png", CopySource: `slow-copies/big.png?versionId=${put.VersionId}` }));
      expect(copied.VersionId).to.be.a("string").and.not.equal(put.VersionId);
      expect(proxy.counts.get("CopyObject")).to.equal(1);
      const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: "slow-copies" })).catch((e: unknown) => e);
      expect((listed as Error).name).to.equal("TimeoutError");
      expect(proxy.counts.get("ListObjectVersions")).to.equal(3);
    } finally {
      await proxy.close();
    }
  });
});
