/**
 * Where a cut-over (or rollback) points the API: the environment's primary or one of its
 * restore stacks. Everything here runs before any change, so a wrong name, a stack that
 * was never deployed or an instance that is gone is refused with exit 2 and nothing done.
 */
import { RDSClient } from "@aws-sdk/client-rds";
import { describeInstance } from "../aws/rds";
import { UsageError } from "../errors";
import { plainOutput, StackNotFoundError, StackOutputs, Stacks } from "../stacks/port";
import { crossRegionSourceProblem, EnvironmentOutputNames, isDrillStackOf, isRestoreStackOf, PRIMARY_SOURCE, RESTORE_PROJECT, RestoreOutputNames, restoreStackName } from "../../contracts/stacks";

export interface SourceTarget {
  /** `primary` or the restore stack's name: the value `databaseSource` takes. */
  source: string;
  /** The RDS instance the API will use. */
  identifier: string;
  address: string;
  port: number | undefined;
}

/** Refuses a `--to` that cannot be a cut-over target of `environment`. Pure. */
export function validateCutoverTargetName(environment: string, to: string): void {
  if (to === PRIMARY_SOURCE) {
    throw new UsageError(`--to primary is what rollback does; run gametracker-dr rollback --stack ${environment} to point the API back at the primary.`);
  }
  if (isDrillStackOf(environment, to)) {
    throw new UsageError(`--to ${to} is a drill stack, which is destroyed when its drill ends; restore for cut-over with gametracker-dr restore --stack ${environment} and pass the ${restoreStackName(environment, "<id>")} stack it prints.`);
  }
  if (!isRestoreStackOf(environment, to)) {
    throw new UsageError(
      `--to ${JSON.stringify(to)} is not a restore stack of environment ${environment}: those are named ${restoreStackName(environment, "<id>")} (lowercase letters, digits, hyphens); gametracker-dr restore --stack ${environment} prints the name.`,
    );
  }
}

function str(outputs: StackOutputs, key: string): string | undefined {
  const v = plainOutput(outputs, key);
  return typeof v === "string" && v !== "" ? v : undefined;
}

function num(outputs: StackOutputs, key: string): number | undefined {
  const v = plainOutput(outputs, key);
  return typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** The primary, from the environment stack's outputs. */
export function primaryTarget(environment: string, envOutputs: StackOutputs): SourceTarget {
  const identifier = str(envOutputs, EnvironmentOutputNames.databaseIdentifier);
  const address = str(envOutputs, EnvironmentOutputNames.databaseEndpoint);
  if (identifier === undefined || address === undefined) {
    throw new UsageError(`Stack ${environment} has no ${EnvironmentOutputNames.databaseEndpoint} output (has it been deployed with pulumi up?), so there is no primary to point the API at.`);
  }
  return { source: PRIMARY_SOURCE, identifier, address, port: num(envOutputs, EnvironmentOutputNames.databasePort) };
}

/**
 * A restore stack of the environment that is deployed, meant for cut-over, in the
 * environment's region (`rds` reads there), and whose instance exists and is available.
 */
export async function restoreTarget(stacks: Stacks, rds: RDSClient, environment: string, name: string, environmentRegion: string | undefined): Promise<SourceTarget> {
  let outputs: StackOutputs;
  try {
    outputs = await (await stacks.select({ project: RESTORE_PROJECT, stack: name })).outputs();
  } catch (error) {
    if (error instanceof StackNotFoundError) {
      throw new UsageError(`Restore stack ${name} does not exist in this Pulumi backend (project ${RESTORE_PROJECT}); restore first with gametracker-dr restore --stack ${environment}, or check the name with pulumi stack ls.`);
    }
    throw error;
  }
  const address = str(outputs, RestoreOutputNames.address);
  const identifier = str(outputs, RestoreOutputNames.identifier);
  if (address === undefined || identifier === undefined) {
    throw new UsageError(`Restore stack ${name} has no ${RestoreOutputNames.address} output, so its restore never finished; resume it with gametracker-dr restore --stack ${environment} --resume <id>, or restore again.`);
  }
  const purpose = str(outputs, RestoreOutputNames.purpose);
  if (purpose !== undefined && purpose !== "cutover") {
    throw new UsageError(`Restore stack ${name} was made for a ${purpose}, without deletion protection; restore for cut-over with gametracker-dr restore --stack ${environment}.`);
  }
  const otherRegion = crossRegionSourceProblem(environment, environmentRegion, name, str(outputs, RestoreOutputNames.region));
  if (otherRegion !== undefined) throw new UsageError(otherRegion);
  const instance = await describeInstance({ rds }, identifier);
  if (instance === undefined) {
    throw new UsageError(`Restore stack ${name}'s instance ${identifier} no longer exists in RDS; restore again with gametracker-dr restore --stack ${environment}.`);
  }
  const status = instance.DBInstanceStatus;
  if (status !== "available") {
    throw new UsageError(`Restore stack ${name}'s instance ${identifier} is ${status ?? "in an unknown state"}, not available; wait until it is available (aws rds describe-db-instances) and run the cut-over again.`);
  }
  return { source: name, identifier, address, port: num(outputs, RestoreOutputNames.port) };
}
