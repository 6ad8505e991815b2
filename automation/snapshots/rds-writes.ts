import { CreateDBSnapshotCommand, DBInstance, DeleteDBSnapshotCommand, Tag } from "@aws-sdk/client-rds";
import { callAws, rethrowAws } from "../aws/errors";
import { isNotFound, RdsTarget, SnapshotInfo, snapshotInfo } from "../aws/rds";
import { OperationError } from "../errors";
import { createdByTool } from "./model";
import { CREATED_BY_TAG_KEY, CREATED_BY_TAG_VALUE } from "./naming";

/**
 * The only RDS writes of `snapshots` (create, prune), each wrapped so that a failure reads
 * as one sentence. The reads are the shared ones in aws/rds.ts.
 */

/**
 * Starts a manual snapshot tagged `created-by=gametracker-dr`. Passing tags stops RDS
 * from copying the instance's own tags, so when the instance asks for that
 * (CopyTagsToSnapshot) they are copied here.
 */
export async function startSnapshot(aws: RdsTarget, instance: DBInstance, identifier: string): Promise<SnapshotInfo> {
  const tags: Tag[] = (instance.CopyTagsToSnapshot ? (instance.TagList ?? []) : []).filter((t) => t.Key !== CREATED_BY_TAG_KEY);
  tags.push({ Key: CREATED_BY_TAG_KEY, Value: CREATED_BY_TAG_VALUE });
  const created = await callAws(`create DB snapshot ${identifier} of instance ${instance.DBInstanceIdentifier}`, () =>
    aws.rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: instance.DBInstanceIdentifier!, DBSnapshotIdentifier: identifier, Tags: tags })),
  );
  return snapshotInfo(created.DBSnapshot!);
}

/**
 * Deletes a manual snapshot this tool created, and nothing else: the guard repeats the
 * prune plan's rules so that no future caller can delete an automated or hand-made
 * snapshot by mistake. Returns false when the snapshot was already gone.
 */
export async function deleteToolSnapshot(aws: RdsTarget, snapshot: SnapshotInfo): Promise<boolean> {
  if (snapshot.type !== "manual" || !createdByTool(snapshot)) {
    throw new OperationError(
      `Refusing to delete DB snapshot ${snapshot.identifier}: it is ${snapshot.type !== "manual" ? `an ${snapshot.type} snapshot` : "not tagged created-by=gametracker-dr"}; this tool only deletes manual snapshots it created.`,
    );
  }
  try {
    await aws.rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: snapshot.identifier }));
    return true;
  } catch (error) {
    if (isNotFound(error, "snapshot")) return false;
    return rethrowAws(`delete DB snapshot ${snapshot.identifier}`, error);
  }
}
