/**
 * The environment's configuration: the schema, written once here (Pulumi.yaml's `config:`
 * section is generated from it by `npm run config:sync`, and `npm test` fails when the
 * two differ), and one pure function that parses and validates every value before the
 * program registers anything. Values arrive as Pulumi stores them: strings (arrays as
 * JSON). An empty string means "unset" for the optional keys, because Pulumi treats a
 * declared key without a default as required.
 *
 * Keys are flat (`databaseIdentifier`, not `database.identifier`): the engine merges
 * Pulumi.yaml's defaults as property paths, so a dotted key with a default would reach
 * the program as a field of an object `gametracker:database` instead of as itself.
 */
import { InvalidConfigError, show, validateWholeNumber } from "./components/errors";
import { DEFAULT_BACKUP_WINDOW, DEFAULT_IDENTIFIER, DEFAULT_MAINTENANCE_WINDOW, DEFAULT_MANUAL_SNAPSHOTS, DEFAULT_RETENTION_DAYS, Edition, planDatabaseValues } from "./components/database";
import {
  DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS,
  DEFAULT_BUCKET_NAME,
  DEFAULT_NONCURRENT_EXPIRATION_DAYS,
  DEFAULT_NONCURRENT_VERSIONS_TO_KEEP,
  DEFAULT_OBJECT_LOCK_RETENTION_DAYS,
  ObjectLockMode,
  ObjectLockPolicy,
  planAssetsBucket,
} from "./components/assets-bucket";
import type { AssetsReplicationPlan } from "./components/assets-replication";
import { DEFAULT_AVAILABILITY_ZONES, DEFAULT_CIDR_BLOCK, NAT_STRATEGIES, NatStrategy, validateNetworkArgs } from "./components/network";
import { validateDatabaseName } from "./components/datasource";
import { DATABASE_ROLES, DATABASE_SOURCE_KEY, DatabaseRole, ENVIRONMENT_PROJECT, isDrillStackOf, isRestoreStackOf, NO_DATABASE_SOURCE, PRIMARY_SOURCE } from "./contracts/stacks";
import { lambdaRuntimeProblem, MAX_LAMBDA_HANDLER_LENGTH, regionNameProblem } from "./contracts/aws-names";
import { parseValidationSettings, VALIDATION_CONFIG_SCHEMA, ValidationSettings } from "./contracts/validation-config";

import type { ConfigKeySchema } from "./contracts/config-schema";
import { capitalise } from "./contracts/text";

