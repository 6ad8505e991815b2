import { defineCommand } from "../cli/command";
import { durationOption, parseDuration } from "../duration";
import { ExitCode, UsageError } from "../errors";
import { collectPostureFacts } from "../posture/collect";
import {
  DEFAULT_MAX_AUTOMATED_SNAPSHOT_AGE,
  DEFAULT_MAX_COPY_AGE,
  DEFAULT_MAX_MANUAL_SNAPSHOT_AGE,
  DEFAULT_MAX_REPLICA_LAG,
  DEFAULT_MAX_RESTORE_LAG,
  DEFAULT_MIN_RETENTION_DAYS,
  evaluatePosture,
  PostureThresholds,
} from "../posture/evaluate";
import { postureReport, renderPostureReport } from "../posture/report";
import { DEFAULT_MAX_REPLICATION_PENDING, DEFAULT_REPLICATION_SAMPLE, evaluateAssetsPosture } from "../posture/assets-replication";
import { environmentFrom, withEnvironmentOptions } from "./environment-flags";

/** RDS allows 1–35 days of automated-backup retention. */
const MAX_RETENTION_DAYS = 35;

/** `check`: is the live environment's backup posture what its config promises? Exit 1 when not. */
export const checkCommand = defineCommand({
  command: "check",
  describe: "Check the live environment's backup posture (retention, restore lag, snapshots, protections, bucket); exit 1 on any failure",
  builder: (y) =>
    withEnvironmentOptions(y)
      .option("min-retention-days", {
        type: "number",
        requiresArg: true,
        describe: `Required backup retention in days (default: the stack's backupRetentionDays output, else ${DEFAULT_MIN_RETENTION_DAYS})`,
      })
      .option("max-restore-lag", durationOption("Largest acceptable gap between now and the latest restorable time", DEFAULT_MAX_RESTORE_LAG))
      .option("max-automated-snapshot-age", durationOption("Oldest acceptable newest automated snapshot", DEFAULT_MAX_AUTOMATED_SNAPSHOT_AGE))
      .option("max-manual-snapshot-age", durationOption("Oldest acceptable newest manual snapshot", DEFAULT_MAX_MANUAL_SNAPSHOT_AGE))
      .option("max-replica-lag", durationOption("Largest acceptable gap between now and the replicated backups' latest restorable time", DEFAULT_MAX_REPLICA_LAG))
      .option("max-copy-age", durationOption("Oldest acceptable newest snapshot copy in each copy region", DEFAULT_MAX_COPY_AGE))
      .option("max-replication-pending", {
        type: "string",
        requiresArg: true,
        describe: `Longest an asset may stay PENDING replication (default: 15m with Replication Time Control, else ${DEFAULT_MAX_REPLICATION_PENDING})`,
      })
      .option("replication-sample", { type: "number", requiresArg: true, default: DEFAULT_REPLICATION_SAMPLE, describe: "How many of the newest assets to read the replication status of" }),
  examples: [
    ["$0 check --stack prod", "check prod against its own configured retention"],
    ["$0 check --db-instance gametracker-mssql --bucket gametracker-assets-prod --json", "without stack state, as JSON"],
    ["$0 check --stack dev --max-restore-lag 10m --max-manual-snapshot-age 7d", "stricter thresholds"],
    ["$0 check --stack prod --min-retention-days 14", "require two weeks of automated backups, whatever the stack says"],
    ["$0 check --stack prod --max-replication-pending 30m --replication-sample 50", "the assets' replication to the standby region, read from more objects"],
  ],
  async run(args, ctx) {
    const maxRestoreLagMs = parseDuration(args.maxRestoreLag, "--max-restore-lag");
    const maxAutomatedSnapshotAgeMs = parseDuration(args.maxAutomatedSnapshotAge, "--max-automated-snapshot-age");
    const maxManualSnapshotAgeMs = parseDuration(args.maxManualSnapshotAge, "--max-manual-snapshot-age");
    const maxReplicaLagMs = parseDuration(args.maxReplicaLag, "--max-replica-lag");
    const maxCopyAgeMs = parseDuration(args.maxCopyAge, "--max-copy-age");
    const maxReplicationPendingMs = args.maxReplicationPending !== undefined ? parseDuration(args.maxReplicationPending, "--max-replication-pending") : undefined;
    replicationSampleProblem(args.replicationSample);
    if (args.minRetentionDays !== undefined) retentionDaysProblem(args.minRetentionDays);
    const env = await environmentFrom(args, ctx);
    const thresholds: PostureThresholds = {
      ...retentionThreshold(args.minRetentionDays, env.backupRetentionDays, env.stack),
      maxRestoreLagMs,
      maxAutomatedSnapshotAgeMs,
      maxManualSnapshotAgeMs,
      maxReplicaLagMs,
      maxCopyAgeMs,
    };
    const facts = await collectPostureFacts(ctx.awsFor(env.region), env, (region) => ctx.awsIn(region), { replicationSample: args.replicationSample });
    const now = ctx.clock.now();
    const report = postureReport({
      instance: env.dbInstanceIdentifier,
      bucket: env.bucketName,
      stack: env.stack,
      now,
      thresholds,
      checks: [...evaluatePosture(facts, thresholds, now), ...evaluateAssetsPosture(facts, { maxReplicationPendingMs }, now)],
    });
    ctx.output.result(report, () => renderPostureReport(report));
    return report.passed ? ExitCode.ok : ExitCode.failed;
  },
});

/** The required retention and where it came from: the flag, else the stack's output, else the default. Pure. */
export function retentionThreshold(flag: number | undefined, stackOutput: number | undefined, stack: string | undefined): Pick<PostureThresholds, "minRetentionDays" | "retentionSource"> {
  if (flag !== undefined) return { minRetentionDays: flag, retentionSource: "from --min-retention-days" };
  if (stackOutput !== undefined && stackOutput > 0) return { minRetentionDays: stackOutput, retentionSource: `configured in stack ${stack ?? "?"}` };
  return { minRetentionDays: DEFAULT_MIN_RETENTION_DAYS, retentionSource: "default" };
}

/** One HEAD per sampled object: a whole number from 1 to 1,000. */
function replicationSampleProblem(sample: number): void {
  if (!Number.isInteger(sample) || sample < 1 || sample > 1000) {
    throw new UsageError(`Invalid --replication-sample "${Number.isNaN(sample) ? "(not a number)" : sample}": it is how many of the newest assets check reads (one request each), so give a whole number from 1 to 1000, e.g. ${DEFAULT_REPLICATION_SAMPLE}.`);
  }
}

function retentionDaysProblem(days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new UsageError(
      `Invalid --min-retention-days "${days}": RDS keeps automated backups for 1 to ${MAX_RETENTION_DAYS} days, so give a whole number in that range, e.g. 7.`,
    );
  }
}
