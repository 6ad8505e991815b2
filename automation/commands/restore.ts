import { defineCommand } from "../cli/command";
import { parseDuration } from "../duration";
import { UsageError } from "../errors";
import { parseRunId, parseTargetIdentifier } from "../restore/naming";
import { parseInstanceClass } from "../restore/plan";
import { parseRecoveryRequest } from "../restore/recovery-request";
import { renderRestoreResult, runRestore } from "../restore/restore";
import { pipelineDeps, restoreEnvironment, restoreValidation, withRestoreRunOptions } from "./restore-options";

export const restoreCommand = defineCommand({
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
    ["$0 restore --stack dev --resume 202611251200k3x9", "Continue an interrupted restore"],
  ],
  async run(args, ctx) {
    if (args.resume !== undefined && (args.from !== undefined || args.targetId !== undefined)) {
      throw new UsageError(`--resume ${args.resume} continues a restore with the recovery point and name it already chose; drop --from / --target-id.`);
    }
    const request = parseRecoveryRequest(args.from);
    const targetIdentifier = args.targetId === undefined ? undefined : parseTargetIdentifier(args.targetId);
    const instanceClass = args.instanceClass === undefined ? undefined : parseInstanceClass(args.instanceClass);
    const resumeId = args.resume === undefined ? undefined : parseRunId(args.resume);
    const timeoutMs = parseDuration(args.timeout, "--timeout");
    const environment = await restoreEnvironment(ctx, args, "restore");
    const validation = restoreValidation(args, environment);
    const result = await runRestore(pipelineDeps(ctx, args, environment, timeoutMs), {
      environment,
      request,
      ...(targetIdentifier !== undefined ? { targetIdentifier } : {}),
      ...(instanceClass !== undefined ? { instanceClass } : {}),
      ...(resumeId !== undefined ? { resumeId } : {}),
      ...(validation !== undefined ? { validation } : {}),
    });
    ctx.output.result(result, () => renderRestoreResult(result));
    return result.passed ? 0 : 1;
  },
});