/** Every config key of the project (without the `gametracker:` prefix). Pulumi.yaml declares exactly these. */
export const CONFIG_SCHEMA = {
  "databaseIdentifier": { type: "string", default: DEFAULT_IDENTIFIER, description: "RDS instance identifier of the primary (1-63 lowercase letters, digits, hyphens; starts with a letter). Restored instances are named <identifier>-<suffix>." },
  "databaseEdition": { type: "string", default: "express", description: "SQL Server edition: express, web, standard or enterprise (license-included)." },
  "databaseEngineVersion": { type: "string", default: "", description: "Engine version, e.g. 16.00.4185.3.v1; empty uses RDS's default version for the edition." },
  "databaseInstanceClass": { type: "string", default: "db.t3.micro", description: "RDS instance class." },
  "databaseAllocatedStorage": { type: "integer", default: 20, description: "Allocated storage in GiB (20-16384)." },
  "databaseBackupRetentionDays": { type: "integer", default: DEFAULT_RETENTION_DAYS, description: "Days of automated backups and point-in-time restore, 1-35 (0 would turn backups off and is refused)." },
  "databaseBackupWindow": { type: "string", default: DEFAULT_BACKUP_WINDOW, description: "Daily UTC backup window hh24:mi-hh24:mi, at least 30 minutes, not overlapping the maintenance window." },
  "databaseMaintenanceWindow": { type: "string", default: DEFAULT_MAINTENANCE_WINDOW, description: "Weekly UTC maintenance window ddd:hh24:mi-ddd:hh24:mi, at least 30 minutes." },
  "databaseStorageEncrypted": { type: "string", default: "auto", description: "Encryption at rest: auto (on for every edition except express, which has none), true or false. true on express is refused." },
  "databaseKmsKeyId": { type: "string", default: "", description: "KMS key for storage encryption, by its key ARN (arn:aws:kms:<region>:<account>:key/<id>; an alias or a key id is refused, because RDS reports the key ARN and anything else plans a replacement on every preview); empty uses the account's aws/rds key." },
  "databaseDeletionProtection": { type: "boolean", default: true, description: "RDS deletion protection on the primary." },
  "databaseMultiAz": { type: "boolean", default: false, description: "Multi-AZ deployment of the primary." },
  "databaseManualSnapshots": { type: "array", items: "string", default: [...DEFAULT_MANUAL_SNAPSHOTS], description: "Manual snapshots to take of the primary, each once when first listed; kept on destroy and when removed from the list." },
  "databaseBackupReplicationRegion": { type: "string", default: "", description: "Region to replicate automated backups to (e.g. us-west-2); empty turns replication off." },
  "databaseBackupReplicationKmsKeyId": { type: "string", default: "", description: "KMS key of the replication region, by its key ARN (not an alias or a key id); required when storage is encrypted and replication is on." },
  "databaseSnapshotCopyRegions": { type: "array", items: "string", default: [], description: "Regions that keep copies of the primary's snapshots (gametracker-dr snapshots copy); gametracker-dr check reports how many there are and how old the newest is." },
  "databaseName": { type: "string", default: "gametracker", description: "Database name in the API's JDBC URL." },
  "databaseRole": { type: "string", default: "primary", description: "primary: this stack owns the database. standby: a DR stack in another region that owns no database; it makes the network, DB subnet group and security group that restores of the primary's replicated backups or snapshot copies land on, and an API that waits (databaseSource none) until it is cut over to one." },
  [DATABASE_SOURCE_KEY]: { type: "string", default: PRIMARY_SOURCE, description: "The database the API uses: primary, or a restore stack of this environment (<env>-restore-<id>) to cut over to; a standby stack has none (none) until it is cut over." },
  "assetsBucketName": { type: "string", default: DEFAULT_BUCKET_NAME, description: "Assets bucket name (global across AWS; set a unique one per environment)." },
  "assetsNoncurrentVersionExpirationDays": { type: "integer", default: DEFAULT_NONCURRENT_EXPIRATION_DAYS, description: "Days before a noncurrent (overwritten or deleted) asset version may expire." },
  "assetsNoncurrentVersionsToKeep": { type: "integer", default: DEFAULT_NONCURRENT_VERSIONS_TO_KEEP, description: "Newest noncurrent versions of each asset kept regardless of age (1-100)." },
  "assetsAbortIncompleteUploadDays": { type: "integer", default: DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS, description: "Days before the parts of an unfinished multipart upload are removed." },
  "assetsReplicationBucket": { type: "string", default: "", description: "Primary stack: the standby stack's assets bucket, in another region, that S3 Replication copies every new version and delete marker to (deploy the standby stack first); empty turns replication off." },
  "assetsReplicationRegion": { type: "string", default: "", description: "The region of assetsReplicationBucket (e.g. us-west-2); required with it." },
  "assetsReplicationKmsKeyId": { type: "string", default: "", description: "KMS key ARN in assetsReplicationRegion that SSE-KMS objects are re-encrypted with in the replica; empty: SSE-KMS objects are not replicated (SSE-S3 objects are)." },
  "assetsReplicationTimeControl": { type: "boolean", default: false, description: "S3 Replication Time Control for assetsReplicationBucket: 99.99% of objects within 15 minutes, with replication metrics (billed per GB)." },
  "assetsReplicaSourceBucket": { type: "string", default: "", description: "Standby stack: the primary's assets bucket that this stack's bucket is the replica of; tags the bucket gametracker:replica-of and needs assetsObjectLockMode." },
  "assetsReplicaSourceRegion": { type: "string", default: "", description: "The region of assetsReplicaSourceBucket, where the drill compares the replica with its source; required with it." },
  "assetsObjectLockMode": { type: "string", default: "", description: "S3 Object Lock on the assets bucket: governance (no one without s3:BypassGovernanceRetention deletes a version inside the retention) or compliance (no one at all); empty: none. Can't be turned off once on." },
  "assetsObjectLockRetentionDays": { type: "integer", default: DEFAULT_OBJECT_LOCK_RETENTION_DAYS, description: "Days each new version of the assets bucket stays locked (1-36500); only with assetsObjectLockMode." },
  "apiArtifactPath": { type: "string", default: "", description: "Path to the Spring Boot Lambda artifact (zip/jar); empty deploys the bundled health handler." },
  "apiRuntime": { type: "string", default: "java21", description: "Lambda runtime identifier of the Spring Boot artifact (one of the Lambda API's, e.g. java21)." },
  "apiHandler": { type: "string", default: "", description: "Lambda handler of the Spring Boot artifact (at most 128 characters); required with apiArtifactPath." },
  "apiMemorySize": { type: "integer", default: 1024, description: "Lambda memory in MB (128-10240)." },
  "apiTimeoutSeconds": { type: "integer", default: 30, description: "Lambda timeout in seconds (1-900)." },
  "apiLogRetentionDays": { type: "integer", default: 30, description: "CloudWatch log retention of the Lambda in days." },
  "networkVpcId": { type: "string", default: "", description: "An existing VPC to use; empty creates one (awsx)." },
  "networkPrivateSubnetIds": { type: "array", items: "string", default: [], description: "Private subnets of networkVpcId (at least two AZs); only with networkVpcId." },
  "networkCidrBlock": { type: "string", default: DEFAULT_CIDR_BLOCK, description: "CIDR of the VPC this program creates." },
  "networkAvailabilityZones": { type: "integer", default: DEFAULT_AVAILABILITY_ZONES, description: "Availability zones of the VPC this program creates (2-6)." },
  "networkNatGateways": { type: "string", default: "single", description: "NAT gateways of the VPC this program creates: single, one-per-az or none." },
  // validationWith, validationTimeout and the bundled validator's SQL checks (contracts/validation-config.ts).
  ...VALIDATION_CONFIG_SCHEMA,
} as const satisfies Record<string, ConfigKeySchema>;

