/**
 * Resource lifecycles that make MemoryStacks' `up` and `destroy` real on moto, for the
 * resource types the drill, cut-over and cleanup verify through the AWS SDK. The state
 * handed back to Pulumi is moto's answer (address, port, ARNs, secret ARN, ids), never
 * invented, so a program's outputs are what AWS would report.
 *
 * Covered: the environment's network (`awsx:ec2:Vpc` as a VPC with private and public
 * subnets, security groups), `aws:rds/subnetGroup:SubnetGroup`, `aws:rds/instance:Instance`
 * (CreateDBInstance / RestoreDBInstanceFromDBSnapshot / RestoreDBInstanceToPointInTime,
 * ModifyDBInstance, DeleteDBInstance honouring skipFinalSnapshot/finalSnapshotIdentifier),
 * `aws:rds/snapshot:Snapshot`, `aws:rds/instanceAutomatedBackupsReplication:…` (see its
 * lifecycle), `aws:iam/role:Role` (moto's CreateFunction checks the role exists) and
 * `aws:lambda/function:Function` (the cut-over reads the Lambda's environment back from
 * moto). Everything else keeps the mocks' default state. Each resource goes to the region
 * the provider would use: its own `region`, else its stack's `aws:region`.
 *
 * An instance is created exactly as terraform-provider-aws creates it: the stand-in's
 * planInstanceCreate (the one copy of resourceInstanceCreate, with only the follow-up
 * ModifyDBInstance that file makes). Where moto restores differently from RDS (it ignores
 * falsy overrides, copies the source's managed secret), the named behaviours of
 * moto-gaps.ts make it answer as RDS does; nothing here corrects a restored instance
 * towards the program's inputs, so verify can fail when the restore is wrong.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  CreateDBSubnetGroupCommand,
  DBInstance,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
  CreateDBInstanceCommandInput,
  RestoreDBInstanceFromDBSnapshotCommandInput,
  RestoreDBInstanceToPointInTimeCommandInput,
  ModifyDBSubnetGroupCommand,
  RemoveTagsFromResourceCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  StartDBInstanceAutomatedBackupsReplicationCommand,
  StopDBInstanceAutomatedBackupsReplicationCommand,
} from "@aws-sdk/client-rds";
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  FunctionCode,
  GetFunctionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeSubnetsCommand,
} from "@aws-sdk/client-ec2";
import { AwsClients } from "../../automation/aws/clients";
import { LifecycleContext, LifecycleResult, ResourceLifecycle } from "./memory-stacks/lifecycle";
import { zipFiles } from "./zip";
import { applyRestoreGaps } from "./moto-gaps";
import { planInstanceCreate } from "../engine/standin/aws/resources/rds";

export interface MotoBehaviourOptions {
  /**
   * Which registrations go to moto (default: all of the covered types). For example, leave
   * out a primary instance that a fixture already created:
   * `filter: (type, inputs) => type !== RDS_INSTANCE || isRestore(inputs)`.
   */
  filter?: (type: string, inputs: Record<string, any>, context: LifecycleContext) => boolean;
  /** Clients for another region than `clients`' (a standby stack's resources, a restore in the replication region). */
  clientsIn?: (region: string) => AwsClients;
}

export const RDS_INSTANCE = "aws:rds/instance:Instance";
export const RDS_SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup";
export const RDS_SNAPSHOT = "aws:rds/snapshot:Snapshot";
export const LAMBDA_FUNCTION = "aws:lambda/function:Function";
export const IAM_ROLE = "aws:iam/role:Role";
export const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
export const AWSX_VPC = "awsx:ec2:Vpc";
export const RDS_BACKUP_REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";

/** Whether an `aws:rds/instance:Instance`'s inputs describe a restore (from a snapshot or to a point in time). */
export function isRestore(inputs: Record<string, any>): boolean {
  return Boolean(inputs.snapshotIdentifier) || inputs.restoreToPointInTime !== undefined;
}

