/**
 * TEST DOUBLE: EC2/VPC resource types (what awsx's Vpc makes, security groups and the
 * per-rule resources), each doing what its terraform-provider-aws resource does against
 * the EC2 API (internal/service/ec2/vpc_*.go, ec2_eip.go), read back from moto.
 */
import * as zlib from "node:zlib";
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteNatGatewayCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteTagsCommand,
  DeleteVpcCommand,
  DescribeAddressesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  EC2Client,
  IpPermission,
  ModifySecurityGroupRulesCommand,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  ModifyVpcTenancyCommand,
  ReleaseAddressCommand,
  ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand,
  ResourceType,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  Route,
  Tag,
} from "@aws-sdk/client-ec2";
import type { Props } from "../../protocol/wire";
import { gone, readOrGone } from "../clients";
import { ResourceContext, ResourceHandler, defined, tagList, tagMap, waitFor } from "./types";

function tagSpec(resourceType: ResourceType, tags: unknown) {
  const list = tagList(tags);
  return list.length === 0 ? undefined : [{ ResourceType: resourceType, Tags: list }];
}

async function updateTags(ec2: EC2Client, id: string, olds: Props, news: Props): Promise<void> {
  const before = (olds.tags ?? {}) as Record<string, string>;
  const after = (news.tags ?? {}) as Record<string, string>;
  const removed = Object.keys(before).filter((k) => !(k in after));
  if (removed.length > 0) await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: removed.map((Key) => ({ Key })) }));
  const set = tagList(after).filter((t) => before[t.Key] !== t.Value);
  if (set.length > 0) await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: set }));
}

function withTags(state: Props, tags: Tag[] | undefined): Props {
  const map = tagMap(tags);
  return { ...state, tags: map, tagsAll: map };
}

const arn = (ctx: ResourceContext, owner: string | undefined, resource: string) => `arn:aws:ec2:${ctx.region}:${owner ?? ""}:${resource}`;

// ---------------------------------------------------------------------------------------

export const vpc: ResourceHandler = {
  async create(ctx, inputs) {
    const { ec2 } = ctx.clients;
    const out = await ec2.send(
      new CreateVpcCommand(
        defined({
          CidrBlock: inputs.cidrBlock as string,
          InstanceTenancy: inputs.instanceTenancy as never,
          Ipv4IpamPoolId: inputs.ipv4IpamPoolId as string,
          Ipv4NetmaskLength: inputs.ipv4NetmaskLength as number,
          AmazonProvidedIpv6CidrBlock: inputs.assignGeneratedIpv6CidrBlock as boolean,
          TagSpecifications: tagSpec("vpc", inputs.tags),
        }),
      ),
    );
    const id = out.Vpc!.VpcId!;
    await waitFor(`VPC ${id} available`, async () => ((await describeVpc(ec2, id))?.State === "available" ? true : undefined));
    // vpc_.go create: DNS hostnames only when asked, DNS support only when turned off (AWS's default is on).
    if (inputs.enableDnsHostnames === true) await ec2.send(new ModifyVpcAttributeCommand({ VpcId: id, EnableDnsHostnames: { Value: true } }));
    if (inputs.enableDnsSupport === false) await ec2.send(new ModifyVpcAttributeCommand({ VpcId: id, EnableDnsSupport: { Value: false } }));
    return (await this.read(ctx, id, inputs))!;
  },
  async read(ctx, id, state) {
    const { ec2 } = ctx.clients;
    const v = await readOrGone(() => describeVpc(ec2, id));
    if (v === undefined) return undefined;
    const attr = async (Attribute: "enableDnsHostnames" | "enableDnsSupport" | "enableNetworkAddressUsageMetrics") => {
      try {
        const a = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: id, Attribute }));
        return (a.EnableDnsHostnames ?? a.EnableDnsSupport ?? a.EnableNetworkAddressUsageMetrics)?.Value ?? false;
      } catch {
        return undefined;
      }
    };
    const main = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [id] }, { Name: "association.main", Values: ["true"] }] }));
    const sg = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [id] }, { Name: "group-name", Values: ["default"] }] }));
    const acl = await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [id] }, { Name: "default", Values: ["true"] }] }));
    const ipv6 = v.Ipv6CidrBlockAssociationSet?.[0];
    const mainRouteTableId = main.RouteTables?.[0]?.RouteTableId;
    return {
      id,
      state: withTags(
        {
          ...state,
          arn: arn(ctx, v.OwnerId, `vpc/${id}`),
          cidrBlock: v.CidrBlock,
          instanceTenancy: v.InstanceTenancy,
          dhcpOptionsId: v.DhcpOptionsId,
          ownerId: v.OwnerId,
          enableDnsHostnames: await attr("enableDnsHostnames"),
          enableDnsSupport: await attr("enableDnsSupport"),
          enableNetworkAddressUsageMetrics: (await attr("enableNetworkAddressUsageMetrics")) ?? false,
          mainRouteTableId,
          defaultRouteTableId: mainRouteTableId,
          defaultSecurityGroupId: sg.SecurityGroups?.[0]?.GroupId,
          defaultNetworkAclId: acl.NetworkAcls?.[0]?.NetworkAclId,
          ipv6AssociationId: ipv6?.AssociationId ?? "",
          ipv6CidrBlock: ipv6?.Ipv6CidrBlock ?? "",
          region: ctx.region,
        },
        v.Tags,
      ),
    };
  },
  async update(ctx, id, olds, news, changed) {
    const { ec2 } = ctx.clients;
    if (changed.has("enableDnsHostnames")) await ec2.send(new ModifyVpcAttributeCommand({ VpcId: id, EnableDnsHostnames: { Value: news.enableDnsHostnames === true } }));
    if (changed.has("enableDnsSupport")) await ec2.send(new ModifyVpcAttributeCommand({ VpcId: id, EnableDnsSupport: { Value: news.enableDnsSupport !== false } }));
    if (changed.has("instanceTenancy")) await ec2.send(new ModifyVpcTenancyCommand({ VpcId: id, InstanceTenancy: news.instanceTenancy as never }));
    if (changed.has("tags")) await updateTags(ec2, id, olds, news);
    return (await this.read(ctx, id, news))!.state;
  },
  async delete(ctx, id) {
    await gone(() => ctx.clients.ec2.send(new DeleteVpcCommand({ VpcId: id })));
  },
};

