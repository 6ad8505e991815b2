/**
 * The GameTracker database: RDS for SQL Server with backups on by construction. One
 * component for the primary and for restored instances (cut-over and drill), so a
 * restored instance gets the same hardening as the primary without anyone remembering to.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { InvalidConfigError, validateWholeNumber } from "./errors";
import { databaseNetworkResources } from "./database-network";
import { parseRdsArn, regionNameProblem } from "../contracts/aws-names";
import { TagKeys } from "../contracts/tags";
import {
  DatabasePurpose,
  DEFAULT_BACKUP_WINDOW,
  DEFAULT_IDENTIFIER,
  DEFAULT_MAINTENANCE_WINDOW,
  DEFAULT_MANUAL_SNAPSHOTS,
  DEFAULT_RETENTION_DAYS,
  deletionBehaviour,
  Edition,
  engineForEdition,
  finalSnapshotIdentifier,
  parseEdition,
  resolveStorageEncrypted,
  SQLSERVER_PORT,
  validateIdentifier,
  validateInstanceClass,
  validateKmsKeyArn,
  validateRestoreTime,
  validateRetentionDays,
  validateSnapshotIdentifier,
  validateWindows,
} from "./database-rules";

export * from "./database-rules";

/** Restore from a DB snapshot (manual or automated, name or ARN). */
export interface SnapshotRestore {
  readonly snapshotIdentifier: string;
}

/**
 * Restore automated backups to a point in time: of exactly one source — a live instance,
 * the retained backups of a deleted one, or backups replicated into this region — and to
 * exactly one of `restoreTime` and `useLatestRestorableTime`.
 */
export interface PointInTimeRestore {
  readonly pointInTime: {
    /** A live instance of this region, by identifier. */
    readonly sourceDbInstanceIdentifier?: string;
    /** A deleted instance whose automated backups were retained, by its resource id (`db-…`). */
    readonly sourceDbiResourceId?: string;
    /** Automated backups replicated into this region from another one, by their ARN (`arn:aws:rds:<region>:<account>:auto-backup:ab-…`). */
    readonly sourceDbInstanceAutomatedBackupsArn?: string;
    /** UTC, ISO-8601 (`2025-06-01T12:34:56Z`); must lie inside the source's restorable window. */
    readonly restoreTime?: string;
    readonly useLatestRestorableTime?: boolean;
  };
}

export type DatabaseRestore = SnapshotRestore | PointInTimeRestore;

export interface DatabaseArgs {
  /** RDS instance identifier. Default `gametracker-mssql`; required in restore mode (a restored instance must not take the primary's name). */
  readonly identifier?: string;
  /** SQL Server edition. Default `express`; in restore mode unset means "whatever the snapshot is". */
  readonly edition?: Edition;
  /** Engine version, e.g. `16.00.4185.3.v1`. Unset: RDS's default for the edition (primary) or the source's version (restore). */
  readonly engineVersion?: string;
  /** Instance class. Default `db.t3.micro` (an Express class). */
  readonly instanceClass?: string;
  /** Allocated storage, GiB. Default 20 (the SQL Server minimum); in restore mode unset means the snapshot's size. */
  readonly allocatedStorage?: number;
  /** Storage type. Default `gp3`. */
  readonly storageType?: string;
  /** Days of automated backups, 1–35. Default 7. Plain (not an Input) because it is validated before anything is registered. */
  readonly backupRetentionDays?: number;
  /** Daily UTC backup window `hh24:mi-hh24:mi`. Default `03:00-04:00`. */
  readonly backupWindow?: string;
  /** Weekly UTC maintenance window `ddd:hh24:mi-ddd:hh24:mi`, must not overlap the backup window. Default `sun:05:00-sun:06:00`. */
  readonly maintenanceWindow?: string;
  /**
   * Encryption at rest. Default: on for every edition that has it; `true` on Express is
   * refused. In restore mode it states what the snapshot or source instance is: RDS
   * restores encryption unchanged, and since `storageEncrypted` forces a replacement when
   * it differs from the instance, leaving it unset for an encrypted backup would plan a
   * replacement of the restored instance on its next update.
   */
  readonly storageEncrypted?: boolean;
  /** KMS key for storage encryption. Default: the account's `aws/rds` key; in restore mode, the backup's key. */
  readonly kmsKeyId?: pulumi.Input<string>;
  /** Deletion protection. Default true for primary and cut-over; a drill instance never has it. */
  readonly deletionProtection?: boolean;
  /** Master user name. Default `gtadmin`. Primary only: a restored instance keeps the snapshot's. */
  readonly masterUsername?: string;
  /** Multi-AZ deployment. Default false. */
  readonly multiAz?: boolean;
  /** Tags for every resource of the component (the instance copies them to its snapshots). */
  readonly tags?: Record<string, string>;

