import type { Argv } from "yargs";
import { CliCommandGroup, defineCommand } from "../cli/command";
import { CommandContext, GlobalArgs } from "../cli/context";
import type { GlobalOptions } from "../cli/global-options";
import type { OptionArgs } from "../cli/option-types";
import { durationArg, durationOption } from "../duration";
import { ExitCode, UsageError } from "../errors";
import { formatDuration } from "../output";
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from "../assets/apply";
import { DEFAULT_BATCH_TIMEOUT_MS, roleAccountId } from "../assets/batch";
import { assertVersionedBucket } from "../assets/bucket";
import { parseRestoreTime } from "../assets/instant";
import { checkManifestPath, copiesOf, writeManifest } from "../assets/manifest";
import { finishKilledRuns } from "../assets/leftovers";
import { applyPlannedRestore, closePlannedRestore, planPrefixRestore } from "../assets/restore-prefix";
import { applyKeyRestore, applyUndelete, planKeyRestore, planUndelete, readKeyHistory, WhichVersion } from "../assets/single-key";
import { describeEntry, planView, progressLine, renderApplied, renderBatch, renderLeftovers, renderPlan, renderVersions, shouldReport, versionRows } from "../assets/summary";
import { BucketArgs, bucketTargetFrom, withBucketOption } from "./environment-flags";
import { replicateCommand } from "./assets-replicate";
import { bucketNameProblem } from "../../contracts/aws-names";

/**
 * `gametracker-dr assets …`: bring back overwritten or deleted objects of the versioned
 * assets bucket, one key or a whole prefix as of a moment. Every decision is made in
 * automation/assets; this module parses, asks, and prints.
 */

/** Keys are up to 1,024 bytes of UTF-8; anything else can't exist, so say so before calling S3. */
export function checkKey(key: unknown): string {
  const text = typeof key === "string" ? key : String(key ?? "");
  if (text === "") throw new UsageError("The object key is empty; give the full key, e.g. characters/42/portrait.png.");
  if (Buffer.byteLength(text, "utf8") > 1024) throw new UsageError(`The object key "${text.slice(0, 40)}…" is longer than S3's 1,024-byte limit; check it.`);
  return text;
}

async function keyHistoryFor(args: GlobalArgs & BucketArgs, ctx: CommandContext, key: string) {
  const { bucket, aws } = await bucketTargetFrom(args, ctx);
  return { bucket, aws, history: await readKeyHistory(aws.s3, bucket, key) };
}

const versions = defineCommand({
  command: "versions <key>",
  describe: "List every version and delete marker of an object, newest first",
  builder: (y) => withBucketOption(y).positional("key", { type: "string", describe: "Object key, e.g. characters/42/portrait.png" }),
  examples: [["$0 assets versions characters/42/portrait.png --stack prod", "show the history of one character image"]],
  async run(args, ctx) {
    const key = checkKey(args.key);
    const { bucket, history } = await keyHistoryFor(args, ctx, key);
    const rows = versionRows(history.entries);
    ctx.output.result({ bucket, key, versions: rows }, () => renderVersions(bucket, key, rows));
    return ExitCode.ok;
  },
});

