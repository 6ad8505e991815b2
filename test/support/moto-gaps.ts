/**
 * Where moto 5.2 departs from the documented AWS behaviour that a provider relies on, and
 * the named test behaviour that restores that rule — ONE home for them. Each gap is an SDK
 * middleware applied to an AWS client (the stand-in provider applies all of them to its
 * own clients; a test may apply them to others with `motoGapMiddleware`). The providers
 * above them stay what terraform-provider-aws is; nothing here decides what a test
 * asserts beyond "AWS would have done this".
 *
 * Gaps that are only documented (not corrected), because no program depends on them or
 * because correcting them would need a second emulator, are in KNOWN_UNCORRECTED_GAPS.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DescribeSecurityGroupsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreatePolicyCommand, IAMClient, ListPoliciesCommand } from "@aws-sdk/client-iam";
import { GetBucketVersioningCommand, type S3Client } from "@aws-sdk/client-s3";
import { DBInstance, DescribeDBInstancesCommand, ModifyDBInstanceCommand, PendingModifiedValues, RDSClient } from "@aws-sdk/client-rds";
import { pendingAsModify, splitModify } from "./rds-modify-timing";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { MiddlewareStack } from "@smithy/types";

export interface MotoGap {
  name: string;
  /** What moto does. */
  moto: string;
  /** The AWS rule the behaviour restores, with the API reference it comes from. */
  restores: string;
}

