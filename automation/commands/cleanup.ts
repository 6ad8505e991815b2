import { CliCommand } from "../cli/command";
import { renderCleanup, cleanupExitCode } from "../cleanup/report";
import { runCleanup } from "../cleanup/run";
import { durationOption, parseDuration } from "../duration";
import { verbosePulumiOutput } from "./pulumi-output";

interface CleanupArgs {
  olderThan: string;
  dryRun: boolean;
}

export const cleanupCommand: CliCommand<CleanupArgs> = {
  command: "cleanup",
  describe:
    "Remove restore stacks and drill-tagged RDS instances left behind and older than an age; never the one an environment's databaseSource points at. Shows the plan first; needs --yes to act",
  builder: (y) =>
    y
      .option("older-than", durationOption("Only what was last updated (stacks) or created (instances) longer ago than this", "24h"))
      .option("dry-run", { type: "boolean", default: false, describe: "Show the plan with a reason per item and remove nothing" }),
  examples: [
    ["$0 cleanup --dry-run", "List what would be removed, and why each item is kept or removed"],
    ["$0 cleanup --older-than 3d --yes", "Remove restore stacks and drill instances untouched for 3 days"],
    ["$0 cleanup --stack dev --yes", "Only the dev environment's leftovers"],
  ],
  async run(args, ctx) {
    const olderThanMs = parseDuration(args.olderThan, "--older-than");
    const result = await runCleanup(
      {
        stacks: ctx.stacks,
        rds: ctx.aws.rds,
        clock: ctx.clock,
        output: ctx.output,
        confirm: (q) => ctx.confirm(q),
        rdsIn: (region) => ctx.awsIn(region).rds,
        ...verbosePulumiOutput(args, ctx),
      },
      { olderThanMs, dryRun: args.dryRun, ...(args.stack !== undefined ? { environment: args.stack } : {}) },
    );
    ctx.output.result(result, () => renderCleanup(result));
    return cleanupExitCode(result);
  },
};
