import { expect } from "chai";
import {
  checkBackupRetention,
  checkCopyTagsToSnapshot,
  checkDeletionProtection,
  checkFinalSnapshot,
  checkNotPublic,
  checkStorageEncrypted,
  isDrillRestore,
  rdsRules,
} from "../../../policy/rds";
import { TagKeys } from "../../../contracts/tags";
import { Props, RuleResult, Unknown } from "../../../policy/values";

/** A primary instance the way the database component registers it: passes every rule. */
const primary = (overrides: Props = {}): Props => ({
  identifier: "gametracker-mssql",
  engine: "sqlserver-ex",
  backupRetentionPeriod: 7,
  copyTagsToSnapshot: true,
  deletionProtection: true,
  skipFinalSnapshot: false,
  finalSnapshotIdentifier: "gametracker-mssql-final-1a2b3c",
  publiclyAccessible: false,
  storageEncrypted: false,
  tags: { "gametracker:environment": "dev" },
  ...overrides,
});

/** A drill restore: tagged with the drill id and restored from a snapshot, disposable. */
const drillRestore = (overrides: Props = {}): Props =>
  primary({
    identifier: "gametracker-mssql-drill-w42",
    snapshotIdentifier: "rds:gametracker-mssql-2025-11-20-03-00",
    deletionProtection: false,
    skipFinalSnapshot: true,
    finalSnapshotIdentifier: undefined,
    tags: { [TagKeys.drillId]: "w42" },
    ...overrides,
  });

const messages = (result: RuleResult) => result.violations.map((v) => v.message);