export type MotoBehaviours = ResourceLifecycle[] & {
  /** Closes the extra (IAM, EC2) clients these lifecycles opened. */
  destroy(): void;
};

/**
 * The lifecycles for MemoryStacks' `behaviours`, calling moto through `clients` (RDS and
 * Lambda from the production factory, so test middleware applies) plus IAM and EC2 clients
 * on the same endpoint, which only tests need.
 */
export function motoBehaviours(clients: AwsClients, options: MotoBehaviourOptions = {}): MotoBehaviours {
  const config = { region: clients.region, ...(clients.endpoint ? { endpoint: clients.endpoint } : {}) };
  const iam = new IAMClient(config);
  const regional = new Map<string, AwsClients>([[clients.region, clients]]);
  // Like the AWS provider: a resource's own `region` (aws 7.x), else the stack's aws:region.
  const at: ClientsAt = (inputs, context) => {
    const region: string = inputs.region ?? context.config["aws:region"] ?? clients.region;
    let found = regional.get(region);
    if (found === undefined) {
      if (options.clientsIn === undefined) throw new Error(`motoBehaviours: a resource in ${region} needs clientsIn (only ${clients.region} was given)`);
      found = options.clientsIn(region);
      regional.set(region, found);
    }
    return found;
  };
  const lifecycles = [
    vpcLifecycle(at),
    securityGroupLifecycle(at),
    dbSubnetGroupLifecycle(at),
    rdsInstanceLifecycle(at),
    dbSnapshotLifecycle(at),
    backupReplicationLifecycle(at),
    iamRoleLifecycle(iam),
    lambdaFunctionLifecycle(at),
  ].map((l) => (options.filter ? { ...l, handles: (inputs: Record<string, any>, ctx: LifecycleContext) => options.filter!(l.type, inputs, ctx) } : l));
  return Object.assign(lifecycles, {
    destroy() {
      iam.destroy();
    },
  });
}

/** The clients of the region a resource lives in (see motoBehaviours). */
export type ClientsAt = (inputs: Record<string, any>, context: LifecycleContext) => AwsClients;

// ---------------------------------------------------------------------------------------
// Helpers

/** Pulumi's auto-naming: the logical name plus seven random hex characters. */
export function autoName(name: string): string {
  return `${name}-${randomBytes(4).toString("hex").slice(0, 7)}`;
}

function rdsTags(tags: Record<string, string> | undefined): Array<{ Key: string; Value: string }> | undefined {
  const entries = Object.entries(tags ?? {});
  return entries.length === 0 ? undefined : entries.map(([Key, Value]) => ({ Key, Value }));
}

function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Deleting what is already gone succeeds, as the AWS provider treats NotFound on delete. */
async function gone(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    const name = String((error as { name?: string }).name ?? "") + String((error as { Code?: string }).Code ?? "");
    if (!/NotFound|NoSuchEntity/.test(name)) throw error;
  }
}

