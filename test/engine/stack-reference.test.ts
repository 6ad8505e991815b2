/**
 * Stack references on a DIY (file://) backend: the organization is the literal
 * `organization`; the consumer reads the producer's outputs through the engine's
 * `pulumi:pulumi:StackReference`, whose first use brings the engine's default
 * `pulumi:providers:pulumi` provider into the preview (issue 9: the cut-over guard sees it).
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { useEngine } from "../support/engine/harness";

describe("engine tier: a stack reference between two projects", function () {
  this.timeout(120_000);
  const engine = useEngine();
  let ec2: EC2Client;
  before(() => {
    ec2 = new EC2Client({ region: "us-east-1", endpoint: engine.motoEndpoint });
  });
  after(() => ec2?.destroy());

  it("the consumer reads the producer's output; a changed output is an update of the consumer with the engine's own steps", async () => {
    const produced = { address: "primary.example" };
    const stacks = engine.stacks({
      inlinePrograms: {
        producer: async () => ({ address: produced.address }),
        consumer: async () => {
          const ref = new pulumi.StackReference(`${pulumi.getOrganization()}/producer/dev`);
          const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.60.0.0/16", tags: { Name: "consumer", databaseHost: ref.requireOutput("address").apply(String) } });
          return { org: pulumi.getOrganization(), vpcId: vpc.id };
        },
      },
    });
    const producer = await stacks.createOrSelect({ project: "producer", stack: "dev" });
    await producer.up();
    const consumer = await stacks.createOrSelect({ project: "consumer", stack: "dev" });
    await consumer.setConfig("aws:region", "us-east-1");

    const first = await consumer.preview();
    expect(first.steps.map((s) => `${s.op} ${s.type}`)).to.include.members(["create pulumi:providers:pulumi", "read pulumi:pulumi:StackReference", "create aws:ec2/vpc:Vpc"]);
    const up = await consumer.up();
    expect(up.outputs.org!.value).to.equal("organization");
    const tags = async () => (await ec2.send(new DescribeVpcsCommand({ VpcIds: [up.outputs.vpcId!.value as string] }))).Vpcs![0]!.Tags;
    expect(await tags()).to.deep.include({ Key: "databaseHost", Value: "primary.example" });

    produced.address = "restored.example";
    await producer.up();
    const preview = await consumer.preview();
    expect(preview.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.type} ${s.detailedPaths.join(",")}`)).to.deep.equal(["read pulumi:pulumi:StackReference ", "update aws:ec2/vpc:Vpc tags.databaseHost"]);
    await consumer.up();
    expect(await tags()).to.deep.include({ Key: "databaseHost", Value: "restored.example" });
  });
});