const restore = defineCommand({
  command: "restore <key>",
  describe: "Make an older version of an object current again (server-side copy)",
  builder: (y) =>
    withBucketOption(y)
      .positional("key", { type: "string", describe: "Object key" })
      .option("version-id", { type: "string", requiresArg: true, describe: "The version to bring back (see assets versions)" })
      .option("at", { type: "string", requiresArg: true, describe: "Bring back the version that was current at this ISO-8601 time (zone required)" }),
  examples: [
    ["$0 assets restore characters/42/portrait.png --version-id 3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY --stack prod", "bring back one version"],
    ["$0 assets restore characters/42/portrait.png --at 2026-11-25T14:00:00Z --bucket gametracker-assets-prod", "bring back the version current at 14:00 UTC"],
  ],
  async run(args, ctx) {
    const key = checkKey(args.key);
    if ((args.versionId === undefined) === (args.at === undefined)) {
      throw new UsageError("Give exactly one of --version-id <id> or --at <ISO-8601 time> to say which version to bring back.");
    }
    if (args.versionId === "") throw new UsageError("--version-id is empty; copy a version id from assets versions <key>.");
    const which: WhichVersion = args.versionId !== undefined ? { versionId: args.versionId } : { at: parseRestoreTime(args.at!, ctx.clock.now()) };
    const { bucket, aws, history } = await keyHistoryFor(args, ctx, key);
    const plan = await planKeyRestore(aws.s3, bucket, history, which);
    if (plan.kind === "unchanged") {
      const same = plan.sameVersion ? "is already the current version" : `already has the same content as the current version ${plan.current.versionId}`;
      ctx.output.result(
        { bucket, key, versionId: plan.target.versionId, changed: false, currentVersionId: plan.current.versionId },
        () => `Nothing to do: ${describeEntry(plan.target)} of s3://${bucket}/${key} ${same}.`,
      );
      return ExitCode.ok;
    }
    const { source, current } = plan.copy;
    if (!(await ctx.confirm(`Copy ${describeEntry(source)} over the current ${describeEntry(current)} of s3://${bucket}/${key}? (Every version is kept.)`))) {
      ctx.output.warn("Cancelled; nothing was changed.");
      return ExitCode.failed;
    }
    const copied = await applyKeyRestore(aws.s3, bucket, plan.copy);
    ctx.output.result(
      { bucket, key, versionId: source.versionId, changed: true, newVersionId: copied.versionId ?? null, method: copied.method },
      () => `Restored s3://${bucket}/${key}: ${describeEntry(source)} is current again as new version ${copied.versionId ?? "(unknown)"}; the previous versions are all kept.`,
    );
    return ExitCode.ok;
  },
});

const undelete = defineCommand({
  command: "undelete <key>",
  describe: "Remove the delete marker(s) above an object's newest version",
  builder: (y) => withBucketOption(y).positional("key", { type: "string", describe: "Object key" }),
  examples: [["$0 assets undelete characters/42/portrait.png --stack prod", "bring back a deleted character image"]],
  async run(args, ctx) {
    const key = checkKey(args.key);
    const { bucket, aws, history } = await keyHistoryFor(args, ctx, key);
    const plan = planUndelete(history, bucket);
    if (plan.kind === "not-deleted") {
      ctx.output.result({ bucket, key, changed: false, versionId: plan.version.versionId, removedMarkers: [] }, () => `Nothing to do: s3://${bucket}/${key} is not deleted (current ${describeEntry(plan.version)}).`);
      return ExitCode.ok;
    }
    if (!(await ctx.confirm(`Remove ${plan.markers.length} delete marker(s) of s3://${bucket}/${key} so that ${describeEntry(plan.version)} is current again?`))) {
      ctx.output.warn("Cancelled; nothing was changed.");
      return ExitCode.failed;
    }
    const removed = await applyUndelete(aws.s3, bucket, key, plan.markers);
    ctx.output.result(
      { bucket, key, changed: true, versionId: plan.version.versionId, removedMarkers: removed },
      () => `Undeleted s3://${bucket}/${key}: removed ${removed.length} delete marker(s); ${describeEntry(plan.version)} is current again.`,
    );
    return ExitCode.ok;
  },
});

/** restore-prefix's options. */
function restorePrefixOptions(y: Argv<GlobalOptions>) {
  return withBucketOption(y)
    .option("prefix", { type: "string", default: "", describe: "Only keys starting with this (default: the whole bucket)" })
    .option("at", { type: "string", demandOption: true, requiresArg: true, describe: "The moment to go back to, ISO-8601 with a zone (Z or ±hh:mm)" })
    .option("delete-new", { type: "boolean", default: false, describe: "Also hide keys created after the moment behind delete markers (undelete reverses it)" })
    .option("dry-run", { type: "boolean", default: false, describe: "Show the plan and stop" })
    .option("concurrency", { type: "number", default: DEFAULT_CONCURRENCY, describe: `S3 requests in flight, listing and writing (1–${MAX_CONCURRENCY})` })
    .option("manifest-out", { type: "string", requiresArg: true, describe: "Also write the plan's copies to this file as an S3 Batch Operations CSV manifest (bucket, key, version id)" })
    .option("via", { choices: ["direct", "batch"] as const, default: "direct" as const, describe: "Make the copies from this machine, or through S3 Batch Operations jobs" })
    .option("batch-role-arn", { type: "string", requiresArg: true, describe: "With --via batch: the IAM role the jobs run as (its account runs the jobs)" })
    .option("report-bucket", { type: "string", requiresArg: true, describe: "With --via batch: bucket for the manifests and the jobs' completion reports" })
    .option("batch-timeout", durationOption("With --via batch: how long to follow the jobs (default 24h)"));
}

