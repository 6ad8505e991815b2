/**
 * Fixtures for tests that run against moto: a SQL Server instance shaped like the
 * environment's primary, manual and automated snapshots, an assets bucket with (or
 * without) its protections, a read-only Stacks fake that serves an environment stack's
 * outputs, a middleware that makes moto report an in-progress status, and a helper that
 * runs the real CLI in-process against all of it.
 *
 * What moto 5.2 does (and real RDS does differently), found by running it:
 * - CreateDBInstance is `available` at once and ALWAYS takes one automated snapshot,
 *   `rds:<instance>-<yyyy-MM-dd-HH-mm>`, even with BackupRetentionPeriod 0 (real RDS
 *   takes none then). That snapshot is the only automated one a test can get: moto has
 *   no way to create more, nor to back-date one. `automatedSnapshots()` returns it.
 * - Snapshot and instance times are moto's wall clock (millisecond precision), not the
 *   test's ManualClock; give the CLI a clock relative to `Date.now()` to make them "old".
 * - LatestRestorableTime is always moto's "now"; DescribeDBInstanceAutomatedBackups has
 *   no RestoreWindow; snapshots are `available` at once (see `pendingStatusMiddleware`).
 * - DeleteDBSnapshot deletes automated snapshots too (real RDS refuses), so a test that
 *   an automated snapshot survives really proves the tool never asked.
 * - Snapshot identifiers are stored lowercased, as RDS does.
 */
