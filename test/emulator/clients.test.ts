import { expect } from "chai";
import { CreateBucketCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { describeInstance } from "../../automation/aws/rds";
import { OperationError } from "../../automation/errors";
import { useEmulator } from "../support/emulator";
import { FaultInjector } from "../support/faults";

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

  it("rides out socket timeouts (the SDK retries them), and ends a persistent one in one sentence naming the endpoint", async () => {
    const flaky = new FaultInjector().add({ operation: "DescribeDBInstances", kind: "timeout", times: 2 });
    const { rds } = emulator.clients({ middleware: flaky.middleware });
    expect(await describeInstance({ rds }, "gametracker-mssql")).to.equal(undefined);
    expect(flaky.count("DescribeDBInstances")).to.equal(3);

    const dead = new FaultInjector().add({ operation: "DescribeDBInstances", kind: "timeout", times: Infinity });
    const clients = emulator.clients({ middleware: dead.middleware, maxAttempts: 3 });
    let error: unknown;
    try {
      await describeInstance(clients, "gametracker-mssql");
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(OperationError);
    expect((error as Error).message).to.match(/^Could not read DB instance gametracker-mssql: the AWS endpoint did not answer \(ETIMEDOUT\) after 3 attempts; check the network, --region and --endpoint\.$/);
    expect(dead.count("DescribeDBInstances")).to.equal(3);
  });
});
