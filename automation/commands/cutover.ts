import type { Argv } from "yargs";
import { defineCommand } from "../cli/command";
import { CommandContext, GlobalArgs } from "../cli/context";
import type { OptionArgs } from "../cli/option-types";
import { UsageError } from "../errors";
import { commitReminder, previewMarkdown, renderSwitch, stackConfigFile } from "../cutover/report";
import { SwitchResult, switchDatabaseSource } from "../cutover/switch-source";
import { validateCutoverTargetName } from "../cutover/target";
import { verbosePulumiOutput } from "./pulumi-output";

/** The options cutover and rollback share: both run the same guarded switch of databaseSource. */
export function withSwitchOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("force", { type: "boolean", default: false, describe: "Apply even if the preview changes more than the Lambda's environment" })
    .option("preview-only", {
      type: "boolean",
      default: false,
      describe: "Print the preview as Markdown (for a pull request) and change nothing; exit 1 if the guard would refuse",
    });
}

type SwitchArgs = OptionArgs<typeof withSwitchOptions>;

/** Exit code of a switch: refusals and cancellations are not successes. */
export function switchExitCode(result: SwitchResult, force: boolean): number {
  if (result.outcome === "cancelled") return 1;
  if (result.outcome === "previewed") return result.preview?.verdict.allowed || force ? 0 : 1;
  return 0;
}

/** Runs a switch for a command and prints it: Markdown for --preview-only, text otherwise, JSON with --json. */
export async function runSwitch(ctx: CommandContext, args: GlobalArgs & SwitchArgs, environment: string, to: string): Promise<number> {
  const result = await switchDatabaseSource(
    {
      stacks: ctx.stacks,
      // The API and its database live in the environment's region.
      clientsIn: (region) => ctx.awsFor(region),
      clock: ctx.clock,
      output: ctx.output,
      confirm: (q) => ctx.confirm(q),
      onInterrupt: ctx.deps.onInterrupt,
      ...verbosePulumiOutput(args, ctx),
    },
    { environment, to, force: args.force, previewOnly: args.previewOnly },
  );
  const data =
    result.outcome === "previewed"
      ? { ...result, markdown: previewMarkdown(result) }
      : result.outcome === "switched"
        ? { ...result, configFile: stackConfigFile(result.environment), next: commitReminder(result) }
        : result;
  ctx.output.result(data, () => renderSwitch(result));
  return switchExitCode(result, args.force);
}

export const cutoverCommand = defineCommand({
  command: "cutover",
  describe: "Point the environment's API at a restored database: set databaseSource, preview (only the Lambda's environment may change), apply, confirm from the Lambda's configuration",
  builder: (y) => withSwitchOptions(y).option("to", { type: "string", requiresArg: true, describe: "The restore stack to cut over to (<env>-restore-<id>, printed by restore)" }),
  examples: [
    ["$0 cutover --stack dev --to dev-restore-0930 --yes", "Move the dev API to the restored instance of stack dev-restore-0930"],
    ["$0 cutover --stack prod --to prod-restore-0930 --preview-only > preview.md", "Write the cut-over's preview as Markdown for review; nothing changes"],
  ],
  async run(args, ctx) {
    if (args.stack === undefined) {
      throw new UsageError("cutover needs --stack <environment stack> (e.g. --stack dev): the stack whose API is moved.");
    }
    if (args.to === undefined || args.to === "") {
      throw new UsageError(`cutover needs --to <restore stack> (e.g. --to ${args.stack}-restore-<id>, printed by gametracker-dr restore); to go back to the primary use gametracker-dr rollback.`);
    }
    validateCutoverTargetName(args.stack, args.to);
    return runSwitch(ctx, args, args.stack, args.to);
  },
});