function changed(paths: readonly string[], ...keys: string[]): boolean {
  return paths.some((p) => keys.some((k) => p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`)));
}

// ---------------------------------------------------------------------------------------
// RDS instance

async function describeInstance(clients: AwsClients, identifier: string): Promise<DBInstance> {
  const found = await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
  const instance = found.DBInstances?.[0];
  if (instance === undefined) throw new Error(`moto has no DB instance ${identifier}`);
  return instance;
}

/** What the provider reports for an instance: the inputs laid under moto's view of it. */
function instanceState(inputs: Record<string, any>, db: DBInstance): LifecycleResult {
  const address = db.Endpoint?.Address ?? "";
  const port = db.Endpoint?.Port ?? inputs.port ?? 1433;
  const tags = Object.fromEntries((db.TagList ?? []).map((t) => [t.Key!, t.Value ?? ""]));
  return {
    id: db.DBInstanceIdentifier!,
    state: {
      ...inputs,
      identifier: db.DBInstanceIdentifier,
      arn: db.DBInstanceArn,
      resourceId: db.DbiResourceId,
      address,
      port,
      endpoint: `${address}:${port}`,
      hostedZoneId: db.Endpoint?.HostedZoneId,
      status: db.DBInstanceStatus,
      engine: db.Engine,
      engineVersion: inputs.engineVersion ?? db.EngineVersion,
      engineVersionActual: db.EngineVersion,
      instanceClass: db.DBInstanceClass,
      allocatedStorage: db.AllocatedStorage,
      storageType: db.StorageType,
      storageEncrypted: db.StorageEncrypted,
      kmsKeyId: db.KmsKeyId,
      username: db.MasterUsername,
      dbSubnetGroupName: db.DBSubnetGroup?.DBSubnetGroupName,
      vpcSecurityGroupIds: (db.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!),
      backupRetentionPeriod: db.BackupRetentionPeriod,
      backupWindow: db.PreferredBackupWindow,
      maintenanceWindow: db.PreferredMaintenanceWindow,
      deletionProtection: db.DeletionProtection,
      multiAz: db.MultiAZ,
      publiclyAccessible: db.PubliclyAccessible,
      copyTagsToSnapshot: db.CopyTagsToSnapshot,
      licenseModel: db.LicenseModel,
      latestRestorableTime: db.LatestRestorableTime?.toISOString(),
      masterUserSecrets: db.MasterUserSecret
        ? [{ secretArn: db.MasterUserSecret.SecretArn, secretStatus: db.MasterUserSecret.SecretStatus, kmsKeyId: db.MasterUserSecret.KmsKeyId ?? "" }]
        : [],
      tagsAll: tags,
    },
  };
}

export function rdsInstanceLifecycle(at: ClientsAt): ResourceLifecycle {
  return {
    type: RDS_INSTANCE,
    async create(inputs, context) {
      const clients = at(inputs, context);
      const identifier: string = inputs.identifier ?? autoName(context.name).toLowerCase();
      // Exactly what terraform-provider-aws sends (the stand-in's one copy of resourceInstanceCreate),
      // on moto with its restore gaps corrected by the documented behaviours of moto-gaps.ts.
      applyRestoreGaps(clients.rds);
      const plan = planInstanceCreate({ ...inputs, identifier });
      if (plan.command === "snapshot") await clients.rds.send(new RestoreDBInstanceFromDBSnapshotCommand(plan.input as RestoreDBInstanceFromDBSnapshotCommandInput));
      else if (plan.command === "pitr") await clients.rds.send(new RestoreDBInstanceToPointInTimeCommand(plan.input as RestoreDBInstanceToPointInTimeCommandInput));
      else await clients.rds.send(new CreateDBInstanceCommand(plan.input as CreateDBInstanceCommandInput));
      if (plan.modify !== undefined) await clients.rds.send(new ModifyDBInstanceCommand({ ...plan.modify, DBInstanceIdentifier: identifier }));
      const db = await describeInstance(clients, identifier);
      return instanceState(inputs, db);
    },
    async update({ id, inputs, oldInputs, changedPaths }, context) {
      const clients = at(inputs, context);
      const modify = defined({
        DBInstanceClass: changed(changedPaths, "instanceClass") ? inputs.instanceClass : undefined,
        AllocatedStorage: changed(changedPaths, "allocatedStorage") ? inputs.allocatedStorage : undefined,
        BackupRetentionPeriod: changed(changedPaths, "backupRetentionPeriod") ? inputs.backupRetentionPeriod : undefined,
        PreferredBackupWindow: changed(changedPaths, "backupWindow") ? inputs.backupWindow : undefined,
        PreferredMaintenanceWindow: changed(changedPaths, "maintenanceWindow") ? inputs.maintenanceWindow : undefined,
        DeletionProtection: changed(changedPaths, "deletionProtection") ? inputs.deletionProtection : undefined,
        MultiAZ: changed(changedPaths, "multiAz") ? inputs.multiAz : undefined,
        CopyTagsToSnapshot: changed(changedPaths, "copyTagsToSnapshot") ? inputs.copyTagsToSnapshot : undefined,
        VpcSecurityGroupIds: changed(changedPaths, "vpcSecurityGroupIds") ? inputs.vpcSecurityGroupIds : undefined,
        EngineVersion: changed(changedPaths, "engineVersion") ? inputs.engineVersion : undefined,
        ManageMasterUserPassword: changed(changedPaths, "manageMasterUserPassword") ? inputs.manageMasterUserPassword : undefined,
      });
      // As the provider sends it: apply_immediately is the program's (false unless it says so), so RDS may defer.
      if (Object.keys(modify).length > 0) await clients.rds.send(new ModifyDBInstanceCommand({ ...modify, DBInstanceIdentifier: id, ApplyImmediately: inputs.applyImmediately === true }));
      if (changed(changedPaths, "tags")) {
        const db = await describeInstance(clients, id);
        const before = (oldInputs.tags ?? {}) as Record<string, string>;
        const after = (inputs.tags ?? {}) as Record<string, string>;
        const removed = Object.keys(before).filter((k) => !(k in after));
        if (removed.length > 0) await clients.rds.send(new RemoveTagsFromResourceCommand({ ResourceName: db.DBInstanceArn!, TagKeys: removed }));
        const tags = rdsTags(after);
        if (tags) await clients.rds.send(new AddTagsToResourceCommand({ ResourceName: db.DBInstanceArn!, Tags: tags }));
      }
      const db = await describeInstance(clients, id);
      // The provider's read after the update: current values, never PendingModifiedValues (the stand-in's update says why).
      const read = { instanceClass: db.DBInstanceClass, allocatedStorage: db.AllocatedStorage, multiAz: db.MultiAZ, backupRetentionPeriod: db.BackupRetentionPeriod };
      return { ...instanceState(inputs, db), inputs: Object.fromEntries(Object.entries(read).filter(([key]) => inputs[key] !== undefined)) };
    },
    // By the engine's id of an instance (its DbiResourceId), as pulumi-aws reads one.
    async import(id, prior, context) {
      const clients = at(prior, context);
      const found = ((await clients.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).filter((d) => d.DbiResourceId === id);
      // Bare moto gives every instance one DbiResourceId: importing by it would take any instance.
      if (found.length > 1) throw new Error(`moto reports DbiResourceId ${id} for ${found.length} instances; give the clients moto-rds-backups' middleware (distinct ids, as RDS has)`);
      const db = found[0];
      if (db === undefined) return undefined;
      // What the bridge's read sets from AWS; manage_master_user_password only when there is a managed secret.
      const inputs = defined({
        instanceClass: db.DBInstanceClass,
        backupRetentionPeriod: db.BackupRetentionPeriod,
        backupWindow: db.PreferredBackupWindow,
        maintenanceWindow: db.PreferredMaintenanceWindow,
        multiAz: db.MultiAZ,
        deletionProtection: db.DeletionProtection,
        copyTagsToSnapshot: db.CopyTagsToSnapshot,
        manageMasterUserPassword: db.MasterUserSecret !== undefined ? true : undefined,
      });
      return { ...instanceState(prior, db), inputs };
    },
    async delete({ id, inputs }, context) {
      const clients = at(inputs, context);
      const skip = inputs.skipFinalSnapshot === true;
      if (!skip && !inputs.finalSnapshotIdentifier) {
        // The AWS provider refuses this before calling AWS, and so do we.
        throw new Error(`DB instance ${id}: final_snapshot_identifier is required when skip_final_snapshot is false`);
      }
      const request = defined({
        DBInstanceIdentifier: id,
        SkipFinalSnapshot: skip,
        FinalDBSnapshotIdentifier: skip ? undefined : (inputs.finalSnapshotIdentifier as string),
        DeleteAutomatedBackups: (inputs.deleteAutomatedBackups as boolean | undefined) ?? true,
      });
      await gone(() => clients.rds.send(new DeleteDBInstanceCommand(request)));
    },
  };
}

