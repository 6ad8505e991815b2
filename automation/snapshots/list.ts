import { describeInstance, listAutomatedBackups, listInstanceSnapshots, RdsTarget, unknownInstance, windowOf } from "../aws/rds";
import { SnapshotList, snapshotList } from "./list-report";

/**
 * `snapshots list`: the instance's recovery points in one region — its snapshots (and
 * the copies made there), its point-in-time window, retained and replicated automated
 * backups — read from RDS (three Describe calls) and shaped by the pure list-report.ts.
 * The instance itself need not exist there: a copy region and a deleted primary are
 * exactly where this list matters.
 */
export async function loadSnapshotList(aws: RdsTarget, request: { instanceIdentifier: string; declared: string[]; now: Date }): Promise<SnapshotList> {
  const id = request.instanceIdentifier;
  const instance = await describeInstance(aws, id);
  const snapshots = await listInstanceSnapshots(aws, id);
  const backups = await listAutomatedBackups(aws, { instanceIdentifier: id });
  if (instance === undefined && snapshots.length === 0 && backups.length === 0) throw unknownInstance(aws.region, id, "no instance, snapshot or automated backups");
  const window = instance === undefined ? { earliest: undefined, latest: undefined, earliestSource: "unknown" as const } : windowOf(instance, backups, snapshots);
  return snapshotList({ instanceIdentifier: id, region: aws.region, instanceExists: instance !== undefined, snapshots, window, backups, declared: request.declared, now: request.now });
}
