import { defineCommand } from "../cli/command";
import { durationArg, durationOption } from "../duration";
import { ExitCode, UsageError } from "../errors";
import { DEFAULT_BATCH_TIMEOUT_MS, roleAccountId } from "../assets/batch";
import { parseReplicationStatuses, renderReplicationJob, replicationDestination, runBatchReplication } from "../assets/replicate";
import { readBucketReplication } from "../aws/s3";
import { bucketTargetFrom, withBucketOption } from "./environment-flags";
import { bucketNameProblem } from "../../contracts/aws-names";

/**
 * `assets replicate`: S3 Batch Replication of the objects live replication never copies —
 * those written before the replication rule, and the FAILED ones S3 does not retry — by the
 * bucket's own replication configuration (automation/assets/replicate.ts).
 */
export const replicateCommand = defineCommand({
  command: "replicate",
  describe: "Replicate the objects S3 Replication never copied (written before the rule, or FAILED) with an S3 Batch Replication job, and follow it",
  builder: (y) =>
    withBucketOption(y)
      .option("statuses", { type: "string", default: "none,failed", describe: "Which objects, by replication status: none, failed, completed (comma-separated)" })
      .option("batch-role-arn", { type: "string", requiresArg: true, describe: "The IAM role the Batch Replication job runs as (its account runs the job)" })
      .option("report-bucket", { type: "string", requiresArg: true, describe: "Bucket for the manifest S3 generates and the job's completion report" })
      .option("batch-timeout", durationOption("How long to follow the job (default 24h)")),
  examples: [
    [
      "$0 assets replicate --stack prod --batch-role-arn arn:aws:iam::123456789012:role/s3-batch-replication --report-bucket gametracker-batch-reports",
      "once replication is turned on: copy the objects written before it, and any FAILED, to the standby's bucket",
    ],
    ["$0 assets replicate --bucket gametracker-assets-prod --statuses failed --batch-role-arn arn:aws:iam::123456789012:role/s3-batch-replication --report-bucket gametracker-batch-reports --yes", "replicate the FAILED ones again"],
  ],
  async run(args, ctx) {
    const statuses = parseReplicationStatuses(args.statuses);
    if (args.batchRoleArn === undefined || args.reportBucket === undefined) {
      throw new UsageError("assets replicate needs --batch-role-arn <IAM role S3 Batch Operations assumes> and --report-bucket <bucket for the generated manifest and the completion report>.");
    }
    roleAccountId(args.batchRoleArn);
    const problem = bucketNameProblem(args.reportBucket);
    if (problem !== undefined) throw new UsageError(`Invalid --report-bucket "${args.reportBucket}": ${problem}; pass the bucket name as shown by aws s3 ls.`);
    const timeoutMs = durationArg(args.batchTimeout, "--batch-timeout") ?? DEFAULT_BATCH_TIMEOUT_MS;
    const { bucket, aws } = await bucketTargetFrom(args, ctx);
    const destination = replicationDestination(bucket, await readBucketReplication(aws.s3, bucket));
    const which = statuses.map((s) => s.toLowerCase()).join(", ");
    if (!(await ctx.confirm(`Replicate the objects of s3://${bucket} with replication status ${which} to s3://${destination} with an S3 Batch Replication job run by ${args.batchRoleArn}? Nothing at home changes.`))) {
      ctx.output.warn("Cancelled; no job was created.");
      return ExitCode.failed;
    }
    const now = ctx.clock.now();
    const job = await runBatchReplication(aws.s3control, {
      roleArn: args.batchRoleArn,
      bucket,
      statuses,
      reportBucket: args.reportBucket,
      runId: `${now.toISOString().replace(/[-:.]/g, "")}-${now.getTime().toString(36)}`,
      description: `gametracker-dr Batch Replication of s3://${bucket} (${which}) to s3://${destination}`,
      clock: ctx.clock,
      random: ctx.deps.random,
      timeoutMs,
      onProgress: (line) => ctx.output.progress(line),
    });
    ctx.output.result({ bucket, destination, statuses, job }, () => renderReplicationJob(job));
    return job.ok ? ExitCode.ok : ExitCode.failed;
  },
});
