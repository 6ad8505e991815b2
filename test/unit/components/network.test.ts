import { expect } from "chai";
import { runProgram } from "../../support/pulumi-mocks";
import { Network, validateNetworkArgs } from "../../../components/network";
import { InvalidConfigError } from "../../../components/errors";

describe("Network", () => {
  it("creates an awsx VPC with the given shape by default", async () => {
    const run = await runProgram(() => {
      const n = new Network("network", { cidrBlock: "10.30.0.0/16", availabilityZones: 3, natGateways: "one-per-az", tags: { "gametracker:environment": "dev" } });
      return { vpcId: n.vpcId, subnets: n.privateSubnetIds, sg: n.apiSecurityGroupId };
    });
    const vpc = run.one("awsx:ec2:Vpc");
    expect(vpc.custom, "a remote component").to.equal(false);
    expect(vpc.inputs).to.deep.include({ cidrBlock: "10.30.0.0/16", numberOfAvailabilityZones: 3, natGateways: { strategy: "OnePerAz" }, enableDnsHostnames: true });
    expect(vpc.inputs.tags).to.include({ "gametracker:environment": "dev" });
    expect(run.outputs.vpcId).to.equal("vpc-network-vpc");
    expect(run.outputs.subnets).to.deep.equal(["subnet-network-vpc-private-a", "subnet-network-vpc-private-b"]);
  });

  it("defaults to two zones, 10.20.0.0/16 and a single NAT gateway", async () => {
    const run = await runProgram(() => new Network("network"));
    expect(run.one("awsx:ec2:Vpc").inputs).to.deep.include({ cidrBlock: "10.20.0.0/16", numberOfAvailabilityZones: 2, natGateways: { strategy: "Single" } });
  });

  it("uses an existing VPC and its private subnets without creating one", async () => {
    const run = await runProgram(() => {
      const n = new Network("network", { vpcId: "vpc-123", privateSubnetIds: ["subnet-1", "subnet-2"] });
      return { vpcId: n.vpcId, subnets: n.privateSubnetIds };
    });
    expect(run.ofType("awsx:ec2:Vpc")).to.have.length(0);
    expect(run.outputs).to.deep.equal({ vpcId: "vpc-123", subnets: ["subnet-1", "subnet-2"] });
    expect(run.one("aws:ec2/securityGroup:SecurityGroup").inputs.vpcId).to.equal("vpc-123");
  });

  it("gives the API a security group whose only egress here is HTTPS (SQL egress is the Api's)", async () => {
    const run = await runProgram(() => new Network("network"));
    const sg = run.one("aws:ec2/securityGroup:SecurityGroup");
    expect(sg.inputs).to.not.have.any.keys("ingress", "egress");
    const egress = run.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    expect(egress.inputs).to.include({ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" });
    expect(run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).to.have.length(0);
  });

  it("refuses inconsistent arguments with a sentence naming the keys", () => {
    const cases: Array<[Parameters<typeof validateNetworkArgs>[0], string]> = [
      [{ vpcId: "vpc-1", privateSubnetIds: ["subnet-1"] }, "at least two private subnets"],
      [{ vpcId: "vpc-1" }, "at least two private subnets"],
      [{ privateSubnetIds: ["a", "b"] }, "NetworkArgs.vpcId is not"],
      [{ vpcId: "vpc-1", privateSubnetIds: ["a", "b"], cidrBlock: "10.0.0.0/16" }, "only shape a VPC this program creates"],
      [{ cidrBlock: "10.0.0.0/8" }, "/16 to /24"],
      [{ cidrBlock: "300.0.0.0/16" }, "IPv4 CIDR"],
      [{ availabilityZones: 1 }, "from 2 to 6"],
      [{ natGateways: "many" as never }, "single, one-per-az, none"],
    ];
    for (const [args, expected] of cases) {
      expect(() => validateNetworkArgs(args), JSON.stringify(args)).to.throw(InvalidConfigError, expected);
    }
  });
});
