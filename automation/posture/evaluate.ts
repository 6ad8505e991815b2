import { formatDurationSpec } from "../../contracts/duration";
import { parseMaintenanceWindow, windowAt } from "../../components/database-rules";
import { formatDuration } from "../output";
import type { AutomatedBackupInfo, SnapshotInfo } from "../aws/rds";
import { isReplicated, isRetained } from "../restore/recovery-point";
import { isoSeconds, newestFirst } from "../snapshots/model";
import { PostureFacts } from "./facts";

/**
 * The backup-posture judgement: facts + thresholds + now → one pass/fail/skip row per
 * check, each failing row carrying the command or change that fixes it. Pure.
 */
/** `info`: a fact worth knowing that is neither good nor bad, e.g. retained backups someone pays for. */
export type CheckStatus = "pass" | "fail" | "skip" | "info";

export interface CheckResult {
  /** Stable id for scripts (`--json`): `backup-retention`, `declared-snapshot:<id>`, … */
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** How to fix it; present on every failing row. */
  fix?: string;
}

export interface PostureThresholds {
  minRetentionDays: number;
  /** Where minRetentionDays came from, for the report. */
  retentionSource: string;
  maxRestoreLagMs: number;
  maxAutomatedSnapshotAgeMs: number;
  maxManualSnapshotAgeMs: number;
  /** How far the replicated backups' latest restorable time may trail now. */
  maxReplicaLagMs: number;
  /** How old the newest snapshot copy of each copy region may be. */
  maxCopyAgeMs: number;
}

export const DEFAULT_MIN_RETENTION_DAYS = 7;
/** SQL Server's point-in-time restore normally trails "now" by about 5 minutes; 15 leaves room for a slow log backup. */
export const DEFAULT_MAX_RESTORE_LAG = "15m";
/** Automated snapshots are daily, inside a 30-minute backup window: a day plus slack. */
export const DEFAULT_MAX_AUTOMATED_SNAPSHOT_AGE = "26h";
export const DEFAULT_MAX_MANUAL_SNAPSHOT_AGE = "30d";
/** RDS replicates snapshots and transaction logs as they are ready; two hours behind means replication is stuck. */
export const DEFAULT_MAX_REPLICA_LAG = "2h";
/** A weekly copy job, and a day of slack. */
export const DEFAULT_MAX_COPY_AGE = "8d";

