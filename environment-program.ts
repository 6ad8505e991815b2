/**
 * The environment program: config → components → stack outputs. Every config value is
 * parsed and checked first (config.ts, pure), so a bad value stops the program before
 * any resource is registered. `index.ts` exports what this returns as stack outputs.
 */
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { parseEnvironmentConfig, EnvironmentSettings } from "./config";
import { Database, DatabaseArgs } from "./components/database";
import { DatabaseNetwork } from "./components/database-network";
import { AssetsBucket, AssetsBucketArgs } from "./components/assets-bucket";
import { Network, NetworkArgs } from "./components/network";
import { Api, apiFunctionName } from "./components/api";
import { jdbcUrl } from "./components/datasource";
import { InvalidConfigError } from "./components/errors";
import { SQLSERVER_PORT } from "./components/database-rules";
import { environmentTags } from "./contracts/tags";
import { crossRegionSourceProblem, EnvironmentOutputNames, NO_DATABASE_SOURCE, PRIMARY_SOURCE, RESTORE_PROJECT, RestoreOutputNames } from "./contracts/stacks";
import { exportValidationSettings } from "./contracts/validation-config";

type Outputs = { [K in keyof typeof EnvironmentOutputNames]: pulumi.Output<unknown> | unknown };

/** The project's config values (without prefix) as Pulumi passes them: strings. */
export function readProjectConfig(config: pulumi.Config): Record<string, string> {
  const prefix = `${config.name}:`;
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  }
  return raw;
}

/** The component arguments the settings call for, checked by the components' own rules too. */
export function componentArgs(settings: EnvironmentSettings): { network: NetworkArgs; database: Omit<DatabaseArgs, "vpcId" | "subnetIds" | "allowedSecurityGroupIds">; assets: AssetsBucketArgs } {
  const tags = environmentTags(settings.project, settings.stack);
  const db = settings.database;
  return {
    network: { ...settings.network, tags },
    database: {
      identifier: db.identifier,
      edition: db.edition,
      engineVersion: db.engineVersion,
      instanceClass: db.instanceClass,
      allocatedStorage: db.allocatedStorage,
      backupRetentionDays: db.backupRetentionDays,
      backupWindow: db.backupWindow,
      maintenanceWindow: db.maintenanceWindow,
      storageEncrypted: db.storageEncrypted,
      kmsKeyId: db.kmsKeyId,
      deletionProtection: db.deletionProtection,
      multiAz: db.multiAz,
      manualSnapshots: db.manualSnapshots,
      backupReplicationRegion: db.backupReplicationRegion,
      backupReplicationKmsKeyId: db.backupReplicationKmsKeyId,
      purpose: "primary",
      tags,
    },
    assets: assetsBucketArgs(settings.assets, tags),
  };
}

/** The AssetsBucket's arguments for the checked settings: its lifecycle, and its side of replication (the source's rule, or the replica's lock). */
function assetsBucketArgs(assets: EnvironmentSettings["assets"], tags: Record<string, string>): AssetsBucketArgs {
  const { replication, replicaOf, objectLock } = assets;
  return {
    bucketName: assets.bucketName,
    noncurrentVersionExpirationDays: assets.noncurrentVersionExpirationDays,
    noncurrentVersionsToKeep: assets.noncurrentVersionsToKeep,
    abortIncompleteUploadDays: assets.abortIncompleteUploadDays,
    ...(objectLock !== undefined ? { objectLockMode: objectLock.mode, objectLockRetentionDays: objectLock.retentionDays } : {}),
    ...(replicaOf !== undefined ? { replicaSourceBucket: replicaOf.bucket } : {}),
    ...(replication !== undefined
      ? {
          replicationBucket: replication.destinationBucket,
          replicationRegion: replication.destinationRegion,
          ...(replication.replicaKmsKeyId !== undefined ? { replicationKmsKeyId: replication.replicaKmsKeyId } : {}),
          replicationTimeControl: replication.replicationTimeControl,
        }
      : {}),
    tags,
  };
}

interface ActiveDatabase {
  address: pulumi.Output<string>;
  port: pulumi.Output<number>;
  secretArn: pulumi.Output<string>;
}

/**
 * The active database's endpoint and secret: the primary, no database (a standby stack
 * before its first cut-over), or the restore stack named by `databaseSource`. A restored
 * instance must be named `<primary identifier>-…`, because that is what the Lambda's
 * secret permission covers, and must be in this stack's region, because the Lambda
 * reaches only its own VPC; anything else is refused here instead of deploying an API
 * that cannot reach its database.
 */
