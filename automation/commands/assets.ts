import { CliCommand, CliCommandGroup } from "../cli/command";
import { CommandContext, GlobalArgs } from "../cli/context";
import { ExitCode, UsageError } from "../errors";
import { formatDuration } from "../output";
import { applyWrites, DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from "../assets/apply";
import { assertVersionedBucket } from "../assets/bucket";
import { copyVersion } from "../assets/copy";
import { removeDeleteMarker } from "../assets/delete-marker";
import { currentEntry, DeleteMarker, entryAt, HistoryEntry, KeyHistory, newestVersion, ObjectVersion, sameContent, ARCHIVED_STORAGE_CLASSES } from "../assets/history";
import { parseRestoreTime } from "../assets/instant";
import { keyHistory } from "../assets/listing";
import { planPrefixRestore } from "../assets/restore-prefix";
import { planView, progressLine, renderApplied, renderPlan, renderVersions, shouldReport, versionRows } from "../assets/summary";
import { BucketArgs, bucketFrom, withBucketOption } from "./environment-flags";

/**
 * `gametracker-dr assets …`: bring back overwritten or deleted objects of the
 * versioned assets bucket, one key or a whole prefix as of a moment. Every decision is
 * made by the pure functions in automation/assets; this module parses, asks, and
 * prints.
 */

/** Keys are up to 1,024 bytes of UTF-8; anything else can't exist, so say so before calling S3. */
export function checkKey(key: unknown): string {
  const text = typeof key === "string" ? key : String(key ?? "");
  if (text === "") throw new UsageError("The object key is empty; give the full key, e.g. characters/42/portrait.png.");
  if (Buffer.byteLength(text, "utf8") > 1024) throw new UsageError(`The object key "${text.slice(0, 40)}…" is longer than S3's 1,024-byte limit; check it.`);
  return text;
}

function describeEntry(e: HistoryEntry): string {
  return e.kind === "delete-marker"
    ? `delete marker ${e.versionId} (${e.lastModified.toISOString()})`
    : `version ${e.versionId} (${e.lastModified.toISOString()}, ${e.size} bytes)`;
}

/** The bucket (from --bucket or the stack), refused unless versioned, and every version and delete marker of the key. */
async function readKeyHistory(args: GlobalArgs & BucketArgs, ctx: CommandContext, key: string): Promise<{ bucket: string; history: KeyHistory }> {
  const bucket = await bucketFrom(args, ctx);
  await assertVersionedBucket(ctx.aws.s3, bucket);
  return { bucket, history: await keyHistory(ctx.aws.s3, bucket, key) };
}

function requireHistory(history: KeyHistory, bucket: string): void {
  if (history.entries.length === 0) {
    throw new UsageError(`s3://${bucket}/${history.key} has no versions at all; check the key (assets versions --bucket ${bucket} <key>, or aws s3 ls for nearby keys).`);
  }
}

const versions: CliCommand<BucketArgs & { key: string }> = {
  command: "versions <key>",
  describe: "List every version and delete marker of an object, newest first",
  builder: (y) => withBucketOption(y).positional("key", { type: "string", describe: "Object key, e.g. characters/42/portrait.png" }),
  examples: [["$0 assets versions characters/42/portrait.png --stack prod", "show the history of one character image"]],
  async run(args, ctx) {
    const key = checkKey(args.key);
    const { bucket, history } = await readKeyHistory(args, ctx, key);
    const rows = versionRows(history.entries);
    ctx.output.result({ bucket, key, versions: rows }, () => renderVersions(bucket, key, rows));
    return ExitCode.ok;
  },
};

const restore: CliCommand<BucketArgs & { key: string; versionId?: string; at?: string }> = {
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
    const at = args.at !== undefined ? parseRestoreTime(args.at, ctx.clock.now()) : undefined;
    const { bucket, history } = await readKeyHistory(args, ctx, key);
    requireHistory(history, bucket);
    const s3 = ctx.aws.s3;

    let target: ObjectVersion;
    if (args.versionId !== undefined) {
      const found = history.entries.find((e) => e.versionId === args.versionId);
      if (found === undefined) {
        throw new UsageError(`s3://${bucket}/${key} has no version ${args.versionId}; list its ${history.entries.length} version(s) with assets versions ${key}.`);
      }
      if (found.kind === "delete-marker") {
        throw new UsageError(`${args.versionId} is a delete marker of s3://${bucket}/${key}, not a version with content; use assets undelete ${key}, or pick a version id from assets versions.`);
      }
      target = found;
    } else {
      const found = entryAt(history.entries, at!);
      const oldest = history.entries[history.entries.length - 1]!;
      if (found === undefined) {
        throw new UsageError(`s3://${bucket}/${key} did not exist yet at ${at!.toISOString()} (its oldest entry is from ${oldest.lastModified.toISOString()}); pick a later --at.`);
      }
      if (found.kind === "delete-marker") {
        throw new UsageError(`s3://${bucket}/${key} was deleted at ${at!.toISOString()} (${describeEntry(found)}); pick an earlier --at or a --version-id from assets versions.`);
      }
      target = found;
    }

    const current = currentEntry(history.entries)!;
    if (current.kind === "version" && sameContent(current, target)) {
      const same = current.versionId === target.versionId ? "is already the current version" : `already has the same content as the current version ${current.versionId}`;
      ctx.output.result({ bucket, key, versionId: target.versionId, changed: false, currentVersionId: current.versionId }, () => `Nothing to do: ${describeEntry(target)} of s3://${bucket}/${key} ${same}.`);
      return ExitCode.ok;
    }
    if (target.storageClass !== undefined && ARCHIVED_STORAGE_CLASSES.has(target.storageClass)) {
      throw new UsageError(`Version ${target.versionId} of s3://${bucket}/${key} is in ${target.storageClass} and can't be copied; restore it from the archive first (aws s3api restore-object), then run this again.`);
    }
    if (!(await ctx.confirm(`Copy ${describeEntry(target)} over the current ${describeEntry(current)} of s3://${bucket}/${key}? (Every version is kept.)`))) {
      ctx.output.warn("Cancelled; nothing was changed.");
      return ExitCode.failed;
    }
    const copied = await copyVersion(s3, bucket, target);
    ctx.output.result(
      { bucket, key, versionId: target.versionId, changed: true, newVersionId: copied.versionId ?? null, method: copied.method },
      () => `Restored s3://${bucket}/${key}: ${describeEntry(target)} is current again as new version ${copied.versionId ?? "(unknown)"}; the previous versions are all kept.`,
    );
    return ExitCode.ok;
  },
};