async function describeVpc(ec2: EC2Client, id: string) {
  return (await ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs?.[0];
}

// ---------------------------------------------------------------------------------------

export const subnet: ResourceHandler = {
  async create(ctx, inputs) {
    const { ec2 } = ctx.clients;
    const out = await ec2.send(
      new CreateSubnetCommand(
        defined({
          VpcId: inputs.vpcId as string,
          CidrBlock: inputs.cidrBlock as string,
          AvailabilityZone: inputs.availabilityZone as string,
          AvailabilityZoneId: inputs.availabilityZoneId as string,
          Ipv6CidrBlock: inputs.ipv6CidrBlock as string,
          Ipv6Native: inputs.ipv6Native === true ? true : undefined,
          OutpostArn: inputs.outpostArn as string,
          TagSpecifications: tagSpec("subnet", inputs.tags),
        }),
      ),
    );
    const id = out.Subnet!.SubnetId!;
    // vpc_subnet.go create: each attribute that differs from AWS's default is a ModifySubnetAttribute.
    if (inputs.mapPublicIpOnLaunch === true) await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, MapPublicIpOnLaunch: { Value: true } }));
    if (inputs.assignIpv6AddressOnCreation === true) await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, AssignIpv6AddressOnCreation: { Value: true } }));
    if (inputs.enableDns64 === true) await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, EnableDns64: { Value: true } }));
    return (await this.read(ctx, id, inputs))!;
  },
  async read(ctx, id, state) {
    const s = await readOrGone(async () => (await ctx.clients.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets?.[0]);
    if (s === undefined) return undefined;
    const dns = s.PrivateDnsNameOptionsOnLaunch;
    return {
      id,
      state: withTags(
        {
          ...state,
          arn: s.SubnetArn ?? arn(ctx, s.OwnerId, `subnet/${id}`),
          vpcId: s.VpcId,
          cidrBlock: s.CidrBlock,
          availabilityZone: s.AvailabilityZone,
          availabilityZoneId: s.AvailabilityZoneId,
          mapPublicIpOnLaunch: s.MapPublicIpOnLaunch ?? false,
          assignIpv6AddressOnCreation: s.AssignIpv6AddressOnCreation ?? false,
          enableDns64: s.EnableDns64 ?? false,
          ipv6Native: s.Ipv6Native ?? false,
          enableResourceNameDnsARecordOnLaunch: dns?.EnableResourceNameDnsARecord ?? false,
          enableResourceNameDnsAaaaRecordOnLaunch: dns?.EnableResourceNameDnsAAAARecord ?? false,
          privateDnsHostnameTypeOnLaunch: dns?.HostnameType ?? "ip-name",
          ownerId: s.OwnerId,
          ipv6CidrBlockAssociationId: s.Ipv6CidrBlockAssociationSet?.[0]?.AssociationId ?? "",
          region: ctx.region,
        },
        s.Tags,
      ),
    };
  },
  async update(ctx, id, olds, news, changed) {
    const { ec2 } = ctx.clients;
    if (changed.has("mapPublicIpOnLaunch")) await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, MapPublicIpOnLaunch: { Value: news.mapPublicIpOnLaunch === true } }));
    if (changed.has("assignIpv6AddressOnCreation")) await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, AssignIpv6AddressOnCreation: { Value: news.assignIpv6AddressOnCreation === true } }));
    if (changed.has("enableDns64")) await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, EnableDns64: { Value: news.enableDns64 === true } }));
    if (changed.has("tags")) await updateTags(ec2, id, olds, news);
    return (await this.read(ctx, id, news))!.state;
  },
  async delete(ctx, id) {
    await gone(() => ctx.clients.ec2.send(new DeleteSubnetCommand({ SubnetId: id })));
  },
};

