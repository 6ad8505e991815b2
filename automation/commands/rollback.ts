import { defineCommand } from "../cli/command";
import { UsageError } from "../errors";
import { PRIMARY_SOURCE } from "../../contracts/stacks";
import { runSwitch, withSwitchOptions } from "./cutover";

export const rollbackCommand = defineCommand({
  command: "rollback",
  describe: "Point the environment's API back at its primary database (the cut-over in reverse); a no-op that says so when it already is",
  builder: (y) => withSwitchOptions(y),
  examples: [
    ["$0 rollback --stack dev --yes", "Move the dev API back to the primary instance"],
    ["$0 rollback --stack prod --preview-only", "Show what the rollback would change, as Markdown"],
  ],
  async run(args, ctx) {
    if (args.stack === undefined) {
      throw new UsageError("rollback needs --stack <environment stack> (e.g. --stack dev): the stack whose API goes back to its primary database.");
    }
    return runSwitch(ctx, args, args.stack, PRIMARY_SOURCE);
  },
});
