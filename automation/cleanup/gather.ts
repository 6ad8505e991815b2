/**
 * The facts `cleanup` decides on, read from the Pulumi backend and RDS. Fails closed:
 * if an environment's `databaseSource` cannot be read, cleanup cannot prove a restore
 * stack is unused, so it stops before deleting anything.
 */
import { DBInstance, RDSClient } from "@aws-sdk/client-rds";
import { listInstances } from "../aws/rds";
import { errorMessage, OperationError, UsageError } from "../errors";
import { readRestoreSpec } from "../restore/restore-stack";
import { TagKeys } from "../../contracts/tags";
import { plainOutput, Stack, StackNotFoundError, Stacks } from "../stacks/port";
import { DATABASE_SOURCE_KEY, ENVIRONMENT_PROJECT, EnvironmentOutputNames, PRIMARY_SOURCE, RESTORE_PROJECT, RestoreOutputNames } from "../../contracts/stacks";
import { CleanupFacts, EnvironmentFact, InstanceFact, RestoreStackFact } from "./select";

export async function gatherCleanupFacts(stacks: Stacks, rds: RDSClient): Promise<CleanupFacts> {
  const environments: EnvironmentFact[] = [];
  for (const summary of await stacks.list(ENVIRONMENT_PROJECT)) {
    try {
      const stack = await stacks.select({ project: ENVIRONMENT_PROJECT, stack: summary.name });
      const source = (await stack.getConfig(DATABASE_SOURCE_KEY)) ?? PRIMARY_SOURCE;
      const primary = plainOutput(await stack.outputs(), EnvironmentOutputNames.databaseIdentifier);
      environments.push({ stack: summary.name, source, primaryIdentifier: typeof primary === "string" && primary !== "" ? primary : undefined });
    } catch (error) {
      if (error instanceof StackNotFoundError) continue; // removed between list and select
      throw new OperationError(
        `Could not read environment stack ${summary.name}'s ${DATABASE_SOURCE_KEY} (${errorMessage(error)}), so cleanup cannot tell which restore stack is in use; nothing was deleted. Fix access to the stack and re-run.`,
        { cause: error },
      );
    }
  }

  const restoreStacks: RestoreStackFact[] = [];
  for (const summary of await stacks.list(RESTORE_PROJECT)) {
    let instanceIdentifier: string | undefined;
    try {
      const stack = await stacks.select({ project: RESTORE_PROJECT, stack: summary.name });
      const id = plainOutput(await stack.outputs(), RestoreOutputNames.identifier);
      instanceIdentifier = typeof id === "string" && id !== "" ? id : await targetOfUnfinished(stack);
    } catch (error) {
      if (error instanceof StackNotFoundError) continue;
      throw error;
    }
    restoreStacks.push({ name: summary.name, lastUpdate: summary.lastUpdate, updateInProgress: summary.updateInProgress, resourceCount: summary.resourceCount, instanceIdentifier });
  }

  return { environments, restoreStacks, instances: (await listInstances({ rds })).map(instanceFact) };
}

/** The instance an unfinished restore stack (no outputs yet) was making, from its recorded spec; undefined when it records none. */
async function targetOfUnfinished(stack: Stack): Promise<string | undefined> {
  try {
    return (await readRestoreSpec(stack)).targetIdentifier;
  } catch (error) {
    if (error instanceof UsageError) return undefined;
    throw error;
  }
}

export function instanceFact(db: DBInstance): InstanceFact {
  const tag = (key: string) => db.TagList?.find((t) => t.Key === key)?.Value;
  return {
    identifier: db.DBInstanceIdentifier!,
    status: db.DBInstanceStatus ?? "unknown",
    deletionProtection: db.DeletionProtection === true,
    createdAt: db.InstanceCreateTime,
    drillId: tag(TagKeys.drillId),
    environment: tag(TagKeys.environment),
  };
}
