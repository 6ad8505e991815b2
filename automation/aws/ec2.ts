import { DescribeSecurityGroupsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { callAws } from "./errors";

/**
 * The one edge to EC2: the driver only reads security groups, to prove that the groups a
 * restore is placed on exist in the restore's region (RDS would otherwise refuse the
 * restore half-way, or — with none given — fall back to the default VPC's group).
 */
export interface Ec2Reader {
  ec2: EC2Client;
}

/** The VPC of each of these security groups that exists; a missing id is absent from the map. */
export async function securityGroupVpcs(aws: Ec2Reader, ids: readonly string[]): Promise<Map<string, string | undefined>> {
  const found = new Map<string, string | undefined>();
  if (ids.length === 0) return found;
  // A filter (not GroupIds) so that one missing group is an absent entry, not an error for all.
  let token: string | undefined;
  do {
    const page = await callAws(`read security groups ${ids.join(", ")}`, () =>
      aws.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-id", Values: [...ids] }], ...(token !== undefined ? { NextToken: token } : {}) })),
    );
    for (const group of page.SecurityGroups ?? []) if (group.GroupId !== undefined) found.set(group.GroupId, group.VpcId);
    token = page.NextToken;
  } while (token);
  return found;
}