// ---------------------------------------------------------------------------------------

function flattenRoutes(routes: Route[] | undefined): Props[] {
  // vpc_route_table.go flattens every route except the VPC's implicit local route.
  return (routes ?? [])
    .filter((r) => r.GatewayId !== "local" && r.Origin !== "CreateRouteTable")
    .map((r) => defined({ cidrBlock: r.DestinationCidrBlock, ipv6CidrBlock: r.DestinationIpv6CidrBlock, gatewayId: r.GatewayId, natGatewayId: r.NatGatewayId, networkInterfaceId: r.NetworkInterfaceId }) as Props);
}

export const routeTable: ResourceHandler = {
  async create(ctx, inputs) {
    const out = await ctx.clients.ec2.send(new CreateRouteTableCommand(defined({ VpcId: inputs.vpcId as string, TagSpecifications: tagSpec("route-table", inputs.tags) })));
    return (await this.read(ctx, out.RouteTable!.RouteTableId!, inputs))!;
  },
  async read(ctx, id, state) {
    const t = await readOrGone(async () => (await ctx.clients.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }))).RouteTables?.[0]);
    if (t === undefined) return undefined;
    return {
      id,
      state: withTags(
        {
          ...state,
          arn: arn(ctx, t.OwnerId, `route-table/${id}`),
          vpcId: t.VpcId,
          ownerId: t.OwnerId,
          routes: flattenRoutes(t.Routes),
          propagatingVgws: (t.PropagatingVgws ?? []).map((v) => v.GatewayId),
          region: ctx.region,
        },
        t.Tags,
      ),
    };
  },
  async update(ctx, id, olds, news, changed) {
    if (changed.has("tags")) await updateTags(ctx.clients.ec2, id, olds, news);
    return (await this.read(ctx, id, news))!.state;
  },
  async delete(ctx, id) {
    await gone(() => ctx.clients.ec2.send(new DeleteRouteTableCommand({ RouteTableId: id })));
  },
};

export const routeTableAssociation: ResourceHandler = {
  async create(ctx, inputs) {
    const out = await ctx.clients.ec2.send(new AssociateRouteTableCommand(defined({ RouteTableId: inputs.routeTableId as string, SubnetId: inputs.subnetId as string, GatewayId: inputs.gatewayId as string })));
    return (await this.read(ctx, out.AssociationId!, inputs))!;
  },
  async read(ctx, id, state) {
    const tables = await readOrGone(async () => (await ctx.clients.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "association.route-table-association-id", Values: [id] }] }))).RouteTables);
    const assoc = tables?.flatMap((t) => t.Associations ?? []).find((a) => a.RouteTableAssociationId === id);
    if (assoc === undefined) return undefined;
    return { id, state: { ...state, routeTableId: assoc.RouteTableId, subnetId: assoc.SubnetId, gatewayId: assoc.GatewayId, region: ctx.region } };
  },
  async update(ctx, id, _olds, news) {
    // TF takes the new association id; the engine keeps the resource's id, so read by the new one.
    const out = await ctx.clients.ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: id, RouteTableId: news.routeTableId as string }));
    return (await this.read(ctx, out.NewAssociationId ?? id, news))!.state;
  },
  async delete(ctx, id) {
    await gone(() => ctx.clients.ec2.send(new DisassociateRouteTableCommand({ AssociationId: id })));
  },
};

