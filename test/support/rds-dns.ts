/**
 * DNS for RDS endpoints in the emulator. moto's endpoint names are not in any DNS, and
 * a resolver that answers every `*.rds.amazonaws.com` name would let `verify` pass for
 * an instance that does not exist. This one answers as Route 53 does for RDS: an
 * instance's endpoint record exists while the instance does (RDS creates it with the
 * instance and removes it when the instance is deleted), and it points into the
 * instance's VPC (a private address in its first subnet). Anything else is NXDOMAIN
 * (`ENOTFOUND`), as getaddrinfo reports it.
 */
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import type { HostResolver } from "../../automation/restore/verify";

export interface RdsDns extends HostResolver {
  /** Every host asked, in order. */
  readonly asked: string[];
}

/** `regions`: a client per region to look in (DNS is global; an endpoint names its own region). */
export function rdsEndpointDns(regions: RDSClient | RDSClient[]): RdsDns {
  const clients = Array.isArray(regions) ? regions : [regions];
  const asked: string[] = [];
  return {
    name: "emulator RDS DNS (an endpoint resolves while its instance exists)",
    asked,
    async resolve(host) {
      asked.push(host);
      const instances = (await Promise.all(clients.map(async (rds) => (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []))).flat();
      const owner = instances.find((db) => db.Endpoint?.Address?.toLowerCase() === host.toLowerCase() && db.DBInstanceStatus !== "deleting");
      if (owner === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
      return [privateAddress(owner.DBSubnetGroup?.Subnets?.[0]?.SubnetIdentifier ?? owner.DBInstanceIdentifier ?? host)];
    },
  };
}

/** A stable private address for a subnet (10.x.y.z), so reports are reproducible. */
function privateAddress(seed: string): string {
  let h = 0;
  for (const c of seed) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `10.${(h >>> 16) & 0xff}.${(h >>> 8) & 0xff}.${(h & 0xfe) + 1}`;
}