export type ConfigKey = keyof typeof CONFIG_SCHEMA;

/** Log retention values CloudWatch accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export type DatabaseSource = { kind: "primary" } | { kind: "none" } | { kind: "restore"; stack: string };

export interface EnvironmentSettings {
  project: string;
  stack: string;
  role: DatabaseRole;
  network: { vpcId?: string; privateSubnetIds?: string[]; cidrBlock?: string; availabilityZones?: number; natGateways?: NatStrategy };
  database: {
    identifier: string;
    edition: Edition;
    engineVersion?: string;
    instanceClass: string;
    allocatedStorage: number;
    backupRetentionDays: number;
    backupWindow: string;
    maintenanceWindow: string;
    storageEncrypted: boolean;
    kmsKeyId?: string;
    deletionProtection: boolean;
    multiAz: boolean;
    manualSnapshots: string[];
    backupReplicationRegion?: string;
    backupReplicationKmsKeyId?: string;
    snapshotCopyRegions: string[];
    databaseName: string;
  };
  source: DatabaseSource;
  assets: {
    bucketName: string;
    noncurrentVersionExpirationDays: number;
    noncurrentVersionsToKeep: number;
    abortIncompleteUploadDays: number;
    /** S3 Replication of the bucket to the standby region (a primary stack); absent when off. */
    replication?: AssetsReplicationPlan;
    /** The bucket is the replica of this one (a standby stack); absent otherwise. */
    replicaOf?: { bucket: string; region: string };
    objectLock?: ObjectLockPolicy;
  };
  api: { code?: { artifactPath: string; runtime: string; handler: string }; memorySize: number; timeoutSeconds: number; logRetentionDays: number };
  /** The data validation of this environment's drills and restores; exported as a stack output for them. */
  validation: ValidationSettings;
}

