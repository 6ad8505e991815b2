import { CliCommand } from "../cli/command";
import { parseDuration } from "../duration";
import { resolveEnvironment } from "../environment";
import { UsageError } from "../errors";
import { table } from "../output";
import { parseRunId, parseTargetIdentifier } from "../restore/naming";
import { parseInstanceClass } from "../restore/plan";
import { parseRecoveryRequest } from "../restore/recovery-point";
import { RestoreResult, runRestore } from "../restore/restore";
import { HostResolver } from "../restore/verify";
import { restoreRunDeps, RestoreRunArgs, withRestoreRunOptions } from "./restore-options";

interface RestoreArgs extends RestoreRunArgs {
  targetId?: string;
}

export interface RestoreCommandDeps {
  resolver?: HostResolver;
}

function render(result: RestoreResult): string {
  if (result.cancelled) return `cancelled: nothing was created (restore ${result.restoreId} of ${result.recoveryPoint.label} not started).`;
  const lines = [
    `restore ${result.restoreId}${result.resumed ? " (resumed)" : ""}: ${result.passed ? "VERIFIED" : "CHECKS FAILED"}`,
    `recovery point ${result.recoveryPoint.label} (${result.recoveryPoint.time})`,
    `instance       ${result.targetInstance}`,
    `endpoint       ${result.endpoint ? `${result.endpoint.address}:${result.endpoint.port ?? "?"}` : "n/a"}`,
    `credentials    ${result.secretArn ?? "n/a"} (Secrets Manager)`,
    `restore stack  ${result.restoreStack}`,
    "",
    table(["check", "result", "expected", "actual"], result.checks.map((c) => [c.name, c.status, c.expected, c.actual])),
    "",
    result.passed
      ? `next: gametracker-dr cutover --stack <env> --to ${result.stackName} (points the API at this instance)`
      : "the instance is kept for inspection; fix what failed or remove it with gametracker-dr cleanup",
  ];
  return lines.join("\n");
}

export function createRestoreCommand(deps: RestoreCommandDeps = {}): CliCommand<RestoreArgs> {
  return {
    command: "restore",
    describe: "Restore the database to a new instance in its own stack (full hardening, for cut-over), wait, verify and print the endpoint",
    builder: (y) =>
      withRestoreRunOptions(y, "restore").option("target-id", {
        type: "string",
        requiresArg: true,
        describe: "Identifier of the new instance (default: <source>-restore, e.g. gametracker-mssql-restore)",
      }),
    examples: [
      ["$0 restore --stack dev --from latest --yes", "Restore the newest snapshot to gametracker-mssql-restore"],
      ["$0 restore --stack prod --from time:2026-11-25T09:30:00Z --target-id gametracker-mssql-0930", "Restore to a point in time, under a chosen name"],
      ["$0 restore --stack dev --from snapshot:gametracker-manual-backup-v1", "Restore a named snapshot"],
    ],
    async run(args, ctx) {
      if (args.stack === undefined) {
        throw new UsageError("restore needs --stack <environment stack> (e.g. --stack dev): the restore stack is named after it and placed on its network.");
      }
      if (args.resume !== undefined && (args.from !== undefined || args.targetId !== undefined)) {
        throw new UsageError(`--resume ${args.resume} continues a restore with the recovery point and name it already chose; drop --from / --target-id.`);
      }
      const request = parseRecoveryRequest(args.from);
      const targetIdentifier = args.targetId === undefined ? undefined : parseTargetIdentifier(args.targetId);
      const instanceClass = args.instanceClass === undefined ? undefined : parseInstanceClass(args.instanceClass);
      const resumeId = args.resume === undefined ? undefined : parseRunId(args.resume);
      const timeoutMs = parseDuration(args.timeout, "--timeout");
      const environment = { ...(await resolveEnvironment({ stack: args.stack }, ctx.stacks)), stack: args.stack };
      const result = await runRestore(
        { ...restoreRunDeps(ctx, args, deps.resolver, timeoutMs), confirm: (q) => ctx.confirm(q) },
        {
          environment,
          request,
          ...(targetIdentifier !== undefined ? { targetIdentifier } : {}),
          ...(instanceClass !== undefined ? { instanceClass } : {}),
          ...(resumeId !== undefined ? { resumeId } : {}),
        },
      );
      ctx.output.result(result, () => render(result));
      return result.passed ? 0 : 1;
    },
  };
}

export const restoreCommand = createRestoreCommand();