export function evaluatePosture(facts: PostureFacts, thresholds: PostureThresholds, now: Date): CheckResult[] {
  const id = facts.instance.identifier;
  const modify = (flags: string) => `aws rds modify-db-instance --db-instance-identifier ${id} ${flags} --apply-immediately`;
  const results: CheckResult[] = [];
  const inst = facts.instance;

  // Automated backups and retention.
  {
    const min = thresholds.minRetentionDays;
    const title = "automated backups and retention";
    const fix = `pulumi config set databaseBackupRetentionDays ${min} and pulumi up for the environment, or at once: ${modify(`--backup-retention-period ${min}`)}`;
    if (inst.backupRetentionDays === 0) {
      results.push({ id: "backup-retention", title, status: "fail", detail: `automated backups are off (retention 0 days; at least ${min} required, ${thresholds.retentionSource})`, fix });
    } else if (inst.backupRetentionDays < min) {
      results.push({ id: "backup-retention", title, status: "fail", detail: `retention is ${inst.backupRetentionDays} days, below the required ${min} (${thresholds.retentionSource})`, fix });
    } else {
      results.push({ id: "backup-retention", title, status: "pass", detail: `retention ${inst.backupRetentionDays} days (at least ${min} required, ${thresholds.retentionSource})` });
    }
  }

  // Point-in-time restore lag.
  {
    const title = "latest restorable time lag";
    const limit = formatDurationSpec(thresholds.maxRestoreLagMs);
    const fix = `check the instance's backups and transaction-log uploads in its events (aws rds describe-events --source-type db-instance --source-identifier ${id} --duration 1440) and that automated backups are on`;
    if (inst.backupRetentionDays === 0 || inst.latestRestorableTime === undefined) {
      results.push({
        id: "restore-lag",
        title,
        status: "fail",
        detail: inst.backupRetentionDays === 0 ? "no point-in-time restore: automated backups are off" : "RDS reports no latest restorable time (no point-in-time restore possible yet)",
        fix,
      });
    } else {
      const lag = Math.max(0, now.getTime() - inst.latestRestorableTime.getTime());
      const detail = `${formatDuration(lag)} behind now (latest restorable ${isoSeconds(inst.latestRestorableTime)}, limit ${limit})`;
      results.push(lag <= thresholds.maxRestoreLagMs ? { id: "restore-lag", title, status: "pass", detail } : { id: "restore-lag", title, status: "fail", detail, fix });
    }
  }

  // Snapshot ages.
  results.push(
    snapshotAge({
      id: "automated-snapshot-age",
      title: "newest automated snapshot age",
      snapshots: facts.snapshots.filter((s) => s.type === "automated"),
      maxAgeMs: thresholds.maxAutomatedSnapshotAgeMs,
      now,
      missing: `no available automated snapshot of ${id}`,
      fix: `automated snapshots are taken daily in the backup window while backups are on; check the window and recent backup events (aws rds describe-events --source-type db-instance --source-identifier ${id} --duration 2880)`,
    }),
    snapshotAge({
      id: "manual-snapshot-age",
      title: "newest manual snapshot age",
      snapshots: facts.snapshots.filter((s) => s.type === "manual"),
      maxAgeMs: thresholds.maxManualSnapshotAgeMs,
      now,
      missing: `no available manual snapshot of ${id}`,
      fix: `take one: gametracker-dr snapshots create --db-instance ${id}`,
    }),
  );

  results.push(
    inst.deletionProtection
      ? { id: "deletion-protection", title: "deletion protection", status: "pass", detail: "on" }
      : {
          id: "deletion-protection",
          title: "deletion protection",
          status: "fail",
          detail: "off: the instance can be deleted by one API call",
          fix: `pulumi config set databaseDeletionProtection true and pulumi up for the environment, or at once: ${modify("--deletion-protection")}`,
        },
    inst.copyTagsToSnapshot
      ? { id: "copy-tags-to-snapshot", title: "copy tags to snapshots", status: "pass", detail: "on" }
      : {
          id: "copy-tags-to-snapshot",
          title: "copy tags to snapshots",
          status: "fail",
          detail: "off: snapshots lose the instance's tags (ownership, cost allocation, cleanup by tag)",
          fix: `run pulumi up for the environment (its database component sets it), or at once: ${modify("--copy-tags-to-snapshot")}`,
        },
  );

  results.push(pendingModificationsRow(inst, now));

  // Declared manual snapshots.
  if (facts.declared.length === 0) {
    results.push({ id: "declared-snapshot", title: "declared manual snapshot", status: "skip", detail: "the environment declares no manual snapshot (or was given by --db-instance alone)" });
  }
  for (const d of facts.declared) {
    const title = `declared snapshot ${d.identifier}`;
    const rowId = `declared-snapshot:${d.identifier}`;
    if (d.snapshot === undefined) {
      results.push({
        id: rowId,
        title,
        status: "fail",
        detail: "does not exist",
        fix: `run pulumi up --refresh for the environment (it takes each snapshot in databaseManualSnapshots), or remove ${d.identifier} from databaseManualSnapshots`,
      });
    } else if (d.snapshot.status !== "available") {
      results.push({
        id: rowId,
        title,
        status: "fail",
        detail: `exists but is ${d.snapshot.status}`,
        fix: d.snapshot.status === "creating" ? "wait for it to finish and run check again" : `inspect it (aws rds describe-events --source-type db-snapshot --source-identifier ${d.identifier}) and recreate it`,
      });
    } else {
      results.push({ id: rowId, title, status: "pass", detail: `available (${d.snapshot.type}, ${d.snapshot.createdAt ? isoSeconds(d.snapshot.createdAt) : "time unknown"})` });
    }
  }

  results.push(replicationCheck(facts, thresholds, now), ...retainedBackupRows(facts, now), ...copyChecks(facts, thresholds, now));
  results.push(...bucketChecks(facts));
  return results;
}

