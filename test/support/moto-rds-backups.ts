/**
 * RDS automated backups as RDS's API reference describes them, where moto 5.2.5 falls
 * short. A test double, and it says so: it sits in the SDK middleware of every client a
 * test gives it to (the CLI's, the in-memory stacks' lifecycles', the fixtures'), answers a
 * few RDS operations itself, and builds every answer from moto's own state (its
 * instances and automated snapshots) plus what it saw happen (deletions, replication
 * starts). It never looks at what the code under test asked for beyond the request it
 * answers, and it refuses what RDS refuses, with RDS's error codes.
 *
 * What moto 5.2.5 does, found by running it (test/support/moto-rds-backups.test.ts pins
 * each fact, so an upgrade of moto that closes a gap shows up there):
 *
 * - DescribeDBInstanceAutomatedBackups answers only DBInstanceIdentifier and Status
 *   (`retained` once the instance is gone, from the automated snapshot it keeps with
 *   DeleteAutomatedBackups=false), ignores DbiResourceId and DBInstanceAutomatedBackupsArn,
 *   and every instance has the same DbiResourceId (db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U).
 * - RestoreDBInstanceToPointInTime works only from a live instance (SourceDBInstanceIdentifier);
 *   SourceDbiResourceId and SourceDBInstanceAutomatedBackupsArn end in a server error.
 * - StartDBInstanceAutomatedBackupsReplication and Stop… are not implemented.
 * - One automated snapshot per instance, taken at creation.
 *
 * The two named behaviours (both always on; each gap has exactly one):
 *
 * 1. Retained backups — "restores to a point in time only from a live instance":
 *    DescribeDBInstanceAutomatedBackups answers every documented field (DbiResourceId
 *    per instance, DBInstanceArn, Region, Engine, EngineVersion, AllocatedStorage,
 *    Encrypted, KmsKeyId, RestoreWindow, InstanceCreateTime, BackupRetentionPeriod) for
 *    live instances (`active`) and for deleted ones whose automated snapshot moto still
 *    holds (`retained`), and honours its filters (NotFound when a resource id or ARN
 *    matches nothing). RestoreDBInstanceToPointInTime by SourceDbiResourceId restores
 *    retained backups: RestoreTime must lie in their RestoreWindow (InvalidRestoreFault),
 *    an unknown id is DBInstanceAutomatedBackupNotFoundFault, and the new instance has the
 *    backup's engine, version, storage and encryption — as RDS restores them — on the
 *    request's class, subnet group, security groups and tags. DescribeDBInstances reports
 *    each instance's own DbiResourceId.
 * 2. Backup replication — "no backup replication API": StartDBInstanceAutomatedBackupsReplication
 *    (called in the destination region, as the provider does) checks the source exists,
 *    has backups on and, when encrypted, is given a key; the destination region then
 *    lists the replicated backups (`replicating`; `retained` once stopped or the source is
 *    deleted) with Region = the source's region, the source's DbiResourceId and an
 *    `auto-backup` ARN, and a RestoreWindow from the start of replication to the source's
 *    latest restorable time; RestoreDBInstanceToPointInTime by
 *    SourceDBInstanceAutomatedBackupsArn restores them in that region, with the same
 *    window and NotFound rules. `outage(region)` stops anything more arriving from a
 *    region (the replicas' LatestTime stays where it was), as a region loss would.
 *
 * The third gap, one automated snapshot per instance, needs no behaviour of its own here:
 * RestoreWindow.EarliestTime is that snapshot's time, as RDS's would be the oldest
 * snapshot's; choosing among many daily snapshots is pure logic, tested with fixed times.
 *
 * Every restore it performs is logged in `restores` (source and time as RDS received
 * them), so a test can assert what the code asked for, not only what came out.
 *
 * What it saw happen is RDS's state, not one client's: with a `stateFile` it lives in
 * that file, so every process that talks to the same moto — the test, and each stand-in
 * provider plugin the engine starts (test/engine/standin/aws/clients.ts) — sees one RDS.
 * Each change is a read-modify-write of the file with no await inside it, so the
 * concurrent operations of one plugin process cannot lose each other's changes; across
 * processes the engine and the CLI take turns, as they do on the engine tier.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import {
  CreateDBInstanceCommand,
  DBInstance,
  DBInstanceAutomatedBackup,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  RDSServiceException,
} from "@aws-sdk/client-rds";
import type { MiddlewareStack } from "@smithy/types";
import { syntheticDbiResourceId } from "./moto-gaps";

/** What automated backups record of their instance, taken from moto's view of it when it was still there. */
interface SourceShape {
  identifier: string;
  dbiResourceId: string;
  instanceArn: string;
  engine: string | undefined;
  engineVersion: string | undefined;
  allocatedStorage: number | undefined;
  instanceClass: string | undefined;
  encrypted: boolean;
  kmsKeyId: string | undefined;
  masterUsername: string | undefined;
  instanceCreateTime: Date | undefined;
  retention: number;
}

