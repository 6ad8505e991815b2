import type { Argv } from "yargs";
import { CommandContext, GlobalArgs } from "../cli/context";
import { RestoreRunDeps } from "../restore/run-deps";
import { HostResolver, systemResolver } from "../restore/verify";
import { verbosePulumiOutput } from "./pulumi-output";

/**
 * The options `restore` and `drill` share: both choose a recovery point, restore it into
 * a stack of their own, can resume an interrupted run and wait for the instance.
 */
export interface RestoreRunArgs {
  from?: string;
  instanceClass?: string;
  resume?: string;
  timeout: string;
}

export const DEFAULT_VERIFY_TIMEOUT = "2h";

/** Adds `--from`, `--instance-class`, `--resume` and `--timeout`; `run` names the command in the help of `--resume`. */
export function withRestoreRunOptions<T>(yargs: Argv<T>, run: "drill" | "restore"): Argv<T & RestoreRunArgs> {
  return yargs
    .option("from", { type: "string", requiresArg: true, describe: "Recovery point: latest (default) | snapshot:<id> | time:<ISO-8601 with zone> | latest-restorable" })
    .option("instance-class", { type: "string", requiresArg: true, describe: "Instance class of the restored instance (default: the source's)" })
    .option("resume", { type: "string", requiresArg: true, describe: `Continue the interrupted ${run} with this id (printed when it started)` })
    .option("timeout", {
      type: "string",
      requiresArg: true,
      default: DEFAULT_VERIFY_TIMEOUT,
      describe: "How long to wait for the restored instance to be available",
    }) as unknown as Argv<T & RestoreRunArgs>;
}

/** A restore run's dependencies from the command's context; `resolver` replaces DNS in tests. */
export function restoreRunDeps(ctx: CommandContext, args: GlobalArgs, resolver: HostResolver | undefined, verifyTimeoutMs: number): RestoreRunDeps {
  return {
    stacks: ctx.stacks,
    rds: ctx.aws.rds,
    clock: ctx.clock,
    random: ctx.deps.random,
    resolver: resolver ?? systemResolver,
    output: ctx.output,
    verifyTimeoutMs,
    ...verbosePulumiOutput(args, ctx),
  };
}
