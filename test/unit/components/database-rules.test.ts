import { expect } from "chai";
import {
  deletionBehaviour,
  engineForEdition,
  finalSnapshotIdentifier,
  parseBackupWindow,
  parseEdition,
  parseMaintenanceWindow,
  resolveStorageEncrypted,
  supportsEncryptionAtRest,
  validateIdentifier,
  validateKmsKeyArn,
  validateRestoreTime,
  validateRetentionDays,
  validateSnapshotIdentifier,
  validateWindows,
  windowAt,
  windowsOverlap,
} from "../../../components/database-rules";
import { snapshotIdentifierProblem } from "../../../contracts/aws-names";
import { InvalidConfigError } from "../../../components/errors";
import { messageOf } from "../../support/expect-error";

/** Runs `fn`, expects an InvalidConfigError, returns its message. */
function refusal(fn: () => unknown): string {
  return messageOf(fn, InvalidConfigError);
}

const overlap = (backup: string, maintenance: string) => windowsOverlap(parseBackupWindow(backup, "b"), parseMaintenanceWindow(maintenance, "m"));

describe("database rules (pure)", () => {
  describe("editions and engines", () => {
    it("maps each edition to its RDS engine", () => {
      expect(engineForEdition("express")).to.equal("sqlserver-ex");
      expect(engineForEdition("web")).to.equal("sqlserver-web");
      expect(engineForEdition("standard")).to.equal("sqlserver-se");
      expect(engineForEdition("enterprise")).to.equal("sqlserver-ee");
    });

    it("refuses an unknown edition naming the key, the value and the choices", () => {
      const message = refusal(() => parseEdition("developer", "gametracker:databaseEdition"));
      expect(message).to.include("gametracker:databaseEdition").and.include('"developer"').and.include("express, web, standard, enterprise");
    });
  });

  describe("encryption at rest", () => {
    it("is on by default for every edition that has it, off for Express", () => {
      expect(supportsEncryptionAtRest("express")).to.equal(false);
      for (const edition of ["web", "standard", "enterprise"] as const) {
        expect(supportsEncryptionAtRest(edition)).to.equal(true);
        expect(resolveStorageEncrypted(edition, undefined, "k")).to.equal(true);
      }
      expect(resolveStorageEncrypted("express", undefined, "k")).to.equal(false);
      expect(resolveStorageEncrypted("express", false, "k")).to.equal(false);
    });

    it("can be turned off explicitly where it is supported", () => {
      expect(resolveStorageEncrypted("standard", false, "k")).to.equal(false);
    });

    it("refuses encryption on Express with a sentence that says why", () => {
      const message = refusal(() => resolveStorageEncrypted("express", true, "gametracker:databaseStorageEncrypted"));
      expect(message).to.include("gametracker:databaseStorageEncrypted").and.include("Express").and.include("no encryption at rest");
    });
  });

  describe("retention", () => {
    it("accepts 1 to 35 days", () => {
      expect(validateRetentionDays(1, "k")).to.equal(1);
      expect(validateRetentionDays(35, "k")).to.equal(35);
    });

    it("refuses 0 because it turns backups off, and anything outside 1-35 or fractional", () => {
      expect(refusal(() => validateRetentionDays(0, "gametracker:databaseBackupRetentionDays"))).to.include("gametracker:databaseBackupRetentionDays is 0").and.include("turn automated backups");
      for (const bad of [36, -1, 7.5, "7", undefined]) {
        expect(refusal(() => validateRetentionDays(bad, "k"))).to.include("1 to 35");
      }
    });
  });

  describe("identifiers", () => {
    it("accepts RDS identifiers", () => {
      for (const ok of ["gametracker-mssql", "a", "db1", "a".repeat(63), "x-1-y"]) expect(validateIdentifier(ok, "k")).to.equal(ok);
    });

    it("refuses each broken rule with the reason", () => {
      const cases: Array<[string, string]> = [
        ["", "it is empty"],
        ["a".repeat(64), "64 characters"],
        ["1db", "start with a letter"],
        ["-db", "start with a letter"],
        ["GameTracker", 'contains "G" (only lowercase letters'],
        ["gameTracker", 'contains "T" (only lowercase letters'],
        ["game_tracker", 'contains "_"'],
        ["game--tracker", "two consecutive hyphens"],
        ["gametracker-", "ends with a hyphen"],
      ];
      for (const [id, reason] of cases) {
        const message = refusal(() => validateIdentifier(id, "gametracker:databaseIdentifier"));
        expect(message).to.include("gametracker:databaseIdentifier").and.include(JSON.stringify(id)).and.include(reason);
      }
    });

    it("allows snapshot identifiers up to 255 characters with the same rules", () => {
      expect(validateSnapshotIdentifier("s".repeat(255), "k")).to.have.length(255);
      expect(refusal(() => validateSnapshotIdentifier("s".repeat(256), "k"))).to.include("256 characters");
      expect(refusal(() => validateSnapshotIdentifier("backup--v1", "k"))).to.include("two consecutive hyphens");
    });
  });

  describe("final snapshot identifier", () => {
    it("is the identifier plus the creation time to the second, and a valid snapshot identifier", () => {
      const id = finalSnapshotIdentifier("gametracker-mssql", new Date("2025-06-01T12:34:56.789Z"));
      expect(id).to.equal("gametracker-mssql-final-20250601-123456");
      expect(snapshotIdentifierProblem(id, "lowercase")).to.equal(undefined);
    });

    it("differs for two creations of the same instance", () => {
      const a = finalSnapshotIdentifier("db", new Date("2025-06-01T12:00:00Z"));
      const b = finalSnapshotIdentifier("db", new Date("2025-06-01T12:00:01Z"));
      expect(a).to.not.equal(b);
    });
  });

  describe("windows", () => {
    it("parses backup windows, including one that wraps midnight", () => {
      expect(parseBackupWindow("03:00-04:00", "k")).to.deep.equal({ start: 180, length: 60 });
      expect(parseBackupWindow("23:30-00:30", "k")).to.deep.equal({ start: 1410, length: 60 });
    });

    it("parses maintenance windows across days and across the end of the week", () => {
      expect(parseMaintenanceWindow("sun:05:00-sun:06:00", "k")).to.deep.equal({ start: 6 * 1440 + 300, length: 60 });
      expect(parseMaintenanceWindow("Fri:22:00-Sat:06:00", "k")).to.deep.equal({ start: 4 * 1440 + 1320, length: 480 });
      expect(parseMaintenanceWindow("sun:23:00-mon:01:00", "k")).to.deep.equal({ start: 6 * 1440 + 1380, length: 120 });
    });

    it("finds the maintenance window open now, or the next one, also across the end of the week", () => {
      const sunday = parseMaintenanceWindow("sun:05:00-sun:06:00", "k");
      const at = (iso: string, w = sunday) => {
        const { start, end, open } = windowAt(w, new Date(iso));
        return [start.toISOString(), end.toISOString(), open];
      };
      expect(at("2026-11-25T12:00:00Z")).to.deep.equal(["2026-11-29T05:00:00.000Z", "2026-11-29T06:00:00.000Z", false]);
      expect(at("2026-11-29T05:30:00Z")).to.deep.equal(["2026-11-29T05:00:00.000Z", "2026-11-29T06:00:00.000Z", true]);
      expect(at("2026-11-29T06:00:00Z")).to.deep.equal(["2026-12-06T05:00:00.000Z", "2026-12-06T06:00:00.000Z", false]);
      const wrapping = parseMaintenanceWindow("sun:23:00-mon:01:00", "k");
      expect(at("2026-11-30T00:30:00Z", wrapping)).to.deep.equal(["2026-11-29T23:00:00.000Z", "2026-11-30T01:00:00.000Z", true]);
      expect(at("2026-11-30T01:00:00Z", wrapping)).to.deep.equal(["2026-12-06T23:00:00.000Z", "2026-12-07T01:00:00.000Z", false]);
    });

    it("refuses malformed or too short windows", () => {
      for (const bad of ["3:00-4:00", "03:00", "24:00-01:00", "03:60-04:00", "03:00-03:15", "03:00-03:00", ""]) {
        expect(refusal(() => parseBackupWindow(bad, "gametracker:databaseBackupWindow")), bad).to.include("gametracker:databaseBackupWindow");
      }
      for (const bad of ["sun:05:00", "sunday:05:00-sunday:06:00", "xyz:05:00-xyz:06:00", "sun:05:00-sun:05:10", "05:00-06:00"]) {
        expect(refusal(() => parseMaintenanceWindow(bad, "gametracker:databaseMaintenanceWindow")), bad).to.include("ddd:hh24:mi-ddd:hh24:mi");
      }
    });

    it("detects overlap on the same day", () => {
      expect(overlap("03:00-04:00", "sun:03:30-sun:04:30")).to.equal(true);
      expect(overlap("10:30-11:00", "tue:10:00-tue:11:00")).to.equal(true);
      expect(overlap("03:00-04:00", "wed:02:00-wed:05:00")).to.equal(true);
    });

    it("treats windows that only touch as not overlapping", () => {
      expect(overlap("03:00-04:00", "sun:04:00-sun:05:00")).to.equal(false);
      expect(overlap("03:00-04:00", "sun:02:00-sun:03:00")).to.equal(false);
    });

    it("sees a backup window that wraps midnight run into the next day's maintenance", () => {
      expect(overlap("23:30-00:30", "mon:00:00-mon:00:30")).to.equal(true);
      expect(overlap("23:30-00:30", "sat:00:30-sat:01:00")).to.equal(false);
    });

    it("sees a maintenance window that spans days or wraps the week", () => {
      expect(overlap("03:00-04:00", "fri:22:00-sat:06:00")).to.equal(true);
      expect(overlap("00:30-01:30", "sun:23:00-mon:01:00")).to.equal(true);
      expect(overlap("02:00-03:00", "sun:23:00-mon:01:00")).to.equal(false);
    });

    it("refuses overlapping windows naming both keys and values", () => {
      const message = refusal(() =>
        validateWindows("05:00-06:00", "sun:05:30-sun:06:30", { backup: "gametracker:databaseBackupWindow", maintenance: "gametracker:databaseMaintenanceWindow" }),
      );
      expect(message).to.include('gametracker:databaseBackupWindow "05:00-06:00" overlaps gametracker:databaseMaintenanceWindow "sun:05:30-sun:06:30"');
      expect(() => validateWindows("03:00-04:00", "sun:05:00-sun:06:00", { backup: "b", maintenance: "m" })).to.not.throw();
    });
  });

  describe("deletion behaviour per purpose", () => {
    it("keeps the full hardening for primary and cut-over instances", () => {
      for (const purpose of ["primary", "cutover"] as const) {
        expect(deletionBehaviour(purpose)).to.deep.equal({ deletionProtection: true, skipFinalSnapshot: false, deleteAutomatedBackups: false });
      }
      expect(deletionBehaviour("primary", false).deletionProtection).to.equal(false);
    });

    it("makes a drill instance disposable: no protection, no final snapshot, backups deleted", () => {
      expect(deletionBehaviour("drill")).to.deep.equal({ deletionProtection: false, skipFinalSnapshot: true, deleteAutomatedBackups: true });
    });
  });

  describe("restore time", () => {
    it("accepts ISO-8601 UTC and refuses anything else", () => {
      expect(validateRestoreTime("2025-06-01T12:34:56Z", "k")).to.equal("2025-06-01T12:34:56Z");
      expect(validateRestoreTime("2025-06-01T12:34:56.5Z", "k")).to.equal("2025-06-01T12:34:56.5Z");
      for (const bad of ["2025-06-01 12:34:56", "2025-06-01T12:34:56+02:00", "yesterday", "2025-13-01T00:00:00Z"]) {
        expect(refusal(() => validateRestoreTime(bad, "restoreTime")), bad).to.include("ISO-8601");
      }
    });
  });

  describe("KMS keys", () => {
    const KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    it("takes a key ARN, of the region it is used in when one is named", () => {
      expect(validateKmsKeyArn(KEY, "k")).to.equal(KEY);
      expect(validateKmsKeyArn(KEY, "k", "us-west-2")).to.equal(KEY);
      expect(refusal(() => validateKmsKeyArn(KEY, "replicationKey", "eu-west-1"))).to.equal(
        "replicationKey is a key of us-west-2, but it must be a key of eu-west-1, where RDS uses it; give the ARN of a key in eu-west-1.",
      );
    });

    it("refuses aliases, alias ARNs and bare key ids with one sentence that asks for the key ARN and says what it encrypts", () => {
      expect(refusal(() => validateKmsKeyArn("arn:aws:kms:us-west-2:123456789012:alias/dr", "DatabaseArgs.backupReplicationKmsKeyId", "us-west-2", "the backup replication"))).to.equal(
        'DatabaseArgs.backupReplicationKmsKeyId is "arn:aws:kms:us-west-2:123456789012:alias/dr", but it is an alias ARN, and it must be the key\'s ARN (arn:aws:kms:<region>:<account>:key/<key id>): RDS reports the key ARN back, so any other form differs from it on every preview and plans a replacement of the backup replication.',
      );
      for (const bad of ["alias/gametracker", "1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:s3:::bucket"]) expect(refusal(() => validateKmsKeyArn(bad, "k")), bad).to.include("it must be the key's ARN");
    });
  });
});
