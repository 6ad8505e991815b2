import { expect } from "chai";
import { CheckResult, evaluatePosture, PostureThresholds } from "../../../automation/posture/evaluate";
import { PostureFacts } from "../../../automation/posture/facts";
import { postureReport, renderPostureReport } from "../../../automation/posture/report";
import { retentionThreshold } from "../../../automation/commands/check";
import { AutomatedBackupInfo, SnapshotInfo } from "../../../automation/aws/rds";

const NOW = new Date("2026-11-25T12:00:00Z");
const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const THRESHOLDS: PostureThresholds = {
  minRetentionDays: 7,
  retentionSource: "configured in stack dev",
  maxRestoreLagMs: 15 * MIN,
  maxAutomatedSnapshotAgeMs: 26 * H,
  maxManualSnapshotAgeMs: 30 * D,
  maxReplicaLagMs: 2 * H,
  maxCopyAgeMs: 8 * D,
};

function backups(overrides: Partial<AutomatedBackupInfo>): AutomatedBackupInfo {
  return {
    instanceIdentifier: "gametracker-mssql",
    dbiResourceId: "db-LIVE",
    status: "active",
    sourceRegion: "us-east-1",
    instanceArn: "arn:aws:rds:us-east-1:123456789012:db:gametracker-mssql",
    arn: undefined,
    engine: "sqlserver-ex",
    engineVersion: "16.00.4165.4.v1",
    allocatedStorageGiB: 20,
    encrypted: false,
    kmsKeyId: undefined,
    earliest: ago(7 * D),
    latest: ago(5 * MIN),
    instanceCreateTime: ago(30 * D),
    retentionDays: 7,
    ...overrides,
  };
}

function snap(identifier: string, type: string, ageMs: number | undefined, status = "available"): SnapshotInfo {
  return {
    identifier,
    instanceIdentifier: "gametracker-mssql",
    type,
    status,
    createdAt: ageMs === undefined ? undefined : ago(ageMs),
    allocatedStorageGiB: 20,
    encrypted: false,
    kmsKeyId: undefined,
    engine: "sqlserver-ex",
    engineVersion: "16.00.4165.4.v1",
    tags: {},
  };
}

/** A healthy environment; each test breaks one thing. */
function healthy(): PostureFacts {
  const baseline = snap("gametracker-manual-backup-v1", "manual", 10 * D);
  return {
    instance: {
      identifier: "gametracker-mssql",
      status: "available",
      backupRetentionDays: 7,
      latestRestorableTime: ago(5 * MIN),
      deletionProtection: true,
      copyTagsToSnapshot: true,
      pendingModifications: [],
      maintenanceWindow: "sun:05:00-sun:06:00",
    },
    snapshots: [snap("rds:gametracker-mssql-2026-11-25-03-00", "automated", 9 * H), baseline],
    declared: [{ identifier: "gametracker-manual-backup-v1", snapshot: baseline }],
    bucket: {
      name: "gametracker-assets-dev",
      versioning: "Enabled",
      publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
      lifecycleRules: [{ id: "expire-noncurrent", enabled: true, prefix: "", noncurrentExpirationDays: 30, noncurrentTransitions: 0 }],
    },
    region: "us-east-1",
    automatedBackups: [
      backups({}),
      backups({ dbiResourceId: "db-OLD", status: "retained", earliest: ago(9 * D), latest: ago(3 * D) }),
      backups({ instanceIdentifier: "someone-else", dbiResourceId: "db-OTHER", status: "retained", latest: ago(D) }),
    ],
    replication: { region: "us-west-2", backups: [backups({ status: "replicating", arn: "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-1", latest: ago(10 * MIN) })] },
    copies: [{ region: "us-west-2", snapshots: [{ ...snap("gametracker-manual-backup-v1", "manual", 2 * D), copiedFrom: "us-east-1" }] }],
  };
}

function byId(results: CheckResult[], id: string): CheckResult {
  const found = results.find((r) => r.id === id);
  if (!found) throw new Error(`no check ${id} in ${results.map((r) => r.id).join(", ")}`);
  return found;
}

function failures(facts: PostureFacts, thresholds = THRESHOLDS, now = NOW): string[] {
  return evaluatePosture(facts, thresholds, now).filter((r) => r.status === "fail").map((r) => r.id);
}