describe("policy: RDS instances", () => {
  it("a hardened primary passes every RDS rule", () => {
    for (const rule of rdsRules) {
      expect(rule.check(primary()), rule.name).to.deep.equal({ violations: [], undecided: [] });
    }
  });

  describe("backup retention 7–35 days", () => {
    it("accepts the bounds", () => {
      expect(messages(checkBackupRetention(primary({ backupRetentionPeriod: 7 })))).to.be.empty;
      expect(messages(checkBackupRetention(primary({ backupRetentionPeriod: 35 })))).to.be.empty;
    });

    it("refuses 0 (backups off), 6, 36, a fraction, and an unset value, naming the value", () => {
      expect(messages(checkBackupRetention(primary({ backupRetentionPeriod: 0 }))).join()).to.match(/backupRetentionPeriod 0 \(0 turns automated backups off\); set it to a whole number of days from 7 to 35/);
      expect(messages(checkBackupRetention(primary({ backupRetentionPeriod: 6 }))).join()).to.contain('"gametracker-mssql" has backupRetentionPeriod 6');
      expect(messages(checkBackupRetention(primary({ backupRetentionPeriod: 36 }))).join()).to.contain("backupRetentionPeriod 36");
      expect(messages(checkBackupRetention(primary({ backupRetentionPeriod: 7.5 }))).join()).to.contain("backupRetentionPeriod 7.5");
      expect(messages(checkBackupRetention(primary({ backupRetentionPeriod: undefined }))).join()).to.contain("not set (RDS would then keep 1 day)");
    });

    it("is not waived for a drill restore", () => {
      expect(messages(checkBackupRetention(drillRestore({ backupRetentionPeriod: 1 })))).to.have.length(1);
    });
  });

  describe("copyTagsToSnapshot", () => {
    it("passes when true and fails when false or unset", () => {
      expect(messages(checkCopyTagsToSnapshot(primary()))).to.be.empty;
      expect(messages(checkCopyTagsToSnapshot(primary({ copyTagsToSnapshot: false }))).join()).to.contain("copyTagsToSnapshot false");
      expect(messages(checkCopyTagsToSnapshot(primary({ copyTagsToSnapshot: undefined }))).join()).to.contain("copyTagsToSnapshot not set");
    });
  });

  describe("final snapshot on delete", () => {
    it("fails when skipFinalSnapshot is true on a primary", () => {
      expect(messages(checkFinalSnapshot(primary({ skipFinalSnapshot: true }))).join()).to.contain("skipFinalSnapshot true");
    });

    it("fails when a final snapshot is due but has no identifier (the delete would fail)", () => {
      expect(messages(checkFinalSnapshot(primary({ finalSnapshotIdentifier: undefined }))).join()).to.contain("no finalSnapshotIdentifier");
    });

    it("is waived for a drill restore", () => {
      expect(checkFinalSnapshot(drillRestore())).to.deep.equal({ violations: [], undecided: [] });
    });

    it("is not waived by the drill tag alone on an instance that is not a restore", () => {
      const tagged = primary({ skipFinalSnapshot: true, tags: { [TagKeys.drillId]: "w42" } });
      expect(messages(checkFinalSnapshot(tagged))).to.have.length(1);
    });

    it("is not waived by an empty drill id", () => {
      expect(messages(checkFinalSnapshot(drillRestore({ tags: { [TagKeys.drillId]: " " } })))).to.have.length(1);
    });
  });

  describe("deletion protection", () => {
    it("fails on a primary without it", () => {
      expect(messages(checkDeletionProtection(primary({ deletionProtection: false }))).join()).to.contain("deletionProtection false");
      expect(messages(checkDeletionProtection(primary({ deletionProtection: undefined }))).join()).to.contain("deletionProtection not set");
    });

    it("is waived for a snapshot or point-in-time drill restore", () => {
      expect(messages(checkDeletionProtection(drillRestore()))).to.be.empty;
      const pitr = drillRestore({ snapshotIdentifier: undefined, restoreToPointInTime: { sourceDbInstanceIdentifier: "gametracker-mssql", useLatestRestorableTime: true } });
      expect(messages(checkDeletionProtection(pitr))).to.be.empty;
    });

    it("is not waived for a cut-over restore (no drill tag)", () => {
      const cutover = drillRestore({ tags: { "gametracker:purpose": "cutover" } });
      expect(messages(checkDeletionProtection(cutover))).to.have.length(1);
    });
  });

  it("publicly accessible instances fail; private ones pass", () => {
    expect(messages(checkNotPublic(primary({ publiclyAccessible: true }))).join()).to.contain("publiclyAccessible true");
    expect(messages(checkNotPublic(primary({ publiclyAccessible: undefined })))).to.be.empty;
    expect(messages(checkNotPublic(drillRestore({ publiclyAccessible: true })))).to.have.length(1);
  });

  describe("storage encryption", () => {
    it("is required for editions that support it", () => {
      expect(messages(checkStorageEncrypted(primary({ engine: "sqlserver-se", storageEncrypted: false }))).join()).to.contain('storageEncrypted false on engine "sqlserver-se"');
      expect(messages(checkStorageEncrypted(primary({ engine: "sqlserver-web", storageEncrypted: undefined })))).to.have.length(1);
      expect(messages(checkStorageEncrypted(primary({ engine: "sqlserver-ee", storageEncrypted: true })))).to.be.empty;
    });

    it("is not required on Express, which can't be encrypted", () => {
      expect(messages(checkStorageEncrypted(primary({ engine: "sqlserver-ex", storageEncrypted: false })))).to.be.empty;
    });

    it("fails when the edition can't be told (no engine) and storage is not encrypted", () => {
      expect(messages(checkStorageEncrypted(primary({ engine: undefined, storageEncrypted: undefined }))).join()).to.contain("names no engine");
    });

    it("lets a restore inherit its snapshot's encryption, but not ask for none on an edition that has it", () => {
      expect(messages(checkStorageEncrypted(drillRestore({ engine: undefined, storageEncrypted: undefined })))).to.be.empty;
      expect(messages(checkStorageEncrypted(drillRestore({ engine: "sqlserver-se", storageEncrypted: undefined })))).to.be.empty;
      expect(messages(checkStorageEncrypted(drillRestore({ engine: "sqlserver-se", storageEncrypted: false })))).to.have.length(1);
    });
  });

  describe("values unknown during preview", () => {
    it("leave the rule undecided instead of failing or passing", () => {
      const retention = new Unknown(["backupRetentionPeriod"]);
      expect(checkBackupRetention(primary({ backupRetentionPeriod: retention }))).to.deep.equal({ violations: [], undecided: [retention] });
      const engine = new Unknown(["engine"]);
      expect(checkStorageEncrypted(primary({ engine, storageEncrypted: false })).undecided).to.deep.equal([engine]);
    });

    it("an unknown drill tag leaves a would-be violation undecided, but not a clean instance", () => {
      const tags = new Unknown(["tags"]);
      expect(isDrillRestore(primary({ tags }))).to.equal(tags);
      expect(checkDeletionProtection(primary({ deletionProtection: false, tags }))).to.deep.equal({ violations: [], undecided: [tags] });
      expect(checkDeletionProtection(primary({ tags }))).to.deep.equal({ violations: [], undecided: [] });
    });

    it("a known value still fails next to an unknown one", () => {
      const result = checkStorageEncrypted(primary({ engine: "sqlserver-se", storageEncrypted: false }));
      expect(result.violations).to.have.length(1);
    });
  });

  it("every rule explains itself, and the waivable ones say why drill restores are exempt", () => {
    const names = rdsRules.map((r) => r.name);
    expect(new Set(names).size).to.equal(names.length);
    for (const name of ["rds-final-snapshot", "rds-deletion-protection"]) {
      const rule = rdsRules.find((r) => r.name === name)!;
      expect(rule.description).to.contain(TagKeys.drillId);
      expect(rule.description).to.match(/100 manual snapshots/);
      expect(rule.description).to.match(/still exists in the snapshot/);
    }
  });
});