export const MOTO_GAPS: readonly MotoGap[] = [
  {
    name: "rds-unique-dbi-resource-id",
    moto: "Every DB instance gets the same DbiResourceId (db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U), so a dbi-resource-id filter matches every instance.",
    restores:
      "DBInstance.DbiResourceId is \"the AWS Region-unique, immutable identifier for the DB instance\" (RDS API Reference, DBInstance). Each instance (and its snapshots and automated backups) reads as db-<26 chars derived from region, identifier and creation time>; DescribeDBInstances' dbi-resource-id filter is applied to those.",
  },
  {
    name: "rds-restore-takes-request-values",
    moto: "RestoreDBInstanceFromDBSnapshot and RestoreDBInstanceToPointInTime copy every attribute of the source and apply only truthy overrides, so DeletionProtection=false, CopyTagsToSnapshot=false, MultiAZ=false, PubliclyAccessible=false and AutoMinorVersionUpgrade=false are ignored.",
    restores:
      "The restored instance takes the request's values, and for those not given the API defaults: DeletionProtection \"By default, deletion protection isn't enabled\", CopyTagsToSnapshot \"By default, tags are not copied\", MultiAZ a Single-AZ deployment (RDS API Reference, RestoreDBInstanceFromDBSnapshot / RestoreDBInstanceToPointInTime request parameters). Applied with a ModifyDBInstance right after moto's restore.",
  },
  {
    name: "rds-restore-without-managed-secret",
    moto: "A restore copies ManageMasterUserPassword from the source and gives the new instance a Secrets Manager secret at once.",
    restores:
      "RDS manages the master user password in Secrets Manager when you create or modify a DB instance or restore one from Amazon S3 (RDS User Guide, Password management with Secrets Manager); RestoreDBInstanceFromDBSnapshot's ManageMasterUserPassword \"applies to RDS for Oracle only\" (RDS API Reference). So a restored SQL Server instance has no managed secret until a ModifyDBInstance asks for one (terraform-provider-aws issue 31509): the copied secret is removed right after moto's restore.",
  },
  {
    name: "rds-default-kms-key-arn",
    moto: "An encrypted DB instance created without KmsKeyId gets the KmsKeyId \"default_kms_key_id\", which its snapshots, automated backups and restored instances carry on; that is no ARN, so the provider's kms_key_id validation (verify.ValidARN) refuses it when a restore declares the key of its backup.",
    restores:
      "\"If you don't specify a value for the KmsKeyId parameter, then Amazon RDS uses your default KMS key\" (RDS API Reference, CreateDBInstance), the account's aws/rds key, and DescribeDBInstances names it by its key ARN. A CreateDBInstance with StorageEncrypted and no KmsKeyId is sent with the key ARN of a stand-in for that key (arn:aws:kms:<region>:<account>:key/<id derived from both>), so moto stores and answers an ARN everywhere after.",
  },
  {
    name: "rds-point-in-time-restore-is-no-replica",
    moto: "RestoreDBInstanceToPointInTime keeps the request's SourceDBInstanceIdentifier on the new instance, so DescribeDBInstances reports it as a read replica of its source (ReadReplicaSourceDBInstanceIdentifier), although the source does not list it among its ReadReplicaDBInstanceIdentifiers.",
    restores:
      "ReadReplicaSourceDBInstanceIdentifier \"contains the identifier of the source DB instance if this DB instance is a read replica\" (RDS API Reference, DBInstance); RestoreDBInstanceToPointInTime \"restores a DB instance to an arbitrary point in time\" as a new standalone instance, not a replica (RDS API Reference). An instance is answered as a replica only when its source, described in the same region, lists it among its ReadReplicaDBInstanceIdentifiers.",
  },
  {
    name: "rds-pending-modifications",
    moto: "ModifyDBInstance applies every setting at once, whatever ApplyImmediately says, and DescribeDBInstances never reports PendingModifiedValues.",
    restores:
      "With ApplyImmediately false, RDS applies the instance class, allocated storage, storage type, IOPS and throughput, Multi-AZ, engine version, CA certificate, license model, subnet group, IAM authentication, processor features, a rename, and a backup retention change from or to 0 \"during the next maintenance window\", and every other setting at once (RDS User Guide, Settings for DB instances; test/support/rds-modify-timing.ts, setting by setting). Until then DescribeDBInstances answers the old values and lists the new ones in PendingModifiedValues (RDS API Reference, PendingModifiedValues); a ModifyDBInstance with ApplyImmediately true applies them with its own changes (User Guide, Using the schedule modifications setting). The deferred values are kept beside moto (in $GAMETRACKER_STANDIN_GAP_STATE, or the directory a test gives), per instance; moto gets the rest of the request, so what it refuses leaves nothing pending.",
  },
  {
    name: "iam-aws-managed-policies",
    moto: "AWS managed policies (arn:aws:iam::aws:policy/...) exist only with MOTO_IAM_LOAD_MANAGED_POLICIES=true, which costs about a second on the first IAM call after every reset (measured: the orchestration tier went from 28 s to 60 s), so the shared moto runs without them and AttachRolePolicy of one fails with NoSuchEntity.",
    restores:
      "\"AWS managed policies are created and administered by AWS\" and can be attached in every account (IAM User Guide, Managed policies and inline policies). An attachment of an AWS managed policy moto lacks is made to a customer managed copy under the path /aws-managed/<its path> (a no-op document: moto evaluates no policies), and the copy's ARN reads back as the AWS managed ARN in ListAttachedRolePolicies; DetachRolePolicy maps it the same way.",
  },
  {
    name: "ec2-rule-description-of-group-reference",
    moto: "DescribeSecurityGroupRules returns no Description for a rule that references a security group (moto keeps that description on the group pair only).",
    restores:
      "SecurityGroupRule.Description is \"the security group rule description\" whatever the rule's source (EC2 API Reference, SecurityGroupRule). Filled in from the same rule's UserIdGroupPairs[].Description in DescribeSecurityGroups, moto's own record of it.",
  },
  {
    name: "s3-lifecycle-newer-noncurrent-versions",
    moto: "PutBucketLifecycleConfiguration drops NoncurrentVersionExpiration.NewerNoncurrentVersions; GetBucketLifecycleConfiguration never returns it.",
    restores:
      "NewerNoncurrentVersions \"specifies how many noncurrent versions Amazon S3 will retain\" and is part of the stored rule (S3 API Reference, NoncurrentVersionExpiration). The value put is kept beside moto (in $GAMETRACKER_STANDIN_GAP_STATE, which the engine harness resets with moto) and returned again by rule ID.",
  },
  {
    name: "s3-replication-configuration-read-back",
    moto: "GetBucketReplication answers every rule with DeleteMarkerReplication Disabled and Filter Prefix \"\", and without SourceSelectionCriteria, whatever was put.",
    restores:
      "GetBucketReplication returns the replication configuration as it was put (S3 API Reference, GetBucketReplication: \"Returns the replication configuration of a bucket\"). The rules put are kept beside moto (in $GAMETRACKER_STANDIN_GAP_STATE) and their DeleteMarkerReplication, Filter, SourceSelectionCriteria and ExistingObjectReplication returned again by rule ID.",
  },
  {
    name: "s3-bucket-policy-conditions",
    moto: "A bucket policy statement with a Condition denies every object request when moto can't evaluate the condition, which is every condition (moto passes no request context: aws:SecureTransport among them), so the assets bucket's TLS-only Deny refuses every object request, over TLS or not.",
    restores:
      "A Deny statement applies only when its conditions hold (IAM User Guide, Policy evaluation logic; S3 User Guide, Enforcing encryption in transit with aws:SecureTransport): a request over TLS meets no \"aws:SecureTransport\": \"false\" Deny. The policy put is kept beside moto (in $GAMETRACKER_STANDIN_GAP_STATE) and answered back whole by GetBucketPolicy; moto gets only the statements without a Condition, so it judges requests as S3 judges one over TLS.",
  },
  {
    name: "s3-replication-destination-checked",
    moto: "PutBucketReplication accepts a destination bucket that does not exist or whose versioning is not Enabled.",
    restores:
      "\"Both source and destination buckets must have versioning enabled\" (S3 User Guide, Requirements for live replication); S3 refuses the configuration with 400 InvalidRequest \"Destination bucket must exist.\" or \"Destination bucket must have versioning enabled.\" (terraform-provider-aws issue 23578 quotes the latter). Checked with GetBucketVersioning of each rule's destination before moto stores the configuration, so the standby's bucket must be deployed first, as on AWS.",
  },
];

