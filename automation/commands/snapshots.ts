import { CliCommandGroup, defineCommand } from "../cli/command";
import { formatDurationSpec } from "../../contracts/duration";
import { durationArg, durationOption, parseDuration } from "../duration";
import { ExitCode, UsageError } from "../errors";
import { formatDuration } from "../output";
import type { Argv } from "yargs";
import { CommandContext } from "../cli/context";
import type { OptionArgs } from "../cli/option-types";
import { createSnapshot, DEFAULT_SNAPSHOT_TIMEOUT, SnapshotWaitOptions } from "../snapshots/create";
import { isoSeconds } from "../snapshots/model";
import { executePrune, loadPrunePlan } from "../snapshots/prune";
import { prunePlanJson, renderPrunePlan } from "../snapshots/prune-plan";
import { manualSnapshotQuotaWarning } from "../snapshots/quota";
import { loadSnapshotList } from "../snapshots/list";
import { copySnapshot, toRegionProblem } from "../snapshots/copy";
import { regionNameProblem } from "../../contracts/aws-names";
import { renderSnapshotList } from "../snapshots/list-report";
import { environmentFrom, withEnvironmentOptions } from "./environment-flags";

/**
 * `snapshots list|create|copy|prune`: the environment's snapshots, without the console.
 * Each works in one region — `--region`, else the environment stack's, else AWS_REGION —
 * so copies are listed and pruned with `--region` of the region they were copied to.
 */

const list = defineCommand({
  command: "list",
  describe: "List the recovery points in a region: automated and manual snapshots and copies (newest first), the point-in-time window, retained and replicated automated backups",
  builder: (y) => withEnvironmentOptions(y),
  examples: [
    ["$0 snapshots list --stack dev", "snapshots of the dev environment's database"],
    ["$0 snapshots list --db-instance gametracker-mssql --json", "the same from the instance name alone, as JSON"],
    ["$0 snapshots list --stack prod --region us-west-2", "the copies and replicated backups of prod's database in us-west-2"],
  ],
  async run(args, ctx) {
    const env = await environmentFrom(args, ctx);
    const result = await loadSnapshotList(ctx.awsFor(env.region), { instanceIdentifier: env.dbInstanceIdentifier, declared: env.declaredManualSnapshots, now: ctx.clock.now() });
    ctx.output.result(result, () => renderSnapshotList(result));
    return ExitCode.ok;
  },
});

/** `--wait`/`--no-wait` and `--timeout`, for the commands that make a snapshot. */
function withWaitOptions<T>(yargs: Argv<T>, what: string) {
  return yargs
    .option("wait", { type: "boolean", default: true, describe: `Wait until the ${what} is available (--no-wait to return at once)` })
    .option("timeout", durationOption(`How long to wait for the ${what}`, DEFAULT_SNAPSHOT_TIMEOUT));
}

type WaitArgs = OptionArgs<typeof withWaitOptions>;

/** How the snapshot waits and reports, from the flags. */
function waitOptions(args: WaitArgs, ctx: CommandContext): SnapshotWaitOptions {
  return {
    wait: args.wait,
    timeoutMs: parseDuration(args.timeout, "--timeout"),
    clock: ctx.clock,
    random: ctx.deps.random,
    onProgress: (m) => ctx.output.progress(m),
    onWarning: (m) => ctx.output.warn(m),
  };
}

