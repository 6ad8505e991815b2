import { countRegionManualSnapshots, deleteSnapshot, describeInstance, listInstanceSnapshots, RdsTarget, SnapshotInfo, unknownInstance } from "../aws/rds";
import { OperationError } from "../errors";
import { createdByTool } from "./model";
import { PrunePlan, planPrune } from "./prune-plan";

/**
 * `snapshots prune`, split where the operator must look: `loadPrunePlan` reads and plans
 * (nothing changes), the command shows the plan and asks, `executePrune` deletes exactly
 * the planned snapshots. It works per region (the quota of 100 manual snapshots counts
 * there): in a copy region, the instance's snapshots are the copies made there.
 */
export interface PruneRequest {
  instanceIdentifier: string;
  keepLast: number;
  olderThanMs: number | undefined;
  declared: string[];
  now: Date;
}

export interface LoadedPrunePlan {
  plan: PrunePlan;
  /** Manual snapshots in the whole region, for the quota warning. */
  regionManualSnapshots: number;
}

export async function loadPrunePlan(aws: RdsTarget, request: PruneRequest): Promise<LoadedPrunePlan> {
  const snapshots = await listInstanceSnapshots(aws, request.instanceIdentifier);
  if (snapshots.length === 0 && (await describeInstance(aws, request.instanceIdentifier)) === undefined) {
    throw unknownInstance(aws.region, request.instanceIdentifier, "no instance or snapshot");
  }
  const regionManualSnapshots = await countRegionManualSnapshots(aws);
  return {
    plan: planPrune({ snapshots, keepLast: request.keepLast, olderThanMs: request.olderThanMs, now: request.now, declared: request.declared }),
    regionManualSnapshots,
  };
}

export interface PruneOutcome {
  deleted: string[];
  /** Planned but already gone when deleted (someone else removed it meanwhile). */
  alreadyGone: string[];
  failed: Array<{ identifier: string; error: string }>;
}

/**
 * Deletes the planned snapshots one by one; one failure does not stop the rest (each
 * deletion is independent and a re-run plans again from what is left).
 */
export async function executePrune(aws: RdsTarget, plan: PrunePlan, onProgress?: (message: string) => void): Promise<PruneOutcome> {
  const outcome: PruneOutcome = { deleted: [], alreadyGone: [], failed: [] };
  for (const snapshot of plan.delete) {
    try {
      if (await deleteToolSnapshot(aws, snapshot)) {
        outcome.deleted.push(snapshot.identifier);
        onProgress?.(`deleted DB snapshot ${snapshot.identifier}`);
      } else {
        outcome.alreadyGone.push(snapshot.identifier);
      }
    } catch (error) {
      if (!(error instanceof OperationError)) throw error;
      outcome.failed.push({ identifier: snapshot.identifier, error: error.message });
    }
  }
  return outcome;
}

/**
 * Deletes a manual snapshot this tool created, and nothing else: the guard repeats the
 * prune plan's rules so that no future caller can delete an automated or hand-made
 * snapshot by mistake. Returns false when the snapshot was already gone.
 */
async function deleteToolSnapshot(aws: RdsTarget, snapshot: SnapshotInfo): Promise<boolean> {
  if (snapshot.type !== "manual" || !createdByTool(snapshot)) {
    throw new OperationError(
      `Refusing to delete DB snapshot ${snapshot.identifier}: it is ${snapshot.type !== "manual" ? `an ${snapshot.type} snapshot` : "not tagged created-by=gametracker-dr"}; this tool only deletes manual snapshots it created.`,
    );
  }
  return deleteSnapshot(aws, snapshot.identifier);
}