export const KNOWN_UNCORRECTED_GAPS: readonly MotoGap[] = [
  { name: "rds-available-at-once", moto: "Instances and snapshots are `available` immediately.", restores: "(not corrected here; test/support/faults.ts and the waits' ManualClock cover the product's waits)" },
  { name: "rds-pitr-live-source-only", moto: "RestoreDBInstanceToPointInTime needs a live source instance; no restorable window is kept.", restores: "(not corrected; the window logic is pure and tested with fixed times)" },
  { name: "rds-backup-replication", moto: "No StartDBInstanceAutomatedBackupsReplication API.", restores: "(the stand-in's schema table marks the type as echoed)" },
  { name: "rds-restore-subnet-group", moto: "A snapshot restore without DBSubnetGroupName keeps the source's subnet group; a point-in-time restore without VpcSecurityGroupIds keeps the source's groups.", restores: "(not corrected: the programs always pass both; AWS would use the default VPC's group and security group)" },
  { name: "lambda-invoke", moto: "Invoke needs Docker.", restores: "(not corrected)" },
  { name: "s3-last-modified-seconds", moto: "S3 LastModified has whole seconds.", restores: "(not corrected; histories are written a second apart)" },
  { name: "s3-replication", moto: "A replication configuration is stored, and nothing is replicated.", restores: "(test/support/s3-replication.ts applies S3's documented replication rules between two buckets)" },
  {
    name: "s3-object-lock-existing-objects",
    moto: "PutObjectLockConfiguration on a bucket that holds objects is refused (BucketNeedsToBeNew), also to change its default retention.",
    restores: "(not corrected: S3 enables Object Lock on an existing versioned bucket and changes a default retention at any time; the tests lock the replica before it holds objects)",
  },
];

/**
 * Installs the RDS gap behaviours on an RDS client's middleware stack. `stateDir` keeps the
 * modifications RDS defers (one directory per moto lifetime, shared by every process that
 * reads the same instances); without it ModifyDBInstance applies at once, as in moto.
 */
export function applyMotoGaps(client: RDSClient, region: string, stateDir?: string): void {
  client.middlewareStack.add(uniqueDbiResourceIds(region) as never, { step: "initialize", name: "motoGap:rds-unique-dbi-resource-id", priority: "high" });
  if (stateDir !== undefined) addPendingModifications(client.middlewareStack, region, stateDir);
  client.middlewareStack.add(defaultKmsKeyArn(client, region) as never, { step: "initialize", name: "motoGap:rds-default-kms-key-arn" });
  client.middlewareStack.add(restoreTakesRequestValues(client) as never, { step: "initialize", name: "motoGap:rds-restore-takes-request-values" });
  client.middlewareStack.add(restoreWithoutManagedSecret(client) as never, { step: "initialize", name: "motoGap:rds-restore-without-managed-secret" });
  client.middlewareStack.add(pointInTimeRestoreIsNoReplica(client) as never, { step: "initialize", name: "motoGap:rds-point-in-time-restore-is-no-replica" });
}

/**
 * Only the restore behaviours, for clients whose resource ids another layer already
 * makes distinct (the in-memory stacks' moto-rds-backups.ts); installed once per client.
 */
export function applyRestoreGaps(client: RDSClient): void {
  if (client.middlewareStack.identify().some((entry) => entry.startsWith("motoGap:rds-restore-takes-request-values"))) return;
  client.middlewareStack.add(restoreTakesRequestValues(client) as never, { step: "initialize", name: "motoGap:rds-restore-takes-request-values" });
  client.middlewareStack.add(restoreWithoutManagedSecret(client) as never, { step: "initialize", name: "motoGap:rds-restore-without-managed-secret" });
  client.middlewareStack.add(pointInTimeRestoreIsNoReplica(client) as never, { step: "initialize", name: "motoGap:rds-point-in-time-restore-is-no-replica" });
}

/** Installs the EC2 gap behaviours. */
export function applyEc2MotoGaps(client: EC2Client): void {
  client.middlewareStack.add(ruleDescriptions(client) as never, { step: "initialize", name: "motoGap:ec2-rule-description-of-group-reference" });
}