// ---------------------------------------------------------------------------------------
// RDS snapshot and subnet group

export function dbSnapshotLifecycle(at: ClientsAt): ResourceLifecycle {
  return {
    type: RDS_SNAPSHOT,
    async create(inputs, context) {
      const clients = at(inputs, context);
      await clients.rds.send(
        new CreateDBSnapshotCommand(defined({ DBInstanceIdentifier: inputs.dbInstanceIdentifier, DBSnapshotIdentifier: inputs.dbSnapshotIdentifier, Tags: rdsTags(inputs.tags) })),
      );
      const found = await clients.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: inputs.dbSnapshotIdentifier }));
      const s = found.DBSnapshots![0]!;
      return {
        id: s.DBSnapshotIdentifier!,
        state: { ...inputs, dbSnapshotArn: s.DBSnapshotArn, status: s.Status, engine: s.Engine, engineVersion: s.EngineVersion, allocatedStorage: s.AllocatedStorage, snapshotType: s.SnapshotType },
      };
    },
    async delete({ id, inputs }, context) {
      const clients = at(inputs, context);
      await gone(() => clients.rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id })));
    },
  };
}

/**
 * Cross-region backup replication, as the provider does it: StartDBInstanceAutomatedBackupsReplication
 * called in the destination region (the resource's `region`), the replicated backups' ARN
 * as the id; deleting it stops the replication. moto has no such API: with the
 * "backup replication" behaviour of moto-rds-backups.ts it answers as RDS does, without it
 * the call fails, as it would against moto alone.
 */
