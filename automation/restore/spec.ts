import { UsageError } from "../errors";
import { RESTORE_PURPOSES, RestorePurpose } from "../../contracts/tags";
import { PointInTimeSource, RecoveryPoint } from "./recovery-point";
import { decodeValidationPlan, encodeValidationPlan, ValidationPlan } from "../validation/plan";

/**
 * The restore spec: everything a restore stack's program needs to make its instance and
 * everything the driver needs to resume, verify and report it. It is encoded once, as
 * JSON, and kept in two places:
 *
 * - the restore stack's TAGS, in the Pulumi backend. That is the record: written before
 *   anything is created, and readable by any process on any machine (`--resume`,
 *   `cutover`, `cleanup`), where an inline project's stack config would not be — it
 *   lives in a temporary work directory and is gone with the process that wrote it;
 * - the stack's CONFIG (`gametracker-restore:spec`), rewritten from the tags before
 *   every update, because config is how a Pulumi program receives its input.
 *
 * Pure: encoding, decoding and the tag layout. Stack tag values are limited to 256
 * characters, so the JSON is split over numbered tags.
 */
export interface RestoreSpec {
  environment: string;
  purpose: RestorePurpose;
  drillId: string | undefined;
  /** The region the restore stack's AWS provider works in: the recovery point's (its snapshot's, its backups'). */
  region: string;
  /** The environment's database identifier: the instance whose data this is (also when it is deleted, or lives in another region). */
  sourceDbInstanceIdentifier: string;
  point: RecoveryPoint;
  targetIdentifier: string;
  instanceClass: string | undefined;
  multiAz: boolean;
  dbSubnetGroupName: string;
  securityGroupIds: string[];
  backupRetentionDays: number | undefined;
  /** When the drill (or restore) started: RPO and RTO are measured from here, also after a resume. */
  startedAt: Date;
  /** The data validation after verify (validation/plan.ts); for the bundled validator, also what the program deploys. */
  validation?: ValidationPlan;
}

/** The restore program's one config key (project `gametracker-restore`). */
export const SPEC_CONFIG_KEY = "spec";
/** The stack tags holding the spec: `gametracker:spec.1`, `gametracker:spec.2`, … */
export const SPEC_TAG_PREFIX = "gametracker:spec.";
/** Pulumi's limit on a stack tag value. */
export const MAX_TAG_VALUE = 256;
const VERSION = 1;

/** The spec as JSON text (dates as ISO-8601). */
export function encodeRestoreSpec(spec: RestoreSpec): string {
  const { point, startedAt, validation, ...rest } = spec;
  // An undefined validation is left out by JSON.stringify: a spec without one reads as before.
  return JSON.stringify({ v: VERSION, ...rest, startedAt: startedAt.toISOString(), point: { ...point, time: point.time.toISOString() }, validation: validation && encodeValidationPlan(validation) });
}

/** The stack tags that record `json`, in order. */
export function specTags(json: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let i = 0, n = 1; i < json.length; i += MAX_TAG_VALUE, n++) tags[`${SPEC_TAG_PREFIX}${n}`] = json.slice(i, i + MAX_TAG_VALUE);
  return tags;
}

/** The JSON recorded in a stack's tags; undefined when the stack carries no spec. */
export function specFromTags(tags: Record<string, string>): string | undefined {
  let json = "";
  for (let n = 1; tags[`${SPEC_TAG_PREFIX}${n}`] !== undefined; n++) json += tags[`${SPEC_TAG_PREFIX}${n}`];
  return json === "" ? undefined : json;
}

/**
 * Reads a spec back. A spec that does not parse or lacks a field was not written by this
 * tool (or was edited by hand): refused by name, so nothing acts on a guess.
 */