describe("backup posture evaluation", () => {
  it("passes a healthy environment on every check", () => {
    const results = evaluatePosture(healthy(), THRESHOLDS, NOW);
    expect(results.map((r) => [r.id, r.status])).to.deep.equal([
      ["backup-retention", "pass"],
      ["restore-lag", "pass"],
      ["automated-snapshot-age", "pass"],
      ["manual-snapshot-age", "pass"],
      ["deletion-protection", "pass"],
      ["copy-tags-to-snapshot", "pass"],
      ["pending-modifications", "info"],
      ["declared-snapshot:gametracker-manual-backup-v1", "pass"],
      ["replica-lag", "pass"],
      ["retained-backup:db-OLD", "info"],
      ["snapshot-copies:us-west-2", "pass"],
      ["bucket-versioning", "pass"],
      ["bucket-public-access-block", "pass"],
      ["bucket-noncurrent-lifecycle", "pass"],
    ]);
    expect(results.every((r) => r.fix === undefined)).to.equal(true);
  });

  it("every failing row says how to fix it", () => {
    const broken: PostureFacts = {
      instance: { identifier: "gametracker-mssql", status: "available", backupRetentionDays: 0, latestRestorableTime: undefined, deletionProtection: false, copyTagsToSnapshot: false, pendingModifications: [], maintenanceWindow: undefined },
      snapshots: [],
      declared: [{ identifier: "missing-one", snapshot: undefined }],
      bucket: {
        name: "b",
        versioning: "Suspended",
        publicAccessBlock: { blockPublicAcls: false, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: false },
        lifecycleRules: [],
      },
      region: "us-east-1",
      automatedBackups: [],
      replication: { region: "us-west-2", backups: [] },
      copies: [{ region: "us-west-2", snapshots: [] }],
    };
    const results = evaluatePosture(broken, THRESHOLDS, NOW);
    expect(results.filter((r) => r.status === "fail")).to.have.length(12);
    for (const r of results.filter((x) => x.status === "fail")) expect(r.fix, r.id).to.be.a("string").and.have.length.greaterThan(20);
    expect(byId(results, "retained-backups")).to.deep.include({ status: "info", detail: "none of gametracker-mssql or gametracker-mssql-* in us-east-1" });
  });

  describe("replicated automated backups", () => {
    it("passes a replica lagging less than the limit, naming the region and the lag", () => {
      expect(byId(evaluatePosture(healthy(), THRESHOLDS, NOW), "replica-lag")).to.deep.include({
        status: "pass",
        detail: "us-west-2: 10m00s behind now (latest restorable 2026-11-25T11:50:00Z, limit 2h)",
      });
    });

    it("fails a replica behind by more than the limit (default 2h), a stopped one, and a missing one", () => {
      const facts = healthy();
      facts.replication!.backups[0]!.latest = ago(2 * H + MIN);
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "replica-lag")).to.deep.include({ status: "fail", detail: "us-west-2: 2h01m behind now (latest restorable 2026-11-25T09:59:00Z, limit 2h)" });
      facts.replication!.backups[0]!.status = "retained";
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "replica-lag").detail).to.equal("the backups of gametracker-mssql in us-west-2 are retained, not replicating: replication has stopped");
      // Backups replicated from another region than the instance's are not its replica.
      facts.replication!.backups[0]!.sourceRegion = "eu-west-1";
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "replica-lag").detail).to.equal("us-west-2 holds no automated backups of gametracker-mssql replicated from us-east-1");
    });

    it("is skipped when replication is not configured", () => {
      const facts = healthy();
      facts.replication = undefined;
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "replica-lag").status).to.equal("skip");
    });
  });

  describe("retained backups of deleted instances", () => {
    it("lists each one of this database (and its restored instances) with its age and how to restore or delete it, never another database's", () => {
      const facts = healthy();
      facts.automatedBackups.push(backups({ instanceIdentifier: "gametracker-mssql-restore", dbiResourceId: "db-CUT", status: "retained", latest: ago(2 * H) }));
      const rows = evaluatePosture(facts, THRESHOLDS, NOW).filter((r) => r.id.startsWith("retained-backup"));
      expect(rows.map((r) => [r.id, r.status])).to.deep.equal([
        ["retained-backup:db-OLD", "info"],
        ["retained-backup:db-CUT", "info"],
      ]);
      expect(rows[0]!.detail).to.equal(
        "db-OLD: deleted 72h00m ago (restorable 2026-11-16T12:00:00Z .. 2026-11-22T12:00:00Z), kept 7 days and billed until then; restore with --from retained:db-OLD@latest, or delete with aws rds delete-db-instance-automated-backup --dbi-resource-id db-OLD",
      );
    });
  });

  describe("snapshot copies", () => {
    it("counts the copies per region and judges the newest against the limit (default 8d)", () => {
      const facts = healthy();
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "snapshot-copies:us-west-2").detail).to.equal("1 copy; gametracker-manual-backup-v1 is 48h00m old (limit 8d)");
      facts.copies[0]!.snapshots = [{ ...snap("old-copy", "manual", 9 * D), copiedFrom: "us-east-1" }, snap("not-a-copy", "manual", MIN)];
      const row = byId(evaluatePosture(facts, THRESHOLDS, NOW), "snapshot-copies:us-west-2");
      expect(row).to.deep.include({ status: "fail", detail: "1 copy; old-copy is 216h00m old (limit 8d)" });
      expect(row.fix).to.contain("gametracker-dr snapshots copy --db-instance gametracker-mssql --to-region us-west-2");
    });

    it("is skipped when no copy region is configured", () => {
      const facts = healthy();
      facts.copies = [];
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "snapshot-copies").status).to.equal("skip");
    });
  });

  describe("retention", () => {
    it("fails when automated backups are off, naming the configured minimum and where it came from", () => {
      const facts = healthy();
      facts.instance.backupRetentionDays = 0;
      const row = byId(evaluatePosture(facts, THRESHOLDS, NOW), "backup-retention");
      expect(row.status).to.equal("fail");
      expect(row.detail).to.equal("automated backups are off (retention 0 days; at least 7 required, configured in stack dev)");
      expect(row.fix).to.contain("--backup-retention-period 7").and.to.contain("gametracker-mssql");
    });

    it("fails below the configured days and passes at exactly the minimum", () => {
      const facts = healthy();
      facts.instance.backupRetentionDays = 3;
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "backup-retention").detail).to.equal("retention is 3 days, below the required 7 (configured in stack dev)");
      facts.instance.backupRetentionDays = 14;
      expect(failures(facts, { ...THRESHOLDS, minRetentionDays: 14 })).to.deep.equal([]);
      expect(failures(facts, { ...THRESHOLDS, minRetentionDays: 15 })).to.deep.equal(["backup-retention"]);
    });

    it("takes the minimum from the flag, else the stack's output, else 7", () => {
      expect(retentionThreshold(10, 14, "dev")).to.deep.equal({ minRetentionDays: 10, retentionSource: "from --min-retention-days" });
      expect(retentionThreshold(undefined, 14, "dev")).to.deep.equal({ minRetentionDays: 14, retentionSource: "configured in stack dev" });
      expect(retentionThreshold(undefined, undefined, undefined)).to.deep.equal({ minRetentionDays: 7, retentionSource: "default" });
    });
  });

  describe("latest restorable time lag", () => {
    it("passes at exactly the threshold and fails one second past it", () => {
      const facts = healthy();
      facts.instance.latestRestorableTime = ago(15 * MIN);
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "restore-lag").status).to.equal("pass");
      facts.instance.latestRestorableTime = ago(15 * MIN + 1000);
      const row = byId(evaluatePosture(facts, THRESHOLDS, NOW), "restore-lag");
      expect(row.status).to.equal("fail");
      expect(row.detail).to.equal("15m01s behind now (latest restorable 2026-11-25T11:44:59Z, limit 15m)");
    });

    it("fails when RDS reports no restorable time, and treats a clock running behind RDS as no lag", () => {
      const facts = healthy();
      facts.instance.latestRestorableTime = new Date(NOW.getTime() + 30_000);
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "restore-lag").detail).to.match(/^0s behind now/);
      facts.instance.latestRestorableTime = undefined;
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "restore-lag").detail).to.contain("no latest restorable time");
    });

    it("honours a custom threshold", () => {
      const facts = healthy();
      facts.instance.latestRestorableTime = ago(20 * MIN);
      expect(failures(facts)).to.deep.equal(["restore-lag"]);
      expect(failures(facts, { ...THRESHOLDS, maxRestoreLagMs: 30 * MIN })).to.deep.equal([]);
    });
  });

  describe("snapshot ages", () => {
    it("judges the newest available automated snapshot, ignoring ones still being created", () => {
      const facts = healthy();
      facts.snapshots = [snap("rds:old", "automated", 30 * H), snap("rds:new", "automated", undefined, "creating"), ...facts.snapshots.filter((s) => s.type === "manual")];
      const row = byId(evaluatePosture(facts, THRESHOLDS, NOW), "automated-snapshot-age");
      expect(row.status).to.equal("fail");
      expect(row.detail).to.equal("rds:old is 30h00m old (limit 26h)");
    });

    it("fails with no automated snapshot at all and with no manual snapshot at all", () => {
      const facts = healthy();
      facts.snapshots = [];
      const results = evaluatePosture(facts, THRESHOLDS, NOW);
      expect(byId(results, "automated-snapshot-age").detail).to.equal("no available automated snapshot of gametracker-mssql");
      expect(byId(results, "manual-snapshot-age").detail).to.equal("no available manual snapshot of gametracker-mssql");
      expect(byId(results, "manual-snapshot-age").fix).to.equal("take one: gametracker-dr snapshots create --db-instance gametracker-mssql");
    });

    it("fails a manual snapshot older than the limit and passes a newer one", () => {
      const facts = healthy();
      facts.snapshots.push(snap("old-manual", "manual", 40 * D));
      facts.snapshots = facts.snapshots.filter((s) => s.identifier !== "gametracker-manual-backup-v1");
      expect(failures(facts)).to.deep.equal(["manual-snapshot-age"]);
      facts.snapshots.push(snap("fresh", "manual", 1 * D));
      expect(failures(facts)).to.deep.equal([]);
    });
  });

  it("fails deletion protection and copy-tags-to-snapshot when off", () => {
    const facts = healthy();
    facts.instance.deletionProtection = false;
    facts.instance.copyTagsToSnapshot = false;
    const results = evaluatePosture(facts, THRESHOLDS, NOW);
    expect(failures(facts)).to.deep.equal(["deletion-protection", "copy-tags-to-snapshot"]);
    expect(byId(results, "deletion-protection").fix).to.contain("--deletion-protection");
    expect(byId(results, "copy-tags-to-snapshot").fix).to.contain("--copy-tags-to-snapshot");
  });

  describe("pending modifications", () => {
    it("says none when RDS holds none", () => {
      expect(byId(evaluatePosture(healthy(), THRESHOLDS, NOW), "pending-modifications").detail).to.equal("none: RDS holds no modification for the maintenance window");
    });

    it("names each setting from its current value to the pending one, the next window (RDS records no request time), and what it means for previews and cut-overs", () => {
      const facts = healthy();
      facts.instance.pendingModifications = [
        { setting: "DBInstanceClass", current: "db.t3.micro", pending: "db.t3.small" },
        { setting: "MasterUserPassword", current: undefined, pending: "(a new master password)" },
      ];
      const row = byId(evaluatePosture(facts, THRESHOLDS, NOW), "pending-modifications");
      expect(row.status).to.equal("info");
      // NOW is Wednesday 2026-11-25 12:00 UTC; the window opens on Sunday at 05:00.
      expect(row.detail).to.equal(
        "DBInstanceClass db.t3.micro -> db.t3.small, MasterUserPassword ? -> (a new master password): applied in the next maintenance window (sun:05:00-sun:06:00 UTC), opening 2026-11-29T05:00:00Z, in 89h00m; " +
          "RDS does not record when they were requested. Until then the environment's preview shows them as an update of gametracker-mssql, and cutover and rollback leave them pending (they update the API Lambda alone)",
      );
      expect(row.fix).to.contain("--apply-immediately");
      expect(failures(facts)).to.deep.equal([]);
    });

    it("says so while the window is open, and falls back to RDS's own words for a window it cannot read", () => {
      const facts = healthy();
      facts.instance.pendingModifications = [{ setting: "MultiAZ", current: "false", pending: "true" }];
      facts.instance.maintenanceWindow = "wed:11:30-wed:12:30";
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "pending-modifications").detail).to.contain("applied in the maintenance window open now (wed:11:30-wed:12:30 UTC, until 2026-11-25T12:30:00Z)");
      facts.instance.maintenanceWindow = undefined;
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "pending-modifications").detail).to.contain("applied in the next maintenance window (RDS reports none)");
    });
  });

  describe("declared manual snapshots", () => {
    it("fails one that does not exist and one that is not available, one row each", () => {
      const facts = healthy();
      facts.declared = [
        { identifier: "gone", snapshot: undefined },
        { identifier: "busy", snapshot: snap("busy", "manual", undefined, "creating") },
        { identifier: "broken", snapshot: snap("broken", "manual", 1 * D, "failed") },
      ];
      const results = evaluatePosture(facts, THRESHOLDS, NOW);
      expect(byId(results, "declared-snapshot:gone")).to.deep.include({ status: "fail", detail: "does not exist" });
      expect(byId(results, "declared-snapshot:busy")).to.deep.include({ status: "fail", detail: "exists but is creating", fix: "wait for it to finish and run check again" });
      expect(byId(results, "declared-snapshot:broken").fix).to.contain("describe-events");
    });

    it("skips (does not fail) when nothing is declared", () => {
      const facts = healthy();
      facts.declared = [];
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "declared-snapshot").status).to.equal("skip");
      expect(failures(facts)).to.deep.equal([]);
    });
  });

  describe("assets bucket", () => {
    it("fails versioning that is suspended or never enabled", () => {
      const facts = healthy();
      facts.bucket!.versioning = "Suspended";
      const row = byId(evaluatePosture(facts, THRESHOLDS, NOW), "bucket-versioning");
      expect(row.detail).to.contain("Suspended");
      expect(row.fix).to.contain("put-bucket-versioning --bucket gametracker-assets-dev --versioning-configuration Status=Enabled");
      facts.bucket!.versioning = "Disabled";
      expect(failures(facts)).to.deep.equal(["bucket-versioning"]);
    });

    it("fails when any one of the four public-access blocks is off, naming it", () => {
      for (const flag of ["blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"] as const) {
        const facts = healthy();
        facts.bucket!.publicAccessBlock[flag] = false;
        const row = byId(evaluatePosture(facts, THRESHOLDS, NOW), "bucket-public-access-block");
        expect(row.status, flag).to.equal("fail");
        expect(row.detail.toLowerCase(), flag).to.contain(flag.toLowerCase());
      }
    });

    it("needs an enabled rule acting on noncurrent versions", () => {
      const facts = healthy();
      facts.bucket!.lifecycleRules = [{ id: "current-only", enabled: true, prefix: "", noncurrentExpirationDays: undefined, noncurrentTransitions: 0 }];
      expect(failures(facts)).to.deep.equal(["bucket-noncurrent-lifecycle"]);
      facts.bucket!.lifecycleRules = [{ id: "off", enabled: false, prefix: "", noncurrentExpirationDays: 30, noncurrentTransitions: 0 }];
      expect(byId(evaluatePosture(facts, THRESHOLDS, NOW), "bucket-noncurrent-lifecycle").detail).to.contain("disabled");
      facts.bucket!.lifecycleRules = [{ id: "to-glacier", enabled: true, prefix: "characters/", noncurrentExpirationDays: undefined, noncurrentTransitions: 1 }];
      const row = byId(evaluatePosture(facts, THRESHOLDS, NOW), "bucket-noncurrent-lifecycle");
      expect(row).to.deep.include({ status: "pass", detail: "gametracker-assets-dev: rule to-glacier: noncurrent versions transition (prefix characters/)" });
    });

    it("skips the bucket checks when no bucket is known", () => {
      const facts = healthy();
      facts.bucket = undefined;
      const results = evaluatePosture(facts, THRESHOLDS, NOW);
      expect(results.filter((r) => r.id.startsWith("bucket-")).map((r) => r.status)).to.deep.equal(["skip", "skip", "skip"]);
    });
  });

  describe("report", () => {
    it("summarises, lists each failure's fix, and marks the run failed", () => {
      const facts = healthy();
      facts.instance.deletionProtection = false;
      facts.bucket = undefined;
      const checks = evaluatePosture(facts, THRESHOLDS, NOW);
      const report = postureReport({ instance: "gametracker-mssql", bucket: undefined, stack: "dev", now: NOW, thresholds: THRESHOLDS, checks });
      expect(report.passed).to.equal(false);
      expect(report.summary).to.deep.equal({ pass: 8, fail: 1, skip: 3, info: 2 });
      expect(report.thresholds).to.deep.equal({
        minRetentionDays: 7,
        retentionSource: "configured in stack dev",
        maxRestoreLag: "15m",
        maxAutomatedSnapshotAge: "26h",
        maxManualSnapshotAge: "30d",
        maxReplicaLag: "2h",
        maxCopyAge: "8d",
      });
      const text = renderPostureReport(report);
      expect(text).to.contain("Backup posture of gametracker-mssql (stack dev) at 2026-11-25T12:00:00Z:");
      expect(text).to.match(/FAIL\s+deletion protection\s+off: the instance can be deleted/);
      expect(text).to.contain("1 of 9 checks FAILED.");
      expect(text).to.match(/INFO\s+retained backups of deleted gametracker-mssql\s+db-OLD: deleted 72h00m ago/);
      expect(text).to.contain("How to fix:\n- deletion protection: pulumi config set databaseDeletionProtection true");
    });

    it("passes when nothing failed, counting skips apart", () => {
      const facts = healthy();
      facts.bucket = undefined;
      const report = postureReport({ instance: "db", bucket: undefined, stack: undefined, now: NOW, thresholds: THRESHOLDS, checks: evaluatePosture(facts, THRESHOLDS, NOW) });
      expect(report.passed).to.equal(true);
      expect(renderPostureReport(report)).to.contain("All 9 checks passed (3 skipped).");
    });
  });
});