/**
 * What RDS holds for the maintenance window, and when that opens. RDS records no time for a
 * pending modification, only what is pending; so the row says what and until when, and
 * what it means for the environment's previews and for a cut-over.
 */
function pendingModificationsRow(inst: PostureFacts["instance"], now: Date): CheckResult {
  const title = "pending modifications";
  if (inst.pendingModifications.length === 0) return { id: "pending-modifications", title, status: "info", detail: "none: RDS holds no modification for the maintenance window" };
  const what = inst.pendingModifications.map((p) => `${p.setting} ${p.current ?? "?"} -> ${p.pending}`).join(", ");
  let window: ReturnType<typeof windowAt> | undefined;
  try {
    window = inst.maintenanceWindow === undefined ? undefined : windowAt(parseMaintenanceWindow(inst.maintenanceWindow, "PreferredMaintenanceWindow"), now);
  } catch {
    window = undefined;
  }
  const when =
    window === undefined
      ? `the next maintenance window (${inst.maintenanceWindow ?? "RDS reports none"})`
      : window.open
        ? `the maintenance window open now (${inst.maintenanceWindow} UTC, until ${isoSeconds(window.end)})`
        : `the next maintenance window (${inst.maintenanceWindow} UTC), opening ${isoSeconds(window.start)}, in ${formatDuration(window.start.getTime() - now.getTime())}`;
  return {
    id: "pending-modifications",
    title,
    status: "info",
    detail:
      `${what}: applied in ${when}; RDS does not record when they were requested. Until then the environment's preview shows them as an update of ${inst.identifier}, ` +
      "and cutover and rollback leave them pending (they update the API Lambda alone)",
    fix: `to apply one now, modify the instance with the same value and --apply-immediately (aws rds modify-db-instance --db-instance-identifier ${inst.identifier} … --apply-immediately), which applies every pending modification with it; to cancel one, modify it back to its current value with --apply-immediately`,
  };
}

/** Replication configured ⇒ the replicated backups exist in that region and their latest restorable time lags less than the limit. */
function replicationCheck(facts: PostureFacts, thresholds: PostureThresholds, now: Date): CheckResult {
  const id = facts.instance.identifier;
  const title = "replicated automated backups";
  const r = facts.replication;
  if (r === undefined) {
    return { id: "replica-lag", title, status: "skip", detail: "backup replication is not configured (databaseBackupReplicationRegion), or not known without --stack" };
  }
  const limit = formatDurationSpec(thresholds.maxReplicaLagMs);
  const inspect = `aws rds describe-db-instance-automated-backups --region ${r.region} --db-instance-identifier ${id}`;
  const replica = r.backups.filter((b) => isReplicated(b, r.region) && b.sourceRegion === facts.region).sort((a, b) => (b.latest?.getTime() ?? 0) - (a.latest?.getTime() ?? 0))[0];
  if (replica === undefined) {
    return {
      id: "replica-lag",
      title,
      status: "fail",
      detail: `${r.region} holds no automated backups of ${id} replicated from ${facts.region}`,
      fix: `run pulumi up for the environment (its database replicates to ${r.region}), then check ${inspect}`,
    };
  }
  if (replica.status !== "replicating") {
    return {
      id: "replica-lag",
      title,
      status: "fail",
      detail: `the backups of ${id} in ${r.region} are ${replica.status}, not replicating: replication has stopped`,
      fix: `run pulumi up for the environment to start replication again, and check ${inspect}`,
    };
  }
  if (replica.latest === undefined) {
    return { id: "replica-lag", title, status: "fail", detail: `the backups of ${id} in ${r.region} report no restore window yet`, fix: `wait for the first replicated snapshot, then run check again (${inspect})` };
  }
  const lag = Math.max(0, now.getTime() - replica.latest.getTime());
  const detail = `${r.region}: ${formatDuration(lag)} behind now (latest restorable ${isoSeconds(replica.latest)}, limit ${limit})`;
  return lag <= thresholds.maxReplicaLagMs
    ? { id: "replica-lag", title, status: "pass", detail }
    : { id: "replica-lag", title, status: "fail", detail, fix: `replication is behind; check the instance's events (aws rds describe-events --source-type db-instance --source-identifier ${id}) and ${inspect}` };
}