const ROUTE_TARGETS = {
  gatewayId: "GatewayId",
  natGatewayId: "NatGatewayId",
  carrierGatewayId: "CarrierGatewayId",
  coreNetworkArn: "CoreNetworkArn",
  egressOnlyGatewayId: "EgressOnlyInternetGatewayId",
  localGatewayId: "LocalGatewayId",
  networkInterfaceId: "NetworkInterfaceId",
  transitGatewayId: "TransitGatewayId",
  vpcEndpointId: "VpcEndpointId",
  vpcPeeringConnectionId: "VpcPeeringConnectionId",
} as const;

function routeDestination(inputs: Props) {
  return defined({
    DestinationCidrBlock: inputs.destinationCidrBlock as string,
    DestinationIpv6CidrBlock: inputs.destinationIpv6CidrBlock as string,
    DestinationPrefixListId: inputs.destinationPrefixListId as string,
  });
}

function routeTargets(inputs: Props) {
  return defined(Object.fromEntries(Object.entries(ROUTE_TARGETS).map(([k, api]) => [api, inputs[k] as string])));
}

/** vpc_route.go: `r-<route table id><hashcode(destination)>`, hashcode = CRC-32 (create.StringHashcode). */
export function routeId(routeTableId: string, destination: string): string {
  return `r-${routeTableId}${zlib.crc32(destination) >>> 0}`;
}

export const route: ResourceHandler = {
  async create(ctx, inputs) {
    const destination = routeDestination(inputs);
    await ctx.clients.ec2.send(new CreateRouteCommand({ RouteTableId: inputs.routeTableId as string, ...destination, ...routeTargets(inputs) }));
    const id = routeId(inputs.routeTableId as string, Object.values(destination)[0] as string);
    return (await this.read(ctx, id, inputs))!;
  },
  async read(ctx, id, state) {
    const t = await readOrGone(async () => (await ctx.clients.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [state.routeTableId as string] }))).RouteTables?.[0]);
    const r = t?.Routes?.find(
      (x) =>
        (state.destinationCidrBlock && x.DestinationCidrBlock === state.destinationCidrBlock) ||
        (state.destinationIpv6CidrBlock && x.DestinationIpv6CidrBlock === state.destinationIpv6CidrBlock) ||
        (state.destinationPrefixListId && x.DestinationPrefixListId === state.destinationPrefixListId),
    );
    if (r === undefined) return undefined;
    const targets = Object.fromEntries(Object.entries(ROUTE_TARGETS).map(([k, api]) => [k, (r as Record<string, unknown>)[api] ?? ""]));
    return { id, state: { ...state, ...targets, origin: r.Origin, state: r.State, instanceId: r.InstanceId ?? "", instanceOwnerId: r.InstanceOwnerId ?? "", region: ctx.region } };
  },
  async update(ctx, id, _olds, news) {
    await ctx.clients.ec2.send(new ReplaceRouteCommand({ RouteTableId: news.routeTableId as string, ...routeDestination(news), ...routeTargets(news) }));
    return (await this.read(ctx, id, news))!.state;
  },
  async delete(ctx, _id, state) {
    await gone(() => ctx.clients.ec2.send(new DeleteRouteCommand({ RouteTableId: state.routeTableId as string, ...routeDestination(state) })));
  },
};

// ---------------------------------------------------------------------------------------

