/**
 * Where the real provider puts a resource: the default provider's region comes from
 * aws:region, else from the engine's environment (AWS_REGION — what the operator's
 * --region sets for a process); a pulumi-aws v7 resource's own `region` wins over both,
 * and changing it replaces the resource. Without any region the provider refuses with
 * pulumi-aws's own sentence.
 */
import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { useEngine } from "../support/engine/harness";

const PROJECT = "engine-region";

describe("engine tier: regions", function () {
  this.timeout(120_000);
  const engine = useEngine();
  const clients = new Map<string, EC2Client>();
  const ec2 = (region: string) => {
    if (!clients.has(region)) clients.set(region, new EC2Client({ region, endpoint: engine.motoEndpoint }));
    return clients.get(region)!;
  };
  after(() => clients.forEach((c) => c.destroy()));
  const vpcsIn = async (region: string, name: string) =>
    ((await ec2(region).send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Name", Values: [name] }] }))).Vpcs ?? []).map((v) => v.VpcId);

  const settings = { ownRegion: "eu-west-1" };
  const program = async () => {
    const byProvider = new aws.ec2.Vpc("by-provider", { cidrBlock: "10.50.0.0/16", tags: { Name: "by-provider" } });
    const own = new aws.ec2.Vpc("own-region", { region: settings.ownRegion, cidrBlock: "10.51.0.0/16", tags: { Name: "own-region" } });
    const region = aws.getRegionOutput().region;
    return { byProvider: byProvider.id, own: own.id, region };
  };

  it("takes AWS_REGION from the engine's environment when the stack sets no aws:region", async () => {
    const stack = await engine.stacks({ inlinePrograms: { [PROJECT]: program }, env: { AWS_REGION: "us-east-2" } }).createOrSelect({ project: PROJECT, stack: "ambient" });
    const up = await stack.up();
    expect(up.outputs.region!.value).to.equal("us-east-2");
    expect(await vpcsIn("us-east-2", "by-provider")).to.deep.equal([up.outputs.byProvider!.value]);
    expect(await vpcsIn("us-east-1", "by-provider")).to.deep.equal([]);
  });

  it("aws:region wins over the environment, a resource's own region over both, and changing it replaces the resource", async () => {
    const stack = await engine.stacks({ inlinePrograms: { [PROJECT]: program }, env: { AWS_REGION: "us-east-2" } }).createOrSelect({ project: PROJECT, stack: "configured" });
    await stack.setConfig("aws:region", "us-west-2");
    const up = await stack.up();
    expect(up.outputs.region!.value).to.equal("us-west-2");
    expect(await vpcsIn("us-west-2", "by-provider")).to.deep.equal([up.outputs.byProvider!.value]);
    expect(await vpcsIn("eu-west-1", "own-region")).to.deep.equal([up.outputs.own!.value]);

    settings.ownRegion = "eu-central-1";
    const preview = await stack.preview();
    expect(preview.steps.find((s) => s.op === "replace")).to.deep.include({ urn: preview.steps.find((s) => s.urn.endsWith("::own-region"))!.urn, diffs: ["region"], detailedPaths: ["region"] });
    await stack.up();
    expect(await vpcsIn("eu-west-1", "own-region")).to.deep.equal([]);
    expect(await vpcsIn("eu-central-1", "own-region")).to.have.length(1);
    settings.ownRegion = "eu-west-1";
  });

  it("without any region the provider refuses, as pulumi-aws does", async () => {
    const stack = await engine.stacks({ inlinePrograms: { [PROJECT]: program }, env: { AWS_REGION: "", AWS_DEFAULT_REGION: "" } }).createOrSelect({ project: PROJECT, stack: "none" });
    let error: unknown;
    await stack.up().catch((e) => (error = e));
    expect(String(error)).to.contain("Missing region information").and.contain("pulumi config set aws:region");
  });
});