/** Installs the S3 gap behaviours; `stateDir` keeps what moto drops (one directory per moto lifetime). */
export function applyS3MotoGaps(client: S3Client, stateDir: string | undefined): void {
  if (stateDir !== undefined) s3MotoGapMiddleware(stateDir)(client.middlewareStack as MiddlewareStack<any, any>);
  client.middlewareStack.add(replicationDestinationChecked(client) as never, { step: "initialize", name: "motoGap:s3-replication-destination-checked" });
}

/** For S3 clients built elsewhere (the CLI's, in tests): the S3 gaps that keep state beside moto in `stateDir` and need no second client. */
export function s3MotoGapMiddleware(stateDir: string): (stack: MiddlewareStack<any, any>) => void {
  return (stack) => {
    stack.add(newerNoncurrentVersions(stateDir) as never, { step: "initialize", name: "motoGap:s3-lifecycle-newer-noncurrent-versions" });
    stack.add(replicationReadBack(stateDir) as never, { step: "initialize", name: "motoGap:s3-replication-configuration-read-back" });
    stack.add(bucketPolicyConditions(stateDir) as never, { step: "initialize", name: "motoGap:s3-bucket-policy-conditions" });
  };
}

/** Installs the IAM gap behaviours on an IAM client's middleware stack. */
export function applyIamMotoGaps(client: IAMClient): void {
  client.middlewareStack.add(awsManagedPolicies(client) as never, { step: "initialize", name: "motoGap:iam-aws-managed-policies" });
}

/** For clients built elsewhere (e.g. createAwsClients' `middleware` option): the gaps that need no second client. */
export function motoGapMiddleware(region: string): (stack: MiddlewareStack<any, any>) => void {
  return (stack) => stack.add(uniqueDbiResourceIds(region) as never, { step: "initialize", name: "motoGap:rds-unique-dbi-resource-id", priority: "high" });
}

/**
 * rds-pending-modifications alone, for clients built elsewhere (createAwsClients' `middleware`
 * option takes it as it is): RDS as the stand-in plugins see it, on the state they share.
 */
export function pendingModificationsMiddleware(stateDir: string): (stack: MiddlewareStack<any, any>, region: string) => void {
  return (stack, region) => {
    if (stack.identify().some((entry) => entry.startsWith("motoGap:rds-pending-modifications"))) return;
    addPendingModifications(stack, region, stateDir);
  };
}

// ---------------------------------------------------------------------------------------
// rds-unique-dbi-resource-id

const MOTO_CONSTANT_DBI = "db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U";
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A stable, distinct DbiResourceId for an instance: region, identifier and creation time. */
export function syntheticDbiResourceId(region: string, identifier: string, created: Date | string | undefined): string {
  const at = created instanceof Date ? created.toISOString() : String(created ?? "");
  const digest = createHash("sha256").update(`${region}/${identifier.toLowerCase()}/${at}`).digest();
  let out = "";
  for (let i = 0; out.length < 26; i++) out += BASE32[digest[i]! % 32];
  return `db-${out}`;
}

type Handler = (args: { input: any }) => Promise<{ output: any; response: unknown }>;

function uniqueDbiResourceIds(region: string) {
  return (next: Handler) =>
    async (args: { input: any }) => {
      const filters: Array<{ Name?: string; Values?: string[] }> | undefined = args.input?.Filters;
      const wanted = filters?.find((f) => f.Name === "dbi-resource-id")?.Values;
      const input = wanted ? { ...args.input, Filters: filters!.filter((f) => f.Name !== "dbi-resource-id") } : args.input;
      if (input.Filters?.length === 0) delete input.Filters;
      const result = await next({ ...args, input });
      rewriteIds(result.output, region);
      if (wanted && Array.isArray(result.output?.DBInstances)) {
        result.output.DBInstances = result.output.DBInstances.filter((db: DBInstance) => wanted.includes(db.DbiResourceId!));
      }
      return result;
    };
}

function rewriteIds(output: any, region: string): void {
  const fix = (item: any) => {
    if (item && item.DbiResourceId === MOTO_CONSTANT_DBI && item.DBInstanceIdentifier) {
      item.DbiResourceId = syntheticDbiResourceId(region, item.DBInstanceIdentifier, item.InstanceCreateTime);
    }
  };
  if (!output) return;
  for (const key of ["DBInstance", "DBSnapshot", "DBInstanceAutomatedBackup"]) fix(output[key]);
  for (const key of ["DBInstances", "DBSnapshots", "DBInstanceAutomatedBackups"]) for (const item of output[key] ?? []) fix(item);
}

// ---------------------------------------------------------------------------------------
// rds-pending-modifications