const undelete: CliCommand<BucketArgs & { key: string }> = {
  command: "undelete <key>",
  describe: "Remove the delete marker(s) above an object's newest version",
  builder: (y) => withBucketOption(y).positional("key", { type: "string", describe: "Object key" }),
  examples: [["$0 assets undelete characters/42/portrait.png --stack prod", "bring back a deleted character image"]],
  async run(args, ctx) {
    const key = checkKey(args.key);
    const { bucket, history } = await readKeyHistory(args, ctx, key);
    requireHistory(history, bucket);
    const s3 = ctx.aws.s3;
    const version = newestVersion(history.entries);
    if (version === undefined) {
      throw new UsageError(`s3://${bucket}/${key} has only delete markers (${history.entries.length}) and no version with content, so there is nothing to bring back; check the key with assets versions.`);
    }
    const markers = history.entries.slice(0, history.entries.indexOf(version)) as DeleteMarker[];
    if (markers.length === 0) {
      ctx.output.result({ bucket, key, changed: false, versionId: version.versionId, removedMarkers: [] }, () => `Nothing to do: s3://${bucket}/${key} is not deleted (current ${describeEntry(version)}).`);
      return ExitCode.ok;
    }
    if (!(await ctx.confirm(`Remove ${markers.length} delete marker(s) of s3://${bucket}/${key} so that ${describeEntry(version)} is current again?`))) {
      ctx.output.warn("Cancelled; nothing was changed.");
      return ExitCode.failed;
    }
    const removed: string[] = [];
    for (const marker of markers) {
      if ((await removeDeleteMarker(s3, bucket, marker)) === "removed") removed.push(marker.versionId);
    }
    ctx.output.result(
      { bucket, key, changed: true, versionId: version.versionId, removedMarkers: removed },
      () => `Undeleted s3://${bucket}/${key}: removed ${removed.length} delete marker(s); ${describeEntry(version)} is current again.`,
    );
    return ExitCode.ok;
  },
};