export const internetGateway: ResourceHandler = {
  async create(ctx, inputs) {
    const { ec2 } = ctx.clients;
    const out = await ec2.send(new CreateInternetGatewayCommand(defined({ TagSpecifications: tagSpec("internet-gateway", inputs.tags) })));
    const id = out.InternetGateway!.InternetGatewayId!;
    if (inputs.vpcId) await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: inputs.vpcId as string }));
    return (await this.read(ctx, id, inputs))!;
  },
  async read(ctx, id, state) {
    const g = await readOrGone(async () => (await ctx.clients.ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] }))).InternetGateways?.[0]);
    if (g === undefined) return undefined;
    return {
      id,
      state: withTags({ ...state, arn: arn(ctx, g.OwnerId, `internet-gateway/${id}`), ownerId: g.OwnerId, vpcId: g.Attachments?.[0]?.VpcId ?? "", region: ctx.region }, g.Tags),
    };
  },
  async update(ctx, id, olds, news, changed) {
    const { ec2 } = ctx.clients;
    if (changed.has("vpcId")) {
      if (olds.vpcId) await gone(() => ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: olds.vpcId as string })));
      if (news.vpcId) await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: news.vpcId as string }));
    }
    if (changed.has("tags")) await updateTags(ec2, id, olds, news);
    return (await this.read(ctx, id, news))!.state;
  },
  async delete(ctx, id, state) {
    const { ec2 } = ctx.clients;
    if (state.vpcId) await gone(() => ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: state.vpcId as string })));
    await gone(() => ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id })));
  },
};

/** ec2_eip.go reads public_dns/private_dns as EC2's DNS name for the address. */
function ec2DnsName(region: string, ip: string | undefined, kind: "public" | "private"): string {
  if (!ip) return "";
  const dashed = `ip-${ip.replace(/\./g, "-")}`;
  if (kind === "private") return region === "us-east-1" ? `${dashed}.ec2.internal` : `${dashed}.${region}.compute.internal`;
  const host = `ec2-${ip.replace(/\./g, "-")}`;
  return region === "us-east-1" ? `${host}.compute-1.amazonaws.com` : `${host}.${region}.compute.amazonaws.com`;
}

export const eip: ResourceHandler = {
  async create(ctx, inputs) {
    const out = await ctx.clients.ec2.send(
      new AllocateAddressCommand(
        defined({
          Domain: inputs.domain as never,
          Address: inputs.address as string,
          PublicIpv4Pool: inputs.publicIpv4Pool as string,
          NetworkBorderGroup: inputs.networkBorderGroup as string,
          CustomerOwnedIpv4Pool: inputs.customerOwnedIpv4Pool as string,
          IpamPoolId: inputs.ipamPoolId as string,
          TagSpecifications: tagSpec("elastic-ip", inputs.tags),
        }),
      ),
    );
    return (await this.read(ctx, out.AllocationId!, inputs))!;
  },
  async read(ctx, id, state) {
    const a = await readOrGone(async () => (await ctx.clients.ec2.send(new DescribeAddressesCommand({ AllocationIds: [id] }))).Addresses?.[0]);
    if (a === undefined) return undefined;
    return {
      id,
      state: withTags(
        {
          ...state,
          allocationId: a.AllocationId,
          associationId: a.AssociationId ?? "",
          arn: arn(ctx, await ctx.accountId(), `elastic-ip/${id}`),
          domain: a.Domain,
          publicIp: a.PublicIp,
          privateIp: a.PrivateIpAddress ?? "",
          publicDns: ec2DnsName(ctx.region, a.PublicIp, "public"),
          privateDns: ec2DnsName(ctx.region, a.PrivateIpAddress, "private"),
          instance: a.InstanceId ?? "",
          networkInterface: a.NetworkInterfaceId ?? "",
          networkBorderGroup: a.NetworkBorderGroup ?? ctx.region,
          publicIpv4Pool: a.PublicIpv4Pool ?? "amazon",
          customerOwnedIp: a.CustomerOwnedIp ?? "",
          carrierIp: a.CarrierIp ?? "",
          ptrRecord: "",
          region: ctx.region,
        },
        a.Tags,
      ),
    };
  },
  async update(ctx, id, olds, news, changed) {
    if (changed.has("tags")) await updateTags(ctx.clients.ec2, id, olds, news);
    return (await this.read(ctx, id, news))!.state;
  },
  async delete(ctx, id) {
    await gone(() => ctx.clients.ec2.send(new ReleaseAddressCommand({ AllocationId: id })));
  },
};