function sourceShape(region: string, db: DBInstance): SourceShape {
  return {
    identifier: db.DBInstanceIdentifier!,
    dbiResourceId: syntheticDbiResourceId(region, db.DBInstanceIdentifier!, db.InstanceCreateTime),
    instanceArn: db.DBInstanceArn!,
    engine: db.Engine,
    engineVersion: db.EngineVersion,
    allocatedStorage: db.AllocatedStorage,
    instanceClass: db.DBInstanceClass,
    encrypted: db.StorageEncrypted === true,
    kmsKeyId: db.KmsKeyId,
    masterUsername: db.MasterUsername,
    instanceCreateTime: db.InstanceCreateTime,
    retention: db.BackupRetentionPeriod ?? 0,
  };
}

/** A DBInstanceAutomatedBackup of these instance facts, as RDS lists it. */
function backupEntry(shape: SourceShape, entry: { region: string; status: string; earliest: Date | undefined; latest: Date | undefined; arn: string }): DBInstanceAutomatedBackup {
  return {
    DBInstanceArn: shape.instanceArn,
    DbiResourceId: shape.dbiResourceId,
    Region: entry.region,
    DBInstanceIdentifier: shape.identifier,
    RestoreWindow: { EarliestTime: entry.earliest, LatestTime: entry.latest },
    AllocatedStorage: shape.allocatedStorage,
    Status: entry.status,
    InstanceCreateTime: shape.instanceCreateTime,
    MasterUsername: shape.masterUsername,
    Engine: shape.engine,
    EngineVersion: shape.engineVersion,
    Encrypted: shape.encrypted,
    ...(shape.kmsKeyId !== undefined ? { KmsKeyId: shape.kmsKeyId } : {}),
    BackupRetentionPeriod: shape.retention,
    DBInstanceAutomatedBackupsArn: entry.arn,
  };
}

/** What RDS kept of a deleted instance with DeleteAutomatedBackups=false. */
interface Retained extends SourceShape {
  region: string;
  earliest: Date;
  deletedAt: Date;
  /** The automated snapshot moto keeps for it: while it exists, so do the retained backups. */
  snapshots: string[];
}

interface Replication extends SourceShape {
  destination: string;
  sourceRegion: string;
  arn: string;
  startedAt: Date;
  /** Set when replication stopped or the source was deleted: nothing arrives after it. */
  endedAt: Date | undefined;
}

export interface RestoreRecord {
  region: string;
  target: string;
  source: { kind: "instance"; identifier: string } | { kind: "retained"; dbiResourceId: string } | { kind: "replica"; arn: string };
  restoreTime: Date | undefined;
  useLatestRestorableTime: boolean;
}

const ACCOUNT = "123456789012";

/** An RDS error as the SDK raises it: the code as `name`, a client fault, the HTTP status. */
export function rdsError(code: string, message: string, status = 400): RDSServiceException {
  return new RDSServiceException({ name: code, $fault: "client", $metadata: { httpStatusCode: status, attempts: 1 }, message });
}

/** What RDS knows beyond moto's own state: the retained backups, the replications, the outages, the restores answered. */
interface BackupsState {
  restores: RestoreRecord[];
  retained: Retained[];
  replications: Replication[];
  /** Region -> when it went down. */
  outages: Record<string, Date>;
}

const emptyState = (): BackupsState => ({ restores: [], retained: [], replications: [], outages: {} });

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export interface MotoRdsBackupsOptions {
  /** Keep the state in this file, shared with every other MotoRdsBackups given the same path. */
  stateFile?: string;
}

export class MotoRdsBackups {
  private memory = emptyState();
  private readonly raws = new Map<string, RDSClient>();
  private readonly stateFile: string | undefined;

  constructor(private readonly endpoint: string, options: MotoRdsBackupsOptions = {}) {
    this.stateFile = options.stateFile;
  }