type RestorePrefixArgs = OptionArgs<typeof restorePrefixOptions>;

/** The batch flags, refused unless they come together (exit 2, before anything is read). */
function batchArgs(args: RestorePrefixArgs): { roleArn: string; reportBucket: string; timeoutMs: number } | undefined {
  if (args.via !== "batch") {
    const stray = [args.batchRoleArn !== undefined && "--batch-role-arn", args.reportBucket !== undefined && "--report-bucket", args.batchTimeout !== undefined && "--batch-timeout"].filter(Boolean);
    if (stray.length > 0) {
      const them = stray.length === 1 ? "applies only with --via batch; add --via batch, or leave it out" : "apply only with --via batch; add --via batch, or leave them out";
      throw new UsageError(`${stray.join(" and ")} ${them} to copy from this machine.`);
    }
    return undefined;
  }
  if (args.batchRoleArn === undefined || args.reportBucket === undefined) {
    throw new UsageError("--via batch needs --batch-role-arn <IAM role S3 Batch Operations assumes> and --report-bucket <bucket for the manifests and completion reports>.");
  }
  roleAccountId(args.batchRoleArn);
  const problem = bucketNameProblem(args.reportBucket);
  if (problem !== undefined) throw new UsageError(`Invalid --report-bucket "${args.reportBucket}": ${problem}; pass the bucket name as shown by aws s3 ls.`);
  return { roleArn: args.batchRoleArn, reportBucket: args.reportBucket, timeoutMs: durationArg(args.batchTimeout, "--batch-timeout") ?? DEFAULT_BATCH_TIMEOUT_MS };
}

