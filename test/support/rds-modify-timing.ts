/**
 * When RDS applies each setting of a ModifyDBInstance sent with ApplyImmediately false: at
 * once, or in the instance's next maintenance window — until then DescribeDBInstances
 * answers the old value and lists the new one in PendingModifiedValues. Pinned setting by
 * setting to the "When the change occurs" column of the RDS User Guide's table "Settings
 * for DB instances" (Modifying an Amazon RDS DB instance), with the API Reference where the
 * table is silent; the behaviour that applies it is moto-gaps.ts's
 * `rds-pending-modifications`. Pure.
 *
 * ApplyImmediately true applies "your new changes and any changes in the pending
 * modifications queue" (User Guide, Using the schedule modifications setting).
 */
import type { ModifyDBInstanceMessage, PendingModifiedValues } from "@aws-sdk/client-rds";

type ModifyKey = Exclude<keyof ModifyDBInstanceMessage, "DBInstanceIdentifier" | "ApplyImmediately">;

export interface DeferredSetting {
  /** Where DescribeDBInstances reports the value while it waits. */
  pending: keyof PendingModifiedValues;
  /** The documented sentence this entry reproduces. */
  rule: string;
}

const TABLE = "User Guide, Settings for DB instances";
const WINDOW = "If you don't choose to apply the change immediately, it occurs during the next maintenance window";

/** Settings RDS defers to the maintenance window when ApplyImmediately is false. */
export const DEFERRED_SETTINGS: Readonly<Partial<Record<ModifyKey, DeferredSetting>>> = {
  AllocatedStorage: { pending: "AllocatedStorage", rule: `${TABLE}, Allocated storage: "${WINDOW}"` },
  CACertificateIdentifier: { pending: "CACertificateIdentifier", rule: `${TABLE}, Certificate authority: "${WINDOW}"` },
  DBInstanceClass: { pending: "DBInstanceClass", rule: `${TABLE}, DB instance class: "${WINDOW}"; API Reference, ModifyDBInstance: "The change is applied during the next maintenance window, unless you specify ApplyImmediately"` },
  DBSubnetGroupName: { pending: "DBSubnetGroupName", rule: `${TABLE}, DB subnet group: "${WINDOW}"` },
  EnableIAMDatabaseAuthentication: { pending: "IAMDatabaseAuthenticationEnabled", rule: `${TABLE}, IAM DB authentication: "${WINDOW}"` },
  EngineVersion: { pending: "EngineVersion", rule: `${TABLE}, DB engine version: "${WINDOW}"` },
  Iops: { pending: "Iops", rule: `${TABLE}, Provisioned IOPS: "${WINDOW}"` },
  LicenseModel: { pending: "LicenseModel", rule: `${TABLE}, License model: "${WINDOW}"` },
  MultiAZ: { pending: "MultiAZ", rule: `${TABLE}, Multi-AZ deployment: "${WINDOW}"` },
  NewDBInstanceIdentifier: { pending: "DBInstanceIdentifier", rule: `${TABLE}, DB instance identifier: "${WINDOW}"` },
  ProcessorFeatures: { pending: "ProcessorFeatures", rule: `${TABLE}, Processor features: "${WINDOW}"` },
  StorageThroughput: { pending: "StorageThroughput", rule: `User Guide, Modifying settings for General Purpose SSD (gp3) storage: apply immediately, or "during the next scheduled maintenance window"` },
  StorageType: { pending: "StorageType", rule: `${TABLE}, Storage type: "${WINDOW}"` },
};

/**
 * BackupRetentionPeriod: "If you don't choose to apply the change immediately, and you change
 * the setting from a nonzero value to another nonzero value, the change is applied
 * asynchronously, as soon as possible. Otherwise, the change occurs during the next
 * maintenance window." (User Guide, Settings for DB instances, Backup retention period)
 */
export function retentionIsDeferred(current: number, wanted: number): boolean {
  return (current === 0) !== (wanted === 0);
}

/**
 * Deferred by RDS too, but reported outside PendingModifiedValues (option group membership
 * status, domain membership), so the behaviour passes them to moto at once; no program
 * changes them after create.
 */
export const DEFERRED_ELSEWHERE: readonly ModifyKey[] = ["OptionGroupName", "Domain", "DomainIAMRoleName", "NetworkType"];

/**
 * Every other setting "occurs immediately" or "is applied asynchronously, as soon as
 * possible", whatever ApplyImmediately says (the same table: auto minor version upgrade,
 * backup window, copy tags to snapshots, port, parameter group, deletion protection,
 * monitoring, log exports, maintenance window, master password and its management,
 * Performance Insights, public access, security groups, storage autoscaling).
 */
export interface ModifySplit {
  /** What RDS applies now: the request without the deferred settings. */
  now: Record<string, unknown>;
  /** What waits for the window, keyed as PendingModifiedValues reports it. */
  deferred: PendingModifiedValues;
}

/**
 * Splits a ModifyDBInstance request with ApplyImmediately false. `currentRetention` is the
 * instance's BackupRetentionPeriod before the request (undefined: the request sets none).
 */
export function splitModify(input: Record<string, unknown>, currentRetention: number | undefined): ModifySplit {
  const now: Record<string, unknown> = {};
  const deferred: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const setting = DEFERRED_SETTINGS[key as ModifyKey];
    if (value === undefined) continue;
    if (setting !== undefined) deferred[setting.pending] = value;
    else if (key === "BackupRetentionPeriod" && currentRetention !== undefined && retentionIsDeferred(currentRetention, value as number)) deferred.BackupRetentionPeriod = value;
    else now[key] = value;
  }
  return { now, deferred: deferred as PendingModifiedValues };
}

/** The pending values as the ModifyDBInstance parameters that apply them (ApplyImmediately true, or the window). */
export function pendingAsModify(pending: PendingModifiedValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pending)) {
    if (value === undefined) continue;
    const entry = Object.entries(DEFERRED_SETTINGS).find(([, s]) => s!.pending === key);
    out[entry !== undefined ? entry[0] : key] = value;
  }
  return out;
}
