import { defineCommand } from "../cli/command";
import { renderCleanup, cleanupExitCode } from "../cleanup/report";
import { runCleanup } from "../cleanup/run";
import { durationOption, parseDuration } from "../duration";
import { UsageError } from "../errors";
import { parseRunId } from "../restore/naming";
import { verbosePulumiOutput } from "./pulumi-output";

const DEFAULT_OLDER_THAN = "24h";

export const cleanupCommand = defineCommand({
  command: "cleanup",
  describe:
    "Remove restore stacks and drill-tagged RDS instances left behind and older than an age; never the one an environment's databaseSource points at. Shows the plan first; needs --yes to act",
  builder: (y) =>
    y
      .option("older-than", durationOption(`Only what was last updated (stacks) or created (instances) longer ago than this (default ${DEFAULT_OLDER_THAN})`))
      .option("drill", { type: "string", requiresArg: true, describe: "Only this drill's restore stack and instance, whatever their age (once that drill has ended: the drill workflow's last step)" })
      .option("dry-run", { type: "boolean", default: false, describe: "Show the plan with a reason per item and remove nothing" }),
  examples: [
    ["$0 cleanup --dry-run", "List what would be removed, and why each item is kept or removed"],
    ["$0 cleanup --older-than 3d --yes", "Remove restore stacks and drill instances untouched for 3 days"],
    ["$0 cleanup --stack dev --yes", "Only the dev environment's leftovers"],
    ["$0 cleanup --stack dev --drill 202611251200k3x9 --yes", "What drill 202611251200k3x9 left, and nothing else"],
  ],
  async run(args, ctx) {
    if (args.drill !== undefined && args.olderThan !== undefined) {
      throw new UsageError(`--drill ${args.drill} removes what that drill left whatever its age; drop --older-than ${args.olderThan}.`);
    }
    const drillId = args.drill === undefined ? undefined : parseRunId(args.drill, "--drill");
    const olderThanMs = parseDuration(args.olderThan ?? DEFAULT_OLDER_THAN, "--older-than");
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
      { olderThanMs, dryRun: args.dryRun, ...(args.stack !== undefined ? { environment: args.stack } : {}), ...(drillId !== undefined ? { drillId } : {}) },
    );
    ctx.output.result(result, () => renderCleanup(result));
    return cleanupExitCode(result);
  },
});