export function decodeRestoreSpec(json: string, stackName: string): RestoreSpec {
  const refuse = (why: string): never => {
    throw new UsageError(`Restore stack ${stackName} has ${why}, so it cannot be resumed or verified; remove it with gametracker-dr cleanup and start a new restore.`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return refuse("an unreadable restore spec in its tags");
  }
  if (raw === null || typeof raw !== "object") return refuse("an unreadable restore spec in its tags");
  const r = raw as Record<string, unknown>;
  if (r.v !== VERSION) return refuse(`a restore spec of version ${JSON.stringify(r.v)} (this tool reads version ${VERSION})`);
  const str = (value: unknown, field: string): string => (typeof value === "string" && value !== "" ? value : refuse(`no ${field} in its restore spec`));
  const optStr = (value: unknown, field: string): string | undefined => (value === undefined ? undefined : str(value, field));
  const num = (value: unknown, field: string): number => (typeof value === "number" && Number.isFinite(value) ? value : refuse(`no ${field} in its restore spec`));
  const bool = (value: unknown, field: string): boolean => (typeof value === "boolean" ? value : refuse(`no ${field} in its restore spec`));
  const date = (value: unknown, field: string): Date => {
    const d = new Date(str(value, field));
    return Number.isNaN(d.getTime()) ? refuse(`an unreadable ${field} in its restore spec`) : d;
  };

  const purpose = str(r.purpose, "purpose");
  if (!(RESTORE_PURPOSES as readonly string[]).includes(purpose)) return refuse(`purpose ${purpose}, which is neither drill nor cutover`);
  const p = (r.point ?? {}) as Record<string, unknown>;
  const shape = {
    label: str(p.label, "point.label"),
    time: date(p.time, "point.time"),
    engine: str(p.engine, "point.engine"),
    engineVersion: str(p.engineVersion, "point.engineVersion"),
    minStorageGiB: num(p.minStorageGiB, "point.minStorageGiB"),
    storageEncrypted: bool(p.storageEncrypted, "point.storageEncrypted"),
    ...(p.kmsKeyId !== undefined ? { kmsKeyId: str(p.kmsKeyId, "point.kmsKeyId") } : {}),
  };
  const sourceInstance = str(r.sourceDbInstanceIdentifier, "sourceDbInstanceIdentifier");
  const pitrSource = (raw: unknown): PointInTimeSource => {
    // A spec written before there were other sources than the live primary has none: it meant the primary.
    if (raw === undefined) return { kind: "primary", instanceIdentifier: sourceInstance };
    const s = (raw ?? {}) as Record<string, unknown>;
    const instanceIdentifier = str(s.instanceIdentifier, "point.source.instanceIdentifier");
    switch (s.kind) {
      case "primary":
        return { kind: "primary", instanceIdentifier };
      case "retained":
        return { kind: "retained", instanceIdentifier, dbiResourceId: str(s.dbiResourceId, "point.source.dbiResourceId") };
      case "replica":
        return {
          kind: "replica",
          instanceIdentifier,
          automatedBackupsArn: str(s.automatedBackupsArn, "point.source.automatedBackupsArn"),
          sourceRegion: str(s.sourceRegion, "point.source.sourceRegion"),
        };
      default:
        return refuse(`a point-in-time source of kind ${JSON.stringify(s.kind)}`);
    }
  };
  let point: RecoveryPoint;
  switch (p.kind) {
    case "snapshot": {
      const copiedFrom = optStr(p.copiedFrom, "point.copiedFrom");
      point = {
        kind: "snapshot",
        snapshotIdentifier: str(p.snapshotIdentifier, "point.snapshotIdentifier"),
        snapshotType: str(p.snapshotType, "point.snapshotType"),
        ...(copiedFrom !== undefined ? { copiedFrom } : {}),
        ...shape,
      };
      break;
    }
    case "time":
    case "latest-restorable":
      point = { kind: p.kind, source: pitrSource(p.source), ...shape };
      break;
    default:
      return refuse(`a recovery point of kind ${JSON.stringify(p.kind)}`);
  }
  const drillId = optStr(r.drillId, "drillId");
  if (purpose === "drill" && drillId === undefined) return refuse("no drillId in its restore spec (a drill restore is tagged with it so cleanup can find it)");
  const groups = r.securityGroupIds;
  if (!Array.isArray(groups) || groups.length === 0 || !groups.every((g) => typeof g === "string" && g !== "")) return refuse("no securityGroupIds in its restore spec");
  const retention = r.backupRetentionDays;
  return {
    environment: str(r.environment, "environment"),
    purpose: purpose as RestorePurpose,
    drillId,
    region: str(r.region, "region"),
    sourceDbInstanceIdentifier: sourceInstance,
    point,
    targetIdentifier: str(r.targetIdentifier, "targetIdentifier"),
    instanceClass: optStr(r.instanceClass, "instanceClass"),
    multiAz: bool(r.multiAz, "multiAz"),
    dbSubnetGroupName: str(r.dbSubnetGroupName, "dbSubnetGroupName"),
    securityGroupIds: groups as string[],
    backupRetentionDays: retention === undefined ? undefined : num(retention, "backupRetentionDays"),
    startedAt: date(r.startedAt, "startedAt"),
    ...(r.validation !== undefined ? { validation: decodeValidationPlan(r.validation, refuse) } : {}),
  };
}