/** What waits for an instance's maintenance window, as the gap keeps it (one file per instance). */
interface PendingRecord {
  /** The instance's InstanceCreateTime: a record of an instance since deleted (or of an emulator since reset) is not its namesake's. */
  createdAt: string;
  pending: PendingModifiedValues;
}

function addPendingModifications(stack: MiddlewareStack<any, any>, region: string, stateDir: string): void {
  stack.add(pendingModifications(region, stateDir) as never, { step: "initialize", name: "motoGap:rds-pending-modifications" });
}

function pendingModifications(region: string, stateDir: string) {
  const file = (identifier: string) => path.join(stateDir, `rds-pending-${region}-${encodeURIComponent(identifier.toLowerCase())}.json`);
  const created = (db: DBInstance | undefined) => (db?.InstanceCreateTime === undefined ? "" : new Date(db.InstanceCreateTime).toISOString());
  const load = (db: DBInstance | undefined): PendingRecord | undefined => {
    if (db?.DBInstanceIdentifier === undefined || !fs.existsSync(file(db.DBInstanceIdentifier))) return undefined;
    const record = JSON.parse(fs.readFileSync(file(db.DBInstanceIdentifier), "utf8")) as PendingRecord;
    return record.createdAt === created(db) ? record : undefined;
  };
  const save = (db: DBInstance, pending: PendingModifiedValues) => {
    fs.mkdirSync(stateDir, { recursive: true });
    // Written whole and renamed: a plugin and the test process may read it at any time.
    const target = file(db.DBInstanceIdentifier!);
    fs.writeFileSync(`${target}.tmp-${process.pid}`, JSON.stringify({ createdAt: created(db), pending } satisfies PendingRecord));
    fs.renameSync(`${target}.tmp-${process.pid}`, target);
  };
  const forget = (identifier: string | undefined) => identifier !== undefined && fs.rmSync(file(identifier), { force: true });
  const report = (output: any) => {
    for (const db of [output?.DBInstance, ...(output?.DBInstances ?? [])] as Array<DBInstance | undefined>) {
      const record = load(db);
      if (db !== undefined && record !== undefined) db.PendingModifiedValues = { ...db.PendingModifiedValues, ...record.pending };
    }
  };

  return (next: Handler, context: { commandName?: string }) =>
    async (args: { input: any }) => {
      if (context.commandName === "DeleteDBInstanceCommand") {
        const result = await next(args);
        forget(args.input.DBInstanceIdentifier);
        return result;
      }
      if (context.commandName !== "ModifyDBInstanceCommand") {
        const result = await next(args);
        report(result.output);
        return result;
      }
      const { DBInstanceIdentifier: identifier, ApplyImmediately: immediately, ...settings } = args.input as Record<string, unknown>;
      const send = (input: Record<string, unknown>) => next({ ...args, input: { ...input, DBInstanceIdentifier: identifier, ApplyImmediately: immediately } });
      if (immediately === true) {
        if (typeof identifier !== "string" || !fs.existsSync(file(identifier))) return next(args);
        // The request and the queue, applied together; a refusal leaves the queue as it was.
        const queued = load((await send({})).output?.DBInstance)?.pending ?? {};
        const result = await send({ ...pendingAsModify(queued), ...settings });
        forget(identifier);
        return result;
      }
      // The instance's retention before the request (a no-op modify: moto answers the instance as it is).
      const retention = settings.BackupRetentionPeriod === undefined ? undefined : ((await send({})).output?.DBInstance?.BackupRetentionPeriod ?? 0);
      const { now, deferred } = splitModify(settings, retention);
      // moto gets what RDS applies now, and judges the request: a refusal defers nothing.
      const result = await send(now);
      const db: DBInstance | undefined = result.output?.DBInstance;
      if (db?.DBInstanceIdentifier !== undefined && Object.keys(deferred).length > 0) {
        save(db, { ...load(db)?.pending, ...deferred });
      }
      report(result.output);
      return result;
    };
}

// ---------------------------------------------------------------------------------------
// rds-restore-takes-request-values

/** What RDS gives a restored instance for a setting the request leaves out (undefined: depends, not corrected). */
const RESTORE_DEFAULTS = {
  DeletionProtection: false,
  CopyTagsToSnapshot: false,
  MultiAZ: false,
  PubliclyAccessible: undefined,
  AutoMinorVersionUpgrade: undefined,
} as const;