const restorePrefix = defineCommand({
  command: "restore-prefix",
  describe: "Restore every object under a prefix (or the whole bucket) to how it was at a moment",
  builder: restorePrefixOptions,
  examples: [
    ["$0 assets restore-prefix --prefix characters/ --at 2026-11-25T14:00:00Z --stack prod --dry-run", "show what restoring the character images to 14:00 UTC would do"],
    ["$0 assets restore-prefix --at 2026-11-25T15:00:00+01:00 --delete-new --bucket gametracker-assets-prod --yes", "restore the whole bucket, hiding objects created since"],
    [
      "$0 assets restore-prefix --at 2026-11-25T14:00:00Z --stack prod --via batch --batch-role-arn arn:aws:iam::123456789012:role/s3-batch-restore --report-bucket gametracker-batch-reports",
      "copy through S3 Batch Operations jobs (for millions of copies)",
    ],
  ],
  async run(args, ctx) {
    const concurrency = args.concurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new UsageError(`Invalid --concurrency ${String(concurrency)}: give a whole number from 1 to ${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY}).`);
    }
    const at = parseRestoreTime(args.at, ctx.clock.now());
    const batch = batchArgs(args);
    if (args.manifestOut !== undefined) checkManifestPath(args.manifestOut);
    const prefix = String(args.prefix ?? "");
    const { bucket, aws } = await bucketTargetFrom(args, ctx);
    const s3 = aws.s3;
    await assertVersionedBucket(s3, bucket);

    const planStarted = ctx.clock.now().getTime();
    const planned = await planPrefixRestore(s3, bucket, {
      prefix,
      at,
      deleteNew: args.deleteNew,
      concurrency,
      endpoint: aws.endpoint,
      onPage: (n) => ctx.output.progress(`listing versions of s3://${bucket}/${prefix}: ${n} read (${formatDuration(ctx.clock.now().getTime() - planStarted)})`),
    });
    try {
      if (planned.plan.keys === 0) throw new UsageError(noKeyUnder(bucket, prefix));
      // What killed runs left (their temp files, their open uploads) is finished once the input has proven good.
      const leftovers = await finishKilledRuns(s3, { bucket, prefix, endpoint: aws.endpoint }, { dryRun: args.dryRun });
      const cleaned = renderLeftovers(leftovers, { bucket, prefix });
      cleaned.done.forEach((line) => ctx.output.progress(line));
      cleaned.warnings.forEach((line) => ctx.output.warn(line));
      const view = planView(planned.plan);
      const blockedExit = planned.plan.counts.blocked > 0 ? ExitCode.failed : ExitCode.ok;
      let manifest: { file: string; copies: number } | null = null;
      if (args.manifestOut !== undefined) {
        manifest = { file: args.manifestOut, copies: await writeManifest(args.manifestOut, bucket, copiesOf(planned.writes.read())) };
        ctx.output.progress(`wrote the ${manifest.copies} copies of the plan to ${manifest.file} (S3 Batch Operations CSV manifest: bucket, key, version id)`);
      }
      if (args.dryRun || planned.plan.writeCount === 0) {
        ctx.output.result({ plan: view, applied: null, batch: null, manifest, dryRun: args.dryRun, leftovers }, () => renderPlan(view) + (args.dryRun && planned.plan.writeCount > 0 ? "\nDry run: nothing was written." : ""));
        return blockedExit;
      }

      ctx.output.progress(renderPlan(view));
      const { counts } = planned.plan;
      const how = batch !== undefined ? `, the copies through S3 Batch Operations jobs run by ${batch.roleArn}` : "";
      const question = `Apply ${planned.plan.writeCount} write(s) to s3://${bucket}/${prefix} (${counts.copy} copy back, ${counts.undelete} undelete, ${counts.hide} hide${how})? No version is deleted.`;
      if (!(await ctx.confirm(question))) {
        ctx.output.warn("Cancelled; nothing was changed.");
        return ExitCode.failed;
      }
      // The confirmation may have waited a while; versioning must still be on before anything is hidden or copied.
      await assertVersionedBucket(s3, bucket);
      let lastReport = ctx.clock.now().getTime();
      const done = await applyPlannedRestore(aws, bucket, planned, {
        concurrency,
        clock: ctx.clock,
        onProgress: (n, total, elapsed) => {
          const now = ctx.clock.now().getTime();
          if (!shouldReport(n, total, now - lastReport)) return;
          lastReport = now;
          ctx.output.progress(progressLine("restoring", n, total, elapsed));
        },
        batch:
          batch === undefined
            ? undefined
            : {
                ...batch,
                runId: `${at.toISOString().replace(/[-:.]/g, "")}-${ctx.clock.now().getTime().toString(36)}`,
                description: `gametracker-dr restore of s3://${bucket}/${prefix} to ${at.toISOString()}`,
                random: ctx.deps.random,
                onProgress: (line) => ctx.output.progress(line),
              },
      });
      const { applied } = done;
      ctx.output.result({ plan: view, applied, batch: done.batch ?? null, manifest, dryRun: false, leftovers }, () => renderApplied(applied) + (done.batch !== undefined ? "\n" + renderBatch({ jobs: done.batch }) : ""));
      const batchFailed = done.batch?.some((j) => !j.ok) === true;
      return applied.failed.length > 0 || applied.skipped > 0 || applied.changedCount > 0 || batchFailed ? ExitCode.failed : blockedExit;
    } finally {
      await closePlannedRestore(planned);
    }
  },
});

/** A prefix under which no key ever existed is a typo, not a restore that has nothing to do. */
function noKeyUnder(bucket: string, prefix: string): string {
  if (prefix === "") return `Bucket ${bucket} holds no object, version or delete marker at all, so there is nothing to restore; check --bucket (or --stack).`;
  return `No key under s3://${bucket}/${prefix} has ever existed (no version, no delete marker), so there is nothing to restore; check --prefix: it is case-sensitive and matched from the start of the key (aws s3 ls s3://${bucket}/ shows the top-level prefixes).`;
}

export const assetsCommand: CliCommandGroup = {
  command: "assets",
  describe: "Recover objects of the versioned assets bucket: versions, restore, undelete, restore-prefix; replicate what live replication never copied",
  subcommands: [versions, restore, undelete, restorePrefix, replicateCommand],
};
