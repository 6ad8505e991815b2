/**
 * Guardrails for RDS instances: backups can't be switched off by accident, deleting an
 * instance leaves a snapshot behind, and the database is neither public nor stored in
 * clear where the edition can encrypt.
 */
import { ResourceRule } from "./rule";
import { TagKeys } from "../contracts/tags";
import { tagValue } from "./tags";
import { describe, Findings, isUnknown, Props, RuleResult, Unknown } from "./values";

export const RDS_INSTANCE = "aws:rds/instance:Instance";
export const MIN_BACKUP_RETENTION_DAYS = 7;
/** The most RDS allows. */
export const MAX_BACKUP_RETENTION_DAYS = 35;
/** SQL Server Express: RDS offers no encryption at rest for it. */
export const EXPRESS_ENGINE = "sqlserver-ex";

/**
 * Whether the instance is a drill restore: it carries a non-empty drill-id tag *and* is
 * restored from something (a snapshot or a point in time). The second condition keeps
 * the tag from waiving protections on an instance whose data exists nowhere else.
 */
export function isDrillRestore(props: Props): boolean | Unknown {
  const drillId = tagValue(props, TagKeys.drillId);
  if (isUnknown(drillId)) return drillId;
  if (typeof drillId !== "string" || drillId.trim() === "") return false;
  return isRestore(props);
}

function label(props: Props): string {
  const identifier = props["identifier"];
  return typeof identifier === "string" ? `RDS instance "${identifier}"` : "RDS instance";
}

export function checkBackupRetention(props: Props): RuleResult {
  const findings = new Findings();
  const raw = props["backupRetentionPeriod"];
  if (isUnknown(raw)) return findings.undecide(raw).result();
  const days = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof days !== "number" || !Number.isInteger(days) || days < MIN_BACKUP_RETENTION_DAYS || days > MAX_BACKUP_RETENTION_DAYS) {
    const why = days === 0 ? " (0 turns automated backups off)" : raw === undefined ? " (RDS would then keep 1 day)" : "";
    findings.fail(
      `${label(props)} has backupRetentionPeriod ${describe(raw)}${why}; set it to a whole number of days from ${MIN_BACKUP_RETENTION_DAYS} to ${MAX_BACKUP_RETENTION_DAYS}.`,
    );
  }
  return findings.result();
}

export function checkCopyTagsToSnapshot(props: Props): RuleResult {
  const findings = new Findings();
  const value = props["copyTagsToSnapshot"];
  if (isUnknown(value)) return findings.undecide(value).result();
  if (value !== true) {
    findings.fail(`${label(props)} has copyTagsToSnapshot ${describe(value)}, so its snapshots lose the tags that say whose and what they are; set copyTagsToSnapshot: true.`);
  }
  return findings.result();
}

/** Applies a drill-waivable check: waived for a drill restore, undecided while that is unknown. */
function unlessDrillRestore(props: Props, strict: RuleResult): RuleResult {
  if (strict.violations.length === 0) return strict;
  const drill = isDrillRestore(props);
  if (drill === true) return { violations: [], undecided: [] };
  if (isUnknown(drill)) return { violations: [], undecided: [drill, ...strict.undecided] };
  return strict;
}

export function checkFinalSnapshot(props: Props): RuleResult {
  const strict = new Findings();
  const skip = props["skipFinalSnapshot"];
  const identifier = props["finalSnapshotIdentifier"];
  if (isUnknown(skip)) strict.undecide(skip);
  else if (skip === true) {
    strict.fail(`${label(props)} has skipFinalSnapshot true, so deleting it would leave no snapshot; set skipFinalSnapshot: false and a unique finalSnapshotIdentifier.`);
  }
  if (skip !== true && !isUnknown(skip)) {
    if (isUnknown(identifier)) strict.undecide(identifier);
    else if (typeof identifier !== "string" || identifier.trim() === "") {
      strict.fail(`${label(props)} takes a final snapshot on delete but has no finalSnapshotIdentifier, so a destroy or replacement of it would fail; set a unique finalSnapshotIdentifier.`);
    }
  }
  return unlessDrillRestore(props, strict.result());
}

export function checkDeletionProtection(props: Props): RuleResult {
  const strict = new Findings();
  const value = props["deletionProtection"];
  if (isUnknown(value)) strict.undecide(value);
  else if (value !== true) {
    strict.fail(`${label(props)} has deletionProtection ${describe(value)}, so one mistaken destroy deletes the database; set deletionProtection: true (only drill restores tagged "${TagKeys.drillId}" may go without).`);
  }
  return unlessDrillRestore(props, strict.result());
}