export function backupReplicationLifecycle(at: ClientsAt): ResourceLifecycle {
  return {
    type: RDS_BACKUP_REPLICATION,
    async create(inputs, context) {
      const clients = at(inputs, context);
      const started = await clients.rds.send(
        new StartDBInstanceAutomatedBackupsReplicationCommand(
          defined({ SourceDBInstanceArn: inputs.sourceDbInstanceArn, BackupRetentionPeriod: inputs.retentionPeriod, KmsKeyId: inputs.kmsKeyId }),
        ),
      );
      const arn = started.DBInstanceAutomatedBackup?.DBInstanceAutomatedBackupsArn ?? "";
      return { id: arn, state: { ...inputs, id: arn } };
    },
    async delete({ inputs }, context) {
      const clients = at(inputs, context);
      await gone(() => clients.rds.send(new StopDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: inputs.sourceDbInstanceArn as string })));
    },
  };
}

export function dbSubnetGroupLifecycle(at: ClientsAt): ResourceLifecycle {
  return {
    type: RDS_SUBNET_GROUP,
    async create(inputs, context) {
      const clients = at(inputs, context);
      const name: string = inputs.name ?? autoName(context.name).toLowerCase();
      const created = await clients.rds.send(
        new CreateDBSubnetGroupCommand({
          DBSubnetGroupName: name,
          DBSubnetGroupDescription: inputs.description ?? "Managed by Pulumi",
          SubnetIds: inputs.subnetIds,
          ...(rdsTags(inputs.tags) ? { Tags: rdsTags(inputs.tags) } : {}),
        }),
      );
      const group = created.DBSubnetGroup!;
      return { id: name, state: { ...inputs, name, arn: group.DBSubnetGroupArn, vpcId: group.VpcId } };
    },
    async update({ id, inputs, oldState }, context) {
      const clients = at(inputs, context);
      await clients.rds.send(new ModifyDBSubnetGroupCommand({ DBSubnetGroupName: id, DBSubnetGroupDescription: inputs.description, SubnetIds: inputs.subnetIds }));
      return { id, state: { ...oldState, ...inputs } };
    },
    async delete({ id, inputs }, context) {
      const clients = at(inputs, context);
      await gone(() => clients.rds.send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: id })));
    },
  };
}

// ---------------------------------------------------------------------------------------
// Network