import {
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  CreateDBSubnetGroupCommand,
  DBInstance,
  DBSnapshot,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  RDSClient,
  Tag,
} from "@aws-sdk/client-rds";
import { CreateSecurityGroupCommand, DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { MiddlewareStack } from "@smithy/types";
import { AwsClients } from "../../automation/aws/clients";
import { ENVIRONMENT_PROJECT, EnvironmentOutputNames } from "../../contracts/stacks";
import { Stack, StackId, StackNotFoundError, StackOutputs, Stacks } from "../../automation/stacks/port";

export const SQLSERVER_ENGINE = "sqlserver-ex";
export const SQLSERVER_ENGINE_VERSION = "16.00.4165.4.v1";
/** The tag the CLI puts on snapshots it creates (kept literal here so a rename in the code fails the tests). */
export const TOOL_TAG: Tag = { Key: "created-by", Value: "gametracker-dr" };

export interface SqlServerInstanceOptions {
  identifier?: string;
  backupRetentionDays?: number;
  deletionProtection?: boolean;
  copyTagsToSnapshot?: boolean;
  engineVersion?: string;
  allocatedStorageGiB?: number;
  tags?: Record<string, string>;
}

/** A SQL Server Express instance hardened like the environment's primary unless told otherwise. */
export async function createSqlServerInstance(rds: RDSClient, options: SqlServerInstanceOptions = {}): Promise<DBInstance> {
  const identifier = options.identifier ?? "gametracker-mssql";
  const created = await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: identifier,
      Engine: SQLSERVER_ENGINE,
      EngineVersion: options.engineVersion ?? SQLSERVER_ENGINE_VERSION,
      LicenseModel: "license-included",
      DBInstanceClass: "db.t3.micro",
      AllocatedStorage: options.allocatedStorageGiB ?? 20,
      MasterUsername: "gtadmin",
      MasterUserPassword: "fixture-only-Pa55word",
      BackupRetentionPeriod: options.backupRetentionDays ?? 7,
      DeletionProtection: options.deletionProtection ?? true,
      CopyTagsToSnapshot: options.copyTagsToSnapshot ?? true,
      Tags: Object.entries(options.tags ?? { app: "gametracker", environment: "dev" }).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  return created.DBInstance!;
}

export interface ManualSnapshotOptions {
  /** Tag it `created-by=gametracker-dr` like the CLI does (default true). */
  byTool?: boolean;
  tags?: Record<string, string>;
}

/** A manual snapshot, by default tagged as if this tool had created it. */
export async function createManualSnapshot(rds: RDSClient, instance: string, identifier: string, options: ManualSnapshotOptions = {}): Promise<DBSnapshot> {
  const tags: Tag[] = Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  if (options.byTool ?? true) tags.push(TOOL_TAG);
  const created = await rds.send(
    new CreateDBSnapshotCommand({ DBInstanceIdentifier: instance, DBSnapshotIdentifier: identifier, ...(tags.length > 0 ? { Tags: tags } : {}) }),
  );
  return created.DBSnapshot!;
}

/** Every snapshot moto holds (optionally of one instance / one type), oldest first. */
export async function allSnapshots(rds: RDSClient, filter: { instance?: string; type?: "automated" | "manual" } = {}): Promise<DBSnapshot[]> {
  const snapshots: DBSnapshot[] = [];
  let marker: string | undefined;
  do {
    const page = await rds.send(
      new DescribeDBSnapshotsCommand({
        ...(filter.instance !== undefined ? { DBInstanceIdentifier: filter.instance } : {}),
        ...(filter.type !== undefined ? { SnapshotType: filter.type } : {}),
        ...(marker !== undefined ? { Marker: marker } : {}),
      }),
    );
    snapshots.push(...(page.DBSnapshots ?? []));
    marker = page.Marker;
  } while (marker);
  return snapshots.sort((a, b) => (a.SnapshotCreateTime?.getTime() ?? 0) - (b.SnapshotCreateTime?.getTime() ?? 0));
}

/** Snapshot identifiers moto holds, sorted (for state assertions). */
export async function snapshotIds(rds: RDSClient, filter: { instance?: string; type?: "automated" | "manual" } = {}): Promise<string[]> {
  return (await allSnapshots(rds, filter)).map((s) => s.DBSnapshotIdentifier!).sort();
}

/** The automated snapshot(s) moto took when the instance was created. */
export async function automatedSnapshots(rds: RDSClient, instance: string): Promise<DBSnapshot[]> {
  return allSnapshots(rds, { instance, type: "automated" });
}

export interface AssetsBucketOptions {
  name?: string;
  /** `Enabled` (default), `Suspended` (enabled once, then suspended) or `never` (never configured). */
  versioning?: "Enabled" | "Suspended" | "never";
  /** All four blocks on (true, default), none configured (false), or exactly these. */
  publicAccessBlock?:
    | boolean
    | { BlockPublicAcls: boolean; IgnorePublicAcls: boolean; BlockPublicPolicy: boolean; RestrictPublicBuckets: boolean };
  /** Days after which noncurrent versions expire (default 30); `false` for no lifecycle configuration at all. */
  noncurrentVersionExpirationDays?: number | false;
}

/** The assets bucket: versioned, private, noncurrent versions expiring — unless told otherwise. */
export async function createAssetsBucket(s3: S3Client, options: AssetsBucketOptions = {}): Promise<string> {
  const name = options.name ?? "gametracker-assets-dev";
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  const versioning = options.versioning ?? "Enabled";
  if (versioning !== "never") {
    await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Enabled" } }));
    if (versioning === "Suspended") {
      await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Suspended" } }));
    }
  }
  const block = options.publicAccessBlock ?? true;
  if (block !== false) {
    const all = block === true;
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: name,
        PublicAccessBlockConfiguration: all
          ? { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }
          : block,
      }),
    );
  }
  const days = options.noncurrentVersionExpirationDays ?? 30;
  if (days !== false) {
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: name,
        LifecycleConfiguration: {
          Rules: [{ ID: "expire-noncurrent-versions", Status: "Enabled", Filter: { Prefix: "" }, NoncurrentVersionExpiration: { NoncurrentDays: days } }],
        },
      }),
    );
  }
  return name;
}

export interface EnvironmentFixture {
  instance: DBInstance;
  bucket: string;
  /** The manual snapshot declared in the environment's config (databaseManualSnapshots). */
  declaredSnapshot: string;
}