const create = defineCommand({
  command: "create",
  describe: "Take a manual snapshot (tagged created-by=gametracker-dr) and wait until it is available",
  builder: (y) =>
    withWaitOptions(
      withEnvironmentOptions(y).option("name", { type: "string", requiresArg: true, describe: "Snapshot identifier (default <instance>-manual-<UTC yyyyMMddHHmmss>)" }),
      "snapshot",
    ),
  examples: [
    ["$0 snapshots create --stack prod", "snapshot prod's database under a timestamped name and wait for it"],
    ["$0 snapshots create --db-instance gametracker-mssql --name before-schema-v42 --no-wait", "start a named snapshot and return"],
  ],
  async run(args, ctx) {
    const waiting = waitOptions(args, ctx);
    const env = await environmentFrom(args, ctx);
    const result = await createSnapshot(ctx.awsFor(env.region), {
      instanceIdentifier: env.dbInstanceIdentifier,
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...waiting,
    });
    const s = result.snapshot;
    ctx.output.result(
      {
        snapshot: s.identifier,
        instance: env.dbInstanceIdentifier,
        status: s.status,
        createdAt: s.createdAt?.toISOString() ?? null,
        waited: result.waited,
        elapsedSeconds: Math.round(result.elapsedMs / 1000),
        tags: s.tags,
      },
      () =>
        result.waited
          ? `DB snapshot ${s.identifier} of ${env.dbInstanceIdentifier} is available (created ${s.createdAt ? isoSeconds(s.createdAt) : "-"}, waited ${formatDuration(result.elapsedMs)}).`
          : `DB snapshot ${s.identifier} of ${env.dbInstanceIdentifier} started (status ${s.status}); follow it with: gametracker-dr snapshots list --db-instance ${env.dbInstanceIdentifier}`,
    );
    return ExitCode.ok;
  },
});

const copy = defineCommand({
  command: "copy",
  describe: "Copy a snapshot to another region (tagged created-by=gametracker-dr, with its source) and wait until it is available",
  builder: (y) =>
    withWaitOptions(
      withEnvironmentOptions(y)
        .option("name", { type: "string", requiresArg: true, describe: "The snapshot to copy (default: the newest available snapshot of the instance)" })
        .option("to-region", { type: "string", requiresArg: true, describe: "The region to copy it to (required), e.g. the standby region" })
        .option("kms-key", { type: "string", requiresArg: true, describe: "KMS key in that region to encrypt the copy (required for an encrypted snapshot)" }),
      "copy",
    ),
  examples: [
    ["$0 snapshots copy --stack prod --to-region us-west-2 --kms-key alias/gametracker-dr", "copy prod's newest snapshot to the standby region"],
    ["$0 snapshots copy --db-instance gametracker-mssql --name before-schema-v42 --to-region us-west-2", "copy a named snapshot"],
  ],
  async run(args, ctx) {
    if (args.toRegion === undefined) throw new UsageError("snapshots copy needs --to-region <region> (e.g. --to-region us-west-2): the region the copy is made in.");
    const regionProblem = regionNameProblem(args.toRegion);
    if (regionProblem !== undefined) throw new UsageError(toRegionProblem(args.toRegion, regionProblem));
    const waiting = waitOptions(args, ctx);
    const env = await environmentFrom(args, ctx);
    const result = await copySnapshot(ctx.awsFor(env.region), ctx.awsIn(args.toRegion), {
      instanceIdentifier: env.dbInstanceIdentifier,
      ...(args.name !== undefined ? { name: args.name } : {}),
      toRegion: args.toRegion,
      ...(args.kmsKey !== undefined ? { kmsKeyId: args.kmsKey } : {}),
      ...waiting,
    });
    const c = result.copy;
    ctx.output.result(
      {
        snapshot: c.identifier,
        arn: c.arn ?? null,
        region: result.region,
        source: { snapshot: result.source.identifier, arn: result.source.arn ?? null, region: result.sourceRegion },
        status: c.status,
        encrypted: c.encrypted,
        waited: result.waited,
        elapsedSeconds: Math.round(result.elapsedMs / 1000),
        tags: c.tags,
      },
      () =>
        result.waited
          ? `DB snapshot ${result.source.identifier} is copied to ${result.region} as ${c.identifier}, available (waited ${formatDuration(result.elapsedMs)}); restore it there with --from snapshot:${c.arn ?? c.identifier}.`
          : `Copy ${c.identifier} of ${result.source.identifier} to ${result.region} started (status ${c.status}); follow it with: gametracker-dr snapshots list --db-instance ${env.dbInstanceIdentifier} --region ${result.region}`,
    );
    return ExitCode.ok;
  },
});