/** Subnet CIDRs carved from a VPC CIDR: `count` blocks four bits smaller (a /16 gives /20s). */
export function subnetCidrs(vpcCidr: string, count: number): string[] {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(vpcCidr);
  if (!m) throw new Error(`Not an IPv4 CIDR: ${vpcCidr}`);
  const base = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const prefix = Math.min(28, Number(m[5]) + 4);
  const size = 2 ** (32 - prefix);
  if (count > 2 ** (prefix - Number(m[5]))) throw new Error(`${vpcCidr} cannot hold ${count} /${prefix} subnets`);
  return Array.from({ length: count }, (_, i) => {
    const start = base + i * size;
    return `${[24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256).join(".")}/${prefix}`;
  });
}

function ec2Tags(resourceType: "vpc" | "subnet" | "security-group", tags: Record<string, string> | undefined) {
  const entries = Object.entries(tags ?? {});
  return entries.length === 0 ? undefined : [{ ResourceType: resourceType, Tags: entries.map(([Key, Value]) => ({ Key, Value })) }];
}

/** The awsx VPC (a remote component, one registration under mocks) as a VPC with a private and a public subnet per AZ. */
export function vpcLifecycle(at: ClientsAt): ResourceLifecycle {
  return {
    type: AWSX_VPC,
    async create(inputs, context) {
      const { ec2, region } = at(inputs, context);
      const cidr: string = inputs.cidrBlock ?? "10.0.0.0/16";
      const vpc = await ec2.send(new CreateVpcCommand(defined({ CidrBlock: cidr, TagSpecifications: ec2Tags("vpc", inputs.tags) })));
      const vpcId = vpc.Vpc!.VpcId!;
      const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
      const count = Math.max(1, Number(inputs.numberOfAvailabilityZones ?? 2));
      const names = (zones.AvailabilityZones ?? []).map((z) => z.ZoneName!).filter((z) => z.startsWith(region)).slice(0, count);
      const cidrs = subnetCidrs(cidr, names.length * 2);
      const subnet = async (zone: string, block: string) =>
        (await ec2.send(new CreateSubnetCommand(defined({ VpcId: vpcId, CidrBlock: block, AvailabilityZone: zone, TagSpecifications: ec2Tags("subnet", inputs.tags) })))).Subnet!.SubnetId!;
      const privateSubnetIds: string[] = [];
      const publicSubnetIds: string[] = [];
      for (const [i, zone] of names.entries()) {
        privateSubnetIds.push(await subnet(zone, cidrs[i]!));
        publicSubnetIds.push(await subnet(zone, cidrs[names.length + i]!));
      }
      return { id: vpcId, state: { ...inputs, vpcId, privateSubnetIds, publicSubnetIds, isolatedSubnetIds: [] } };
    },
    async delete({ id, inputs }, context) {
      const { ec2 } = at(inputs, context);
      const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [id] }] }));
      for (const s of subnets.Subnets ?? []) await ec2.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId! }));
      await gone(() => ec2.send(new DeleteVpcCommand({ VpcId: id })));
    },
  };
}

export function securityGroupLifecycle(at: ClientsAt): ResourceLifecycle {
  return {
    type: SECURITY_GROUP,
    async create(inputs, context) {
      const { ec2 } = at(inputs, context);
      const name: string = inputs.name ?? autoName(context.name);
      const created = await ec2.send(
        new CreateSecurityGroupCommand(
          defined({ GroupName: name, Description: inputs.description ?? "Managed by Pulumi", VpcId: inputs.vpcId, TagSpecifications: ec2Tags("security-group", inputs.tags) }),
        ),
      );
      const id = created.GroupId!;
      return { id, state: { ...inputs, name, arn: created.SecurityGroupArn ?? `arn:aws:ec2:::security-group/${id}` } };
    },
    async delete({ id, inputs }, context) {
      const { ec2 } = at(inputs, context);
      await gone(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: id })));
    },
  };
}

// ---------------------------------------------------------------------------------------
// IAM role

