/**
 * TEST DOUBLE: the data sources (invokes) the programs and awsx call, answered from moto
 * where AWS has an API for them (STS, EC2) and from the partition metadata the provider
 * itself uses where it has none (aws_partition). Fields the provider fills from metadata
 * this double does not carry (aws_region's description) are left out rather than made up.
 */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { DescribeAvailabilityZonesCommand } from "@aws-sdk/client-ec2";
import type { Props } from "../protocol/wire";
import type { RegionClients } from "./clients";

export type InvokeHandler = (clients: RegionClients, args: Props) => Promise<Props>;

export const INVOKES: Readonly<Record<string, InvokeHandler>> = {
  "aws:index/getPartition:getPartition": async (clients) => {
    const cn = clients.region.startsWith("cn-");
    const gov = clients.region.startsWith("us-gov-");
    const partition = cn ? "aws-cn" : gov ? "aws-us-gov" : "aws";
    const dnsSuffix = cn ? "amazonaws.com.cn" : "amazonaws.com";
    return { id: partition, partition, dnsSuffix, reverseDnsPrefix: cn ? "cn.com.amazonaws" : "com.amazonaws" };
  },
  // aws_region reads the endpoints metadata, not an API: EC2's endpoint in the region's partition.
  "aws:index/getRegion:getRegion": async (clients, args) => {
    const region = (args.region as string | undefined) ?? (args.name as string | undefined) ?? clients.region;
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new Error(`invalid AWS Region: ${region}`);
    return { id: region, name: region, region, endpoint: `ec2.${region}.${region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com"}` };
  },
  "aws:index/getCallerIdentity:getCallerIdentity": async (clients) => {
    const me = await clients.sts.send(new GetCallerIdentityCommand({}));
    return { id: me.Account, accountId: me.Account, arn: me.Arn, userId: me.UserId };
  },
  "aws:index/getAvailabilityZones:getAvailabilityZones": async (clients, args) => {
    const filters = [];
    if (args.state) filters.push({ Name: "state", Values: [String(args.state)] });
    const out = await clients.ec2.send(new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: args.allAvailabilityZones === true, ...(filters.length > 0 ? { Filters: filters } : {}) }));
    const exclude = new Set([...((args.excludeNames as string[] | undefined) ?? []), ...((args.excludeZoneIds as string[] | undefined) ?? [])]);
    const zones = (out.AvailabilityZones ?? []).filter((z) => !exclude.has(z.ZoneName!) && !exclude.has(z.ZoneId!)).sort((a, b) => a.ZoneName!.localeCompare(b.ZoneName!));
    return {
      id: clients.region,
      names: zones.map((z) => z.ZoneName),
      zoneIds: zones.map((z) => z.ZoneId),
      groupNames: [...new Set(zones.map((z) => z.GroupName))].sort(),
      ...(args.state ? { state: args.state } : {}),
    };
  },
};
