import { DBInstance } from "@aws-sdk/client-rds";
import { Clock } from "../clock";
import { OperationError, UsageError } from "../errors";
import { formatDuration } from "../output";
import { waitFor } from "../wait";
import { countRegionManualSnapshots, findSnapshot, RdsTarget, requireInstance, SnapshotInfo, startSnapshot, tagMap } from "../aws/rds";
import { normalizeRdsIdentifier, snapshotIdentifierProblem } from "../../contracts/aws-names";
import { CREATED_BY_TAG } from "../../contracts/tags";
import { defaultSnapshotName } from "./naming";
import { manualSnapshotQuotaWarning } from "./quota";

/**
 * `snapshots create`: a manual snapshot of the environment's instance, tagged as this
 * tool's, checked before RDS is asked (name valid and free, instance there and
 * available) and, unless told not to, waited for until it is `available`.
 */
export const DEFAULT_SNAPSHOT_TIMEOUT = "2h";

/** How a command that makes a snapshot waits for it and reports (create, copy). */
export interface SnapshotWaitOptions {
  /** Wait until the snapshot is `available` (`--no-wait`: return once RDS has started it). */
  wait: boolean;
  timeoutMs: number;
  clock: Clock;
  random?: () => number;
  onProgress?: (message: string) => void;
  onWarning?: (message: string) => void;
}

export interface CreateSnapshotRequest extends SnapshotWaitOptions {
  instanceIdentifier: string;
  /** The snapshot identifier; `<instance>-manual-<UTC yyyyMMddHHmmss>` when omitted. */
  name?: string;
}

export interface CreateSnapshotResult {
  instance: DBInstance;
  snapshot: SnapshotInfo;
  /** Whether the command waited for `available` (false with --no-wait). */
  waited: boolean;
  elapsedMs: number;
}

/** Checks the requested name; returns the identifier RDS will store (lowercase). Pure. */
export function snapshotIdentifierFor(instanceIdentifier: string, name: string | undefined, now: Date): string {
  if (name === undefined) return defaultSnapshotName(instanceIdentifier, now);
  const problem = snapshotIdentifierProblem(name, "any-case");
  if (problem !== undefined) {
    throw new UsageError(
      `Invalid snapshot name "${name}": ${problem}; use 1-255 letters, digits and single hyphens, starting with a letter (or omit --name for ${instanceIdentifier}-manual-<timestamp>).`,
    );
  }
  return normalizeRdsIdentifier(name);
}

/**
 * The new snapshot's tags: this tool's created-by tag, plus the instance's own when it
 * asks for them (CopyTagsToSnapshot), because passing any tags stops RDS copying them. Pure.
 */
export function snapshotTags(instance: DBInstance): Record<string, string> {
  const own = instance.CopyTagsToSnapshot ? tagMap(instance.TagList) : {};
  return { ...own, [CREATED_BY_TAG.key]: CREATED_BY_TAG.value };
}

export async function createSnapshot(aws: RdsTarget, request: CreateSnapshotRequest): Promise<CreateSnapshotResult> {
  const started = request.clock.now();
  const identifier = snapshotIdentifierFor(request.instanceIdentifier, request.name, started);
  const instance = await requireInstance(aws, request.instanceIdentifier);
  if (instance.DBInstanceStatus !== "available") {
    throw new OperationError(
      `DB instance ${request.instanceIdentifier} is ${instance.DBInstanceStatus ?? "in an unknown state"} and RDS only snapshots an available instance; wait until it is available and retry (nothing was created).`,
    );
  }
  const existing = await findSnapshot(aws, identifier);
  if (existing !== undefined) {
    throw new UsageError(
      `DB snapshot ${identifier} already exists (${existing.type}, ${existing.status}, of ${existing.instanceIdentifier}); choose another --name or omit it for a timestamped one.`,
    );
  }
  const warning = manualSnapshotQuotaWarning((await countRegionManualSnapshots(aws)) + 1, aws.region);
  if (warning !== undefined) request.onWarning?.(warning);

  const snapshot = await startSnapshot(aws, request.instanceIdentifier, identifier, snapshotTags(instance));
  request.onProgress?.(`started DB snapshot ${identifier} of ${request.instanceIdentifier}`);
  if (!request.wait) return { instance, snapshot, waited: false, elapsedMs: request.clock.now().getTime() - started.getTime() };

  const available = await waitForSnapshotAvailable(aws, identifier, request);
  return { instance, snapshot: available, waited: true, elapsedMs: request.clock.now().getTime() - started.getTime() };
}

/** States a snapshot never leaves on its way to `available`. */
const DEAD_END = new Set(["failed", "deleted", "deleting", "incompatible-restore", "incompatible-parameters"]);

/** Polls (≥ 5 s apart, with backoff) until the snapshot is `available`; an OperationError when it fails, vanishes or takes longer than the timeout. */
export async function waitForSnapshotAvailable(
  aws: RdsTarget,
  identifier: string,
  options: { clock: Clock; timeoutMs: number; random?: () => number; onProgress?: (message: string) => void },
): Promise<SnapshotInfo> {
  const started = options.clock.now().getTime();
  return waitFor<SnapshotInfo>({
    what: `DB snapshot ${identifier} to be available`,
    clock: options.clock,
    timeoutMs: options.timeoutMs,
    ...(options.random !== undefined ? { random: options.random } : {}),
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
    probe: async () => {
      const current = await findSnapshot(aws, identifier);
      const elapsed = formatDuration(options.clock.now().getTime() - started);
      if (current === undefined) {
        throw new OperationError(`DB snapshot ${identifier} disappeared after ${elapsed} of waiting (deleted by someone else?); check aws rds describe-events --source-type db-snapshot and retry.`);
      }
      if (current.status === "available") return { done: true, value: current };
      if (DEAD_END.has(current.status)) {
        throw new OperationError(`DB snapshot ${identifier} ended ${current.status} after ${elapsed} instead of becoming available; check aws rds describe-events --source-identifier ${identifier} --source-type db-snapshot.`);
      }
      return { done: false, status: current.status };
    },
  });
}