function activeDatabase(settings: EnvironmentSettings, primary: Database | undefined, region: pulumi.Output<string>): ActiveDatabase {
  if (settings.source.kind === "primary") return { address: primary!.address, port: primary!.port, secretArn: primary!.secretArn };
  if (settings.source.kind === "none") return { address: pulumi.output(""), port: pulumi.output(SQLSERVER_PORT), secretArn: pulumi.output("") };
  const name = settings.source.stack;
  const ref = new pulumi.StackReference(`${pulumi.getOrganization()}/${RESTORE_PROJECT}/${name}`);
  const prefix = settings.database.identifier;
  const identifier = ref.requireOutput(RestoreOutputNames.identifier).apply((id) => {
    if (typeof id !== "string" || (id !== prefix && !id.startsWith(`${prefix}-`))) {
      throw new InvalidConfigError(
        "gametracker:databaseSource",
        `Restore stack ${name} holds instance ${JSON.stringify(id)}, but the API may only read the secrets of ${prefix} and ${prefix}-*; restore under a name that starts with ${prefix}-.`,
      );
    }
    return id;
  });
  const sameRegion = pulumi.all([region, ref.getOutput(RestoreOutputNames.region)]).apply(([here, there]) => {
    const problem = crossRegionSourceProblem(settings.stack, here, name, typeof there === "string" && there !== "" ? there : undefined);
    if (problem !== undefined) throw new InvalidConfigError("gametracker:databaseSource", problem);
    return true;
  });
  // Tie the endpoint to both checks so they run before the Lambda changes.
  const address = pulumi.all([identifier, sameRegion, ref.requireOutput(RestoreOutputNames.address)]).apply(([, , a]) => String(a));
  const port = ref.requireOutput(RestoreOutputNames.port).apply((p) => Number(p));
  const secretArn = ref.requireOutput(RestoreOutputNames.secretArn).apply((s) => String(s));
  return { address, port, secretArn };
}

export function environmentProgram(): Outputs {
  const config = new pulumi.Config();
  const stack = pulumi.getStack();
  // The one check before anything is registered: parsing the config runs the components' own rules on it.
  const settings = parseEnvironmentConfig(readProjectConfig(config), stack, config.name, new pulumi.Config("aws").get("region"));
  const args = componentArgs(settings);
  const artifact = settings.api.code?.artifactPath;
  if (artifact !== undefined && !fs.existsSync(artifact)) {
    throw new InvalidConfigError("gametracker:apiArtifactPath", `gametracker:apiArtifactPath is "${artifact}", but no file is there; build the Spring Boot artifact first or clear the key to deploy the health handler.`);
  }

  const tags = environmentTags(settings.project, stack);
  const region = aws.getRegionOutput().region;
  const network = new Network("network", args.network);
  const placementArgs = { vpcId: network.vpcId, subnetIds: network.privateSubnetIds, allowedSecurityGroupIds: [network.apiSecurityGroupId] };
  // The component protects the primary instance itself; protecting the whole component would
  // also protect the manual snapshots, which must be removable from config (they are retained).
  // A standby stack owns no database: only the place a restore of its region lands on.
  const database = settings.role === "primary" ? new Database("database", { ...args.database, ...placementArgs }) : undefined;
  const placement = database ?? new DatabaseNetwork("database", { identifier: settings.database.identifier, ...placementArgs, tags });
  const assets = new AssetsBucket("assets", args.assets);
  const active = activeDatabase(settings, database, region);
  const datasourceUrl =
    settings.source.kind === "none"
      ? pulumi.output("")
      : pulumi.all([active.address, active.port]).apply(([host, port]) => jdbcUrl({ host, port, databaseName: settings.database.databaseName }));
  const sourceName = settings.source.kind === "restore" ? settings.source.stack : settings.source.kind === "none" ? NO_DATABASE_SOURCE : PRIMARY_SOURCE;
  const api = new Api("api", {
    functionName: apiFunctionName(settings.project, stack),
    subnetIds: network.privateSubnetIds,
    securityGroupId: network.apiSecurityGroupId,
    databaseSecurityGroupId: placement.securityGroupIds.apply((ids) => ids[0]!),
    datasourceUrl,
    databaseSecretArn: active.secretArn,
    databaseSource: sourceName,
    databaseIdentifier: settings.database.identifier,
    bucketName: assets.bucketName,
    bucketArn: assets.arn,
    code: settings.api.code,
    memorySize: settings.api.memorySize,
    timeoutSeconds: settings.api.timeoutSeconds,
    logRetentionDays: settings.api.logRetentionDays,
    tags,
  });

  const db = settings.database;
  return {
    databaseIdentifier: database?.identifier ?? db.identifier,
    databaseArn: database?.arn ?? "",
    databaseEndpoint: database?.address ?? active.address,
    databasePort: database?.port ?? active.port,
    databaseEngine: database?.engine ?? "",
    databaseEngineVersion: database?.engineVersion ?? "",
    dbSubnetGroupName: placement.dbSubnetGroupName,
    dbSecurityGroupId: placement.securityGroupIds.apply((ids) => ids[0] ?? ""),
    databaseSecretArn: database?.secretArn ?? active.secretArn,
    backupRetentionDays: database?.backupRetentionDays ?? db.backupRetentionDays,
    manualSnapshotIdentifiers: database?.manualSnapshotIdentifiers ?? [],
    assetsBucketName: assets.bucketName,
    apiFunctionName: api.functionName,
    activeDatabase: sourceName,
    activeDatabaseEndpoint: active.address,
    datasourceUrl,
    awsRegion: region,
    databaseRole: settings.role,
    backupReplicationRegion: settings.role === "primary" ? (db.backupReplicationRegion ?? "") : "",
    snapshotCopyRegions: db.snapshotCopyRegions,
    databaseInstanceClass: db.instanceClass,
    databaseMultiAz: db.multiAz,
    apiSubnetIds: network.privateSubnetIds,
    apiSecurityGroupId: network.apiSecurityGroupId,
    validation: exportValidationSettings(settings.validation),
    assetsReplicationBucket: settings.assets.replication?.destinationBucket ?? "",
    assetsReplicationRegion: settings.assets.replication?.destinationRegion ?? "",
    assetsReplicaSourceBucket: settings.assets.replicaOf?.bucket ?? "",
    assetsReplicaSourceRegion: settings.assets.replicaOf?.region ?? "",
  };
}
