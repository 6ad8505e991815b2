import { listInstanceSnapshots, RdsTarget, requireInstance, restoreWindow } from "../aws/rds";
import { SnapshotList, snapshotList } from "./list-report";

/**
 * `snapshots list`: the instance's snapshots and point-in-time window, read from RDS
 * (three Describe calls) and shaped by the pure list-report.ts.
 */
export async function loadSnapshotList(aws: RdsTarget, request: { instanceIdentifier: string; declared: string[]; now: Date }): Promise<SnapshotList> {
  const instance = await requireInstance(aws, request.instanceIdentifier);
  const snapshots = await listInstanceSnapshots(aws, request.instanceIdentifier);
  const window = await restoreWindow(aws, instance, snapshots);
  return snapshotList({ instanceIdentifier: request.instanceIdentifier, snapshots, window, declared: request.declared, now: request.now });
}
