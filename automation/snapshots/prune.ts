import { countRegionManualSnapshots, listInstanceSnapshots, RdsTarget, requireInstance } from "../aws/rds";
import { OperationError } from "../errors";
import { PrunePlan, planPrune } from "./prune-plan";
import { deleteToolSnapshot } from "./rds-writes";

/**
 * `snapshots prune`, split where the operator must look: `loadPrunePlan` reads and plans
 * (nothing changes), the command shows the plan and asks, `executePrune` deletes exactly
 * the planned snapshots.
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
  await requireInstance(aws, request.instanceIdentifier);
  const snapshots = await listInstanceSnapshots(aws, request.instanceIdentifier);
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
