/**
 * `gametracker-dr` as a separate OS process for the engine scenarios that must cross a
 * process boundary (an interrupted restore resumed by another process). It is the real
 * `main` with the real signal handling; only what a test machine cannot have is swapped:
 * the environment project runs inline (no Node language host here) over the engine
 * harness's copy of the stack files, and RDS endpoints are looked up in moto (they are
 * in no DNS). Everything else — backend, passphrase, CLI on PATH, moto endpoint — comes
 * from the environment the parent gives it (the harness's envVars).
 *
 *   node --require ./register-ts.js test/support/engine/cli-process.ts restore --stack dev ...
 */
import { AwsClientOptions, createAwsClients } from "../../../automation/aws/clients";
import { allCommands } from "../../../automation/cli/commands";
import { main } from "../../../automation/cli/main";
import { createDrillCommand } from "../../../automation/commands/drill";
import { createRestoreCommand } from "../../../automation/commands/restore";
import { restoreProgram } from "../../../automation/restore/program";
import { createPulumiStacks } from "../../../automation/stacks/pulumi-stacks";
import { RESTORE_PROJECT } from "../../../contracts/stacks";
import { environmentProgram } from "../../../environment-program";
import { MotoRdsBackups } from "../moto-rds-backups";
import { combineMiddleware } from "../rds-fixtures";
import { rdsEndpointDns } from "../rds-dns";

export const ENGINE_WORKDIR_VARIABLE = "GAMETRACKER_TEST_ENGINE_WORKDIR";

async function run(): Promise<number> {
  const workDir = process.env[ENGINE_WORKDIR_VARIABLE];
  if (workDir === undefined) throw new Error(`${ENGINE_WORKDIR_VARIABLE} is not set: this entry point is for the engine tests only`);
  // RDS as the stand-in's instances see it: distinct DbiResourceIds, shared with the plugins
  // through the harness's state file (bare moto gives every instance one, and the recovery of
  // a killed run imports an instance by its id).
  const backups = new MotoRdsBackups(process.env.AWS_ENDPOINT_URL ?? "", { stateFile: process.env.GAMETRACKER_STANDIN_RDS_BACKUPS });
  const awsClients = (options: AwsClientOptions) => createAwsClients({ ...options, middleware: combineMiddleware(backups.middleware, options.middleware) });
  const lookups = [createAwsClients({ region: "us-east-1" }), createAwsClients({ region: "us-west-2" })];
  const resolver = rdsEndpointDns(lookups.map((c) => c.rds));
  const commands = allCommands.map((c) => (c.command === "restore" ? createRestoreCommand({ resolver }) : c.command === "drill" ? createDrillCommand({ resolver }) : c));
  try {
    return await main(
      process.argv.slice(2),
      {
        awsClients,
        stacks: () =>
          createPulumiStacks({
            environmentDir: workDir,
            environmentProgram: async () => environmentProgram(),
            inlinePrograms: { [RESTORE_PROJECT]: async () => restoreProgram() },
          }),
      },
      commands,
    );
  } finally {
    for (const c of lookups) c.destroy();
    backups.destroy();
  }
}

if (require.main === module) {
  run().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
