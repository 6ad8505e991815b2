import { formatDurationSpec } from "../../contracts/duration";
import { formatDuration } from "../output";
import type { ObjectLockSettings } from "../aws/s3";
import { isoSeconds } from "../snapshots/model";
import type { CheckResult } from "./evaluate";
import type { AssetsReplicationFacts, BucketFacts, PostureFacts, SampledObject } from "./facts";

/**
 * `check`'s judgement of a primary's assets replication to the standby region, from the
 * facts collect.ts read: the rule and its destination (versioned and locked), then the
 * replication status of a sample of the newest objects — none without a status, the
 * oldest PENDING younger than the limit, none FAILED. Pure.
 */

/** Without Replication Time Control S3 gives no SLA; most objects replicate within minutes, so an hour PENDING means replication is stuck. */
export const DEFAULT_MAX_REPLICATION_PENDING = "1h";
/** Replication Time Control's SLA: 99.99% of objects within 15 minutes. */
export const RTC_MAX_REPLICATION_PENDING_MS = 15 * 60_000;
/** How many of the newest objects `check` reads the replication status of (one HEAD each). */
export const DEFAULT_REPLICATION_SAMPLE = 20;
/** How many current objects `check` lists to find the newest (100 ListObjectsV2 pages). */
export const REPLICATION_SCAN_LIMIT = 100_000;

/** Object Lock in words: `COMPLIANCE, 30 days`. Pure. */
export function describeObjectLock(lock: ObjectLockSettings | undefined): string {
  if (lock === undefined || !lock.enabled) return "no Object Lock";
  if (lock.mode === undefined) return "Object Lock enabled, without a default retention (new versions are not locked)";
  const period = lock.days !== undefined ? `${lock.days} day${lock.days === 1 ? "" : "s"}` : `${lock.years ?? 0} year${lock.years === 1 ? "" : "s"}`;
  return `Object Lock ${lock.mode}, ${period}`;
}

function isLocked(lock: ObjectLockSettings | undefined): boolean {
  return lock?.enabled === true && lock.mode !== undefined && ((lock.days ?? 0) > 0 || (lock.years ?? 0) > 0);
}

/** The checked bucket's own Object Lock: reported, not required (the replica's is judged with its replication). */
export function bucketObjectLockRow(bucket: BucketFacts | undefined): CheckResult {
  const title = "bucket Object Lock";
  if (bucket === undefined) return { id: "bucket-object-lock", title, status: "skip", detail: "no assets bucket known; pass --bucket or --stack to check it" };
  return isLocked(bucket.objectLock)
    ? { id: "bucket-object-lock", title, status: "pass", detail: `${bucket.name}: ${describeObjectLock(bucket.objectLock)}` }
    : { id: "bucket-object-lock", title, status: "info", detail: `${bucket.name}: ${describeObjectLock(bucket.objectLock)}` };
}

/** The assets rows `check` adds after evaluatePosture's: the bucket's Object Lock, then its replication to the standby region. */
export function evaluateAssetsPosture(facts: PostureFacts, thresholds: ReplicationThresholds, now: Date): CheckResult[] {
  return [bucketObjectLockRow(facts.bucket), ...assetsReplicationChecks(facts.assetsReplication, facts.bucket?.name, thresholds, now)];
}

export interface ReplicationThresholds {
  /** From --max-replication-pending; else 15 minutes with Replication Time Control, 1 hour without. */
  maxReplicationPendingMs?: number | undefined;
}