/**
 * `primary` (a primary stack) or `none` (a standby stack), or a cut-over restore stack of
 * this environment; a drill stack is refused with the reason.
 */
export function parseDatabaseSource(value: string, environment: string, key = `${ENVIRONMENT_PROJECT}:${DATABASE_SOURCE_KEY}`, role: DatabaseRole = "primary"): DatabaseSource {
  const roleKey = `${key.split(":")[0]}:databaseRole`;
  if (value === PRIMARY_SOURCE) {
    if (role === "primary") return { kind: "primary" };
    throw new InvalidConfigError(
      key,
      `${key} is "primary", but ${roleKey} is standby: this stack owns no primary database; set ${key} to ${NO_DATABASE_SOURCE} (the API waits for a database) or to one of its restore stacks, ${environment}-restore-<id>.`,
    );
  }
  if (value === NO_DATABASE_SOURCE) {
    if (role === "standby") return { kind: "none" };
    throw new InvalidConfigError(key, `${key} is "${NO_DATABASE_SOURCE}", but only a standby stack (${roleKey} standby) runs its API without a database; set ${key} to primary or to a restore stack ${environment}-restore-<id>.`);
  }
  if (isRestoreStackOf(environment, value)) return { kind: "restore", stack: value };
  if (isDrillStackOf(environment, value)) {
    throw new InvalidConfigError(
      key,
      `${key} is "${value}", a drill stack, but drill stacks are destroyed when the drill ends, so the API cannot be cut over to one; restore into a ${environment}-restore-<id> stack for a cut-over.`,
    );
  }
  const own = role === "standby" ? NO_DATABASE_SOURCE : PRIMARY_SOURCE;
  throw new InvalidConfigError(key, `${key} is "${value}", but it must be "${own}" or the name of a restore stack of this environment, ${environment}-restore-<id>.`);
}

/**
 * The keys that shape the primary instance, its snapshots and its backups. A standby
 * stack owns no primary, so setting one there would promise something nothing does.
 */
export const PRIMARY_ONLY_KEYS: readonly ConfigKey[] = [
  "databaseEdition",
  "databaseEngineVersion",
  "databaseAllocatedStorage",
  "databaseBackupWindow",
  "databaseMaintenanceWindow",
  "databaseStorageEncrypted",
  "databaseKmsKeyId",
  "databaseDeletionProtection",
  "databaseManualSnapshots",
  "databaseBackupReplicationRegion",
  "databaseBackupReplicationKmsKeyId",
  "databaseSnapshotCopyRegions",
];

/**
 * Parses and validates the whole configuration. `raw` holds the project's keys without
 * prefix, as strings; missing keys take the schema default. Throws InvalidConfigError
 * with one sentence (key, value, rule) at the first invalid value, including unknown
 * keys in the project namespace (a typo would otherwise silently fall back to a default).
 */