export function checkNotPublic(props: Props): RuleResult {
  const findings = new Findings();
  const value = props["publiclyAccessible"];
  if (isUnknown(value)) return findings.undecide(value).result();
  if (value === true) {
    findings.fail(`${label(props)} has publiclyAccessible true, which gives it an address on the internet; set publiclyAccessible: false and reach it from inside the VPC.`);
  }
  return findings.result();
}

/** Whether the instance is created from a snapshot or a point in time rather than empty. */
export function isRestore(props: Props): boolean {
  const set = (value: unknown) => value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);
  return set(props["snapshotIdentifier"]) || set(props["restoreToPointInTime"]);
}

export function checkStorageEncrypted(props: Props): RuleResult {
  const findings = new Findings();
  const encrypted = props["storageEncrypted"];
  if (encrypted === true) return findings.result();
  if (isUnknown(encrypted)) return findings.undecide(encrypted).result();
  const engine = props["engine"];
  if (isUnknown(engine)) return findings.undecide(engine).result();
  if (engine === EXPRESS_ENGINE) return findings.result();
  // A restore can't choose: RDS gives it the encryption of its snapshot or source
  // instance, and this rule judged that instance when it was created.
  if (encrypted === undefined && isRestore(props)) return findings.result();
  const hint = engine === undefined ? " and names no engine, so it can't be shown to be SQL Server Express (the one edition without encryption at rest)" : ` on engine ${describe(engine)}`;
  return findings.fail(`${label(props)} has storageEncrypted ${describe(encrypted)}${hint}; set storageEncrypted: true.`).result();
}

const drillWaiver =
  `Waived only for a drill restore: an instance tagged "${TagKeys.drillId}" and restored from a snapshot or a point in time. ` +
  "A drill restore is destroyed when the drill ends; a final snapshot per weekly drill would eat the region's quota of 100 manual snapshots, " +
  "and its data still exists in the snapshot or backups it was restored from.";

export const rdsRules: ResourceRule[] = [
  {
    name: "rds-backup-retention",
    resourceType: RDS_INSTANCE,
    severity: "high",
    description: `RDS instances keep automated backups for ${MIN_BACKUP_RETENTION_DAYS} to ${MAX_BACKUP_RETENTION_DAYS} days, so point-in-time restore reaches back at least a week.`,
    remediation: `Set backupRetentionPeriod between ${MIN_BACKUP_RETENTION_DAYS} and ${MAX_BACKUP_RETENTION_DAYS} (the database component's retention config).`,
    check: checkBackupRetention,
  },
  {
    name: "rds-copy-tags-to-snapshot",
    resourceType: RDS_INSTANCE,
    severity: "medium",
    description: "RDS instances copy their tags to their snapshots, so every snapshot says which environment and drill it belongs to.",
    remediation: "Set copyTagsToSnapshot: true.",
    check: checkCopyTagsToSnapshot,
  },
  {
    name: "rds-final-snapshot",
    resourceType: RDS_INSTANCE,
    severity: "high",
    description: `Deleting an RDS instance takes a final snapshot (skipFinalSnapshot false, a finalSnapshotIdentifier set). ${drillWaiver}`,
    remediation: "Set skipFinalSnapshot: false and a unique finalSnapshotIdentifier.",
    check: checkFinalSnapshot,
  },
  {
    name: "rds-deletion-protection",
    resourceType: RDS_INSTANCE,
    severity: "high",
    description: `RDS instances have deletion protection on. ${drillWaiver}`,
    remediation: "Set deletionProtection: true.",
    check: checkDeletionProtection,
  },
  {
    name: "rds-not-publicly-accessible",
    resourceType: RDS_INSTANCE,
    severity: "critical",
    description: "RDS instances are not publicly accessible; only the API's security group reaches them inside the VPC.",
    remediation: "Set publiclyAccessible: false.",
    check: checkNotPublic,
  },
  {
    name: "rds-storage-encrypted",
    resourceType: RDS_INSTANCE,
    severity: "high",
    description:
      `RDS storage is encrypted at rest, except on SQL Server Express (engine "${EXPRESS_ENGINE}"), which RDS can't encrypt. ` +
      "A restore that leaves storageEncrypted unset inherits the encryption of its snapshot or source instance, which this rule checked when that instance was created.",
    remediation: "Set storageEncrypted: true, or use an edition other than Express if the data must be encrypted.",
    check: checkStorageEncrypted,
  },
];