  // Networking: either the component's own subnet group + security group…
  /** VPC for the database security group (primary with its own networking). */
  readonly vpcId?: pulumi.Input<string>;
  /** Private subnets for the DB subnet group (at least two AZs). */
  readonly subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups allowed to connect on 1433 (the API's). */
  readonly allowedSecurityGroupIds?: pulumi.Input<string>[];
  // …or existing ones (required in restore mode: a restored instance would otherwise land in the default VPC's groups).
  /** Existing DB subnet group. */
  readonly dbSubnetGroupName?: pulumi.Input<string>;
  /** Existing security groups. */
  readonly vpcSecurityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;

  /**
   * Manual snapshots to take (primary only). Default `["gametracker-manual-backup-v1"]`.
   * Each is taken once, when first declared, and is kept in AWS on `destroy` and when
   * removed from the list: delete one explicitly in RDS when it is no longer wanted.
   */
  readonly manualSnapshots?: string[];
  /** Replicate automated backups to this region (primary only), for restores when the home region is down. */
  readonly backupReplicationRegion?: string;
  /** KMS key (ARN, in the replication region) for the replicated backups; required when storage is encrypted. */
  readonly backupReplicationKmsKeyId?: pulumi.Input<string>;

  /** Restore mode: create the instance from a snapshot or a point in time instead of empty. */
  readonly restore?: DatabaseRestore;
  /** `primary` (default without restore), `cutover` (default with restore) or `drill`; see `deletionBehaviour`. */
  readonly purpose?: DatabasePurpose;
  /** When the instance is first created, for its unique final snapshot name. Default: now. Tests pin it. */
  readonly createdAt?: Date;
}

/** How a rule names an argument in its sentence: `DatabaseArgs.x` by default; the environment program names its config keys. */
export type ArgKey = (name: string) => string;
const ARG: ArgKey = (name) => `DatabaseArgs.${name}`;

/** The plain decisions of a DatabaseArgs, validated; throws before anything is registered. */
export interface DatabasePlan {
  identifier: string;
  purpose: DatabasePurpose;
  edition: Edition | undefined;
  engine: string | undefined;
  storageEncrypted: boolean | undefined;
  retentionDays: number;
  backupWindow: string;
  maintenanceWindow: string;
  ownNetwork: boolean;
  manualSnapshots: string[];
  restore: DatabaseRestore | undefined;
}

/** Validates the arguments and decides everything that does not depend on an Output. */
export function planDatabase(args: DatabaseArgs): DatabasePlan {
  const plan = planDatabaseValues(args);
  return { ...plan, ownNetwork: planNetworking(args, plan.restore !== undefined) };
}

/**
 * Every rule on the arguments' values — everything but how the database is wired to its
 * network, which the caller decides. The environment program runs this once, on its
 * config, before registering anything (config.ts), with `key` naming config keys.
 */
export function planDatabaseValues(args: DatabaseArgs, key: ArgKey = ARG): Omit<DatabasePlan, "ownNetwork"> {
  const ARG = key;
  const restore = args.restore;
  const purpose: DatabasePurpose = args.purpose ?? (restore ? "cutover" : "primary");
  if (restore === undefined && purpose !== "primary") {
    throw new InvalidConfigError(ARG("purpose"), `${ARG("purpose")} is "${purpose}", but only a restored instance can be a ${purpose} instance; pass ${ARG("restore")} or leave purpose unset.`);
  }
  if (restore !== undefined && purpose === "primary") {
    throw new InvalidConfigError(ARG("purpose"), `${ARG("purpose")} is "primary", but a restored instance is a "cutover" or "drill" instance; the primary is created empty.`);
  }
  if (restore !== undefined && args.identifier === undefined) {
    throw new InvalidConfigError(ARG("identifier"), `${ARG("identifier")} is unset, but a restored instance needs its own identifier so it cannot take the primary's (${DEFAULT_IDENTIFIER}).`);
  }
  const identifier = validateIdentifier(args.identifier ?? DEFAULT_IDENTIFIER, ARG("identifier"));
  if (purpose === "drill" && args.deletionProtection === true) {
    throw new InvalidConfigError(ARG("deletionProtection"), `${ARG("deletionProtection")} is true, but a drill instance must stay deletable so the drill can clean up after itself; use purpose "cutover" to keep a restored instance.`);
  }

  const edition = args.edition === undefined ? (restore ? undefined : "express") : parseEdition(args.edition, ARG("edition"));
  // A restored instance inherits encryption from its snapshot or source; the caller states what that is.
  const storageEncrypted = restore === undefined ? resolveStorageEncrypted(edition!, args.storageEncrypted, ARG("storageEncrypted")) : args.storageEncrypted;
  if (args.kmsKeyId !== undefined && storageEncrypted !== true) {
    throw new InvalidConfigError(ARG("kmsKeyId"), `${ARG("kmsKeyId")} is set, but storage is not encrypted; a KMS key only applies to encrypted storage, so drop it or set ${ARG("storageEncrypted")}.`);
  }
  // The operator's keys; a restored instance declares the key AWS reported for its backup.
  if (restore === undefined && typeof args.kmsKeyId === "string") validateKmsKeyArn(args.kmsKeyId, ARG("kmsKeyId"));

  if (args.allocatedStorage !== undefined) validateWholeNumber(args.allocatedStorage, ARG("allocatedStorage"), 20, 16384, "GiB");
  if (args.instanceClass !== undefined) validateInstanceClass(args.instanceClass, ARG("instanceClass"));
  const retentionDays = validateRetentionDays(args.backupRetentionDays ?? DEFAULT_RETENTION_DAYS, ARG("backupRetentionDays"));
  const backupWindow = args.backupWindow ?? DEFAULT_BACKUP_WINDOW;
  const maintenanceWindow = args.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;
  validateWindows(backupWindow, maintenanceWindow, { backup: ARG("backupWindow"), maintenance: ARG("maintenanceWindow") });

  let manualSnapshots: string[] = [];
  if (restore === undefined) {
    manualSnapshots = (args.manualSnapshots ?? [...DEFAULT_MANUAL_SNAPSHOTS]).map((s) => validateSnapshotIdentifier(s, ARG("manualSnapshots")));
    const dup = manualSnapshots.find((s, i) => manualSnapshots.indexOf(s) !== i);
    if (dup !== undefined) throw new InvalidConfigError(ARG("manualSnapshots"), `${ARG("manualSnapshots")} lists "${dup}" twice, but each manual snapshot identifier must be unique.`);
  } else {
    if (args.manualSnapshots !== undefined && args.manualSnapshots.length > 0) {
      throw new InvalidConfigError(ARG("manualSnapshots"), `${ARG("manualSnapshots")} is set, but manual snapshots are declared on the primary only; a restored instance is a copy of data that already has its snapshot.`);
    }
    if (args.backupReplicationRegion !== undefined) {
      throw new InvalidConfigError(ARG("backupReplicationRegion"), `${ARG("backupReplicationRegion")} is "${args.backupReplicationRegion}", but cross-region backup replication is configured on the primary only.`);
    }
    if (args.masterUsername !== undefined) {
      throw new InvalidConfigError(ARG("masterUsername"), `${ARG("masterUsername")} is "${args.masterUsername}", but a restored instance keeps the master user of its snapshot or source instance; leave it unset in restore mode.`);
    }
    validateRestore(restore, ARG);
  }
  if (args.backupReplicationRegion !== undefined && regionNameProblem(args.backupReplicationRegion) !== undefined) {
    throw new InvalidConfigError(ARG("backupReplicationRegion"), `${ARG("backupReplicationRegion")} is "${args.backupReplicationRegion}", but it must be an AWS region name such as us-west-2.`);
  }
  if (args.backupReplicationRegion !== undefined && storageEncrypted === true && args.backupReplicationKmsKeyId === undefined) {
    throw new InvalidConfigError(ARG("backupReplicationKmsKeyId"), `${ARG("backupReplicationKmsKeyId")} is unset, but replicating encrypted backups to ${args.backupReplicationRegion} needs a KMS key ARN in that region.`);
  }
  if (typeof args.backupReplicationKmsKeyId === "string") validateKmsKeyArn(args.backupReplicationKmsKeyId, ARG("backupReplicationKmsKeyId"), args.backupReplicationRegion, "the backup replication");

  return {
    identifier,
    purpose,
    edition,
    engine: edition === undefined ? undefined : engineForEdition(edition),
    storageEncrypted,
    retentionDays,
    backupWindow,
    maintenanceWindow,
    manualSnapshots,
    restore,
  };
}

/** Own subnet group and security group, or existing ones: exactly one set, complete; existing ones in restore mode. */
function planNetworking(args: DatabaseArgs, restoring: boolean): boolean {
  const restore = restoring ? args.restore : undefined;
  const own = args.vpcId !== undefined || args.subnetIds !== undefined || args.allowedSecurityGroupIds !== undefined;
  const existing = args.dbSubnetGroupName !== undefined || args.vpcSecurityGroupIds !== undefined;
  if (own && existing) {
    throw new InvalidConfigError(ARG("dbSubnetGroupName"), `${ARG("vpcId")}/${ARG("subnetIds")}/${ARG("allowedSecurityGroupIds")} and ${ARG("dbSubnetGroupName")}/${ARG("vpcSecurityGroupIds")} were both given, but the database either creates its own subnet group and security group or is placed on existing ones; pass one set.`);
  }
  if (own && (args.vpcId === undefined || args.subnetIds === undefined || args.allowedSecurityGroupIds === undefined)) {
    throw new InvalidConfigError(ARG("vpcId"), `${ARG("vpcId")}, ${ARG("subnetIds")} and ${ARG("allowedSecurityGroupIds")} must be given together so the database gets its own subnet group and a security group open only to the API; one of them is missing.`);
  }
  if (existing && (args.dbSubnetGroupName === undefined || args.vpcSecurityGroupIds === undefined)) {
    throw new InvalidConfigError(ARG("dbSubnetGroupName"), `${ARG("dbSubnetGroupName")} and ${ARG("vpcSecurityGroupIds")} must be given together to place the database on existing networking; one of them is missing.`);
  }
  if (!own && !existing) {
    throw new InvalidConfigError(ARG("vpcId"), `No networking was given, but RDS would otherwise put the instance in the default VPC's subnet group and security group; pass ${ARG("vpcId")}, ${ARG("subnetIds")} and ${ARG("allowedSecurityGroupIds")}, or ${ARG("dbSubnetGroupName")} and ${ARG("vpcSecurityGroupIds")}.`);
  }
  if (restore !== undefined && !existing) {
    throw new InvalidConfigError(ARG("dbSubnetGroupName"), `${ARG("dbSubnetGroupName")} and ${ARG("vpcSecurityGroupIds")} are required in restore mode, because a restored instance inherits neither from its source and must sit on the environment's own subnet group and security group.`);
  }

  return own;
}

function validateRestore(restore: DatabaseRestore, ARG: ArgKey): void {
  if ("snapshotIdentifier" in restore) {
    if (typeof restore.snapshotIdentifier !== "string" || restore.snapshotIdentifier.trim() === "") {
      throw new InvalidConfigError(ARG("restore.snapshotIdentifier"), `${ARG("restore.snapshotIdentifier")} is empty, but it must name the DB snapshot (identifier or ARN) to restore.`);
    }
    if ("pointInTime" in restore) {
      throw new InvalidConfigError(ARG("restore"), `${ARG("restore")} has both snapshotIdentifier and pointInTime, but a restore starts from one of them; pass one.`);
    }
    return;
  }
  const pit = restore.pointInTime;
  const sources = (["sourceDbInstanceIdentifier", "sourceDbiResourceId", "sourceDbInstanceAutomatedBackupsArn"] as const).filter((k) => pit[k] !== undefined);
  if (sources.length !== 1) {
    throw new InvalidConfigError(
      ARG("restore.pointInTime"),
      `${ARG("restore.pointInTime")} names ${sources.length === 0 ? "no source" : `${sources.join(" and ")}`}, but a point-in-time restore reads exactly one: sourceDbInstanceIdentifier (a live instance), sourceDbiResourceId (a deleted instance's retained backups) or sourceDbInstanceAutomatedBackupsArn (replicated backups).`,
    );
  }
  if (pit.sourceDbInstanceIdentifier !== undefined) validateIdentifier(pit.sourceDbInstanceIdentifier, ARG("restore.pointInTime.sourceDbInstanceIdentifier"));
  if (pit.sourceDbiResourceId !== undefined && !/^db-[A-Z0-9]+$/.test(pit.sourceDbiResourceId)) {
    throw new InvalidConfigError(ARG("restore.pointInTime.sourceDbiResourceId"), `${ARG("restore.pointInTime.sourceDbiResourceId")} is "${pit.sourceDbiResourceId}", but it must be an RDS resource id such as db-ABCDEFGHIJKLMNOPQRSTUVWXY2.`);
  }
  if (pit.sourceDbInstanceAutomatedBackupsArn !== undefined && parseRdsArn(pit.sourceDbInstanceAutomatedBackupsArn)?.resourceType !== "auto-backup") {
    throw new InvalidConfigError(
      ARG("restore.pointInTime.sourceDbInstanceAutomatedBackupsArn"),
      `${ARG("restore.pointInTime.sourceDbInstanceAutomatedBackupsArn")} is "${pit.sourceDbInstanceAutomatedBackupsArn}", but it must be the ARN of replicated automated backups, arn:aws:rds:<region>:<account>:auto-backup:ab-….`,
    );
  }
  const latest = pit.useLatestRestorableTime === true;
  if (latest === (pit.restoreTime !== undefined)) {
    throw new InvalidConfigError(
      ARG("restore.pointInTime"),
      `${ARG("restore.pointInTime")} has ${latest ? "both restoreTime and useLatestRestorableTime" : "neither restoreTime nor useLatestRestorableTime"}, but a point-in-time restore needs exactly one of them.`,
    );
  }
  if (pit.restoreTime !== undefined) validateRestoreTime(pit.restoreTime, ARG("restore.pointInTime.restoreTime"));
}

/**
 * RDS for SQL Server, its subnet group and security group (or a place on existing ones),
 * its declared manual snapshots and optional cross-region backup replication.
 */
export class Database extends pulumi.ComponentResource {
  readonly identifier: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** Host name of the instance. */
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** `address:port`. */
  readonly endpoint: pulumi.Output<string>;
  readonly engine: pulumi.Output<string>;
  /** The running engine version. */
  readonly engineVersion: pulumi.Output<string>;
  readonly dbSubnetGroupName: pulumi.Output<string>;
  readonly securityGroupIds: pulumi.Output<string[]>;
  /** ARN of the RDS-managed Secrets Manager secret holding the master credentials. Never the password itself. */
  readonly secretArn: pulumi.Output<string>;
  readonly backupRetentionDays: number;
  /** The manual snapshots this component declares (primary only). */
  readonly manualSnapshotIdentifiers: string[];
  readonly purpose: DatabasePurpose;
  readonly instance: aws.rds.Instance;