/** Whether backups belong to this database: the primary's name, or a restored instance of it (`<id>-…`). */
function ofThisDatabase(b: AutomatedBackupInfo, identifier: string): boolean {
  return b.instanceIdentifier === identifier || b.instanceIdentifier.startsWith(`${identifier}-`);
}

/** One row per retained automated backup of a deleted instance of this database: restorable, and billed until deleted. */
function retainedBackupRows(facts: PostureFacts, now: Date): CheckResult[] {
  const id = facts.instance.identifier;
  const retained = facts.automatedBackups.filter((b) => isRetained(b, facts.region) && ofThisDatabase(b, id));
  if (retained.length === 0) return [{ id: "retained-backups", title: "retained backups of deleted instances", status: "info", detail: `none of ${id} or ${id}-* in ${facts.region}` }];
  return retained.map((b) => ({
    id: `retained-backup:${b.dbiResourceId ?? b.instanceIdentifier}`,
    title: `retained backups of deleted ${b.instanceIdentifier}`,
    status: "info" as const,
    detail:
      `${b.dbiResourceId ?? "(no resource id)"}: ${b.latest === undefined ? "deleted (time unknown)" : `deleted ${formatDuration(Math.max(0, now.getTime() - b.latest.getTime()))} ago (restorable ${b.earliest !== undefined ? `${isoSeconds(b.earliest)} .. ` : "until "}${isoSeconds(b.latest)})`}` +
      `, kept ${b.retentionDays ?? "?"} days and billed until then; restore with --from retained:${b.dbiResourceId ?? "?"}@latest, or delete with aws rds delete-db-instance-automated-backup --dbi-resource-id ${b.dbiResourceId ?? "?"}`,
  }));
}

/** Per copy region: how many copies of the instance's snapshots there are, and the newest's age against the limit. */
function copyChecks(facts: PostureFacts, thresholds: PostureThresholds, now: Date): CheckResult[] {
  const id = facts.instance.identifier;
  if (facts.copies.length === 0) {
    return [{ id: "snapshot-copies", title: "snapshot copies in other regions", status: "skip", detail: "no copy region is configured (databaseSnapshotCopyRegions), or not known without --stack" }];
  }
  return facts.copies.map(({ region, snapshots }) => {
    const copies = snapshots.filter((s) => s.copiedFrom !== undefined);
    const fix = `gametracker-dr snapshots copy --db-instance ${id} --to-region ${region} (weekly, e.g. from the drill workflow)`;
    const row = snapshotAge({
      id: `snapshot-copies:${region}`,
      title: `snapshot copies in ${region}`,
      snapshots: copies,
      maxAgeMs: thresholds.maxCopyAgeMs,
      now,
      missing: `no copy of ${id}'s snapshots in ${region}`,
      fix,
    });
    return { ...row, detail: `${copies.length} ${copies.length === 1 ? "copy" : "copies"}; ${row.detail}` };
  });
}

function snapshotAge(args: {
  id: string;
  title: string;
  snapshots: SnapshotInfo[];
  maxAgeMs: number;
  now: Date;
  missing: string;
  fix: string;
}): CheckResult {
  const newest = args.snapshots.filter((s) => s.status === "available" && s.createdAt !== undefined).sort(newestFirst)[0];
  if (newest === undefined) return { id: args.id, title: args.title, status: "fail", detail: args.missing, fix: args.fix };
  const age = Math.max(0, args.now.getTime() - newest.createdAt!.getTime());
  const detail = `${newest.identifier} is ${formatDuration(age)} old (limit ${formatDurationSpec(args.maxAgeMs)})`;
  return age <= args.maxAgeMs ? { id: args.id, title: args.title, status: "pass", detail } : { id: args.id, title: args.title, status: "fail", detail, fix: args.fix };
}

