/**
 * Fixtures for the restore/drill tests on moto: the environment's database network (a DB
 * subnet group on moto's default-VPC subnets and a security group), a resolver for
 * emulator endpoints (which are not in DNS), and a fingerprint of the primary instance and
 * its snapshots to prove a drill left them exactly as they were.
 */
import { CreateDBSubnetGroupCommand, DescribeDBInstancesCommand, ListTagsForResourceCommand, RDSClient } from "@aws-sdk/client-rds";
import { HostResolver } from "../../automation/restore/verify";
import { allSnapshots } from "../support/rds-fixtures";

/** One EC2 Query API call to moto (the project has no EC2 SDK client; moto does not check signatures). */
async function ec2(endpoint: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: "AWS4-HMAC-SHA256 Credential=testing/20261125/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=test",
    },
    body: new URLSearchParams({ Version: "2016-11-15", ...params }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto EC2 ${params.Action} failed: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

export interface DbNetwork {
  subnetGroupName: string;
  securityGroupId: string;
}

/** The environment's DB subnet group and security group, as the environment program would have made them. */
export async function createDbNetwork(rds: RDSClient, endpoint: string, name = "gametracker-mssql"): Promise<DbNetwork> {
  const subnets = [...(await ec2(endpoint, { Action: "DescribeSubnets" })).matchAll(/<subnetId>([^<]+)<\/subnetId>/g)].map((m) => m[1]!);
  if (subnets.length < 2) throw new Error(`moto's default VPC has ${subnets.length} subnets; expected at least 2`);
  const subnetGroupName = `${name}-subnets`;
  await rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: subnetGroupName, DBSubnetGroupDescription: "test", SubnetIds: subnets.slice(0, 2) }));
  const sg = (await ec2(endpoint, { Action: "CreateSecurityGroup", GroupName: `${name}-db`, GroupDescription: "SQL Server from the API only" })).match(/<groupId>([^<]+)</)?.[1];
  if (sg === undefined) throw new Error("moto did not return a security group id");
  return { subnetGroupName, securityGroupId: sg };
}

/** Resolves RDS endpoints to a private address; says in its name that it is not DNS. */
export function emulatorResolver(address = "10.0.1.23"): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    name: "test resolver (emulator endpoints are not in DNS)",
    asked,
    async resolve(host) {
      asked.push(host);
      if (!host.endsWith(".rds.amazonaws.com")) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
      return [address];
    },
  };
}

/**
 * Everything about the primary a drill must not change: the instance's attributes and
 * tags, and every snapshot of it with status and tags.
 */
export async function primaryFingerprint(rds: RDSClient, identifier: string): Promise<unknown> {
  const instance = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances![0]!;
  const tags = (await rds.send(new ListTagsForResourceCommand({ ResourceName: instance.DBInstanceArn! }))).TagList ?? [];
  const snapshots = await allSnapshots(rds, { instance: identifier });
  return {
    instance: {
      status: instance.DBInstanceStatus,
      engine: instance.Engine,
      engineVersion: instance.EngineVersion,
      class: instance.DBInstanceClass,
      storage: instance.AllocatedStorage,
      retention: instance.BackupRetentionPeriod,
      deletionProtection: instance.DeletionProtection,
      subnetGroup: instance.DBSubnetGroup?.DBSubnetGroupName,
      securityGroups: instance.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId),
      endpoint: instance.Endpoint?.Address,
      tags,
    },
    snapshots: snapshots.map((s) => ({ id: s.DBSnapshotIdentifier, type: s.SnapshotType, status: s.Status, created: s.SnapshotCreateTime?.toISOString(), tags: s.TagList })),
  };
}