export function parseEnvironmentConfig(raw: Record<string, string | undefined>, stack: string, project = ENVIRONMENT_PROJECT, awsRegion?: string): EnvironmentSettings {
  const k = (key: ConfigKey) => `${project}:${key}`;
  for (const key of Object.keys(raw)) {
    if (!(key in CONFIG_SCHEMA)) throw unknownKey(project, key);
  }
  const str = (key: ConfigKey): string => {
    const v = raw[key];
    return v === undefined ? String(CONFIG_SCHEMA[key].default) : v;
  };
  const optional = (key: ConfigKey): string | undefined => {
    const v = str(key).trim();
    return v === "" ? undefined : v;
  };
  const int = (key: ConfigKey): number => {
    const v = raw[key];
    if (v === undefined) return CONFIG_SCHEMA[key].default as number;
    if (!/^-?\d+$/.test(v.trim())) throw new InvalidConfigError(k(key), `${k(key)} is ${show(v)}, but it must be a whole number.`);
    return Number(v);
  };
  const bool = (key: ConfigKey): boolean => {
    const v = raw[key];
    if (v === undefined) return CONFIG_SCHEMA[key].default as boolean;
    if (v === "true" || v === "false") return v === "true";
    throw new InvalidConfigError(k(key), `${k(key)} is ${show(v)}, but it must be true or false.`);
  };
  const list = (key: ConfigKey): string[] => {
    const v = raw[key];
    if (v === undefined) return [...(CONFIG_SCHEMA[key].default as readonly string[])];
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "string")) {
      throw new InvalidConfigError(k(key), `${k(key)} is ${show(v)}, but it must be a list of strings (pulumi config set --path '${key}[0]' <value>).`);
    }
    return parsed as string[];
  };

  // Network
  const vpcId = optional("networkVpcId");
  const natRaw = str("networkNatGateways");
  if (!(NAT_STRATEGIES as readonly string[]).includes(natRaw)) {
    throw new InvalidConfigError(k("networkNatGateways"), `${k("networkNatGateways")} is ${show(natRaw)}, but it must be one of ${NAT_STRATEGIES.join(", ")}.`);
  }
  // Pulumi passes Pulumi.yaml's defaults in as if they were set, so "set" means "differs from the default".
  const explicitlySet = (key: ConfigKey) => {
    const v = raw[key];
    if (v === undefined) return false;
    const d = CONFIG_SCHEMA[key].default;
    return Array.isArray(d) ? JSON.stringify(list(key)) !== JSON.stringify(d) : v !== String(d);
  };

  const roleRaw = str("databaseRole");
  if (!(DATABASE_ROLES as readonly string[]).includes(roleRaw)) {
    throw new InvalidConfigError(k("databaseRole"), `${k("databaseRole")} is ${show(roleRaw)}, but it must be one of ${DATABASE_ROLES.join(", ")}.`);
  }
  const role = roleRaw as DatabaseRole;
  if (role === "standby") {
    const set = PRIMARY_ONLY_KEYS.find(explicitlySet);
    if (set !== undefined) {
      throw new InvalidConfigError(
        k(set),
        `${k(set)} is ${show(raw[set])}, but ${k("databaseRole")} is standby: this stack owns no primary instance, snapshots or backups for it to shape; remove it (restores here take their shape from the backup).`,
      );
    }
  }
  const subnets = list("networkPrivateSubnetIds");
  let network: EnvironmentSettings["network"];
  if (vpcId !== undefined) {
    const shaping = (["networkCidrBlock", "networkAvailabilityZones", "networkNatGateways"] as const).find(explicitlySet);
    if (shaping !== undefined) {
      throw new InvalidConfigError(k(shaping), `${k(shaping)} is ${show(raw[shaping])}, but it only shapes a VPC this program creates and ${k("networkVpcId")} is set; drop one of them.`);
    }
    network = { vpcId, privateSubnetIds: subnets };
  } else {
    network = { cidrBlock: str("networkCidrBlock"), availabilityZones: int("networkAvailabilityZones"), natGateways: natRaw as NatStrategy };
  }
  validateNetworkArgs(subnets.length > 0 ? { ...network, privateSubnetIds: subnets } : network, (arg) => k(`network${capitalise(arg)}` as ConfigKey));

  // Database: read here, judged by the Database component's own rules (once, before anything is registered).
  const encryptedRaw = str("databaseStorageEncrypted");
  if (!["auto", "true", "false"].includes(encryptedRaw)) {
    throw new InvalidConfigError(k("databaseStorageEncrypted"), `${k("databaseStorageEncrypted")} is ${show(encryptedRaw)}, but it must be auto, true or false.`);
  }
  const databaseArgs = {
    identifier: str("databaseIdentifier"),
    edition: str("databaseEdition") as Edition,
    instanceClass: str("databaseInstanceClass"),
    allocatedStorage: int("databaseAllocatedStorage"),
    backupRetentionDays: int("databaseBackupRetentionDays"),
    backupWindow: str("databaseBackupWindow"),
    maintenanceWindow: str("databaseMaintenanceWindow"),
    ...(encryptedRaw === "auto" ? {} : { storageEncrypted: encryptedRaw === "true" }),
    kmsKeyId: optional("databaseKmsKeyId"),
    manualSnapshots: list("databaseManualSnapshots"),
    backupReplicationRegion: optional("databaseBackupReplicationRegion"),
    backupReplicationKmsKeyId: optional("databaseBackupReplicationKmsKeyId"),
  };
  const database = planDatabaseValues(databaseArgs, (arg) => k(`database${capitalise(arg)}` as ConfigKey));
  const databaseName = validateDatabaseName(str("databaseName"), k("databaseName"));
  const source = parseDatabaseSource(str(DATABASE_SOURCE_KEY), stack, k(DATABASE_SOURCE_KEY), role);
  const snapshotCopyRegions = list("databaseSnapshotCopyRegions");
  for (const region of snapshotCopyRegions) {
    const problem = regionNameProblem(region);
    if (problem !== undefined) throw new InvalidConfigError(k("databaseSnapshotCopyRegions"), `${k("databaseSnapshotCopyRegions")} lists ${show(region)}, but ${problem}.`);
  }

  // Assets, judged by the AssetsBucket component's rules; which side of replication a stack may be, by its role.
  const assets = parseAssets({ str, optional, int, bool, explicitlySet, k }, role, awsRegion);

  // API
  const artifactPath = optional("apiArtifactPath");
  const handler = optional("apiHandler");
  if (artifactPath !== undefined && handler === undefined) {
    throw new InvalidConfigError(k("apiHandler"), `${k("apiHandler")} is empty, but ${k("apiArtifactPath")} is set, and Lambda needs the handler of that artifact (e.g. com.gametracker.StreamLambdaHandler::handleRequest).`);
  }
  if (artifactPath === undefined && handler !== undefined) {
    throw new InvalidConfigError(k("apiHandler"), `${k("apiHandler")} is ${show(handler)}, but ${k("apiArtifactPath")} is empty, so the bundled health handler is deployed and the handler would be ignored; set the artifact or drop the handler.`);
  }
  const runtime = str("apiRuntime");
  const runtimeProblem = lambdaRuntimeProblem(runtime);
  if (runtimeProblem !== undefined) throw new InvalidConfigError(k("apiRuntime"), `${k("apiRuntime")} is ${show(runtime)}, but ${runtimeProblem}.`);
  if (handler !== undefined && handler.length > MAX_LAMBDA_HANDLER_LENGTH) {
    throw new InvalidConfigError(k("apiHandler"), `${k("apiHandler")} is ${handler.length} characters long, but Lambda takes a handler of at most ${MAX_LAMBDA_HANDLER_LENGTH} characters (<class>::<method>).`);
  }
  const logRetentionDays = int("apiLogRetentionDays");
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    throw new InvalidConfigError(k("apiLogRetentionDays"), `${k("apiLogRetentionDays")} is ${logRetentionDays}, but CloudWatch accepts only ${LOG_RETENTION_DAYS.join(", ")} days.`);
  }
  const api: EnvironmentSettings["api"] = {
    memorySize: validateWholeNumber(int("apiMemorySize"), k("apiMemorySize"), 128, 10240, "MB"),
    timeoutSeconds: validateWholeNumber(int("apiTimeoutSeconds"), k("apiTimeoutSeconds"), 1, 900, "seconds"),
    logRetentionDays,
  };
  if (artifactPath !== undefined) api.code = { artifactPath, runtime, handler: handler! };

  // Validation, judged by the drill's own parser (the same one reads the stack output back).
  const validation = parseValidationSettings(raw, { project, defaultDatabase: databaseName, refuse: (key, message) => new InvalidConfigError(key, message) });

  return {
    project,
    stack,
    role,
    network,
    database: {
      identifier: database.identifier,
      edition: database.edition!,
      engineVersion: optional("databaseEngineVersion"),
      instanceClass: databaseArgs.instanceClass,
      allocatedStorage: databaseArgs.allocatedStorage,
      backupRetentionDays: database.retentionDays,
      backupWindow: database.backupWindow,
      maintenanceWindow: database.maintenanceWindow,
      storageEncrypted: database.storageEncrypted!,
      kmsKeyId: databaseArgs.kmsKeyId,
      deletionProtection: bool("databaseDeletionProtection"),
      multiAz: bool("databaseMultiAz"),
      manualSnapshots: database.manualSnapshots,
      backupReplicationRegion: databaseArgs.backupReplicationRegion,
      backupReplicationKmsKeyId: databaseArgs.backupReplicationKmsKeyId,
      snapshotCopyRegions,
      databaseName,
    },
    source,
    assets,
    api,
    validation,
  };
}