const prune = defineCommand({
  command: "prune",
  describe: "Delete old manual snapshots this tool created; never automated, hand-made, declared or the newest ones",
  builder: (y) =>
    withEnvironmentOptions(y)
      .option("keep-last", { type: "number", requiresArg: true, describe: "How many of this tool's newest manual snapshots to keep (required)" })
      .option("older-than", durationOption("Delete only snapshots older than this, e.g. 30d"))
      .option("dry-run", { type: "boolean", default: false, describe: "Show the plan and delete nothing" }),
  examples: [
    ["$0 snapshots prune --stack prod --keep-last 5 --older-than 30d --dry-run", "show what would be deleted"],
    ["$0 snapshots prune --stack prod --keep-last 5 --older-than 30d --yes", "delete it without asking"],
  ],
  async run(args, ctx) {
    const keepLast = keepLastArg(args.keepLast);
    const olderThanMs = durationArg(args.olderThan, "--older-than");
    const env = await environmentFrom(args, ctx);
    const now = ctx.clock.now();
    const aws = ctx.awsFor(env.region);
    const { plan, regionManualSnapshots } = await loadPrunePlan(aws, {
      instanceIdentifier: env.dbInstanceIdentifier,
      keepLast,
      olderThanMs,
      declared: env.declaredManualSnapshots,
      now,
    });
    const quota = manualSnapshotQuotaWarning(regionManualSnapshots, aws.region);
    if (quota !== undefined) ctx.output.warn(quota);
    const planJson = prunePlanJson(plan);
    const planText = renderPrunePlan(plan, now);

    if (args.dryRun || plan.delete.length === 0) {
      ctx.output.result(
        { instance: env.dbInstanceIdentifier, dryRun: args.dryRun, plan: planJson, deleted: [], regionManualSnapshots },
        () => `${planText}\n${plan.delete.length === 0 ? "Nothing to delete." : "Dry run: nothing was deleted."}`,
      );
      return ExitCode.ok;
    }

    // The plan goes to stderr, next to the question, so that --json stdout stays one document.
    ctx.output.progress(planText);
    if (!(await ctx.confirm(`Delete ${plan.delete.length} DB snapshot(s) of ${env.dbInstanceIdentifier}?`))) {
      ctx.output.result(
        { instance: env.dbInstanceIdentifier, dryRun: false, plan: planJson, deleted: [], cancelled: true, regionManualSnapshots },
        () => "Prune cancelled; nothing was deleted.",
      );
      return ExitCode.failed;
    }
    const outcome = await executePrune(aws, plan, (m) => ctx.output.progress(m));
    for (const f of outcome.failed) ctx.output.warn(f.error);
    ctx.output.result(
      { instance: env.dbInstanceIdentifier, dryRun: false, plan: planJson, ...outcome, regionManualSnapshots: regionManualSnapshots - outcome.deleted.length },
      () =>
        [
          `Deleted ${outcome.deleted.length} of ${plan.delete.length} planned DB snapshot(s)${outcome.deleted.length > 0 ? `: ${outcome.deleted.join(", ")}` : ""}.`,
          ...(outcome.alreadyGone.length > 0 ? [`Already gone: ${outcome.alreadyGone.join(", ")}.`] : []),
          ...(outcome.failed.length > 0 ? [`Not deleted (see warnings above; re-run prune to retry): ${outcome.failed.map((f) => f.identifier).join(", ")}.`] : []),
          `Kept ${plan.decisions.length - plan.delete.length}${plan.olderThanMs !== undefined ? ` (older-than ${formatDurationSpec(plan.olderThanMs)})` : ""}.`,
        ].join("\n"),
    );
    return outcome.failed.length > 0 ? ExitCode.failed : ExitCode.ok;
  },
});

/** `--keep-last` is required and a whole number ≥ 0; checked before anything is read. */
function keepLastArg(value: number | undefined): number {
  if (value === undefined) {
    throw new UsageError("snapshots prune needs --keep-last N (how many of this tool's newest manual snapshots to keep), e.g. --keep-last 5.");
  }
  if (!Number.isInteger(value) || value < 0) {
    throw new UsageError(`Invalid --keep-last "${value}": it must be a whole number of snapshots, 0 or more, e.g. --keep-last 5.`);
  }
  return value;
}

export const snapshotsCommand: CliCommandGroup = {
  command: "snapshots",
  describe: "List, create, copy to another region and prune the database's snapshots",
  subcommands: [list, create, copy, prune],
};
