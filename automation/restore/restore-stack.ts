import { RESTORE_PROJECT, RestoreOutputNames } from "../../contracts/stacks";
import { OperationError, UsageError } from "../errors";
import { plainOutput, Stack, StackId, StackNotFoundError, StackOutputs, Stacks } from "../stacks/port";
import { ALL_RESTORE_CONFIG_KEYS, RestoreSpec, restoreSpecFromConfig, restoreStackConfig } from "./program-config";

/**
 * The restore stack's life over the narrow Stacks port: create it with its config, `up`,
 * read what it made, read its spec back on resume, destroy and remove it. No decisions
 * here beyond translating the port's answers; callers (drill.ts, the restore command)
 * decide what to do and when.
 */

export function restoreStackId(stack: string): StackId {
  return { project: RESTORE_PROJECT, stack };
}

/** What a restore stack made, from its outputs. */
export interface RestoredDatabase {
  identifier: string;
  arn: string | undefined;
  address: string;
  port: number | undefined;
  /** ARN of the restored instance's own Secrets Manager secret; never the password. */
  secretArn: string | undefined;
  engine: string | undefined;
  engineVersion: string | undefined;
  recoveryPoint: string | undefined;
  purpose: string | undefined;
}

/** Reads the restore program's outputs; a stack without an address has not restored anything. */
export function restoredDatabaseFrom(outputs: StackOutputs, stackName: string): RestoredDatabase {
  const str = (key: string): string | undefined => {
    const v = plainOutput(outputs, key);
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  const identifier = str(RestoreOutputNames.identifier);
  const address = str(RestoreOutputNames.address);
  if (identifier === undefined || address === undefined) {
    throw new OperationError(`Restore stack ${stackName} has no ${identifier === undefined ? RestoreOutputNames.identifier : RestoreOutputNames.address} output after its update; check its state with pulumi stack -s ${stackName}.`);
  }
  const port = plainOutput(outputs, RestoreOutputNames.port);
  return {
    identifier,
    arn: str(RestoreOutputNames.arn),
    address,
    port: typeof port === "number" ? port : typeof port === "string" && port !== "" ? Number(port) : undefined,
    secretArn: str(RestoreOutputNames.secretArn),
    engine: str(RestoreOutputNames.engine),
    engineVersion: str(RestoreOutputNames.engineVersion),
    recoveryPoint: str(RestoreOutputNames.recoveryPoint),
    purpose: str(RestoreOutputNames.purpose),
  };
}

/** Creates (or selects) the stack and writes the spec as its config. */
export async function prepareRestoreStack(stacks: Stacks, stackName: string, spec: RestoreSpec, onStack?: (stack: Stack) => void): Promise<Stack> {
  const stack = await stacks.createOrSelect(restoreStackId(stackName));
  // Reported before the config is written, so that a failure from here on is cleaned up.
  onStack?.(stack);
  for (const [key, value] of Object.entries(restoreStackConfig(spec))) await stack.setConfig(key, value);
  return stack;
}

/** `up` and the result. Pulumi itself waits for the instance to be created. */
export async function upRestoreStack(stack: Stack, onOutput?: (line: string) => void): Promise<RestoredDatabase> {
  const result = await stack.up(onOutput);
  return restoredDatabaseFrom(result.outputs, stack.id.stack);
}

/** An existing restore stack and the spec it was created with, for `--resume`. */
export async function openRestoreStack(stacks: Stacks, stackName: string, what: string): Promise<{ stack: Stack; spec: RestoreSpec }> {
  let stack: Stack;
  try {
    stack = await stacks.select(restoreStackId(stackName));
  } catch (error) {
    if (error instanceof StackNotFoundError) {
      throw new UsageError(`There is no ${what}: restore stack ${RESTORE_PROJECT}/${stackName} does not exist (finished drills are removed); check the id, or start a new one without --resume.`);
    }
    throw error;
  }
  const config: Record<string, string | undefined> = {};
  for (const key of ALL_RESTORE_CONFIG_KEYS) config[key] = await stack.getConfig(key);
  return { stack, spec: restoreSpecFromConfig(config, stackName) };
}

/** Destroys the stack's resources, then removes the stack (Pulumi refuses to remove a stack that still has resources). */
export async function destroyRestoreStack(stack: Stack, onOutput?: (line: string) => void): Promise<void> {
  await stack.destroy(onOutput);
  await stack.remove();
}