/** The replication rows: one skipped row when the stack configures none, else four. */
export function assetsReplicationChecks(facts: AssetsReplicationFacts | undefined, sourceBucket: string | undefined, thresholds: ReplicationThresholds, now: Date): CheckResult[] {
  if (facts === undefined || sourceBucket === undefined) {
    return [{ id: "assets-replication", title: "assets replication", status: "skip", detail: "assets replication is not configured (assetsReplicationBucket), or not known without --stack" }];
  }
  const { expected } = facts;
  const dest = `s3://${expected.bucket} (${expected.region})`;
  const src = `s3://${sourceBucket}`;
  const batch = (statuses: string) => `gametracker-dr assets replicate --bucket ${sourceBucket} --statuses ${statuses} --batch-role-arn <role> --report-bucket <bucket>`;
  const rows: CheckResult[] = [];
  const title = `assets replication to ${expected.region}`;
  const rule = facts.rules.find((r) => r.destinationBucket === expected.bucket) ?? facts.rules[0];
  const configured = configurationProblem(facts, rule, src, dest);
  if (configured !== undefined) {
    rows.push({ id: "assets-replication", title, status: "fail", ...configured });
  } else {
    const kms = rule!.replicaKmsKeyId !== undefined ? `SSE-KMS re-encrypted with ${rule!.replicaKmsKeyId}` : "SSE-KMS objects not replicated (no replica key)";
    rows.push({
      id: "assets-replication",
      title,
      status: "pass",
      detail: `${src} -> ${dest}: rule ${rule!.id ?? "(no id)"} enabled, delete markers replicated, ${kms}, Replication Time Control ${rule!.timeControl ? "on" : "off"}; the destination is versioned, ${describeObjectLock(facts.destination.objectLock)}`,
    });
  }

  const { objects, scanned, truncated } = facts.sample;
  const scope = `${objects.length} newest of ${truncated ? `the first ${scanned} objects listed (key order)` : `${scanned} object${scanned === 1 ? "" : "s"}`}`;
  const count = (status: string | undefined) => objects.filter((o) => o.status === status).length;
  const none = objects.filter((o) => o.status === undefined);
  const statusTitle = "replication status of the newest objects";
  if (objects.length === 0) rows.push({ id: "assets-replication-status", title: statusTitle, status: "pass", detail: `${src} holds no objects yet` });
  else if (none.length > 0) {
    rows.push({
      id: "assets-replication-status",
      title: statusTitle,
      status: "fail",
      detail: `${none.length} of the ${scope} have no replication status, so S3 will never replicate them (written before replication was on, SSE-C, or SSE-KMS without a replica key): ${keys(none)}`,
      fix: `copy them to the replica with S3 Batch Replication: ${batch("none")}`,
    });
  } else {
    rows.push({ id: "assets-replication-status", title: statusTitle, status: "pass", detail: `${scope}: ${count("COMPLETED")} COMPLETED, ${count("PENDING")} PENDING, ${count("FAILED")} FAILED` });
  }

  const limitMs = thresholds.maxReplicationPendingMs ?? (rule?.timeControl ? RTC_MAX_REPLICATION_PENDING_MS : undefined);
  const limitText = limitMs !== undefined ? `limit ${formatDurationSpec(limitMs)}${thresholds.maxReplicationPendingMs === undefined ? ", Replication Time Control's SLA" : ""}` : `limit ${DEFAULT_MAX_REPLICATION_PENDING}`;
  const limit = limitMs ?? 60 * 60_000;
  const pending = objects.filter((o) => o.status === "PENDING").sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime());
  const pendingTitle = "oldest PENDING replication";
  const oldest = pending[0];
  if (oldest === undefined) rows.push({ id: "assets-replication-pending", title: pendingTitle, status: "pass", detail: `none of the ${scope} is PENDING (${limitText})` });
  else {
    const age = Math.max(0, now.getTime() - oldest.lastModified.getTime());
    const detail = `${oldest.key}, written ${isoSeconds(oldest.lastModified)}, PENDING for ${formatDuration(age)} (${limitText}; ${pending.length} PENDING of the ${scope})`;
    rows.push(
      age <= limit
        ? { id: "assets-replication-pending", title: pendingTitle, status: "pass", detail }
        : {
            id: "assets-replication-pending",
            title: pendingTitle,
            status: "fail",
            detail,
            fix: `S3 has not replicated it within the limit: read rule ${rule?.id ?? "(its rule)"}'s replication metrics (OperationsPendingReplication, ReplicationLatency) in CloudWatch, and check ${dest} and the replication role; if it ends FAILED, replicate it again with ${batch("failed")}`,
          },
    );
  }

  const failed = objects.filter((o) => o.status === "FAILED");
  const failedTitle = "FAILED replications";
  rows.push(
    failed.length === 0
      ? { id: "assets-replication-failed", title: failedTitle, status: "pass", detail: `none of the ${scope}` }
      : {
          id: "assets-replication-failed",
          title: failedTitle,
          status: "fail",
          detail: `${failed.length} of the ${scope} FAILED and are not in the replica: ${keys(failed)}`,
          fix: `S3 does not retry a FAILED replication: find its cause (the replication role's permissions, the replica's KMS key in ${expected.region}, the destination's versioning; S3 Event Notifications and Batch Replication reports name it), fix it, then replicate them again: ${batch("failed")}`,
        },
  );
  return rows;
}

function configurationProblem(facts: AssetsReplicationFacts, rule: AssetsReplicationFacts["rules"][number] | undefined, src: string, dest: string): { detail: string; fix: string } | undefined {
  const up = "run pulumi up for the environment (assetsReplicationBucket is set)";
  const standby = `run pulumi up for the standby stack that owns ${dest}`;
  if (rule === undefined) return { detail: `${src} has no replication configuration, but the stack replicates it to ${dest}`, fix: up };
  if (rule.destinationBucket !== facts.expected.bucket) return { detail: `${src} replicates to s3://${rule.destinationBucket ?? "?"}, but the stack says ${dest}`, fix: up };
  if (!rule.enabled) return { detail: `${src}'s replication rule ${rule.id ?? ""} is disabled: nothing new reaches ${dest}`.replace("  ", " "), fix: up };
  if (!rule.deleteMarkers) return { detail: `${src}'s rule does not replicate delete markers: a delete at home would still be served by the replica`, fix: up };
  const { versioning, objectLock } = facts.destination;
  if (versioning === undefined) return { detail: `${dest} does not exist: S3 fails every replication (DstBucketNotFound)`, fix: `${standby}, then ${up}` };
  if (versioning !== "Enabled") return { detail: `${dest} has versioning ${versioning}: S3 fails every replication (DstBucketUnversioned)`, fix: standby };
  if (!isLocked(objectLock)) return { detail: `${dest} has ${describeObjectLock(objectLock)}: a credential that may delete versions can erase the region-loss copy`, fix: `${standby} (its assetsObjectLockMode and assetsObjectLockRetentionDays)` };
  return undefined;
}

function keys(objects: SampledObject[]): string {
  const shown = objects.slice(0, 5).map((o) => o.key);
  return `${shown.join(", ")}${objects.length > shown.length ? `, and ${objects.length - shown.length} more` : ""}`;
}
