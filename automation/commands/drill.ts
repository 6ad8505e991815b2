import type { Argv } from "yargs";
import { defineCommand } from "../cli/command";
import type { GlobalOptions } from "../cli/global-options";
import type { OptionArgs } from "../cli/option-types";
import { durationOption, parseDuration } from "../duration";
import { deadlineProblem, DEFAULT_CLEANUP_MARGIN, DrillDeadline } from "../drill/deadline";
import { checkIdFile } from "../drill/id-file";
import { UsageError } from "../errors";
import { runDrill } from "../drill/drill";
import { renderSummary } from "../drill/report";
import { checkReportDir } from "../drill/report-files";
import { parseRunId } from "../restore/naming";
import { parseInstanceClass } from "../restore/plan";
import { parseRecoveryRequest, RecoveryRequest } from "../restore/recovery-request";
import { pipelineDeps, restoreEnvironment, restoreValidation, withRestoreRunOptions } from "./restore-options";

/** The drill's options: the restore run's and its own. */
function drillOptions(y: Argv<GlobalOptions>) {
  return withRestoreRunOptions(y, "drill")
    .option("random-within", { type: "string", requiresArg: true, describe: "Pick a uniformly random point of the restore window in this recent period (e.g. 7d)" })
    .option("keep", { type: "boolean", default: false, describe: "Keep the restore stack and instance for inspection (remove later with cleanup)" })
    .option("report-dir", { type: "string", requiresArg: true, describe: "Write drill-<id>.json and drill-<id>.md here (created if missing)" })
    .option("deadline", durationOption("When the drill must be over, from its start (e.g. 160m): it stops the step in flight in time to clean up, and fails saying so"))
    .option("cleanup-margin", durationOption(`How long before --deadline the drill stops, for the destroy of its restore stack (default ${DEFAULT_CLEANUP_MARGIN})`))
    .option("id-file", { type: "string", requiresArg: true, describe: "Write the drill's id to this file before anything is created (for gametracker-dr cleanup --drill <id>)" });
}

type DrillArgs = OptionArgs<typeof drillOptions>;

/** Reads and checks every flag; nothing is created before this returns. */
interface ParsedDrillArgs {
  request: RecoveryRequest;
  timeoutMs: number;
  resumeId?: string;
  instanceClass?: string;
  deadline?: DrillDeadline;
}

export async function parseDrillArgs(args: DrillArgs): Promise<ParsedDrillArgs> {
  if (args.stack === undefined) {
    throw new UsageError("drill needs --stack <environment stack> (e.g. --stack dev): the drill's restore stack is named after it and placed on its network.");
  }
  const request = parseRecoveryRequest(
    args.from,
    args.randomWithin !== undefined ? { ms: parseDuration(args.randomWithin, "--random-within"), text: args.randomWithin } : undefined,
  );
  if (args.resume !== undefined && (args.from !== undefined || args.randomWithin !== undefined)) {
    throw new UsageError(`--resume ${args.resume} continues a drill with the recovery point it already chose; drop --from / --random-within.`);
  }
  const parsed: ParsedDrillArgs = {
    request,
    timeoutMs: parseDuration(args.timeout, "--timeout"),
  };
  if (args.resume !== undefined) parsed.resumeId = parseRunId(args.resume);
  if (args.instanceClass !== undefined) parsed.instanceClass = parseInstanceClass(args.instanceClass);
  if (args.cleanupMargin !== undefined && args.deadline === undefined) {
    throw new UsageError(`--cleanup-margin ${args.cleanupMargin} is how long before its --deadline a drill stops to clean up, but there is no --deadline; add --deadline <duration>, or drop --cleanup-margin.`);
  }
  if (args.deadline !== undefined) {
    const deadline = { ms: parseDuration(args.deadline, "--deadline"), marginMs: parseDuration(args.cleanupMargin ?? DEFAULT_CLEANUP_MARGIN, "--cleanup-margin") };
    const problem = deadlineProblem(deadline);
    if (problem !== undefined) throw new UsageError(problem);
    parsed.deadline = deadline;
  }
  if (args.reportDir !== undefined) await checkReportDir(args.reportDir);
  if (args.idFile !== undefined) await checkIdFile(args.idFile);
  return parsed;
}

export const drillCommand = defineCommand({
  command: "drill",
  describe: "Restore drill: choose a recovery point, restore it as a new stack, verify, report (RTO/RPO), destroy and remove the restore stack",
  builder: drillOptions,
  examples: [
    ["$0 drill --stack dev --report-dir reports", "Restore the newest snapshot, verify it, write the report, clean up"],
    ["$0 drill --stack dev --random-within 7d --json", "Restore a random point of the last 7 days; the report as JSON on stdout"],
    ["$0 drill --stack dev --from time:2026-11-25T09:30:00Z --keep", "Restore a point in time and keep the instance for inspection"],
    ["$0 drill --stack dev --validate-with command:./scripts/validate-drill", "Hand the restored instance to a local validator after the built-in checks"],
    ["$0 drill --stack dev --validate-with bundled --validate-timeout 30m", "Deploy the bundled SQL validator beside the instance and run the environment's SQL checks"],
    ["$0 drill --stack dev --resume 202611251200k3x9", "Continue an interrupted drill"],
    ["$0 drill --stack dev --deadline 160m --id-file drill-id", "Be done within 160 minutes, cleaning up in time; the id goes to drill-id first"],
  ],
  async run(args, ctx) {
    const startedAt = ctx.clock.now();
    const parsed = await parseDrillArgs(args);
    const environment = await restoreEnvironment(ctx, args, "drill");
    const validation = restoreValidation(args, environment);
    const outcome = await runDrill(
      { ...pipelineDeps(ctx, args, environment, parsed.timeoutMs), reportWriter: ctx.deps.reportWriter, s3In: (region) => ctx.awsIn(region).s3 },
      {
        environment,
        request: parsed.request,
        keep: args.keep,
        ...(validation !== undefined ? { validation } : {}),
        ...(parsed.resumeId !== undefined ? { resumeId: parsed.resumeId } : {}),
        ...(args.reportDir !== undefined ? { reportDir: args.reportDir } : {}),
        ...(parsed.instanceClass !== undefined ? { instanceClass: parsed.instanceClass } : {}),
        ...(parsed.deadline !== undefined ? { deadline: { ...parsed.deadline, startedAt } } : {}),
        ...(args.idFile !== undefined ? { idFile: args.idFile } : {}),
      },
    );
    ctx.output.result(outcome.report, () => renderSummary(outcome.report, outcome.files));
    return outcome.exitCode;
  },
});
