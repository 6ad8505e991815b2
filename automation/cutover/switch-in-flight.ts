/**
 * A switch of `databaseSource` that a killed cut-over or rollback left unapplied. The
 * switch sets the environment stack's config first and applies it with `up` after its
 * preview; a kill in between (or during the `up`) leaves the config naming a database the
 * API does not use. So before it changes the config, a switch records itself in a stack
 * tag (tags live in the backend, where any process on any machine reads them), and removes
 * the tag once the `up` is done or the config is put back. The next cut-over or rollback
 * that finds the tag settles it first, by what AWS shows — pure:
 *
 * - the API's Lambda already names the switch's target: the switch reached AWS (the kill
 *   came during or after the `up`), so it is finished — the config keeps (or gets) the
 *   target, and the run applies the stack again, since its state may lag behind;
 * - otherwise it never reached AWS: it is undone — the config goes back to what it was,
 *   unless someone changed it since (then it is left alone).
 *
 * Meanwhile a plain `pulumi up` of the stack applies whatever its config says, as for any
 * config change: on the machine of the killed run (whose stack file holds the switch), that
 * completes the switch without the cut-over's guard. The next cut-over or rollback then
 * finds the Lambda on the target and finishes it.
 */
import { DATABASE_SOURCE_KEY } from "../../contracts/stacks";

/** The stack tag of a switch in flight. */
export const SWITCH_TAG = "gametracker:switch-in-flight";

export interface SwitchInFlight {
  /** The source the API used before (`primary` or a restore stack). */
  from: string;
  to: string;
  /** The raw config value before the switch; null when it was unset. */
  was: string | null;
  /** The target's database host, as the Lambda's URL would name it. */
  host: string | undefined;
  /** When the switch started (ISO-8601). */
  at: string | undefined;
}

/** Pulumi's limit on a stack tag value. */
const MAX_TAG_VALUE = 256;

/** The tag's value: JSON, shortened to fit a tag by leaving out first the time, then the host. */
export function encodeSwitch(inFlight: SwitchInFlight): string {
  const full = JSON.stringify(inFlight);
  if (full.length <= MAX_TAG_VALUE) return full;
  const { at: _at, ...withoutTime } = inFlight;
  const shorter = JSON.stringify(withoutTime);
  if (shorter.length <= MAX_TAG_VALUE) return shorter;
  const { host: _host, ...bare } = withoutTime;
  return JSON.stringify(bare);
}

/** The switch a tag records; undefined when there is none or the tag is not one this tool wrote. */
export function decodeSwitch(value: string | undefined): SwitchInFlight | undefined {
  if (value === undefined || value === "") return undefined;
  try {
    const raw = JSON.parse(value) as Record<string, unknown>;
    if (typeof raw.from !== "string" || typeof raw.to !== "string") return undefined;
    return {
      from: raw.from,
      to: raw.to,
      was: typeof raw.was === "string" ? raw.was : null,
      host: typeof raw.host === "string" ? raw.host : undefined,
      at: typeof raw.at === "string" ? raw.at : undefined,
    };
  } catch {
    return undefined;
  }
}

export type Settlement =
  /** Set the config to `to` (undefined: it already says so); the run must apply the stack. */
  | { action: "finish"; setConfig: string | undefined; note: string }
  /** Put the config back to `value` (null: remove it); `restore` undefined: leave the config as it is. */
  | { action: "undo"; restore: { value: string | null } | undefined; note: string };

/**
 * How to settle a switch found in flight. `configured` is the config now; `reachedAws`
 * whether the Lambda's datasource names the switch's target host.
 */
export function settleSwitch(inFlight: SwitchInFlight, configured: string | undefined, reachedAws: boolean): Settlement {
  const started = inFlight.at === undefined ? "" : ` (started ${inFlight.at})`;
  if (reachedAws) {
    return {
      action: "finish",
      setConfig: configured === inFlight.to ? undefined : inFlight.to,
      note: `an interrupted switch of ${DATABASE_SOURCE_KEY} from ${inFlight.from} to ${inFlight.to}${started} had already reached the API's Lambda; it is finished: ${DATABASE_SOURCE_KEY} is ${inFlight.to} and the stack is applied again`,
    };
  }
  if (configured !== inFlight.to) {
    return {
      action: "undo",
      restore: undefined,
      note: `an interrupted switch of ${DATABASE_SOURCE_KEY} from ${inFlight.from} to ${inFlight.to}${started} never reached the API's Lambda; ${DATABASE_SOURCE_KEY} was changed since (it is ${configured ?? "unset"}) and is left as it is`,
    };
  }
  return {
    action: "undo",
    restore: { value: inFlight.was },
    note: `undid an interrupted switch of ${DATABASE_SOURCE_KEY} from ${inFlight.from} to ${inFlight.to}${started}, which never reached the API's Lambda: ${DATABASE_SOURCE_KEY} is back to ${inFlight.was ?? `${inFlight.from} (unset)`}`,
  };
}