function restoreTakesRequestValues(client: RDSClient) {
  return (next: Handler, context: { commandName?: string }) =>
    async (args: { input: any }) => {
      const result = await next(args);
      if (context.commandName !== "RestoreDBInstanceFromDBSnapshotCommand" && context.commandName !== "RestoreDBInstanceToPointInTimeCommand") return result;
      const db: DBInstance | undefined = result.output?.DBInstance;
      if (db?.DBInstanceIdentifier === undefined) return result;
      const fix: Record<string, boolean> = {};
      for (const [key, fallback] of Object.entries(RESTORE_DEFAULTS)) {
        const wanted = args.input[key] ?? fallback;
        if (typeof wanted === "boolean" && db[key as keyof DBInstance] !== wanted) fix[key] = wanted;
      }
      if (Object.keys(fix).length === 0) return result;
      await client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: db.DBInstanceIdentifier, ApplyImmediately: true, ...fix }));
      const described = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: db.DBInstanceIdentifier }));
      result.output.DBInstance = described.DBInstances?.[0] ?? db;
      return result;
    };
}

// ---------------------------------------------------------------------------------------
// rds-restore-without-managed-secret

function restoreWithoutManagedSecret(client: RDSClient) {
  return (next: Handler, context: { commandName?: string }) =>
    async (args: { input: any }) => {
      const result = await next(args);
      if (context.commandName !== "RestoreDBInstanceFromDBSnapshotCommand" && context.commandName !== "RestoreDBInstanceToPointInTimeCommand") return result;
      const db: DBInstance | undefined = result.output?.DBInstance;
      if (db?.DBInstanceIdentifier === undefined || db.MasterUserSecret === undefined || args.input.ManageMasterUserPassword === true) return result;
      await client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: db.DBInstanceIdentifier, ApplyImmediately: true, ManageMasterUserPassword: false }));
      const described = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: db.DBInstanceIdentifier }));
      result.output.DBInstance = described.DBInstances?.[0] ?? db;
      return result;
    };
}

// ---------------------------------------------------------------------------------------
// rds-default-kms-key-arn

