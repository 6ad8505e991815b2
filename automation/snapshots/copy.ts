import { OperationError, UsageError } from "../errors";
import { countRegionManualSnapshots, findSnapshot, listInstanceSnapshots, RdsTarget, SnapshotInfo, startSnapshotCopy, unknownInstance } from "../aws/rds";
import { normalizeRdsIdentifier, parseKmsArn, regionNameProblem } from "../../contracts/aws-names";
import { CREATED_BY_TAG, TagKeys } from "../../contracts/tags";
import { SnapshotWaitOptions, waitForSnapshotAvailable } from "./create";
import { newestFirst } from "./model";
import { manualSnapshotQuotaWarning } from "./quota";

/**
 * `snapshots copy`: a copy of one of the instance's snapshots in another region, so a
 * restore there works when the home region does not. Everything is checked before RDS
 * is asked (the snapshot there and available, the region another one, a KMS key of that
 * region for an encrypted snapshot, the copy's name free there); the copy is tagged as
 * this tool's (so `prune` in that region may delete it) with where it came from, and,
 * unless told not to, waited for until it is `available`.
 */
export interface CopySnapshotRequest extends SnapshotWaitOptions {
  instanceIdentifier: string;
  /** The snapshot to copy (`--name`); the newest available snapshot of the instance when omitted. */
  name?: string;
  toRegion: string;
  /** A KMS key of the destination region (ARN, key id or alias); required for an encrypted snapshot. */
  kmsKeyId?: string;
}

export interface CopySnapshotResult {
  source: SnapshotInfo;
  sourceRegion: string;
  copy: SnapshotInfo;
  region: string;
  waited: boolean;
  elapsedMs: number;
}

/** The copy's identifier: the source's, without an automated snapshot's `rds:` prefix (RDS reserves it). Pure. */
export function copyIdentifierFor(source: SnapshotInfo): string {
  return normalizeRdsIdentifier(source.identifier.replace(/^rds:/, ""));
}

/** The copy's tags: the source's own (passing tags stops RDS copying them), this tool's, and where it came from. Pure. */
export function copyTags(source: SnapshotInfo, sourceArn: string, sourceRegion: string): Record<string, string> {
  return {
    ...source.tags,
    [CREATED_BY_TAG.key]: CREATED_BY_TAG.value,
    [TagKeys.sourceInstance]: source.instanceIdentifier,
    [TagKeys.sourceSnapshot]: sourceArn,
    [TagKeys.sourceRegion]: sourceRegion,
  };
}

/** The sentence for a `--to-region` that is no region name. */
export function toRegionProblem(toRegion: string, problem: string): string {
  return `Invalid --to-region ${JSON.stringify(toRegion)}: ${problem}; give the region to copy to (aws ec2 describe-regions lists them).`;
}

/** Why this copy can't be made, or undefined; everything that needs no further AWS call. Pure. */
export function copyProblem(source: SnapshotInfo, request: { toRegion: string; kmsKeyId?: string }, sourceRegion: string): string | undefined {
  const regionProblem = regionNameProblem(request.toRegion);
  if (regionProblem !== undefined) return toRegionProblem(request.toRegion, regionProblem);
  if (request.toRegion === sourceRegion) {
    return `--to-region ${request.toRegion} is the region snapshot ${source.identifier} is already in; copy it to the region a restore must work in when ${sourceRegion} does not (e.g. the standby region).`;
  }
  if (source.status !== "available") {
    return `Snapshot ${source.identifier} is ${source.status}, not available; RDS copies only an available snapshot, so wait for it (gametracker-dr snapshots list) and copy it then.`;
  }
  if (source.encrypted && request.kmsKeyId === undefined) {
    return `Snapshot ${source.identifier} is encrypted, and its KMS key exists only in ${sourceRegion}; pass --kms-key <ARN or alias of a key in ${request.toRegion}> to encrypt the copy there.`;
  }
  const keyRegion = request.kmsKeyId === undefined ? undefined : parseKmsArn(request.kmsKeyId)?.region;
  if (keyRegion !== undefined && keyRegion !== request.toRegion) {
    return `--kms-key ${request.kmsKeyId} is a key of ${keyRegion}, but the copy is made in ${request.toRegion}; pass a key of ${request.toRegion}.`;
  }
  if (!source.encrypted && request.kmsKeyId !== undefined && source.engine === "sqlserver-ex") {
    return `--kms-key was given, but snapshot ${source.identifier} is of SQL Server Express, which has no encryption at rest; leave --kms-key out.`;
  }
  return undefined;
}