/** A healthy environment: hardened instance, its declared manual snapshot, protected bucket. */
export async function createEnvironmentFixture(
  clients: Pick<AwsClients, "rds" | "s3">,
  options: { instance?: SqlServerInstanceOptions; bucket?: AssetsBucketOptions; declaredSnapshot?: string } = {},
): Promise<EnvironmentFixture> {
  const instance = await createSqlServerInstance(clients.rds, options.instance);
  const declaredSnapshot = options.declaredSnapshot ?? "gametracker-mssql-baseline";
  // Tagged the way the environment's database component tags its declared snapshots (not by this tool).
  await createManualSnapshot(clients.rds, instance.DBInstanceIdentifier!, declaredSnapshot, { byTool: false, tags: { "gametracker:snapshot": "manual" } });
  const bucket = await createAssetsBucket(clients.s3, options.bucket);
  return { instance, bucket, declaredSnapshot };
}

/** The environment stack outputs the CLI reads, as the environment program would export them. */
export function environmentOutputs(values: {
  dbInstance: string;
  bucket?: string;
  backupRetentionDays?: number;
  manualSnapshots?: string[];
  extra?: Record<string, unknown>;
}): StackOutputs {
  const outputs: StackOutputs = {
    [EnvironmentOutputNames.databaseIdentifier]: { value: values.dbInstance, secret: false },
    [EnvironmentOutputNames.backupRetentionDays]: { value: values.backupRetentionDays ?? 7, secret: false },
    [EnvironmentOutputNames.manualSnapshotIdentifiers]: { value: values.manualSnapshots ?? [], secret: false },
    [EnvironmentOutputNames.databaseSecretArn]: { value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-fixture", secret: false },
  };
  if (values.bucket !== undefined) outputs[EnvironmentOutputNames.assetsBucketName] = { value: values.bucket, secret: false };
  for (const [key, value] of Object.entries(values.extra ?? {})) outputs[key] = { value, secret: false };
  return outputs;
}

/**
 * A read-only Stacks fake: the named environment stacks exist and serve these outputs;
 * any other stack is StackNotFoundError. For commands that only read outputs; every
 * other verb fails loudly so a test notices when a command starts to change stacks.
 */
export function stacksWithOutputs(stacks: Record<string, StackOutputs>, project = ENVIRONMENT_PROJECT): Stacks & { selected: StackId[] } {
  const selected: StackId[] = [];
  const readOnly = (verb: string) => async (): Promise<never> => {
    throw new Error(`stacksWithOutputs is read-only: ${verb} was called`);
  };
  const stackFor = (id: StackId): Stack => ({
    id,
    outputs: async () => stacks[id.stack]!,
    getConfig: async () => undefined,
    setConfig: readOnly("setConfig"),
    setAllConfig: readOnly("setAllConfig"),
    removeConfig: readOnly("removeConfig"),
    getTags: async () => ({}),
    setTags: readOnly("setTags"),
    removeTags: readOnly("removeTags"),
    qualifiedName: async () => `organization/${id.project}/${id.stack}`,
    lockState: async () => ({ state: "free" }),
    clearStaleLock: readOnly("clearStaleLock"),
    pendingOperations: async () => [],
    resolvePendingOperations: readOnly("resolvePendingOperations"),
    preview: readOnly("preview"),
    up: readOnly("up"),
    destroy: readOnly("destroy"),
    remove: readOnly("remove"),
  });
  return {
    selected,
    async select(id) {
      selected.push(id);
      if (id.project !== project || !(id.stack in stacks)) throw new StackNotFoundError(id);
      return stackFor(id);
    },
    createOrSelect: readOnly("createOrSelect"),
    async list(p) {
      return p !== project ? [] : Object.keys(stacks).map((name) => ({ name, lastUpdate: undefined, updateInProgress: false, resourceCount: undefined }));
    },
  };
}

/**
 * Makes moto report an in-progress status, as real RDS does for minutes: the first
 * `times` responses of `operation` get `status` on every snapshot (DescribeDBSnapshots)
 * or instance (DescribeDBInstances). Tests use it to exercise waiting paths; it counts
 * how many responses it rewrote.
 */
export class PendingStatus {
  rewritten = 0;
  constructor(
    readonly operation: "DescribeDBSnapshots" | "DescribeDBInstances",
    readonly status: string,
    private remaining: number,
  ) {}

  readonly middleware = (stack: MiddlewareStack<any, any>): void => {
    stack.add(
      (next: any, context: any) => async (args: any) => {
        const result = await next(args);
        const operation = String(context.commandName ?? "").replace(/Command$/, "");
        if (operation === this.operation && this.remaining > 0) {
          this.remaining -= 1;
          this.rewritten += 1;
          for (const s of result.output?.DBSnapshots ?? []) s.Status = this.status;
          for (const i of result.output?.DBInstances ?? []) i.DBInstanceStatus = this.status;
        }
        return result;
      },
      { step: "initialize", name: `gametrackerPendingStatus${this.operation}`, priority: "low" },
    );
  };
}

/** A client middleware as createAwsClients takes it (with the client's region). */
export type ClientMiddleware = (stack: MiddlewareStack<any, any>, region: string) => void;

/** Several middlewares applied in order (e.g. a FaultInjector and a PendingStatus). */
export function combineMiddleware(...middlewares: Array<ClientMiddleware | undefined>): ClientMiddleware {
  return (stack, region) => {
    for (const m of middlewares) m?.(stack, region);
  };
}

export { runCli } from "./cli";
export type { CliRun } from "./cli";

// ---------------------------------------------------------------------------------------
// The environment's database network, and fingerprints of what a restore must not change

export interface DbNetwork {
  subnetGroupName: string;
  securityGroupId: string;
  /** The API's side: the private subnets and its security group, which the database's admits. */
  apiSubnetIds: string[];
  apiSecurityGroupId: string;
}

/** The environment's DB subnet group and security group, as the environment program would have made them (`rds` must be of `region`). */
export async function createDbNetwork(rds: RDSClient, endpoint: string, name = "gametracker-mssql", region = "us-east-1"): Promise<DbNetwork> {
  const ec2 = new EC2Client({ endpoint, region });
  try {
    const subnets = ((await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? []).map((s) => s.SubnetId!);
    if (subnets.length < 2) throw new Error(`moto's default VPC has ${subnets.length} subnets; expected at least 2`);
    const subnetGroupName = `${name}-subnets`;
    await rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: subnetGroupName, DBSubnetGroupDescription: "test", SubnetIds: subnets.slice(0, 2) }));
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${name}-db`, Description: "SQL Server from the API only" }));
    const api = await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${name}-api`, Description: "the API (and the bundled validator)" }));
    return { subnetGroupName, securityGroupId: sg.GroupId!, apiSubnetIds: subnets.slice(0, 2), apiSecurityGroupId: api.GroupId! };
  } finally {
    ec2.destroy();
  }
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

/**
 * Everything about the automated backups of `identifier` (and its restored instances) a
 * restore must not change: which exist, whose, in which state, from when. The latest
 * restorable time is left out: it moves by itself while the instance lives.
 */
export async function backupsFingerprint(rds: RDSClient, identifier: string): Promise<unknown> {
  const all = (await rds.send(new DescribeDBInstanceAutomatedBackupsCommand({}))).DBInstanceAutomatedBackups ?? [];
  return all
    .filter((b) => b.DBInstanceIdentifier === identifier)
    .map((b) => ({ dbi: b.DbiResourceId, status: b.Status, region: b.Region, arn: b.DBInstanceAutomatedBackupsArn, earliest: b.RestoreWindow?.EarliestTime?.toISOString(), retention: b.BackupRetentionPeriod }))
    .sort((a, b) => `${a.dbi}${a.arn}`.localeCompare(`${b.dbi}${b.arn}`));
}
