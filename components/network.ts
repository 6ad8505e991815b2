/**
 * Where the environment lives: a new awsx VPC (public + private subnets, NAT) or an
 * existing VPC and its private subnets, plus the API's security group. The API's group
 * is made here, before the database and the Lambda, because the database admits it and
 * the Lambda runs in it: owning it here keeps the component graph free of cycles.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { InvalidConfigError } from "./errors";
import { TagKeys } from "../contracts/tags";

export const NAT_STRATEGIES = ["single", "one-per-az", "none"] as const;
export type NatStrategy = (typeof NAT_STRATEGIES)[number];
export const DEFAULT_CIDR_BLOCK = "10.20.0.0/16";
export const DEFAULT_AVAILABILITY_ZONES = 2;

const AWSX_NAT: Record<NatStrategy, awsx.types.enums.ec2.NatGatewayStrategy> = {
  single: awsx.types.enums.ec2.NatGatewayStrategy.Single,
  "one-per-az": awsx.types.enums.ec2.NatGatewayStrategy.OnePerAz,
  none: awsx.types.enums.ec2.NatGatewayStrategy.None,
};

export interface NetworkArgs {
  /** An existing VPC; unset creates one with awsx. */
  readonly vpcId?: string;
  /** Private subnets of the existing VPC, at least two (RDS needs two AZs). */
  readonly privateSubnetIds?: string[];
  /** CIDR of a new VPC. Default 10.20.0.0/16. */
  readonly cidrBlock?: string;
  /** Availability zones of a new VPC, 2–6. Default 2. */
  readonly availabilityZones?: number;
  /** NAT gateways of a new VPC (the Lambda reaches Secrets Manager and S3 through them). Default `single`. */
  readonly natGateways?: NatStrategy;
  readonly tags?: Record<string, string>;
}

/** Validates the mutually dependent network arguments; `key` maps an argument to its config key for messages. */
export function validateNetworkArgs(args: NetworkArgs, key: (arg: string) => string = (a) => `NetworkArgs.${a}`): void {
  const existing = args.vpcId !== undefined;
  const subnets = args.privateSubnetIds ?? [];
  if (existing && subnets.length < 2) {
    throw new InvalidConfigError(key("privateSubnetIds"), `${key("privateSubnetIds")} has ${subnets.length} subnet(s), but with ${key("vpcId")} set it must list at least two private subnets in different availability zones, as an RDS subnet group requires.`);
  }
  if (!existing && subnets.length > 0) {
    throw new InvalidConfigError(key("privateSubnetIds"), `${key("privateSubnetIds")} is set, but ${key("vpcId")} is not; give the VPC those subnets belong to, or leave both unset to create a VPC.`);
  }
  if (existing && (args.cidrBlock !== undefined || args.availabilityZones !== undefined || args.natGateways !== undefined)) {
    throw new InvalidConfigError(key("vpcId"), `${key("vpcId")} is set together with ${key("cidrBlock")}/${key("availabilityZones")}/${key("natGateways")}, but those only shape a VPC this program creates; drop them or drop ${key("vpcId")}.`);
  }
  if (args.cidrBlock !== undefined && !isCidr(args.cidrBlock, 16, 24)) {
    throw new InvalidConfigError(key("cidrBlock"), `${key("cidrBlock")} is "${args.cidrBlock}", but it must be an IPv4 CIDR block with a prefix from /16 to /24, e.g. 10.20.0.0/16.`);
  }
  const azs = args.availabilityZones;
  if (azs !== undefined && (!Number.isInteger(azs) || azs < 2 || azs > 6)) {
    throw new InvalidConfigError(key("availabilityZones"), `${key("availabilityZones")} is ${azs}, but it must be a whole number from 2 to 6 (RDS needs subnets in two zones).`);
  }
  if (args.natGateways !== undefined && !NAT_STRATEGIES.includes(args.natGateways)) {
    throw new InvalidConfigError(key("natGateways"), `${key("natGateways")} is "${args.natGateways}", but it must be one of ${NAT_STRATEGIES.join(", ")}.`);
  }
}

function isCidr(text: string, minPrefix: number, maxPrefix: number): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  return octets.every((o) => o <= 255) && prefix >= minPrefix && prefix <= maxPrefix;
}

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** The API Lambda's security group: HTTPS out to AWS APIs; SQL Server egress is added by the Api component. */
  readonly apiSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    validateNetworkArgs(args);
    super("gametracker:network:Network", name, {}, opts);
    const tags = { ...args.tags, [TagKeys.component]: "network" };

    if (args.vpcId !== undefined) {
      this.vpcId = pulumi.output(args.vpcId);
      this.privateSubnetIds = pulumi.output(args.privateSubnetIds ?? []);
    } else {
      const vpc = new awsx.ec2.Vpc(
        `${name}-vpc`,
        {
          cidrBlock: args.cidrBlock ?? DEFAULT_CIDR_BLOCK,
          numberOfAvailabilityZones: args.availabilityZones ?? DEFAULT_AVAILABILITY_ZONES,
          natGateways: { strategy: AWSX_NAT[args.natGateways ?? "single"] },
          enableDnsHostnames: true,
          enableDnsSupport: true,
          tags,
        },
        { parent: this },
      );
      this.vpcId = vpc.vpcId;
      this.privateSubnetIds = vpc.privateSubnetIds;
    }

    const apiSg = new aws.ec2.SecurityGroup(
      `${name}-api-sg`,
      // No inline rules: rules are separate resources, and an empty inline set would fight them.
      { description: "GameTracker API Lambda", vpcId: this.vpcId, tags: { ...tags, [TagKeys.role]: "api" } },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-api-https-out`,
      { securityGroupId: apiSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "AWS APIs (Secrets Manager, S3) over HTTPS", tags },
      { parent: this },
    );
    this.apiSecurityGroupId = apiSg.id;
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, apiSecurityGroupId: this.apiSecurityGroupId });
  }
}
