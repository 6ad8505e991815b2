import { instanceIdentifierProblem, MAX_INSTANCE_IDENTIFIER_LENGTH, normalizeRdsIdentifier } from "../../contracts/aws-names";
import { UsageError } from "../errors";

/**
 * Names of the things a restore or a drill creates. Every name derives from the source
 * instance, the environment and a short id, so that `--resume <id>` finds the same stack
 * and instance again instead of creating a second one.
 */

/**
 * A drill or restore id: the UTC minute it started (`yyyyMMddHHmm`, so ids sort by time)
 * and four random characters (two drills started in the same minute don't collide).
 */
export function newRunId(now: Date, random: () => number): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}`;
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  let suffix = "";
  for (let i = 0; i < 4; i++) suffix += alphabet[Math.min(alphabet.length - 1, Math.floor(random() * alphabet.length))];
  return stamp + suffix;
}

/** The shape of an id this tool generates (also accepted from `--resume`). */
export const RUN_ID_PATTERN = /^\d{12}[a-z0-9]{4}$/;

/** When the run of an id started (its UTC minute), or undefined for a string this tool could not have made. */
export function runIdTime(id: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})[a-z0-9]{4}$/.exec(id);
  if (m === null) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute));
  // Date.UTC rolls over (month 13, hour 25): such an id was not made by newRunId.
  return time.getUTCMonth() === month - 1 && time.getUTCDate() === day && time.getUTCHours() === hour ? time : undefined;
}

/**
 * When the run that made a restore or drill stack started, from the id at the end of its
 * name (`dev-drill-202612071922k3x9`): the age of a stack that was never deployed.
 */
export function runStartOfStack(stackName: string): Date | undefined {
  const id = /-(?:restore|drill)-([0-9]{12}[a-z0-9]{4})$/.exec(stackName)?.[1];
  return id === undefined ? undefined : runIdTime(id);
}

/** Refuses a `--resume` id that this tool could not have printed. */
export function parseRunId(id: string, flag = "--resume"): string {
  if (!RUN_ID_PATTERN.test(id)) {
    throw new UsageError(
      `${flag} ${JSON.stringify(id)} is not a run id; pass the id printed when the drill or restore started (12 digits and 4 lowercase letters or digits, e.g. 202611251200k3x9).`,
    );
  }
  return id;
}

/** The default identifier of a restore meant for cut-over: `<source>-restore` (the seed's `gametracker-mssql-restore`). */
export function restoreTargetIdentifier(source: string): string {
  return withSuffix(source, "-restore");
}

/** A drill's instance: `<source>-drill-<id>`, shortening the source part so the id always survives the 63-character limit. */
export function drillTargetIdentifier(source: string, drillId: string): string {
  return withSuffix(source, `-drill-${drillId}`);
}

function withSuffix(source: string, suffix: string): string {
  const room = MAX_INSTANCE_IDENTIFIER_LENGTH - suffix.length;
  const head = source.slice(0, room).replace(/-+$/, "");
  return normalizeRdsIdentifier(head + suffix);
}

/** Refuses an invalid `--target-id` with the rule it breaks. */
export function parseTargetIdentifier(identifier: string): string {
  const problem = instanceIdentifierProblem(identifier, "any-case");
  if (problem !== undefined) {
    throw new UsageError(`--target-id ${JSON.stringify(identifier)} is not a valid RDS instance identifier: ${problem}; choose another name.`);
  }
  return normalizeRdsIdentifier(identifier);
}
