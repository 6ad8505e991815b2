import type { Argv } from "yargs";
import { CommandContext, GlobalArgs } from "../cli/context";
import type { OptionArgs } from "../cli/option-types";
import { DeployedEnvironment, resolveEnvironment } from "../deployed-environment";
import { UsageError } from "../errors";
import { PipelineDeps } from "../restore/pipeline";
import { describeTimeout } from "../../contracts/duration";
import { DEFAULT_VALIDATION_TIMEOUT_MS } from "../../contracts/validation-config";
import { planValidation, ValidationPlan } from "../validation/plan";
import { verbosePulumiOutput } from "./pulumi-output";

export const DEFAULT_VERIFY_TIMEOUT = "2h";

/**
 * The options `restore` and `drill` share: both choose a recovery point, restore it into
 * a stack of their own, can resume an interrupted run, wait for the instance and
 * validate its data. Adds `--from`, `--instance-class`, `--resume`, `--timeout` and the
 * validation flags; `run` names the command in the help of `--resume`.
 */
export function withRestoreRunOptions<T>(yargs: Argv<T>, run: "drill" | "restore") {
  return yargs
    .option("from", {
      type: "string",
      requiresArg: true,
      describe:
        "Recovery point: latest (default: the newest of every source in the region) | snapshot:<id or ARN> | time:<ISO-8601 with zone> | latest-restorable | retained:<dbi-resource-id>@<time|latest> | replica:latest | replica:<time>",
    })
    .option("instance-class", { type: "string", requiresArg: true, describe: "Instance class of the restored instance (default: the source's)" })
    .option("resume", { type: "string", requiresArg: true, describe: `Continue the interrupted ${run} with this id (printed when it started)` })
    .option("timeout", {
      type: "string",
      requiresArg: true,
      default: DEFAULT_VERIFY_TIMEOUT,
      describe: "How long to wait for the restored instance to be available",
    })
    .option("validate-with", {
      type: "string",
      requiresArg: true,
      describe: "Validate the restored data after verify: command:<path> | lambda:<function name or ARN> | bundled (default: the environment's validationWith)",
    })
    .option("validate-timeout", {
      type: "string",
      requiresArg: true,
      describe: `How long the validator may take (default: the environment's validationTimeout, else ${describeTimeout(DEFAULT_VALIDATION_TIMEOUT_MS)})`,
    });
}

export type RestoreRunArgs = OptionArgs<typeof withRestoreRunOptions>;

/** The environment a restore or drill acts on, read from `--stack`'s outputs. */
export async function restoreEnvironment(ctx: CommandContext, args: GlobalArgs, command: "drill" | "restore"): Promise<DeployedEnvironment & { stack: string }> {
  if (args.stack === undefined) {
    throw new UsageError(`${command} needs --stack <environment stack> (e.g. --stack dev): the restore stack is named after it and placed on its network.`);
  }
  return { ...(await resolveEnvironment({ stack: args.stack }, ctx.stacks)), stack: args.stack };
}

/**
 * The run's data validation: the flags over what the environment stack exported. A
 * resumed run validates as its restore spec recorded, so the flags are refused there.
 */
export function restoreValidation(args: RestoreRunArgs, environment: DeployedEnvironment): ValidationPlan | undefined {
  if (args.resume !== undefined) {
    const given = [args.validateWith !== undefined ? "--validate-with" : undefined, args.validateTimeout !== undefined ? "--validate-timeout" : undefined].filter((f) => f !== undefined);
    if (given.length > 0) throw new UsageError(`--resume ${args.resume} continues with the data validation it recorded when it started; drop ${given.join(" and ")}.`);
    return undefined;
  }
  return planValidation({ validateWith: args.validateWith, validateTimeout: args.validateTimeout }, environment);
}

/**
 * What a restore run needs, from the command's context. It runs in the environment's
 * region (from its stack) unless `--region` says otherwise; the plan refuses a region
 * that differs from the environment's, and a source in another region (a replica, a
 * copy) than the environment's: those are restored through the stack of their region.
 */
export function pipelineDeps(ctx: CommandContext, args: GlobalArgs, environment: DeployedEnvironment, verifyTimeoutMs: number): PipelineDeps {
  const clients = ctx.awsFor(environment.region);
  return {
    stacks: ctx.stacks,
    rds: clients.rds,
    ec2: clients.ec2,
    lambda: clients.lambda,
    region: clients.region,
    clock: ctx.clock,
    random: ctx.deps.random,
    resolver: ctx.deps.resolver,
    onInterrupt: ctx.deps.onInterrupt,
    confirm: (question) => ctx.confirm(question),
    output: ctx.output,
    verifyTimeoutMs,
    ...verbosePulumiOutput(args, ctx),
  };
}
