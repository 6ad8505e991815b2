/**
 * The facts `cleanup` decides on, read from the Pulumi backend and RDS. Fails closed:
 * if an environment's `databaseSource` cannot be read, cleanup cannot prove a restore
 * stack is unused, so it stops before deleting anything.
 */
import { DBInstance, RDSClient } from "@aws-sdk/client-rds";
import { listInstances } from "../aws/rds";
import { OperationError, UsageError } from "../errors";
import { errorMessage } from "../../contracts/text";
import { thisHost } from "../recovery/finish";
import { HostFacts, isoSeconds, judgeLock, lockedSentence } from "../recovery/lock";
import { runStartOfStack } from "../restore/naming";
import { readRestoreSpec } from "../restore/restore-stack";
import { RestoreSpec } from "../restore/spec";
import { TagKeys } from "../../contracts/tags";
import { plainOutput, Stack, StackNotFoundError, Stacks } from "../stacks/port";
import { DATABASE_SOURCE_KEY, ENVIRONMENT_PROJECT, EnvironmentOutputNames, PRIMARY_SOURCE, RESTORE_PROJECT, RestoreOutputNames } from "../../contracts/stacks";
import { CleanupFacts, EnvironmentFact, InstanceFact, RestoreStackFact, StackLockFact } from "./select";

export async function gatherCleanupFacts(stacks: Stacks, rds: RDSClient, here: HostFacts = thisHost): Promise<CleanupFacts> {
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
    let spec: RestoreSpec | undefined;
    let lock: StackLockFact;
    try {
      const stack = await stacks.select({ project: RESTORE_PROJECT, stack: summary.name });
      const id = plainOutput(await stack.outputs(), RestoreOutputNames.identifier);
      spec = await specOf(stack);
      instanceIdentifier = typeof id === "string" && id !== "" ? id : spec?.targetIdentifier;
      lock = await lockFact(stack, here);
    } catch (error) {
      if (error instanceof StackNotFoundError) continue;
      throw error;
    }
    restoreStacks.push({
      name: summary.name,
      lastUpdate: summary.lastUpdate,
      startedAt: spec?.startedAt ?? runStartOfStack(summary.name),
      lock,
      resourceCount: summary.resourceCount,
      instanceIdentifier,
    });
  }

  return { environments, restoreStacks, instances: (await listInstances({ rds })).map(instanceFact) };
}

/** The spec a restore stack records; undefined when it records none (interrupted before it was written) or one this tool can't read. */
async function specOf(stack: Stack): Promise<RestoreSpec | undefined> {
  try {
    return await readRestoreSpec(stack);
  } catch (error) {
    if (error instanceof UsageError) return undefined;
    throw error;
  }
}

/** Whether a lock holds the stack, and whether it is stale (recovery/lock.ts). */
async function lockFact(stack: Stack, here: HostFacts): Promise<StackLockFact> {
  const verdict = judgeLock(await stack.lockState(), here);
  if (verdict.kind === "live") return { state: "held", sentence: lockedSentence(await stack.qualifiedName(), verdict) };
  if (verdict.kind === "stale") {
    const holder = verdict.holders[0]!;
    return { state: "stale", note: `pid ${holder.pid} on this host${holder.since ? `, taken ${isoSeconds(holder.since)},` : ""} is gone` };
  }
  return { state: "free" };
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
