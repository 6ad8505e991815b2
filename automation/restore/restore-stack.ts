import { RESTORE_PROJECT, RestoreOutputNames } from "../../contracts/stacks";
import { OperationError, UsageError } from "../errors";
import { InterruptedError } from "../interrupt";
import { plainOutput, Stack, StackId, StackNotFoundError, StackOutputs, Stacks } from "../stacks/port";
import { planConvergence } from "./convergence";
import { decodeRestoreSpec, encodeRestoreSpec, RestoreSpec, SPEC_CONFIG_KEY, specFromTags, specTags } from "./spec";

/**
 * The restore stack's life over the narrow Stacks port: create it with its spec (tags),
 * `up` with the spec as its program's config, read what it made, read its spec back from
 * any process, destroy and remove it. No decisions here beyond translating the port's
 * answers; the pipeline decides what to do and when.
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
  region: string | undefined;
  /** The bundled validator the stack deployed (`--validate-with bundled`). */
  validatorFunctionName?: string | undefined;
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
    throw new OperationError(
      `Restore stack ${stackName} has no ${identifier === undefined ? RestoreOutputNames.identifier : RestoreOutputNames.address} output after its update; check its state with pulumi stack -s ${stackName}.`,
    );
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
    region: str(RestoreOutputNames.region),
    validatorFunctionName: str(RestoreOutputNames.validatorFunctionName),
  };
}

/** Creates the stack and records the spec in its tags before anything else happens to it. */
export async function createRestoreStack(stacks: Stacks, stackName: string, spec: RestoreSpec, onStack?: (stack: Stack) => void): Promise<Stack> {
  const stack = await stacks.createOrSelect(restoreStackId(stackName));
  // Reported before the tags are written, so that a failure from here on is cleaned up.
  onStack?.(stack);
  await stack.setTags(specTags(encodeRestoreSpec(spec)));
  return stack;
}

/**
 * Gives the program its input: the spec as its config and the spec's region as the AWS
 * provider's. Needed before every run of the program (up, preview) in every process: an
 * inline project's config lives in a work directory of the process that wrote it.
 */
export async function configureRestoreStack(stack: Stack, spec: RestoreSpec): Promise<void> {
  await stack.setAllConfig({ "aws:region": spec.region, [`${RESTORE_PROJECT}:${SPEC_CONFIG_KEY}`]: encodeRestoreSpec(spec) });
}

/**
 * `up` of the configured stack (Pulumi itself waits for the instance to be created), then
 * a preview: what the restore could not set is applied by one more `up`, so the restored
 * instance is what the stack declares before anything verifies or uses it (convergence.ts).
 */
export async function upRestoreStack(
  stack: Stack,
  spec: RestoreSpec,
  onOutput?: (line: string) => void,
  onProgress?: (message: string) => void,
  signal?: AbortSignal,
): Promise<RestoredDatabase> {
  const interruptible = signal !== undefined ? { signal } : {};
  await configureRestoreStack(stack, spec);
  let result = await stack.up(onOutput, interruptible);
  // Interrupted while the update ran: it stopped where Pulumi stopped it; nothing more starts.
  if (signal?.aborted) throw new InterruptedError();
  const convergence = planConvergence(stack.id.stack, (await stack.preview(onOutput, interruptible)).steps);
  if (convergence.action === "refuse") throw new OperationError(convergence.reason);
  if (convergence.action === "update") {
    onProgress?.(`pulumi up ${RESTORE_PROJECT}/${stack.id.stack} again: the restore left ${convergence.summary} to apply`);
    result = await stack.up(onOutput, interruptible);
  }
  return restoredDatabaseFrom(result.outputs, stack.id.stack);
}

/** The spec a restore stack records; UsageError when it records none or one this tool can't read. */
export async function readRestoreSpec(stack: Stack): Promise<RestoreSpec> {
  const json = specFromTags(await stack.getTags());
  if (json === undefined) {
    throw new UsageError(
      `Restore stack ${stack.id.stack} records no restore spec in its tags (it was not made by this version of gametracker-dr, or it was interrupted before its spec was written); remove it with gametracker-dr cleanup and start again.`,
    );
  }
  return decodeRestoreSpec(json, stack.id.stack);
}

/** An existing restore stack and the spec it records, for `--resume`. */
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
  return { stack, spec: await readRestoreSpec(stack) };
}

/** Destroys the stack's resources, then removes the stack (Pulumi refuses to remove a stack that still has resources). */
export async function destroyRestoreStack(stack: Stack, onOutput?: (line: string) => void, signal?: AbortSignal): Promise<void> {
  await stack.destroy(onOutput, signal !== undefined ? { signal } : {});
  await stack.remove();
}