/** The key ARN that stands for the account's aws/rds key in a region: stable, and shaped as KMS's key ARNs are. */
export function defaultRdsKeyArn(region: string, account: string): string {
  const hex = createHash("sha256").update(`aws/rds ${account} ${region}`).digest("hex");
  return `arn:aws:kms:${region}:${account}:key/${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function defaultKmsKeyArn(client: RDSClient, region: string) {
  let account: Promise<string> | undefined;
  // moto's account, as the same endpoint and credentials see it (STS GetCallerIdentity).
  const accountId = () =>
    (account ??= (async () => {
      const sts = new STSClient({ region, endpoint: client.config.endpoint, credentials: client.config.credentials });
      try {
        return (await sts.send(new GetCallerIdentityCommand({}))).Account!;
      } finally {
        sts.destroy();
      }
    })());
  return (next: Handler, context: { commandName?: string }) =>
    async (args: { input: any }) => {
      if (context.commandName !== "CreateDBInstanceCommand" || args.input?.StorageEncrypted !== true || args.input.KmsKeyId !== undefined) return next(args);
      return next({ ...args, input: { ...args.input, KmsKeyId: defaultRdsKeyArn(region, await accountId()) } });
    };
}

// ---------------------------------------------------------------------------------------
// rds-point-in-time-restore-is-no-replica

function pointInTimeRestoreIsNoReplica(client: RDSClient) {
  return (next: Handler) =>
    async (args: { input: any }) => {
      const result = await next(args);
      const instances: DBInstance[] = [...(result.output?.DBInstance ? [result.output.DBInstance] : []), ...(result.output?.DBInstances ?? [])];
      for (const db of instances) {
        const source = db.ReadReplicaSourceDBInstanceIdentifier;
        // A source named by ARN is a cross-region replica's: moto's restore never writes one.
        if (source === undefined || source.startsWith("arn:") || (await listsReplica(client, source, db.DBInstanceIdentifier))) continue;
        delete db.ReadReplicaSourceDBInstanceIdentifier;
      }
      return result;
    };
}

async function listsReplica(client: RDSClient, source: string, replica: string | undefined): Promise<boolean> {
  try {
    const described = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: source }));
    return (described.DBInstances?.[0]?.ReadReplicaDBInstanceIdentifiers ?? []).includes(replica ?? "");
  } catch (error) {
    if ((error as { name?: string }).name === "DBInstanceNotFoundFault") return false;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------
// iam-aws-managed-policies

const AWS_MANAGED_ARN = /^arn:aws:iam::aws:policy(\/(?:.*\/)?)([^/]+)$/;
const COPY_ARN = /^arn:aws:iam::\d{12}:policy\/aws-managed(\/(?:.*\/)?)([^/]+)$/;
const NO_OP_DOCUMENT = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "MotoGapCopyOfAwsManagedPolicy", Effect: "Deny", NotAction: "*", Resource: "*" }] });

/** The customer managed copy of an AWS managed policy, made on first use. */
async function managedPolicyCopy(client: IAMClient, awsArn: string, create: boolean): Promise<string | undefined> {
  const [, path, name] = AWS_MANAGED_ARN.exec(awsArn)!;
  const copyPath = `/aws-managed${path}`;
  const listed = await client.send(new ListPoliciesCommand({ Scope: "Local", PathPrefix: copyPath }));
  const found = listed.Policies?.find((p) => p.PolicyName === name && p.Path === copyPath);
  if (found?.Arn || !create) return found?.Arn;
  const created = await client.send(
    new CreatePolicyCommand({ PolicyName: name, Path: copyPath, PolicyDocument: NO_OP_DOCUMENT, Description: `moto gap iam-aws-managed-policies: stands for ${awsArn}` }),
  );
  return created.Policy?.Arn;
}

function awsManagedPolicies(client: IAMClient) {
  return (next: Handler, context: { commandName?: string }) =>
    async (args: { input: any }) => {
      const command = context.commandName;
      const arn: string | undefined = args.input?.PolicyArn;
      if ((command === "AttachRolePolicyCommand" || command === "DetachRolePolicyCommand") && arn !== undefined && AWS_MANAGED_ARN.test(arn)) {
        try {
          return await next(args);
        } catch (error) {
          if ((error as { name?: string }).name !== "NoSuchEntityException") throw error;
          const copy = await managedPolicyCopy(client, arn, command === "AttachRolePolicyCommand");
          if (copy === undefined) throw error;
          return next({ ...args, input: { ...args.input, PolicyArn: copy } });
        }
      }
      const result = await next(args);
      if (command === "ListAttachedRolePoliciesCommand") {
        for (const p of result.output?.AttachedPolicies ?? []) {
          const m = COPY_ARN.exec(p.PolicyArn ?? "");
          if (m) p.PolicyArn = `arn:aws:iam::aws:policy${m[1]}${m[2]}`;
        }
      }
      return result;
    };
}

// ---------------------------------------------------------------------------------------
// ec2-rule-description-of-group-reference

function ruleDescriptions(client: EC2Client) {
  return (next: Handler, context: { commandName?: string }) =>
    async (args: { input: any }) => {
      const result = await next(args);
      if (context.commandName !== "DescribeSecurityGroupRulesCommand") return result;
      const missing = (result.output?.SecurityGroupRules ?? []).filter((r: any) => r.ReferencedGroupInfo?.GroupId && r.Description === undefined);
      for (const rule of missing) {
        const group = (await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [rule.GroupId] }))).SecurityGroups?.[0];
        const permissions = rule.IsEgress ? group?.IpPermissionsEgress : group?.IpPermissions;
        const pair = (permissions ?? [])
          .filter((p) => p.IpProtocol === rule.IpProtocol && (p.FromPort ?? -1) === (rule.FromPort ?? -1) && (p.ToPort ?? -1) === (rule.ToPort ?? -1))
          .flatMap((p) => p.UserIdGroupPairs ?? [])
          .find((g) => g.GroupId === rule.ReferencedGroupInfo.GroupId);
        if (pair?.Description !== undefined) rule.Description = pair.Description;
      }
      return result;
    };
}

// ---------------------------------------------------------------------------------------
// s3-lifecycle-newer-noncurrent-versions

function newerNoncurrentVersions(stateDir: string) {
  return ruleFieldsReadBack<number>(
    stateDir,
    "s3-lifecycle",
    { put: "PutBucketLifecycleConfigurationCommand", get: "GetBucketLifecycleConfigurationCommand", remove: "DeleteBucketLifecycleCommand" },
    { put: (input) => input.LifecycleConfiguration?.Rules, got: (output) => output?.Rules },
    (rule) => rule.NoncurrentVersionExpiration?.NewerNoncurrentVersions,
    (rule, n) => {
      if (rule.NoncurrentVersionExpiration && rule.NoncurrentVersionExpiration.NewerNoncurrentVersions === undefined) rule.NoncurrentVersionExpiration.NewerNoncurrentVersions = n;
    },
  );
}

/**
 * A bucket configuration whose rules moto answers back with less than was put: `keep` takes
 * what moto loses from each put rule (by its ID; undefined keeps nothing), kept beside moto,
 * and `restore` puts it back into the rule of the same ID that Get answers. Removing the
 * configuration or the bucket forgets it.
 */
function ruleFieldsReadBack<T>(
  stateDir: string,
  gap: string,
  commands: { put: string; get: string; remove: string },
  rulesOf: { put(input: any): any[] | undefined; got(output: any): any[] | undefined },
  keep: (rule: any) => T | undefined,
  restore: (rule: any, kept: T) => void,
) {
  const kept = keptBesideMoto<Record<string, T>>(stateDir, gap);
  return (next: Handler, context: { commandName?: string }) =>
    async (args: { input: any }) => {
      const command = context.commandName;
      const bucket: string | undefined = args.input?.Bucket;
      const result = await next(args);
      if (bucket === undefined) return result;
      if (command === commands.put) {
        const rules: Record<string, T> = {};
        for (const rule of rulesOf.put(args.input) ?? []) {
          const value = rule.ID === undefined ? undefined : keep(rule);
          if (value !== undefined) rules[rule.ID] = value;
        }
        kept.keep(bucket, rules);
      } else if (command === commands.remove || command === "DeleteBucketCommand") {
        kept.drop(bucket);
      } else if (command === commands.get) {
        const rules = kept.read(bucket) ?? {};
        for (const rule of rulesOf.got(result.output) ?? []) {
          const value = rules[rule.ID];
          if (value !== undefined) restore(rule, value);
        }
      }
      return result;
    };
}

/** What a gap keeps beside moto for a bucket: one file per gap and bucket in `stateDir`, which the engine harness resets with moto. */
function keptBesideMoto<T>(stateDir: string, gap: string) {
  const file = (bucket: string) => path.join(stateDir, `moto-gap-${gap}-${encodeURIComponent(bucket)}.json`);
  return {
    keep(bucket: string, value: T): void {
      fs.mkdirSync(stateDir, { recursive: true });
      fs.writeFileSync(file(bucket), JSON.stringify(value));
    },
    drop(bucket: string): void {
      fs.rmSync(file(bucket), { force: true });
    },
    read(bucket: string): T | undefined {
      return fs.existsSync(file(bucket)) ? (JSON.parse(fs.readFileSync(file(bucket), "utf8")) as T) : undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------
// s3-replication-destination-checked

function replicationDestinationChecked(client: S3Client) {
  const refused = (message: string) => Object.assign(new Error(message), { name: "InvalidRequest", Code: "InvalidRequest", $fault: "client", $metadata: { httpStatusCode: 400 } });
  return (next: Handler, context: { commandName?: string }) =>
    async (args: { input: any }) => {
      if (context.commandName !== "PutBucketReplicationCommand") return next(args);
      for (const rule of args.input?.ReplicationConfiguration?.Rules ?? []) {
        const bucket = /^arn:[^:]+:s3:::(.+)$/.exec(String(rule.Destination?.Bucket ?? ""))?.[1];
        if (bucket === undefined) continue;
        let status: string | undefined;
        try {
          status = (await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
        } catch (error) {
          if ((error as { name?: string }).name === "NoSuchBucket") throw refused("Destination bucket must exist.");
          throw error;
        }
        if (status !== "Enabled") throw refused("Destination bucket must have versioning enabled.");
      }
      return next(args);
    };
}

// ---------------------------------------------------------------------------------------
// s3-replication-configuration-read-back

function replicationReadBack(stateDir: string) {
  const fields = ["DeleteMarkerReplication", "Filter", "SourceSelectionCriteria", "ExistingObjectReplication"] as const;
  return ruleFieldsReadBack<Record<string, unknown>>(
    stateDir,
    "s3-replication",
    { put: "PutBucketReplicationCommand", get: "GetBucketReplicationCommand", remove: "DeleteBucketReplicationCommand" },
    { put: (input) => input.ReplicationConfiguration?.Rules, got: (output) => output?.ReplicationConfiguration?.Rules },
    (rule) => Object.fromEntries(fields.filter((f) => rule[f] !== undefined).map((f) => [f, rule[f]])),
    (rule, put) => {
      for (const f of fields) {
        if (put[f] !== undefined) rule[f] = put[f];
        else if (f !== "Filter") delete rule[f];
      }
    },
  );
}

// ---------------------------------------------------------------------------------------
// s3-bucket-policy-conditions

function bucketPolicyConditions(stateDir: string) {
  const kept = keptBesideMoto<string>(stateDir, "s3-bucket-policy");
  return (next: Handler, context: { commandName?: string }) =>
    async (args: { input: any }) => {
      const command = context.commandName;
      const bucket: string | undefined = args.input?.Bucket;
      if (bucket === undefined) return next(args);
      if (command === "PutBucketPolicyCommand") {
        const policy = JSON.parse(String(args.input.Policy)) as { Statement: Array<{ Condition?: unknown }> | { Condition?: unknown } };
        const statements = (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]).filter((st) => st.Condition === undefined);
        kept.keep(bucket, String(args.input.Policy));
        return next({ ...args, input: { ...args.input, Policy: JSON.stringify({ ...policy, Statement: statements }) } });
      }
      if (command === "GetBucketPolicyCommand") {
        const result = await next(args);
        const policy = kept.read(bucket);
        if (policy !== undefined) result.output.Policy = policy;
        return result;
      }
      if (command === "DeleteBucketPolicyCommand" || command === "DeleteBucketCommand") kept.drop(bucket);
      return next(args);
    };
}