interface Readers {
  str(key: ConfigKey): string;
  optional(key: ConfigKey): string | undefined;
  int(key: ConfigKey): number;
  bool(key: ConfigKey): boolean;
  explicitlySet(key: ConfigKey): boolean;
  k(key: ConfigKey): string;
}

/**
 * The assets bucket's settings. A primary stack's bucket may replicate to the standby
 * region; a standby stack's bucket may be that replica, which must be locked. Each side's
 * keys are refused on the other, and a region named for the other side must differ from
 * this stack's own (`awsRegion`, when known): replication within one region survives no
 * region loss.
 */
function parseAssets(r: Readers, role: DatabaseRole, awsRegion: string | undefined): EnvironmentSettings["assets"] {
  const { k, optional } = r;
  const modeText = optional("assetsObjectLockMode");
  if (modeText !== undefined && modeText !== "governance" && modeText !== "compliance") {
    throw new InvalidConfigError(k("assetsObjectLockMode"), `${k("assetsObjectLockMode")} is ${show(modeText)}, but it must be governance, compliance or empty (no Object Lock).`);
  }
  const replicaSourceBucket = optional("assetsReplicaSourceBucket");
  const replicaSourceRegion = optional("assetsReplicaSourceRegion");
  const replicationBucket = optional("assetsReplicationBucket");
  if (role === "standby" && replicationBucket !== undefined) {
    throw new InvalidConfigError(
      k("assetsReplicationBucket"),
      `${k("assetsReplicationBucket")} is ${show(replicationBucket)}, but ${k("databaseRole")} is standby: replication is set on the primary's stack, whose bucket this stack's bucket receives (${k("assetsReplicaSourceBucket")}).`,
    );
  }
  if (role === "primary" && replicaSourceBucket !== undefined) {
    throw new InvalidConfigError(
      k("assetsReplicaSourceBucket"),
      `${k("assetsReplicaSourceBucket")} is ${show(replicaSourceBucket)}, but ${k("databaseRole")} is primary: only a standby stack's bucket is the replica of a primary's; set ${k("assetsReplicationBucket")} here to replicate this stack's bucket instead.`,
    );
  }
  if ((replicaSourceBucket === undefined) !== (replicaSourceRegion === undefined)) {
    const [set, unset] = replicaSourceBucket === undefined ? (["assetsReplicaSourceRegion", "assetsReplicaSourceBucket"] as const) : (["assetsReplicaSourceBucket", "assetsReplicaSourceRegion"] as const);
    throw new InvalidConfigError(k(unset), `${k(unset)} is unset, but ${k(set)} is set, and the drill reads the source bucket in its region to measure the replica; set both or neither.`);
  }
  const otherRegion = (key: ConfigKey, region: string | undefined, what: string) => {
    if (region === undefined) return;
    const problem = regionNameProblem(region);
    if (problem !== undefined) throw new InvalidConfigError(k(key), `${k(key)} is ${show(region)}, but ${problem}.`);
    if (region === awsRegion) {
      throw new InvalidConfigError(k(key), `${k(key)} is ${show(region)}, this stack's own region, but ${what} must be in another region to survive the loss of this one.`);
    }
  };
  otherRegion("assetsReplicaSourceRegion", replicaSourceRegion, "the bucket this one replicates");
  otherRegion("assetsReplicationRegion", optional("assetsReplicationRegion"), "the replica");

  const plan = planAssetsBucket(
    {
      bucketName: r.str("assetsBucketName"),
      noncurrentVersionExpirationDays: r.int("assetsNoncurrentVersionExpirationDays"),
      noncurrentVersionsToKeep: r.int("assetsNoncurrentVersionsToKeep"),
      abortIncompleteUploadDays: r.int("assetsAbortIncompleteUploadDays"),
      ...(modeText !== undefined ? { objectLockMode: modeText.toUpperCase() as ObjectLockMode } : {}),
      ...(modeText !== undefined || r.explicitlySet("assetsObjectLockRetentionDays") ? { objectLockRetentionDays: r.int("assetsObjectLockRetentionDays") } : {}),
      ...(replicaSourceBucket !== undefined ? { replicaSourceBucket } : {}),
      ...(replicationBucket !== undefined ? { replicationBucket } : {}),
      ...(optional("assetsReplicationRegion") !== undefined ? { replicationRegion: optional("assetsReplicationRegion") } : {}),
      ...(optional("assetsReplicationKmsKeyId") !== undefined ? { replicationKmsKeyId: optional("assetsReplicationKmsKeyId") } : {}),
      ...(r.bool("assetsReplicationTimeControl") ? { replicationTimeControl: true } : {}),
    },
    (arg) => k(`assets${capitalise(arg)}` as ConfigKey),
  );
  return {
    bucketName: plan.bucketName,
    ...plan.lifecycle,
    ...(plan.replication !== undefined ? { replication: plan.replication } : {}),
    ...(plan.replicaSourceBucket !== undefined ? { replicaOf: { bucket: plan.replicaSourceBucket, region: replicaSourceRegion! } } : {}),
    ...(plan.objectLock !== undefined ? { objectLock: plan.objectLock } : {}),
  };
}