/** The snapshot to copy: the one named, else the newest available one of the instance; UsageError when there is none. */
async function sourceSnapshot(aws: RdsTarget, request: CopySnapshotRequest): Promise<SnapshotInfo> {
  if (request.name !== undefined) {
    const found = await findSnapshot(aws, request.name);
    if (found === undefined) {
      throw new UsageError(`Snapshot ${request.name} does not exist in ${aws.region}; gametracker-dr snapshots list --db-instance ${request.instanceIdentifier} shows the ones there are.`);
    }
    return found;
  }
  const snapshots = await listInstanceSnapshots(aws, request.instanceIdentifier);
  if (snapshots.length === 0) throw unknownInstance(aws.region, request.instanceIdentifier, "no snapshot");
  const newest = snapshots.filter((s) => s.status === "available" && s.createdAt !== undefined).sort(newestFirst)[0];
  if (newest === undefined) {
    throw new UsageError(`${request.instanceIdentifier} has no available snapshot in ${aws.region} to copy; take one with gametracker-dr snapshots create, or name one with --name.`);
  }
  return newest;
}

export async function copySnapshot(source: RdsTarget, destination: RdsTarget, request: CopySnapshotRequest): Promise<CopySnapshotResult> {
  const started = request.clock.now();
  const snapshot = await sourceSnapshot(source, request);
  const problem = copyProblem(snapshot, request, source.region);
  if (problem !== undefined) throw new UsageError(problem);
  // A copy from another region names its source by ARN; RDS reports one on every snapshot.
  const sourceArn = snapshot.arn;
  if (sourceArn === undefined) throw new OperationError(`RDS reports no ARN for DB snapshot ${snapshot.identifier}, so it cannot be named to ${request.toRegion}; retry, or copy it with aws rds copy-db-snapshot.`);
  const target = copyIdentifierFor(snapshot);
  const existing = await findSnapshot(destination, target);
  if (existing !== undefined) {
    throw new UsageError(
      `DB snapshot ${target} already exists in ${destination.region} (${existing.type}, ${existing.status}${existing.copiedFrom !== undefined ? `, a copy from ${existing.copiedFrom}` : ""}); copy another snapshot with --name, or remove that one first (gametracker-dr snapshots prune --region ${destination.region}).`,
    );
  }
  const warning = manualSnapshotQuotaWarning((await countRegionManualSnapshots(destination)) + 1, destination.region);
  if (warning !== undefined) request.onWarning?.(warning);

  const copy = await startSnapshotCopy(destination, {
    sourceArn,
    targetIdentifier: target,
    ...(request.kmsKeyId !== undefined ? { kmsKeyId: request.kmsKeyId } : {}),
    tags: copyTags(snapshot, sourceArn, source.region),
  });
  request.onProgress?.(`started copy ${target} of DB snapshot ${snapshot.identifier} from ${source.region} to ${destination.region}`);
  const elapsed = () => request.clock.now().getTime() - started.getTime();
  if (!request.wait) return { source: snapshot, sourceRegion: source.region, copy, region: destination.region, waited: false, elapsedMs: elapsed() };
  const available = await waitForSnapshotAvailable(destination, target, request);
  return { source: snapshot, sourceRegion: source.region, copy: available, region: destination.region, waited: true, elapsedMs: elapsed() };
}
