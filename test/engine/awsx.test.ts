/**
 * The awsx Vpc as the engine runs it: a remote component constructed by the stand-in
 * awsx plugin, whose children the engine hands to the stand-in aws plugin — subnets,
 * route tables and routes, internet gateway, EIP and NAT gateway land in moto with
 * awsx 3.x's layout and URNs, a second preview changes nothing, destroy removes them.
 */
import { expect } from "chai";
import * as awsx from "@pulumi/awsx";
import { DescribeInternetGatewaysCommand, DescribeNatGatewaysCommand, DescribeRouteTablesCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { useEngine } from "../support/engine/harness";

const PROJECT = "engine-awsx";

describe("engine tier: awsx:ec2:Vpc through the stand-in awsx and aws plugins", function () {
  this.timeout(180_000);
  const engine = useEngine({ scope: "suite" });
  let ec2: EC2Client;
  before(() => {
    ec2 = new EC2Client({ region: "us-east-1", endpoint: engine.motoEndpoint });
  });
  after(() => ec2?.destroy());

  const program = async () => {
    const vpc = new awsx.ec2.Vpc("vpc", {
      cidrBlock: "10.40.0.0/16",
      numberOfAvailabilityZones: 2,
      natGateways: { strategy: awsx.types.enums.ec2.NatGatewayStrategy.Single },
      enableDnsHostnames: true,
      tags: { team: "engine" },
    });
    return { vpcId: vpc.vpcId, privateSubnetIds: vpc.privateSubnetIds, publicSubnetIds: vpc.publicSubnetIds };
  };
  let outputs: Record<string, any>;
  let stack: Awaited<ReturnType<ReturnType<typeof engine.stacks>["createOrSelect"]>>;

  it("creates the VPC, a private and a public subnet per zone with awsx's CIDRs, one NAT gateway and the default routes", async () => {
    stack = await engine.stacks({ inlinePrograms: { [PROJECT]: program } }).createOrSelect({ project: PROJECT, stack: "dev" });
    await stack.setConfig("aws:region", "us-east-1");
    const up = await stack.up();
    outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
    const vpcId = outputs.vpcId as string;

    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).Subnets!;
    const byName = Object.fromEntries(subnets.map((s) => [s.Tags!.find((t) => t.Key === "Name")!.Value!, s]));
    expect(Object.fromEntries(Object.entries(byName).map(([n, s]) => [n, `${s.AvailabilityZone} ${s.CidrBlock} ${s.MapPublicIpOnLaunch}`]))).to.deep.equal({
      "vpc-private-1": "us-east-1a 10.40.0.0/18 false",
      "vpc-private-2": "us-east-1b 10.40.128.0/18 false",
      "vpc-public-1": "us-east-1a 10.40.64.0/19 true",
      "vpc-public-2": "us-east-1b 10.40.192.0/19 true",
    });
    expect(outputs.privateSubnetIds).to.deep.equal([byName["vpc-private-1"]!.SubnetId, byName["vpc-private-2"]!.SubnetId]);
    expect(outputs.publicSubnetIds).to.deep.equal([byName["vpc-public-1"]!.SubnetId, byName["vpc-public-2"]!.SubnetId]);

    const igw = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: "attachment.vpc-id", Values: [vpcId] }] }))).InternetGateways!;
    expect(igw).to.have.length(1);
    const nats = (await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: "vpc-id", Values: [vpcId] }] }))).NatGateways!.filter((n) => n.State !== "deleted");
    expect(nats.map((n) => n.SubnetId)).to.deep.equal([byName["vpc-public-1"]!.SubnetId]);
    const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).RouteTables!;
    const defaultRoute = (subnetId: string) => tables.find((t) => t.Associations?.some((a) => a.SubnetId === subnetId))?.Routes?.find((r) => r.DestinationCidrBlock === "0.0.0.0/0");
    expect(defaultRoute(byName["vpc-public-2"]!.SubnetId!)?.GatewayId).to.equal(igw[0]!.InternetGatewayId);
    expect(defaultRoute(byName["vpc-private-2"]!.SubnetId!)?.NatGatewayId, "Single: every zone through the first NAT").to.equal(nats[0]!.NatGatewayId);
    const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!;
    expect(vpc.Tags).to.deep.include.members([{ Key: "Name", Value: "vpc" }, { Key: "team", Value: "engine" }]);

    // awsx's parent chain: the component, then the VPC, then each subnet, then its route table.
    const urns = (await engine.exportStack(PROJECT, "dev")).resources.map((r) => r.urn);
    expect(urns).to.include("urn:pulumi:dev::engine-awsx::awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable$aws:ec2/route:Route::vpc-private-1");
    expect(urns).to.include("urn:pulumi:dev::engine-awsx::awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/natGateway:NatGateway::vpc-1");
  });

  it("a second preview changes nothing", async () => {
    const preview = await stack.preview();
    expect(preview.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`)).to.deep.equal([]);
  });

  it("destroy removes the whole network from moto", async () => {
    await stack.destroy();
    expect((await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:team", Values: ["engine"] }] }))).Vpcs).to.deep.equal([]);
    const nats = (await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways!.filter((n) => n.State !== "deleted");
    expect(nats).to.deep.equal([]);
  });
});