/**
 * The refusal of a key the schema does not have. Keys of the first releases had dots
 * (`database.identifier`); the engine would merge defaults for those as property paths
 * (an object `gametracker:database`), so they were renamed, and an old stack file gets
 * the new name instead of a guess.
 */
function unknownKey(project: string, key: string): InvalidConfigError {
  const flat = key.replace(/\.([a-z])/g, (_, c: string) => c.toUpperCase());
  if (flat !== key && flat in CONFIG_SCHEMA) {
    return new InvalidConfigError(
      `${project}:${key}`,
      `${project}:${key} is set, but that key was renamed to ${project}:${flat} (Pulumi merges dotted keys with defaults as property paths); rename it in your Pulumi.<stack>.yaml.`,
    );
  }
  const grouped = Object.keys(CONFIG_SCHEMA).find((k) => k.startsWith(key) && /[A-Z]/.test(k.charAt(key.length)));
  if (grouped !== undefined) {
    return new InvalidConfigError(
      `${project}:${key}`,
      `${project}:${key} is set as an object (a structured value, e.g. from pulumi config set --path ${key}.x), but this project's keys are flat, such as ${project}:${grouped}; remove it and set the flat keys.`,
    );
  }
  return new InvalidConfigError(`${project}:${key}`, `${project}:${key} is set, but it is not a config key of this project; see Pulumi.yaml for the keys (${closest(key)}).`);
}

/** The schema key nearest to a mistyped one, for the error sentence. */
function closest(key: string): string {
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
    }
    return d[a.length]![b.length]!;
  };
  const best = Object.keys(CONFIG_SCHEMA).sort((a, b) => distance(key, a) - distance(key, b))[0]!;
  return `did you mean ${best}?`;
}
