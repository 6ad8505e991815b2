/**
 * The engine tier's own basics, on the real CLI through the project's Automation API
 * adapter: an up creates in moto (and the state is moto's), a second preview changes
 * nothing, an in-place update carries the provider's detailed diff paths into the
 * engine's preview events, a ForceNew change replaces, and destroy removes everything.
 * The steps build on each other (one stack for the suite).
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DescribeSecurityGroupsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { Stack } from "../../automation/stacks/port";
import { useEngine } from "../support/engine/harness";

const PROJECT = "engine-lifecycle";
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });

describe("engine tier: create, no-op preview, update, replace, destroy", function () {
  this.timeout(120_000);
  const engine = useEngine({ scope: "suite" });
  const settings = { sgDescription: "first", url: "jdbc:sqlserver://primary.example:1433", memorySize: 128 };
  let stack: Stack;
  let ec2: EC2Client;
  let lambda: LambdaClient;
  let iam: IAMClient;
  let outputs: Record<string, unknown> = {};

  const program = async () => {
    const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.30.0.0/16", tags: { Name: "lifecycle" } });
    const sg = new aws.ec2.SecurityGroup("sg", { vpcId: vpc.id, description: settings.sgDescription });
    const role = new aws.iam.Role("role", { assumeRolePolicy: TRUST });
    const fn = new aws.lambda.Function("fn", {
      name: "lifecycle-api",
      role: role.arn,
      runtime: "nodejs20.x",
      handler: "index.handler",
      code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => 1;\n") }),
      memorySize: settings.memorySize,
      environment: { variables: { SPRING_DATASOURCE_URL: settings.url } },
    });
    return { vpcId: vpc.id, sgId: sg.id, roleName: role.name, functionArn: fn.arn };
  };
  const values = (o: Record<string, { value: unknown }>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.value]));

  before(async function () {
    const config = { region: "us-east-1", endpoint: engine.motoEndpoint };
    ec2 = new EC2Client(config);
    lambda = new LambdaClient(config);
    iam = new IAMClient(config);
    stack = await engine.stacks({ inlinePrograms: { [PROJECT]: program } }).createOrSelect({ project: PROJECT, stack: "dev" });
    await stack.setConfig("aws:region", "us-east-1");
  });
  after(() => [ec2, lambda, iam].forEach((c) => c?.destroy()));

  it("up creates every resource in moto, and the state holds what moto answered", async () => {
    const up = await stack.up();
    expect(up.changeSummary).to.deep.equal({ create: 5 });
    outputs = values(up.outputs);
    const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [outputs.vpcId as string] }))).Vpcs![0]!;
    expect(vpc.CidrBlock).to.equal("10.30.0.0/16");
    expect(vpc.Tags).to.deep.include({ Key: "Name", Value: "lifecycle" });
    const sg = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [outputs.sgId as string] }))).SecurityGroups![0]!;
    expect(sg.Description).to.equal("first");
    // The provider revokes AWS's default allow-all egress rule, as terraform-provider-aws does.
    expect(sg.IpPermissionsEgress).to.deep.equal([]);
    expect(outputs.roleName, "auto-named <logical name>-<7 hex>").to.match(/^role-[0-9a-f]{7}$/);
    await iam.send(new GetRoleCommand({ RoleName: outputs.roleName as string }));
    const fn = (await lambda.send(new GetFunctionCommand({ FunctionName: "lifecycle-api" }))).Configuration!;
    expect(outputs.functionArn).to.equal(fn.FunctionArn);
    expect(fn.Environment?.Variables).to.deep.equal({ SPRING_DATASOURCE_URL: settings.url });

    const state = await engine.exportStack(PROJECT, "dev");
    const vpcState = state.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")!;
    expect(vpcState.id).to.equal(outputs.vpcId);
    expect(vpcState.outputs).to.include({ arn: `arn:aws:ec2:us-east-1:123456789012:vpc/${outputs.vpcId}`, dhcpOptionsId: vpc.DhcpOptionsId, ownerId: vpc.OwnerId });
    expect(vpcState.inputs).to.include({ region: "us-east-1", enableDnsSupport: true, instanceTenancy: "default" });
  });

  it("a second preview changes nothing: no perpetual diff", async () => {
    const preview = await stack.preview();
    expect(preview.changeSummary).to.deep.equal({ same: 5 });
    expect(preview.steps.filter((s) => s.op !== "same")).to.deep.equal([]);
  });

  it("an in-place update: the preview event carries the provider's detailed path, up changes moto and keeps the function", async () => {
    settings.url = "jdbc:sqlserver://restored.example:1433";
    const preview = await stack.preview();
    expect(preview.changeSummary).to.deep.equal({ same: 4, update: 1 });
    const step = preview.steps.find((s) => s.op === "update")!;
    expect(step).to.deep.include({ type: "aws:lambda/function:Function", diffs: ["environment"], detailedPaths: ["environment.variables.SPRING_DATASOURCE_URL"] });
    expect(preview.diffText).to.contain("SPRING_DATASOURCE_URL").and.contain("restored.example");

    const up = await stack.up();
    expect(up.changeSummary).to.deep.equal({ same: 4, update: 1 });
    const fn = (await lambda.send(new GetFunctionCommand({ FunctionName: "lifecycle-api" }))).Configuration!;
    expect(fn.Environment?.Variables?.SPRING_DATASOURCE_URL).to.equal(settings.url);
    expect(fn.FunctionArn).to.equal(outputs.functionArn);
  });

  it("a ForceNew change replaces: a new security group in moto, the old one deleted", async () => {
    settings.sgDescription = "second";
    const preview = await stack.preview();
    // The engine reports a replacement as three steps of one URN (MemoryStacks reports only the middle one).
    const steps = preview.steps.filter((s) => s.type === "aws:ec2/securityGroup:SecurityGroup");
    expect(steps.map((s) => s.op)).to.deep.equal(["create-replacement", "replace", "delete-replaced"]);
    expect(steps.find((s) => s.op === "replace")).to.deep.include({ diffs: ["description"], detailedPaths: ["description"] });

    const up = await stack.up();
    expect(up.changeSummary).to.deep.equal({ same: 4, replace: 1 });
    const newId = up.outputs.sgId!.value as string;
    expect(newId).not.to.equal(outputs.sgId);
    const now = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [newId] }))).SecurityGroups![0]!;
    expect(now.Description).to.equal("second");
    let gone: unknown;
    await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [outputs.sgId as string] })).catch((e) => (gone = e));
    expect((gone as Error)?.name).to.match(/NotFound/);
  });

  it("destroy removes every resource from moto and from the state", async () => {
    await stack.destroy();
    const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Name", Values: ["lifecycle"] }] }))).Vpcs ?? [];
    expect(vpcs).to.deep.equal([]);
    let missing: unknown;
    await lambda.send(new GetFunctionCommand({ FunctionName: "lifecycle-api" })).catch((e) => (missing = e));
    expect((missing as Error)?.name).to.equal("ResourceNotFoundException");
    await iam.send(new GetRoleCommand({ RoleName: outputs.roleName as string })).catch((e) => (missing = e));
    expect((missing as Error)?.name).to.equal("NoSuchEntityException");
    expect((await engine.exportStack(PROJECT, "dev")).resources).to.deep.equal([]);
  });
});
