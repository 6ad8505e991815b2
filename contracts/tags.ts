/**
 * The tag vocabulary: every tag key this project writes or reads, and the purposes a
 * database can have. The components write these tags, the policy pack and `cleanup`
 * key on them, and `verify` checks them, so each key is spelt exactly once, here.
 */

export const TagKeys = {
  /** The environment (stack name) a resource belongs to. */
  environment: "gametracker:environment",
  /** `<project>/<stack>` that manages the resource. */
  stack: "gametracker:stack",
  managedBy: "gametracker:managed-by",
  /** What a resource is for: `assets` on the assets bucket, which the policy pack looks for. */
  role: "gametracker:role",
  component: "gametracker:component",
  /** `primary`, `cutover` or `drill` on every database resource. */
  purpose: "gametracker:purpose",
  /** `manual` on the snapshots the Database component declares. */
  snapshot: "gametracker:snapshot",
  /** On an instance restored by a drill: the drill id. Cleanup finds drill leftovers by it. */
  drillId: "gametracker:drill-id",
  /** On a restored instance: the recovery point it was restored from (`snapshot:<id>`, `time:<ISO>`, …). */
  recoveryPoint: "gametracker:recovery-point",
  /** On a restored instance and on a snapshot copy: the instance whose backups it came from. */
  sourceInstance: "gametracker:source-instance",
  /** On a snapshot copy (`snapshots copy`): the ARN of the snapshot it was copied from. */
  sourceSnapshot: "gametracker:source-snapshot",
  /** On a snapshot copy: the region of the snapshot it was copied from (a copy's own answer names its region only). */
  sourceRegion: "gametracker:source-region",
  /**
   * On an assets bucket that receives S3 Replication: the bucket it is the replica of. The
   * policy pack refuses such a bucket without Object Lock or versioning.
   */
  replicaOf: "gametracker:replica-of",
} as const;

/** The value of TagKeys.role on the assets bucket. */
export const ASSETS_ROLE = "assets";

/** Manual snapshots `gametracker-dr snapshots create` takes carry this tag; `prune` only ever deletes those. */
export const CREATED_BY_TAG = { key: "created-by", value: "gametracker-dr" } as const;

/** Why a restored instance exists: a drill (disposable) or a cut-over target (production). */
export type RestorePurpose = "drill" | "cutover";
export const RESTORE_PURPOSES: readonly RestorePurpose[] = ["drill", "cutover"];

/** Every database the Database component makes is one of these. */
export type DatabasePurpose = "primary" | RestorePurpose;

/** The environment-wide tags: environment (the stack name), `<project>/<stack>`, managed by pulumi. */
export function environmentTags(project: string, stack: string): Record<string, string> {
  return {
    [TagKeys.environment]: stack,
    [TagKeys.stack]: `${project}/${stack}`,
    [TagKeys.managedBy]: "pulumi",
  };
}