function bucketChecks(facts: PostureFacts): CheckResult[] {
  const bucket = facts.bucket;
  const titles = { versioning: "bucket versioning", pab: "bucket public-access blocks", lifecycle: "noncurrent-version lifecycle rule" };
  if (bucket === undefined) {
    const detail = "no assets bucket known; pass --bucket or --stack to check it";
    return [
      { id: "bucket-versioning", title: titles.versioning, status: "skip", detail },
      { id: "bucket-public-access-block", title: titles.pab, status: "skip", detail },
      { id: "bucket-noncurrent-lifecycle", title: titles.lifecycle, status: "skip", detail },
    ];
  }
  const b = bucket.name;
  const results: CheckResult[] = [];
  results.push(
    bucket.versioning === "Enabled"
      ? { id: "bucket-versioning", title: titles.versioning, status: "pass", detail: `${b}: Enabled` }
      : {
          id: "bucket-versioning",
          title: titles.versioning,
          status: "fail",
          detail: `${b}: ${bucket.versioning}${bucket.versioning === "Suspended" ? " (overwrites and deletes lose the previous image)" : " (never turned on)"}`,
          fix: `run pulumi up for the environment, or at once: aws s3api put-bucket-versioning --bucket ${b} --versioning-configuration Status=Enabled`,
        },
  );
  const pab = bucket.publicAccessBlock;
  const off = (
    [
      ["BlockPublicAcls", pab.blockPublicAcls],
      ["IgnorePublicAcls", pab.ignorePublicAcls],
      ["BlockPublicPolicy", pab.blockPublicPolicy],
      ["RestrictPublicBuckets", pab.restrictPublicBuckets],
    ] as const
  )
    .filter(([, on]) => !on)
    .map(([name]) => name);
  results.push(
    off.length === 0
      ? { id: "bucket-public-access-block", title: titles.pab, status: "pass", detail: `${b}: all four on` }
      : {
          id: "bucket-public-access-block",
          title: titles.pab,
          status: "fail",
          detail: `${b}: off: ${off.join(", ")}`,
          fix: `aws s3api put-public-access-block --bucket ${b} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true (and run pulumi up so the environment keeps it)`,
        },
  );
  const rules = bucket.lifecycleRules.filter((r) => r.enabled && (r.noncurrentExpirationDays !== undefined || r.noncurrentTransitions > 0));
  if (rules.length > 0) {
    const r = rules[0]!;
    const scope = r.prefix === "" ? "whole bucket" : r.prefix === undefined ? "filtered by tag or size" : `prefix ${r.prefix}`;
    const action = r.noncurrentExpirationDays !== undefined ? `noncurrent versions expire after ${r.noncurrentExpirationDays} days` : "noncurrent versions transition";
    results.push({ id: "bucket-noncurrent-lifecycle", title: titles.lifecycle, status: "pass", detail: `${b}: rule ${r.id ?? "(no id)"}: ${action} (${scope})` });
  } else {
    const disabled = bucket.lifecycleRules.some((r) => !r.enabled && (r.noncurrentExpirationDays !== undefined || r.noncurrentTransitions > 0));
    results.push({
      id: "bucket-noncurrent-lifecycle",
      title: titles.lifecycle,
      status: "fail",
      detail: `${b}: ${disabled ? "the noncurrent-version rule is disabled" : "no rule expires or transitions noncurrent versions"} (old versions pile up, or were never planned)`,
      fix: `run pulumi up for the environment (its assets bucket declares the rule), or add an enabled lifecycle rule with NoncurrentVersionExpiration (e.g. NoncurrentDays=30) via aws s3api put-bucket-lifecycle-configuration --bucket ${b}`,
    });
  }
  return results;
}
