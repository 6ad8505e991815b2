/**
 * Inline programs for the engine tier's own tests. `componentsProgram` wires the product's
 * real components (Network with its awsx Vpc, Database, AssetsBucket, Api) the way
 * environment.ts does, from explicit arguments rather than stack config, so every resource
 * type the environment registers goes through the engine and the stand-in providers
 * independently of the config schema (whose engine behaviour the scenario tests cover).
 */
import * as pulumi from "@pulumi/pulumi";
import { Api } from "../../../components/api";
import { AssetsBucket } from "../../../components/assets-bucket";
import { Database, DatabaseArgs } from "../../../components/database";
import { jdbcUrl } from "../../../components/datasource";
import { Network, NetworkArgs } from "../../../components/network";
import { environmentTags } from "../../../contracts/tags";

export interface ComponentsSettings {
  identifier: string;
  bucketName: string;
  functionName: string;
  network?: Partial<NetworkArgs>;
  database?: Partial<DatabaseArgs>;
}

export function componentsProgram(settings: () => ComponentsSettings): () => Promise<Record<string, unknown>> {
  return async () => {
    const s = settings();
    const tags = environmentTags(pulumi.getProject(), pulumi.getStack());
    const network = new Network("network", { cidrBlock: "10.20.0.0/16", availabilityZones: 2, natGateways: "single", tags, ...s.network });
    const database = new Database("database", {
      identifier: s.identifier,
      manualSnapshots: [`${s.identifier}-manual-v1`],
      createdAt: new Date("2026-01-01T00:00:00Z"),
      tags,
      ...s.database,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      allowedSecurityGroupIds: [network.apiSecurityGroupId],
    });
    const assets = new AssetsBucket("assets", { bucketName: s.bucketName, tags });
    const datasourceUrl = pulumi.all([database.address, database.port]).apply(([host, port]) => jdbcUrl({ host, port, databaseName: "gametracker" }));
    const api = new Api("api", {
      functionName: s.functionName,
      subnetIds: network.privateSubnetIds,
      securityGroupId: network.apiSecurityGroupId,
      databaseSecurityGroupId: database.securityGroupIds.apply((ids) => ids[0]!),
      datasourceUrl,
      databaseSecretArn: database.secretArn,
      databaseSource: "primary",
      databaseIdentifier: s.identifier,
      bucketName: assets.bucketName,
      bucketArn: assets.arn,
      tags,
    });
    return {
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      databaseIdentifier: database.identifier,
      databaseAddress: database.address,
      databaseSecretArn: database.secretArn,
      dbSubnetGroupName: database.dbSubnetGroupName,
      dbSecurityGroupIds: database.securityGroupIds,
      bucketName: assets.bucketName,
      functionName: api.functionName,
      datasourceUrl,
    };
  };
}