export const natGateway: ResourceHandler = {
  async create(ctx, inputs) {
    const { ec2 } = ctx.clients;
    const out = await ec2.send(
      new CreateNatGatewayCommand(
        defined({
          SubnetId: inputs.subnetId as string,
          AllocationId: inputs.allocationId as string,
          ConnectivityType: inputs.connectivityType as never,
          PrivateIpAddress: inputs.privateIp as string,
          SecondaryAllocationIds: inputs.secondaryAllocationIds as string[],
          TagSpecifications: tagSpec("natgateway", inputs.tags),
        }),
      ),
    );
    const id = out.NatGateway!.NatGatewayId!;
    await waitFor(`NAT gateway ${id} available`, async () => ((await describeNat(ec2, id))?.State === "available" ? true : undefined));
    return (await this.read(ctx, id, inputs))!;
  },
  async read(ctx, id, state) {
    const n = await readOrGone(() => describeNat(ctx.clients.ec2, id));
    if (n === undefined || n.State === "deleted") return undefined;
    const primary = n.NatGatewayAddresses?.find((a) => a.IsPrimary !== false) ?? n.NatGatewayAddresses?.[0];
    return {
      id,
      state: withTags(
        {
          ...state,
          allocationId: primary?.AllocationId ?? state.allocationId,
          associationId: primary?.AssociationId ?? "",
          connectivityType: n.ConnectivityType ?? "public",
          networkInterfaceId: primary?.NetworkInterfaceId ?? "",
          privateIp: primary?.PrivateIp ?? "",
          publicIp: primary?.PublicIp ?? "",
          subnetId: n.SubnetId,
          region: ctx.region,
        },
        n.Tags,
      ),
    };
  },
  async update(ctx, id, olds, news, changed) {
    if (changed.has("tags")) await updateTags(ctx.clients.ec2, id, olds, news);
    return (await this.read(ctx, id, news))!.state;
  },
  async delete(ctx, id) {
    const { ec2 } = ctx.clients;
    await gone(() => ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id })));
    await waitFor(`NAT gateway ${id} deleted`, async () => {
      const n = await readOrGone(() => describeNat(ec2, id));
      return n === undefined || n.State === "deleted" ? true : undefined;
    });
  },
};

async function describeNat(ec2: EC2Client, id: string) {
  return (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] }))).NatGateways?.[0];
}

// ---------------------------------------------------------------------------------------

function flattenPermissions(perms: IpPermission[] | undefined): Props[] {
  return (perms ?? []).map((p) =>
    defined({
      protocol: p.IpProtocol,
      fromPort: p.FromPort ?? 0,
      toPort: p.ToPort ?? 0,
      cidrBlocks: (p.IpRanges ?? []).map((r) => r.CidrIp),
      ipv6CidrBlocks: (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
      prefixListIds: (p.PrefixListIds ?? []).map((r) => r.PrefixListId),
      securityGroups: (p.UserIdGroupPairs ?? []).map((g) => g.GroupId),
    }) as Props,
  );
}

export const securityGroup: ResourceHandler = {
  async create(ctx, inputs) {
    const { ec2 } = ctx.clients;
    const out = await ec2.send(
      new CreateSecurityGroupCommand(
        defined({ GroupName: inputs.name as string, Description: inputs.description as string, VpcId: inputs.vpcId as string, TagSpecifications: tagSpec("security-group", inputs.tags) }),
      ),
    );
    const id = out.GroupId!;
    // vpc_security_group.go create: "AWS defaults all Security Groups to have an ALLOW ALL egress rule.
    // Here we revoke that rule, so users don't unknowingly have/use it."
    if (inputs.vpcId) {
      await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "-1", FromPort: 0, ToPort: 0, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }));
    }
    return (await this.read(ctx, id, inputs))!;
  },
  async read(ctx, id, state) {
    const g = await readOrGone(async () => (await ctx.clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.[0]);
    if (g === undefined) return undefined;
    return {
      id,
      state: withTags(
        {
          ...state,
          arn: arn(ctx, g.OwnerId, `security-group/${id}`),
          name: g.GroupName,
          namePrefix: "",
          description: g.Description,
          vpcId: g.VpcId ?? "",
          ownerId: g.OwnerId,
          ingress: flattenPermissions(g.IpPermissions),
          egress: flattenPermissions(g.IpPermissionsEgress),
          region: ctx.region,
        },
        g.Tags,
      ),
    };
  },
  async update(ctx, id, olds, news, changed) {
    if (changed.has("tags")) await updateTags(ctx.clients.ec2, id, olds, news);
    return (await this.read(ctx, id, news))!.state;
  },
  async delete(ctx, id) {
    await gone(() => ctx.clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: id })));
  },
};