export function iamRoleLifecycle(iam: IAMClient): ResourceLifecycle {
  const policyText = (p: unknown) => (typeof p === "string" ? p : JSON.stringify(p));
  return {
    type: IAM_ROLE,
    async create(inputs, context) {
      const name: string = inputs.name ?? autoName(context.name);
      const tags = Object.entries((inputs.tags ?? {}) as Record<string, string>).map(([Key, Value]) => ({ Key, Value }));
      const created = await iam.send(
        new CreateRoleCommand(
          defined({ RoleName: name, AssumeRolePolicyDocument: policyText(inputs.assumeRolePolicy), Description: inputs.description, Path: inputs.path, Tags: tags.length > 0 ? tags : undefined }),
        ),
      );
      const role = created.Role!;
      return { id: name, state: { ...inputs, name, arn: role.Arn, uniqueId: role.RoleId, createDate: role.CreateDate?.toISOString() } };
    },
    async update({ id, inputs, oldState, changedPaths }) {
      if (changed(changedPaths, "assumeRolePolicy")) await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: id, PolicyDocument: policyText(inputs.assumeRolePolicy) }));
      return { id, state: { ...oldState, ...inputs } };
    },
    async delete({ id }) {
      await gone(() => deleteRole(iam, id));
    },
  };
}

async function deleteRole(iam: IAMClient, id: string): Promise<void> {
  // The engine deletes attachments first; detach anything left so DeleteRole cannot conflict.
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: id }));
  for (const p of attached.AttachedPolicies ?? []) await iam.send(new DetachRolePolicyCommand({ RoleName: id, PolicyArn: p.PolicyArn! }));
  const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: id }));
  for (const p of inline.PolicyNames ?? []) await iam.send(new DeleteRolePolicyCommand({ RoleName: id, PolicyName: p }));
  await iam.send(new DeleteRoleCommand({ RoleName: id }));
}

// ---------------------------------------------------------------------------------------
// Lambda function

// The zip writer lives in ./zip.ts (shared with the stand-in provider); re-exported for existing callers.
export { zipFiles } from "./zip";

/** The files of a Pulumi archive (AssetArchive of string/file assets and nested archives, or a FileArchive directory/zip). */
async function archiveFiles(archive: any, prefix = ""): Promise<Array<{ name: string; data: Buffer }> | Buffer> {
  if (archive.assets !== undefined) {
    const files: Array<{ name: string; data: Buffer }> = [];
    for (const [name, entry] of Object.entries((await archive.assets) as Record<string, any>)) {
      if (entry.text !== undefined) files.push({ name: prefix + name, data: Buffer.from(await entry.text, "utf8") });
      else if (entry.path !== undefined && pulumi.asset.Asset.isInstance(entry)) files.push({ name: prefix + name, data: fs.readFileSync(await (entry as any).path) });
      else if (pulumi.asset.Archive.isInstance(entry)) {
        const nested = await archiveFiles(entry, `${prefix}${name}/`);
        if (Buffer.isBuffer(nested)) throw new Error(`nested zip archives (${name}) are not supported by the test lifecycle`);
        files.push(...nested);
      } else throw new Error(`unsupported asset ${name} in the Lambda archive`);
    }
    return files;
  }
  if (archive.path !== undefined) {
    const p: string = await archive.path;
    if (fs.statSync(p).isFile()) return fs.readFileSync(p);
    const files: Array<{ name: string; data: Buffer }> = [];
    const walk = (dir: string, rel: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.isDirectory()) walk(path.join(dir, entry.name), `${rel}${entry.name}/`);
        else files.push({ name: prefix + rel + entry.name, data: fs.readFileSync(path.join(dir, entry.name)) });
      }
    };
    walk(p, "");
    return files;
  }
  throw new Error("unsupported Lambda code archive (remote archives are not supported by the test lifecycle)");
}

async function functionCode(inputs: Record<string, any>): Promise<FunctionCode> {
  if (inputs.imageUri) return { ImageUri: inputs.imageUri };
  if (inputs.s3Bucket) return defined({ S3Bucket: inputs.s3Bucket, S3Key: inputs.s3Key, S3ObjectVersion: inputs.s3ObjectVersion });
  if (inputs.code === undefined) throw new Error("a Lambda function needs code, s3Bucket or imageUri");
  const files = await archiveFiles(inputs.code);
  return { ZipFile: Buffer.isBuffer(files) ? files : zipFiles(files) };
}

