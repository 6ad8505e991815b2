/**
 * TEST DOUBLE: `awsx:ec2:Vpc` as awsx 3.x constructs it (pulumi/pulumi-awsx awsx/ec2/vpc.ts,
 * default subnets and "Legacy" strategy): the VPC; per zone a public and a private subnet,
 * each with its route table and association; an internet gateway and the public default
 * routes; EIPs and NAT gateways per `natGateways.strategy` (default OnePerAz) with the
 * private default routes through them. Same logical names and parents as awsx, so URNs
 * match. Anything else awsx accepts (subnetSpecs, other strategies, endpoints, IPAM) is
 * refused with a sentence rather than approximated.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { NatGatewayStrategy, creationOrder, legacyDefaultLayout, resolvedLayout, shouldCreateNatGateway } from "./vpc-layout";

export const VPC_TYPE = "awsx:ec2:Vpc";

const SUPPORTED = new Set(["cidrBlock", "numberOfAvailabilityZones", "availabilityZoneNames", "natGateways", "enableDnsHostnames", "enableDnsSupport", "instanceTenancy", "tags", "subnetStrategy"]);

function plain<T>(value: unknown, what: string): T {
  if (pulumi.Output.isInstance(value)) throw new Error(`The stand-in awsx needs ${what} to be a plain value (awsx computes its layout from it before anything exists).`);
  return value as T;
}

export class StandinVpc extends pulumi.ComponentResource {
  readonly ready: Promise<pulumi.Inputs>;

  constructor(name: string, args: pulumi.Inputs, opts: pulumi.ComponentResourceOptions) {
    super(VPC_TYPE, name, {}, opts);
    for (const key of Object.keys(args)) {
      if (!SUPPORTED.has(key)) throw new Error(`The stand-in awsx does not implement awsx:ec2:Vpc's "${key}" argument; only ${[...SUPPORTED].join(", ")}.`);
    }
    const strategyArg = plain<string | undefined>(args.subnetStrategy, "subnetStrategy");
    if (strategyArg !== undefined && strategyArg !== "Legacy") throw new Error(`The stand-in awsx implements only the default subnetStrategy "Legacy", not "${strategyArg}".`);
    this.ready = this.build(name, args);
  }

  private async build(name: string, args: pulumi.Inputs): Promise<pulumi.Inputs> {
    const explicitZones = plain<string[] | undefined>(args.availabilityZoneNames, "availabilityZoneNames");
    const count = plain<number | undefined>(args.numberOfAvailabilityZones, "numberOfAvailabilityZones");
    if (explicitZones && count) throw new Error("Only one of [availabilityZoneNames] and [numberOfAvailabilityZones] can be specified");
    const zones = explicitZones ?? (await this.defaultZones(count));
    const strategy = (plain<{ strategy?: string } | undefined>(args.natGateways, "natGateways")?.strategy ?? "OnePerAz") as NatGatewayStrategy;
    const cidrBlock = plain<string | undefined>(args.cidrBlock, "cidrBlock") ?? "10.0.0.0/16";
    const sharedTags = { Name: name, ...(args.tags as Record<string, pulumi.Input<string>> | undefined) };
    const layout = legacyDefaultLayout(name, cidrBlock, zones);

    const vpc = new aws.ec2.Vpc(
      name,
      { cidrBlock, enableDnsHostnames: args.enableDnsHostnames, enableDnsSupport: args.enableDnsSupport, instanceTenancy: args.instanceTenancy, tags: sharedTags },
      { parent: this },
    );
    const igw = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: sharedTags }, { parent: vpc, dependsOn: [vpc] });

    const subnets: aws.ec2.Subnet[] = [];
    const routeTables: aws.ec2.RouteTable[] = [];
    const associations: aws.ec2.RouteTableAssociation[] = [];
    const routes: aws.ec2.Route[] = [];
    const natGateways: aws.ec2.NatGateway[] = [];
    const eips: aws.ec2.Eip[] = [];
    const ids = { Public: [] as pulumi.Output<string>[], Private: [] as pulumi.Output<string>[] };

    for (const spec of creationOrder(layout, zones)) {
      const i = spec.azIndex;
      const subnet = new aws.ec2.Subnet(
        spec.subnetName,
        { vpcId: vpc.id, availabilityZone: spec.azName, mapPublicIpOnLaunch: spec.type === "Public", cidrBlock: spec.cidrBlock, tags: { ...sharedTags, Name: spec.subnetName, SubnetType: spec.type } },
        { parent: vpc, dependsOn: [vpc] },
      );
      subnets.push(subnet);
      ids[spec.type].push(subnet.id);
      const routeTable = new aws.ec2.RouteTable(spec.subnetName, { vpcId: vpc.id, tags: { ...sharedTags, Name: spec.subnetName, SubnetType: spec.type } }, { parent: subnet, dependsOn: [subnet] });
      routeTables.push(routeTable);
      associations.push(new aws.ec2.RouteTableAssociation(spec.subnetName, { routeTableId: routeTable.id, subnetId: subnet.id }, { parent: routeTable, dependsOn: [routeTable] }));

      if (spec.type === "Public" && shouldCreateNatGateway(strategy, natGateways.length, i)) {
        const eip = new aws.ec2.Eip(`${name}-${i + 1}`, { tags: { ...(args.tags as object), Name: `${name}-${i + 1}` } }, { parent: subnet, dependsOn: [subnet] });
        eips.push(eip);
        natGateways.push(
          new aws.ec2.NatGateway(`${name}-${i + 1}`, { subnetId: subnet.id, allocationId: eip.allocationId, tags: { ...(args.tags as object), Name: `${name}-${i + 1}` } }, { parent: subnet, dependsOn: [subnet] }),
        );
      }
      if (spec.type === "Public") {
        routes.push(new aws.ec2.Route(spec.subnetName, { routeTableId: routeTable.id, gatewayId: igw.id, destinationCidrBlock: "0.0.0.0/0" }, { parent: routeTable, dependsOn: [routeTable] }));
      } else if (strategy.toLowerCase() !== "none") {
        const nat = strategy.toLowerCase() === "single" ? natGateways[0]! : natGateways[i]!;
        routes.push(new aws.ec2.Route(spec.subnetName, { routeTableId: routeTable.id, natGatewayId: nat.id, destinationCidrBlock: "0.0.0.0/0" }, { parent: routeTable, dependsOn: [routeTable] }));
      }
    }

    const outputs: pulumi.Inputs = {
      vpc,
      vpcId: vpc.id,
      subnets,
      routeTables,
      routeTableAssociations: associations,
      routes,
      internetGateway: igw,
      natGateways,
      eips,
      vpcEndpoints: [],
      privateSubnetIds: ids.Private,
      publicSubnetIds: ids.Public,
      isolatedSubnetIds: [],
      subnetLayout: resolvedLayout(layout),
    };
    this.registerOutputs(outputs);
    return outputs;
  }

  /** vpc.ts getDefaultAzs: the region's first N zones (default 3), refused when there are fewer. */
  private async defaultZones(count: number | undefined): Promise<string[]> {
    const desired = count ?? 3;
    const result = await aws.getAvailabilityZones(undefined, { parent: this });
    if (result.names.length < desired) {
      throw new Error(
        `The configured region for this provider does not have at least ${desired} Availability Zones. Either specify an explicit list of zones in availabilityZoneNames or choose a region with at least ${desired} AZs.`,
      );
    }
    return result.names.slice(0, desired);
  }
}