  constructor(name: string, args: DatabaseArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    // Validate before registering anything, so a bad argument leaves no half-made component.
    const plan = planDatabase(args);
    super("gametracker:database:Database", name, {}, opts);
    const tags = { ...args.tags, [TagKeys.component]: "database", [TagKeys.purpose]: plan.purpose };
    const child = { parent: this };

    let dbSubnetGroupName: pulumi.Input<string>;
    let vpcSecurityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    if (plan.ownNetwork) {
      const made = databaseNetworkResources(
        name,
        { identifier: plan.identifier, vpcId: args.vpcId!, subnetIds: args.subnetIds!, allowedSecurityGroupIds: args.allowedSecurityGroupIds! },
        tags,
        this,
      );
      dbSubnetGroupName = made.dbSubnetGroupName;
      vpcSecurityGroupIds = [made.securityGroupId];
    } else {
      dbSubnetGroupName = args.dbSubnetGroupName!;
      vpcSecurityGroupIds = args.vpcSecurityGroupIds!;
    }

    const deletion = deletionBehaviour(plan.purpose, args.deletionProtection);
    const restore = plan.restore;
    const instance = new aws.rds.Instance(
      `${name}-instance`,
      {
        identifier: plan.identifier,
        engine: plan.engine,
        engineVersion: args.engineVersion,
        licenseModel: "license-included",
        instanceClass: args.instanceClass ?? "db.t3.micro",
        allocatedStorage: restore ? args.allocatedStorage : (args.allocatedStorage ?? 20),
        storageType: restore ? args.storageType : (args.storageType ?? "gp3"),
        storageEncrypted: plan.storageEncrypted,
        kmsKeyId: plan.storageEncrypted ? args.kmsKeyId : undefined,
        multiAz: args.multiAz ?? false,
        port: SQLSERVER_PORT,
        publiclyAccessible: false,
        dbSubnetGroupName,
        vpcSecurityGroupIds,
        username: restore ? undefined : (args.masterUsername ?? "gtadmin"),
        // RDS generates the password and keeps it in Secrets Manager; no password is ever in
        // config, state or outputs. RestoreDBInstanceFromDBSnapshot/-ToPointInTime cannot turn
        // this on for SQL Server in the same call, so the AWS provider (since
        // terraform-provider-aws#33699) restores first and then calls ModifyDBInstance with
        // ManageMasterUserPassword once the instance is available. The restored instance thus
        // gets its own new `rds!db-…` secret (tagged aws:rds:primaryDBInstanceArn with its ARN)
        // and a new password; the source's secret is neither copied nor touched.
        manageMasterUserPassword: true,
        backupRetentionPeriod: plan.retentionDays,
        backupWindow: plan.backupWindow,
        maintenanceWindow: plan.maintenanceWindow,
        copyTagsToSnapshot: true,
        deleteAutomatedBackups: deletion.deleteAutomatedBackups,
        deletionProtection: deletion.deletionProtection,
        skipFinalSnapshot: deletion.skipFinalSnapshot,
        finalSnapshotIdentifier: deletion.skipFinalSnapshot ? undefined : finalSnapshotIdentifier(plan.identifier, args.createdAt ?? new Date()),
        autoMinorVersionUpgrade: true,
        snapshotIdentifier: restore && "snapshotIdentifier" in restore ? restore.snapshotIdentifier : undefined,
        restoreToPointInTime:
          restore && "pointInTime" in restore
            ? {
                sourceDbInstanceIdentifier: restore.pointInTime.sourceDbInstanceIdentifier,
                sourceDbiResourceId: restore.pointInTime.sourceDbiResourceId,
                sourceDbInstanceAutomatedBackupsArn: restore.pointInTime.sourceDbInstanceAutomatedBackupsArn,
                restoreTime: restore.pointInTime.restoreTime,
                useLatestRestorableTime: restore.pointInTime.useLatestRestorableTime,
              }
            : undefined,
        tags,
      },
      {
        parent: this,
        // The primary holds the game's data: `pulumi destroy` must be refused until someone unprotects it on purpose.
        protect: plan.purpose === "primary" ? true : undefined,
        // The final snapshot name carries the creation time; keep the first one instead of
        // proposing a new name on every preview (which would also spoil the cut-over's
        // "only the Lambda changes" check).
        ignoreChanges: ["finalSnapshotIdentifier"],
      },
    );

    // A declared snapshot is taken once: aws.rds.Snapshot has no update, so a changed
    // source would mean a replacement, and the new snapshot would collide with the kept
    // old one of the same name. Its contents are the data at the moment it was first
    // taken and never change; to capture newer data, declare a new identifier (-v2).
    // retainOnDelete keeps it in AWS on destroy and when it is removed from the list.
    for (const snapshotId of plan.manualSnapshots) {
      new aws.rds.Snapshot(
        `${name}-snapshot-${snapshotId}`,
        { dbInstanceIdentifier: instance.identifier, dbSnapshotIdentifier: snapshotId, tags: { ...tags, [TagKeys.snapshot]: "manual" } },
        { parent: this, retainOnDelete: true, ignoreChanges: ["dbInstanceIdentifier"] },
      );
    }

    if (args.backupReplicationRegion !== undefined) {
      // aws 7.x takes a per-resource `region`, which replaces the second provider that
      // v6 needed for a resource in another region.
      new aws.rds.InstanceAutomatedBackupsReplication(
        `${name}-backup-replication`,
        {
          region: args.backupReplicationRegion,
          sourceDbInstanceArn: instance.arn,
          retentionPeriod: plan.retentionDays,
          kmsKeyId: args.backupReplicationKmsKeyId,
        },
        child,
      );
    }

    this.instance = instance;
    this.purpose = plan.purpose;
    this.identifier = instance.identifier;
    this.arn = instance.arn;
    this.address = instance.address;
    this.port = instance.port;
    this.endpoint = instance.endpoint;
    this.engine = instance.engine;
    this.engineVersion = pulumi.all([instance.engineVersionActual, instance.engineVersion]).apply(([actual, asked]) => actual ?? asked ?? "");
    this.dbSubnetGroupName = instance.dbSubnetGroupName;
    this.securityGroupIds = instance.vpcSecurityGroupIds;
    this.secretArn = instance.masterUserSecrets.apply((secrets) => secrets?.[0]?.secretArn ?? "");
    this.backupRetentionDays = plan.retentionDays;
    this.manualSnapshotIdentifiers = plan.manualSnapshots;

    this.registerOutputs({
      identifier: this.identifier,
      arn: this.arn,
      address: this.address,
      port: this.port,
      endpoint: this.endpoint,
      engine: this.engine,
      engineVersion: this.engineVersion,
      dbSubnetGroupName: this.dbSubnetGroupName,
      securityGroupIds: this.securityGroupIds,
      secretArn: this.secretArn,
    });
  }
}