  /** Every point-in-time restore answered, in order (by any process sharing the state file). */
  get restores(): readonly RestoreRecord[] {
    // Each with all its keys, also those JSON drops (restoreTime undefined).
    return this.state().restores.map((r) => ({ region: r.region, target: r.target, source: r.source, restoreTime: r.restoreTime, useLatestRestorableTime: r.useLatestRestorableTime }));
  }

  private state(): BackupsState {
    if (this.stateFile === undefined) return this.memory;
    let text: string;
    try {
      text = fs.readFileSync(this.stateFile, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
      throw error;
    }
    return JSON.parse(text, (_key, value) => (typeof value === "string" && ISO.test(value) ? new Date(value) : value)) as BackupsState;
  }

  /** One change to the state, synchronous from read to write. */
  private change(apply: (state: BackupsState) => void): void {
    const state = this.state();
    apply(state);
    if (this.stateFile === undefined) return void (this.memory = state);
    const partial = `${this.stateFile}.${process.pid}.partial`;
    fs.writeFileSync(partial, JSON.stringify(state));
    fs.renameSync(partial, this.stateFile);
  }

  /** Pass as `middleware` to createAwsClients for every client that talks to moto's RDS. */
  readonly middleware = (stack: MiddlewareStack<any, any>, region: string): void => {
    stack.add(
      (next: any, context: any) => async (args: any) => {
        const operation = String(context.commandName ?? "").replace(/Command$/, "");
        if (context.clientName !== "RDSClient") return next(args);
        const input = args.input ?? {};
        switch (operation) {
          case "DescribeDBInstanceAutomatedBackups":
            return this.answer({ DBInstanceAutomatedBackups: await this.describeBackups(region, input) });
          case "RestoreDBInstanceToPointInTime":
            return this.restore(region, input, next, args);
          case "StartDBInstanceAutomatedBackupsReplication":
            return this.answer({ DBInstanceAutomatedBackup: await this.startReplication(region, input) });
          case "StopDBInstanceAutomatedBackupsReplication":
            return this.answer({ DBInstanceAutomatedBackup: await this.stopReplication(region, input) });
          case "DeleteDBInstance":
            return this.deleting(region, input, next, args);
          default: {
            const result = await next(args);
            this.rewriteInstances(region, result.output);
            return result;
          }
        }
      },
      { step: "initialize", name: "gametrackerMotoRdsBackups", priority: "low" },
    );
  };

  /** A region outage as replicated backups see it: nothing more arrives from `region`. */
  outage(region: string): void {
    this.change((state) => void (state.outages[region] = new Date()));
  }

  destroy(): void {
    for (const c of this.raws.values()) c.destroy();
  }

  // -------------------------------------------------------------------------------------
  // Identity: one DbiResourceId per instance (moto gives every instance the same one):
  // moto-gaps.ts's syntheticDbiResourceId, the same id the stand-in's gap layer reports.

  private raw(region: string): RDSClient {
    let c = this.raws.get(region);
    if (c === undefined) {
      c = new RDSClient({ region, endpoint: this.endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
      this.raws.set(region, c);
    }
    return c;
  }

  private answer(output: Record<string, unknown>): { output: Record<string, unknown>; response: object } {
    return { output: { $metadata: { httpStatusCode: 200 }, ...output }, response: {} };
  }

  private rewriteInstances(region: string, output: any): void {
    const instances: DBInstance[] = [...(output?.DBInstances ?? []), ...(output?.DBInstance ? [output.DBInstance] : [])];
    const { replications } = this.state();
    for (const db of instances) {
      db.DbiResourceId = syntheticDbiResourceId(region, db.DBInstanceIdentifier ?? "", db.InstanceCreateTime);
      const replicated = replications.filter((r) => r.instanceArn === db.DBInstanceArn && r.endedAt === undefined);
      if (replicated.length > 0) db.DBInstanceAutomatedBackupsReplications = replicated.map((r) => ({ DBInstanceAutomatedBackupsArn: r.arn }));
    }
  }

  private async liveInstances(region: string, identifier?: string): Promise<DBInstance[]> {
    try {
      const found = await this.raw(region).send(new DescribeDBInstancesCommand(identifier !== undefined ? { DBInstanceIdentifier: identifier } : {}));
      return found.DBInstances ?? [];
    } catch (error) {
      if ((error as { name?: string }).name?.startsWith("DBInstanceNotFound")) return [];
      throw error;
    }
  }

  private async automatedSnapshots(region: string, identifier?: string): Promise<Array<{ id: string; instance: string; created: Date | undefined }>> {
    const page = await this.raw(region).send(new DescribeDBSnapshotsCommand({ SnapshotType: "automated", ...(identifier !== undefined ? { DBInstanceIdentifier: identifier } : {}) }));
    return (page.DBSnapshots ?? []).map((s) => ({ id: s.DBSnapshotIdentifier!, instance: s.DBInstanceIdentifier ?? "", created: s.SnapshotCreateTime }));
  }

  // -------------------------------------------------------------------------------------
  // Behaviour 1: retained backups (and the fields and resource ids moto leaves out)

  private async deleting(region: string, input: any, next: any, args: any) {
    const [before] = await this.liveInstances(region, input.DBInstanceIdentifier);
    const snapshots = before === undefined ? [] : await this.automatedSnapshots(region, before.DBInstanceIdentifier);
    const result = await next(args);
    this.rewriteInstances(region, result.output);
    if (before === undefined) return result;
    const now = new Date();
    this.change((state) => {
      for (const r of state.replications) if (r.instanceArn === before.DBInstanceArn && r.endedAt === undefined) r.endedAt = now;
      // RDS's default is to delete them; only an explicit false keeps them.
      if (input.DeleteAutomatedBackups === false && (before.BackupRetentionPeriod ?? 0) > 0) {
        state.retained.push({
          ...sourceShape(region, before),
          region,
          earliest: oldest(snapshots.map((s) => s.created)) ?? before.InstanceCreateTime ?? now,
          deletedAt: now,
          snapshots: snapshots.map((s) => s.id),
        });
      }
    });
    return result;
  }

  /** Every automated backup of the region, as RDS lists them, before filters. */
  private async allBackups(region: string): Promise<DBInstanceAutomatedBackup[]> {
    const backups: DBInstanceAutomatedBackup[] = [];
    const snapshots = await this.automatedSnapshots(region);
    const ownArn = (dbi: string) => `arn:aws:rds:${region}:${ACCOUNT}:auto-backup:ab-${abId(dbi)}`;
    for (const db of await this.liveInstances(region)) {
      if ((db.BackupRetentionPeriod ?? 0) === 0) continue;
      const shape = sourceShape(region, db);
      const own = snapshots.filter((s) => s.instance === db.DBInstanceIdentifier).map((s) => s.created);
      backups.push(backupEntry(shape, { region, status: "active", earliest: oldest(own) ?? db.InstanceCreateTime, latest: db.LatestRestorableTime, arn: ownArn(shape.dbiResourceId) }));
    }
    const present = new Set(snapshots.map((s) => s.id));
    const state = this.state();
    for (const r of state.retained.filter((x) => x.region === region && x.snapshots.some((id) => present.has(id)))) {
      backups.push(backupEntry(r, { region, status: "retained", earliest: r.earliest, latest: r.deletedAt, arn: ownArn(r.dbiResourceId) }));
    }
    for (const r of state.replications.filter((x) => x.destination === region)) backups.push(await this.replicaBackup(r, state));
    return backups;
  }

  private async describeBackups(region: string, input: any): Promise<DBInstanceAutomatedBackup[]> {
    let backups = await this.allBackups(region);
    const filters = new Map<string, string[]>((input.Filters ?? []).map((f: { Name: string; Values: string[] }) => [f.Name, f.Values]));
    const ci = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();
    if (input.DBInstanceIdentifier !== undefined) backups = backups.filter((b) => ci(b.DBInstanceIdentifier, input.DBInstanceIdentifier));
    if (input.DbiResourceId !== undefined) backups = backups.filter((b) => ci(b.DbiResourceId, input.DbiResourceId));
    if (input.DBInstanceAutomatedBackupsArn !== undefined) backups = backups.filter((b) => b.DBInstanceAutomatedBackupsArn === input.DBInstanceAutomatedBackupsArn);
    if (filters.has("status")) backups = backups.filter((b) => filters.get("status")!.includes(b.Status ?? ""));
    if (backups.length === 0 && (input.DBInstanceIdentifier !== undefined || input.DbiResourceId !== undefined || input.DBInstanceAutomatedBackupsArn !== undefined)) {
      throw rdsError("DBInstanceAutomatedBackupNotFoundFault", `No automated backup for ${input.DbiResourceId ?? input.DBInstanceAutomatedBackupsArn ?? input.DBInstanceIdentifier} was found.`, 404);
    }
    return backups;
  }

  private async restore(region: string, input: any, next: any, args: any) {
    if (input.RestoreTime !== undefined && input.UseLatestRestorableTime === true) {
      throw rdsError("InvalidParameterCombination", "Cannot specify both RestoreTime and UseLatestRestorableTime.");
    }
    const backups = await this.allBackups(region);
    let backup: DBInstanceAutomatedBackup | undefined;
    let source: RestoreRecord["source"];
    if (input.SourceDBInstanceAutomatedBackupsArn !== undefined) {
      backup = backups.find((b) => b.DBInstanceAutomatedBackupsArn === input.SourceDBInstanceAutomatedBackupsArn);
      source = { kind: "replica", arn: input.SourceDBInstanceAutomatedBackupsArn };
    } else if (input.SourceDbiResourceId !== undefined) {
      backup = backups.find((b) => b.DbiResourceId?.toLowerCase() === String(input.SourceDbiResourceId).toLowerCase() && b.Region === region);
      source = { kind: "retained", dbiResourceId: input.SourceDbiResourceId };
    } else {
      backup = backups.find((b) => b.Status === "active" && b.DBInstanceIdentifier === input.SourceDBInstanceIdentifier);
      source = { kind: "instance", identifier: input.SourceDBInstanceIdentifier };
    }
    if (backup === undefined) {
      if (source.kind === "instance") return next(args); // moto's own answer: DBInstanceNotFound, or backups off
      throw rdsError("DBInstanceAutomatedBackupNotFoundFault", `No automated backup for ${source.kind === "replica" ? source.arn : source.dbiResourceId} was found.`, 404);
    }
    const restoreTime: Date | undefined = input.RestoreTime;
    const w = backup.RestoreWindow ?? {};
    if (restoreTime !== undefined && (w.EarliestTime === undefined || w.LatestTime === undefined || restoreTime < w.EarliestTime || restoreTime > w.LatestTime)) {
      throw rdsError(
        "InvalidRestoreFault",
        `The restore time ${restoreTime.toISOString()} is outside the restorable window ${w.EarliestTime?.toISOString()} - ${w.LatestTime?.toISOString()} of the automated backups.`,
      );
    }
    const record: RestoreRecord = { region, target: input.TargetDBInstanceIdentifier, source, restoreTime, useLatestRestorableTime: input.UseLatestRestorableTime === true };
    this.change((state) => void state.restores.push(record));
    // A live instance's backups: moto restores those itself.
    if (backup.Status === "active") return next({ ...args, input: { ...input, SourceDBInstanceIdentifier: backup.DBInstanceIdentifier, SourceDbiResourceId: undefined } });
    const shape = this.shapeOf(backup);
    const created = await this.raw(region).send(
      new CreateDBInstanceCommand(
        defined({
          DBInstanceIdentifier: input.TargetDBInstanceIdentifier,
          Engine: backup.Engine,
          EngineVersion: backup.EngineVersion,
          LicenseModel: input.LicenseModel ?? "license-included",
          DBInstanceClass: input.DBInstanceClass ?? shape.instanceClass ?? "db.t3.micro",
          AllocatedStorage: Math.max(input.AllocatedStorage ?? 0, backup.AllocatedStorage ?? 20),
          MasterUsername: backup.MasterUsername ?? "admin",
          MasterUserPassword: randomBytes(12).toString("hex"),
          StorageEncrypted: backup.Encrypted,
          KmsKeyId: shape.kmsKeyId,
          BackupRetentionPeriod: backup.BackupRetentionPeriod,
          DBSubnetGroupName: input.DBSubnetGroupName,
          VpcSecurityGroupIds: input.VpcSecurityGroupIds,
          MultiAZ: input.MultiAZ,
          PubliclyAccessible: input.PubliclyAccessible,
          Port: input.Port,
          StorageType: input.StorageType,
          CopyTagsToSnapshot: input.CopyTagsToSnapshot,
          DeletionProtection: input.DeletionProtection,
          Tags: input.Tags,
        }),
      ),
    );
    const output = { DBInstance: created.DBInstance };
    this.rewriteInstances(region, output);
    return this.answer(output);
  }

  /** What the backups do not say but RDS knows: the source's class, and (replicas) the destination key. */
  private shapeOf(backup: DBInstanceAutomatedBackup): { instanceClass: string | undefined; kmsKeyId: string | undefined } {
    const state = this.state();
    const replication = state.replications.find((r) => r.arn === backup.DBInstanceAutomatedBackupsArn);
    if (replication !== undefined) return { instanceClass: replication.instanceClass, kmsKeyId: replication.kmsKeyId };
    const retained = state.retained.find((r) => r.dbiResourceId === backup.DbiResourceId);
    return { instanceClass: retained?.instanceClass, kmsKeyId: backup.KmsKeyId };
  }

  // -------------------------------------------------------------------------------------
  // Behaviour 2: backup replication

  private async startReplication(destination: string, input: any): Promise<DBInstanceAutomatedBackup> {
    const arn = String(input.SourceDBInstanceArn ?? "");
    const m = /^arn:aws:rds:([a-z0-9-]+):\d{12}:db:(.+)$/.exec(arn);
    if (m === null) throw rdsError("InvalidParameterValue", `SourceDBInstanceArn ${arn} is not a DB instance ARN.`);
    const [, sourceRegion, identifier] = m;
    if (sourceRegion === destination) throw rdsError("InvalidParameterValue", "The destination Region must differ from the source DB instance's Region.");
    const [db] = await this.liveInstances(sourceRegion!, identifier);
    if (db === undefined) throw rdsError("DBInstanceNotFoundFault", `DBInstance ${identifier} not found.`, 404);
    if ((db.BackupRetentionPeriod ?? 0) === 0) throw rdsError("InvalidDBInstanceStateFault", `Automated backups are not enabled for ${identifier}.`);
    if (db.StorageEncrypted === true && input.KmsKeyId === undefined) {
      throw rdsError("InvalidParameterCombination", "A KmsKeyId of the destination Region is required to replicate the backups of an encrypted DB instance.");
    }
    const shape = sourceShape(sourceRegion!, db);
    const replication: Replication = {
      ...shape,
      // The replicas are encrypted with the destination's key, and kept as long as asked.
      kmsKeyId: input.KmsKeyId,
      retention: input.BackupRetentionPeriod ?? shape.retention,
      destination,
      sourceRegion: sourceRegion!,
      arn: `arn:aws:rds:${destination}:${ACCOUNT}:auto-backup:ab-${abId(`${shape.dbiResourceId}/${destination}`)}`,
      startedAt: new Date(),
      endedAt: undefined,
    };
    let duplicate = false;
    this.change((state) => {
      // Checked inside the change, on the state it writes back: one replication per source and destination.
      duplicate = state.replications.some((r) => r.instanceArn === arn && r.destination === destination && r.endedAt === undefined);
      if (!duplicate) state.replications.push(replication);
    });
    if (duplicate) throw rdsError("DBInstanceAutomatedBackupQuotaExceededFault", `Automated backups of ${identifier} are already replicated to ${destination}.`);
    return this.replicaBackup(replication, this.state());
  }

  private async stopReplication(destination: string, input: any): Promise<DBInstanceAutomatedBackup> {
    let stopped: Replication | undefined;
    this.change((state) => {
      stopped = state.replications.find((r) => r.instanceArn === input.SourceDBInstanceArn && r.destination === destination && r.endedAt === undefined);
      if (stopped !== undefined) stopped.endedAt = new Date();
    });
    if (stopped === undefined) throw rdsError("InvalidDBInstanceStateFault", `Automated backups of ${input.SourceDBInstanceArn} are not replicated to ${destination}.`);
    return this.replicaBackup(stopped, this.state());
  }

  private async replicaBackup(r: Replication, state: BackupsState): Promise<DBInstanceAutomatedBackup> {
    const frozen = r.endedAt ?? state.outages[r.sourceRegion];
    const latest = frozen ?? (await this.liveInstances(r.sourceRegion, r.identifier))[0]?.LatestRestorableTime ?? new Date();
    return backupEntry(r, { region: r.sourceRegion, status: r.endedAt === undefined ? "replicating" : "retained", earliest: r.startedAt, latest, arn: r.arn });
  }
}

function oldest(times: Array<Date | undefined>): Date | undefined {
  const known = times.filter((t): t is Date => t instanceof Date);
  return known.length === 0 ? undefined : new Date(Math.min(...known.map((t) => t.getTime())));
}

function abId(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, 26);
}

function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
