import { UsageError } from "../errors";
import { RecoveryPoint } from "./recovery-point";
import { RestorePurpose } from "./verify";

/**
 * The restore stack's own config (`gametracker-restore:restore.*`): everything the
 * inline program needs and everything the driver needs to resume. The stack is thus
 * self-describing: `drill --resume <id>` reads the spec back from it instead of
 * choosing again. Pure: the driver writes these keys with `stack.setConfig`, the
 * program reads them with `pulumi.Config`.
 */
export const RestoreConfigKeys = {
  environment: "restore.environment",
  sourceDbInstanceIdentifier: "restore.sourceDbInstanceIdentifier",
  snapshotIdentifier: "restore.snapshotIdentifier",
  restoreTime: "restore.restoreTime",
  useLatestRestorableTime: "restore.useLatestRestorableTime",
  targetIdentifier: "restore.targetIdentifier",
  instanceClass: "restore.instanceClass",
  multiAz: "restore.multiAz",
  purpose: "restore.purpose",
  drillId: "restore.drillId",
  dbSubnetGroupName: "restore.dbSubnetGroupName",
  /** JSON array of security group ids. */
  securityGroupIds: "restore.securityGroupIds",
  backupRetentionDays: "restore.backupRetentionDays",
  /** Optional overrides; unset means "as the snapshot / source instance is". */
  edition: "restore.edition",
  engineVersion: "restore.engineVersion",
  // Driver bookkeeping (the program tags with the label; the rest is for resume and the report).
  recoveryPoint: "restore.recoveryPoint",
  recoveryPointTime: "restore.recoveryPointTime",
  snapshotType: "restore.snapshotType",
  expectedEngine: "restore.expectedEngine",
  expectedEngineVersion: "restore.expectedEngineVersion",
  minStorageGiB: "restore.minStorageGiB",
  startedAt: "restore.startedAt",
} as const;

export interface RestoreSpec {
  environment: string;
  sourceDbInstanceIdentifier: string;
  point: RecoveryPoint;
  targetIdentifier: string;
  instanceClass: string | undefined;
  multiAz: boolean;
  purpose: RestorePurpose;
  drillId: string | undefined;
  dbSubnetGroupName: string;
  securityGroupIds: string[];
  backupRetentionDays: number | undefined;
  /** When the drill (or restore) started: RPO and RTO are measured from here, also after a resume. */
  startedAt: Date;
}

/** The config a restore stack is given. Pure. */
export function restoreStackConfig(spec: RestoreSpec): Record<string, string> {
  const k = RestoreConfigKeys;
  const config: Record<string, string> = {
    [k.environment]: spec.environment,
    [k.sourceDbInstanceIdentifier]: spec.sourceDbInstanceIdentifier,
    [k.targetIdentifier]: spec.targetIdentifier,
    [k.multiAz]: String(spec.multiAz),
    [k.purpose]: spec.purpose,
    [k.dbSubnetGroupName]: spec.dbSubnetGroupName,
    [k.securityGroupIds]: JSON.stringify(spec.securityGroupIds),
    [k.recoveryPoint]: spec.point.label,
    [k.recoveryPointTime]: spec.point.time.toISOString(),
    [k.expectedEngine]: spec.point.engine,
    [k.expectedEngineVersion]: spec.point.engineVersion,
    [k.minStorageGiB]: String(spec.point.minStorageGiB),
    [k.startedAt]: spec.startedAt.toISOString(),
  };
  if (spec.instanceClass !== undefined) config[k.instanceClass] = spec.instanceClass;
  if (spec.drillId !== undefined) config[k.drillId] = spec.drillId;
  if (spec.backupRetentionDays !== undefined) config[k.backupRetentionDays] = String(spec.backupRetentionDays);
  switch (spec.point.kind) {
    case "snapshot":
      config[k.snapshotIdentifier] = spec.point.snapshotIdentifier;
      config[k.snapshotType] = spec.point.snapshotType;
      break;
    case "time":
      config[k.restoreTime] = spec.point.time.toISOString();
      break;
    case "latest-restorable":
      config[k.useLatestRestorableTime] = "true";
      break;
  }
  return config;
}

/**
 * Reads a spec back from a restore stack's config (for `--resume`). A stack whose config
 * is incomplete was not made by this tool or was edited by hand: refuse it by name.
 */
export function restoreSpecFromConfig(config: Record<string, string | undefined>, stackName: string): RestoreSpec {
  const k = RestoreConfigKeys;
  const need = (key: string): string => {
    const value = config[key];
    if (value === undefined || value === "") {
      throw new UsageError(`Restore stack ${stackName} has no ${key} config, so it cannot be resumed; destroy it with gametracker-dr cleanup and start a new drill.`);
    }
    return value;
  };
  const date = (key: string): Date => {
    const d = new Date(need(key));
    if (Number.isNaN(d.getTime())) throw new UsageError(`Restore stack ${stackName} has an unreadable ${key} (${config[key]}); destroy it with gametracker-dr cleanup and start a new drill.`);
    return d;
  };
  const purpose = need(k.purpose);
  if (purpose !== "drill" && purpose !== "cutover") throw new UsageError(`Restore stack ${stackName} has ${k.purpose} ${purpose}, which is neither drill nor cutover; it was not made by this tool.`);
  const base = {
    engine: need(k.expectedEngine),
    engineVersion: need(k.expectedEngineVersion),
    minStorageGiB: Number(need(k.minStorageGiB)),
    time: date(k.recoveryPointTime),
    label: need(k.recoveryPoint),
  };
  let point: RecoveryPoint;
  if (config[k.snapshotIdentifier] !== undefined) {
    point = { kind: "snapshot", snapshotIdentifier: need(k.snapshotIdentifier), snapshotType: config[k.snapshotType] ?? "unknown", ...base };
  } else if (config[k.restoreTime] !== undefined) {
    point = { kind: "time", ...base };
  } else if (config[k.useLatestRestorableTime] === "true") {
    point = { kind: "latest-restorable", ...base };
  } else {
    throw new UsageError(`Restore stack ${stackName} names no recovery point (${k.snapshotIdentifier}, ${k.restoreTime} or ${k.useLatestRestorableTime}); it cannot be resumed.`);
  }
  let securityGroupIds: unknown;
  try {
    securityGroupIds = JSON.parse(need(k.securityGroupIds));
  } catch {
    securityGroupIds = undefined;
  }
  if (!Array.isArray(securityGroupIds) || !securityGroupIds.every((s) => typeof s === "string")) {
    throw new UsageError(`Restore stack ${stackName} has an unreadable ${k.securityGroupIds} (${config[k.securityGroupIds]}); it cannot be resumed.`);
  }
  const retention = config[k.backupRetentionDays];
  return {
    environment: need(k.environment),
    sourceDbInstanceIdentifier: need(k.sourceDbInstanceIdentifier),
    point,
    targetIdentifier: need(k.targetIdentifier),
    instanceClass: config[k.instanceClass],
    multiAz: config[k.multiAz] === "true",
    purpose,
    drillId: config[k.drillId],
    dbSubnetGroupName: need(k.dbSubnetGroupName),
    securityGroupIds: securityGroupIds as string[],
    backupRetentionDays: retention === undefined ? undefined : Number(retention),
    startedAt: date(k.startedAt),
  };
}

/** Every key a restore stack may hold, for reading the whole spec back through `Stack.getConfig`. */
export const ALL_RESTORE_CONFIG_KEYS: string[] = Object.values(RestoreConfigKeys);