function rulePermission(inputs: Props): IpPermission {
  const all = inputs.ipProtocol === "-1" || inputs.ipProtocol === "all";
  const description = inputs.description as string | undefined;
  return defined({
    IpProtocol: inputs.ipProtocol as string,
    FromPort: all ? undefined : (inputs.fromPort as number),
    ToPort: all ? undefined : (inputs.toPort as number),
    IpRanges: inputs.cidrIpv4 ? [defined({ CidrIp: inputs.cidrIpv4 as string, Description: description })] : undefined,
    Ipv6Ranges: inputs.cidrIpv6 ? [defined({ CidrIpv6: inputs.cidrIpv6 as string, Description: description })] : undefined,
    PrefixListIds: inputs.prefixListId ? [defined({ PrefixListId: inputs.prefixListId as string, Description: description })] : undefined,
    UserIdGroupPairs: inputs.referencedSecurityGroupId ? [defined({ GroupId: inputs.referencedSecurityGroupId as string, Description: description })] : undefined,
  }) as IpPermission;
}

/** aws_vpc_security_group_{ingress,egress}_rule: one rule, addressed by its security group rule id. */
function securityGroupRule(direction: "ingress" | "egress"): ResourceHandler {
  return {
    async create(ctx, inputs) {
      const request = { GroupId: inputs.securityGroupId as string, IpPermissions: [rulePermission(inputs)], TagSpecifications: tagSpec("security-group-rule", inputs.tags) };
      const out = direction === "ingress" ? await ctx.clients.ec2.send(new AuthorizeSecurityGroupIngressCommand(request)) : await ctx.clients.ec2.send(new AuthorizeSecurityGroupEgressCommand(request));
      const id = out.SecurityGroupRules?.[0]?.SecurityGroupRuleId;
      if (id === undefined) throw new Error(`Authorize${direction === "ingress" ? "SecurityGroupIngress" : "SecurityGroupEgress"} returned no rule id`);
      return (await this.read(ctx, id, inputs))!;
    },
    async read(ctx, id, state) {
      const r = await readOrGone(async () => (await ctx.clients.ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [id] }))).SecurityGroupRules?.[0]);
      if (r === undefined) return undefined;
      const all = r.IpProtocol === "-1";
      return {
        id,
        state: withTags(
          {
            ...state,
            arn: arn(ctx, r.GroupOwnerId ?? (await ctx.accountId()), `security-group-rule/${id}`),
            securityGroupRuleId: id,
            securityGroupId: r.GroupId,
            ipProtocol: r.IpProtocol,
            fromPort: all ? undefined : r.FromPort,
            toPort: all ? undefined : r.ToPort,
            cidrIpv4: r.CidrIpv4,
            cidrIpv6: r.CidrIpv6,
            prefixListId: r.PrefixListId,
            referencedSecurityGroupId: r.ReferencedGroupInfo?.GroupId,
            description: r.Description,
            region: ctx.region,
          },
          r.Tags,
        ),
      };
    },
    async update(ctx, id, olds, news, changed) {
      const { ec2 } = ctx.clients;
      if ([...changed].some((k) => k !== "tags")) {
        await ec2.send(
          new ModifySecurityGroupRulesCommand({
            GroupId: news.securityGroupId as string,
            SecurityGroupRules: [
              {
                SecurityGroupRuleId: id,
                SecurityGroupRule: defined({
                  IpProtocol: news.ipProtocol as string,
                  FromPort: news.fromPort as number,
                  ToPort: news.toPort as number,
                  CidrIpv4: news.cidrIpv4 as string,
                  CidrIpv6: news.cidrIpv6 as string,
                  PrefixListId: news.prefixListId as string,
                  ReferencedGroupId: news.referencedSecurityGroupId as string,
                  Description: news.description as string,
                }),
              },
            ],
          }),
        );
      }
      if (changed.has("tags")) await updateTags(ec2, id, olds, news);
      return (await this.read(ctx, id, news))!.state;
    },
    async delete(ctx, id, state) {
      const request = { GroupId: state.securityGroupId as string, SecurityGroupRuleIds: [id] };
      await gone(() => (direction === "ingress" ? ctx.clients.ec2.send(new RevokeSecurityGroupIngressCommand(request)) : ctx.clients.ec2.send(new RevokeSecurityGroupEgressCommand(request))));
    },
  };
}

export const securityGroupIngressRule = securityGroupRule("ingress");
export const securityGroupEgressRule = securityGroupRule("egress");