function functionConfiguration(inputs: Record<string, any>) {
  return defined({
    Role: inputs.role,
    Runtime: inputs.runtime,
    Handler: inputs.handler,
    Description: inputs.description,
    MemorySize: inputs.memorySize,
    Timeout: inputs.timeout,
    Environment: inputs.environment ? { Variables: inputs.environment.variables ?? {} } : undefined,
    VpcConfig: inputs.vpcConfig ? { SubnetIds: inputs.vpcConfig.subnetIds ?? [], SecurityGroupIds: inputs.vpcConfig.securityGroupIds ?? [] } : undefined,
  });
}

async function functionState(clients: AwsClients, inputs: Record<string, any>, name: string): Promise<LifecycleResult> {
  const got = await clients.lambda.send(new GetFunctionCommand({ FunctionName: name }));
  const c = got.Configuration!;
  return {
    id: c.FunctionName!,
    state: {
      ...inputs,
      name: c.FunctionName,
      arn: c.FunctionArn,
      invokeArn: `arn:aws:apigateway:${clients.region}:lambda:path/2015-03-31/functions/${c.FunctionArn}/invocations`,
      qualifiedArn: `${c.FunctionArn}:${c.Version ?? "$LATEST"}`,
      version: c.Version,
      lastModified: c.LastModified,
      sourceCodeHash: c.CodeSha256,
      sourceCodeSize: c.CodeSize,
      role: c.Role,
      runtime: c.Runtime,
      handler: c.Handler,
      memorySize: c.MemorySize,
      timeout: c.Timeout,
      environment: c.Environment?.Variables ? { variables: c.Environment.Variables } : inputs.environment,
      tagsAll: got.Tags ?? {},
    },
  };
}

export function lambdaFunctionLifecycle(at: ClientsAt): ResourceLifecycle {
  return {
    type: LAMBDA_FUNCTION,
    async create(inputs, context) {
      const clients = at(inputs, context);
      const name: string = inputs.name ?? autoName(context.name);
      await clients.lambda.send(
        new CreateFunctionCommand(
          defined({
            ...functionConfiguration(inputs),
            FunctionName: name,
            Code: await functionCode(inputs),
            PackageType: inputs.packageType,
            Architectures: inputs.architectures,
            Publish: inputs.publish,
            Tags: inputs.tags,
          }),
        ),
      );
      return functionState(clients, inputs, name);
    },
    async update({ id, inputs, oldInputs, changedPaths }, context) {
      const clients = at(inputs, context);
      const configKeys = ["role", "runtime", "handler", "description", "memorySize", "timeout", "environment", "vpcConfig"];
      if (changed(changedPaths, ...configKeys)) {
        await clients.lambda.send(new UpdateFunctionConfigurationCommand({ ...functionConfiguration(inputs), FunctionName: id }));
      }
      if (changed(changedPaths, "code", "s3Bucket", "s3Key", "s3ObjectVersion", "imageUri")) {
        await clients.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: id, ...(await functionCode(inputs)) }));
      }
      if (changed(changedPaths, "tags")) {
        const arn = (await clients.lambda.send(new GetFunctionCommand({ FunctionName: id }))).Configuration!.FunctionArn!;
        const before = (oldInputs.tags ?? {}) as Record<string, string>;
        const after = (inputs.tags ?? {}) as Record<string, string>;
        const removed = Object.keys(before).filter((k) => !(k in after));
        if (removed.length > 0) await clients.lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: removed }));
        if (Object.keys(after).length > 0) await clients.lambda.send(new TagResourceCommand({ Resource: arn, Tags: after }));
      }
      return functionState(clients, inputs, id);
    },
    async delete({ id, inputs }, context) {
      const clients = at(inputs, context);
      await gone(() => clients.lambda.send(new DeleteFunctionCommand({ FunctionName: id })));
    },
  };
}