interface RestorePrefixArgs extends BucketArgs {
  prefix: string;
  at: string;
  deleteNew: boolean;
  dryRun: boolean;
  concurrency: number;
}

const restorePrefix: CliCommand<RestorePrefixArgs> = {
  command: "restore-prefix",
  describe: "Restore every object under a prefix (or the whole bucket) to how it was at a moment",
  builder: (y) =>
    withBucketOption(y)
      .option("prefix", { type: "string", default: "", describe: "Only keys starting with this (default: the whole bucket)" })
      .option("at", { type: "string", demandOption: true, requiresArg: true, describe: "The moment to go back to, ISO-8601 with a zone (Z or ±hh:mm)" })
      .option("delete-new", { type: "boolean", default: false, describe: "Also hide keys created after the moment behind delete markers (undelete reverses it)" })
      .option("dry-run", { type: "boolean", default: false, describe: "Show the plan and stop" })
      .option("concurrency", { type: "number", default: DEFAULT_CONCURRENCY, describe: `Keys restored in parallel (1–${MAX_CONCURRENCY})` }),
  examples: [
    ["$0 assets restore-prefix --prefix characters/ --at 2026-11-25T14:00:00Z --stack prod --dry-run", "show what restoring the character images to 14:00 UTC would do"],
    ["$0 assets restore-prefix --at 2026-11-25T15:00:00+01:00 --delete-new --bucket gametracker-assets-prod --yes", "restore the whole bucket, hiding objects created since"],
  ],
  async run(args, ctx) {
    const concurrency = args.concurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new UsageError(`Invalid --concurrency ${String(concurrency)}: give a whole number from 1 to ${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY}).`);
    }
    const at = parseRestoreTime(args.at, ctx.clock.now());
    const prefix = String(args.prefix ?? "");
    const bucket = await bucketFrom(args, ctx);
    const s3 = ctx.aws.s3;
    await assertVersionedBucket(s3, bucket);

    const planStarted = ctx.clock.now().getTime();
    const plan = await planPrefixRestore(s3, bucket, {
      prefix,
      at,
      deleteNew: args.deleteNew,
      onPage: (n) => ctx.output.progress(`listing versions of s3://${bucket}/${prefix}: ${n} read (${formatDuration(ctx.clock.now().getTime() - planStarted)})`),
    });
    const view = planView(plan);
    const blockedExit = plan.blocked.length > 0 ? ExitCode.failed : ExitCode.ok;
    if (args.dryRun || plan.writes.length === 0) {
      ctx.output.result({ plan: view, applied: null, dryRun: args.dryRun }, () => renderPlan(view) + (args.dryRun && plan.writes.length > 0 ? "\nDry run: nothing was written." : ""));
      return blockedExit;
    }

    ctx.output.progress(renderPlan(view));
    const question = `Apply ${plan.writeCount} write(s) to s3://${bucket}/${prefix} (${plan.counts.copy} copy back, ${plan.counts.undelete} undelete, ${plan.counts.hide} hide)? No version is deleted.`;
    if (!(await ctx.confirm(question))) {
      ctx.output.warn("Cancelled; nothing was changed.");
      return ExitCode.failed;
    }
    // The confirmation may have waited a while; versioning must still be on before anything is hidden or copied.
    await assertVersionedBucket(s3, bucket);
    let lastReport = ctx.clock.now().getTime();
    const applied = await applyWrites(s3, bucket, plan.writes, {
      concurrency,
      clock: ctx.clock,
      onProgress: (done, total, elapsed) => {
        const now = ctx.clock.now().getTime();
        if (!shouldReport(done, total, now - lastReport)) return;
        lastReport = now;
        ctx.output.progress(progressLine("restoring", done, total, elapsed));
      },
    });
    ctx.output.result({ plan: view, applied, dryRun: false }, () => renderApplied(applied));
    return applied.failed.length > 0 || applied.skipped > 0 ? ExitCode.failed : blockedExit;
  },
};

export const assetsCommand: CliCommandGroup = {
  command: "assets",
  describe: "Recover objects of the versioned assets bucket: versions, restore, undelete, restore-prefix",
  subcommands: [versions, restore, undelete, restorePrefix],
};
