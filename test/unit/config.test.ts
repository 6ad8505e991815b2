import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { CONFIG_SCHEMA, EnvironmentSettings, parseDatabaseSource, parseEnvironmentConfig } from "../../config";
import { InvalidConfigError } from "../../components/errors";
import { messageOf } from "../support/expect-error";
import { PULUMI_YAML, SYNC_COMMAND, withGeneratedConfig } from "../../scripts/config-schema";

const ROOT = path.join(__dirname, "..", "..");
const readYaml = (file: string) => YAML.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));

/** Config as the Pulumi CLI passes it to the program: every declared key with its default (strings), overridden by the stack's values. */
function asPulumiPasses(stackValues: Record<string, unknown> = {}): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [key, schema] of Object.entries(CONFIG_SCHEMA)) raw[key] = typeof schema.default === "string" ? schema.default : JSON.stringify(schema.default);
  for (const [key, value] of Object.entries(stackValues)) raw[key] = typeof value === "string" ? value : JSON.stringify(value);
  return raw;
}

/** The stack file's project config without the prefix. */
function stackConfig(file: string): Record<string, unknown> {
  const config = readYaml(file).config as Record<string, unknown>;
  return Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith("gametracker:")).map(([k, v]) => [k.slice("gametracker:".length), v]));
}

function refusal(raw: Record<string, string>, stack = "dev"): string {
  return messageOf(() => parseEnvironmentConfig(raw, stack), InvalidConfigError);
}

const DEFAULTS: EnvironmentSettings = {
  project: "gametracker",
  stack: "dev",
  role: "primary",
  network: { cidrBlock: "10.20.0.0/16", availabilityZones: 2, natGateways: "single" },
  database: {
    identifier: "gametracker-mssql",
    edition: "express",
    engineVersion: undefined,
    instanceClass: "db.t3.micro",
    allocatedStorage: 20,
    backupRetentionDays: 7,
    backupWindow: "03:00-04:00",
    maintenanceWindow: "sun:05:00-sun:06:00",
    storageEncrypted: false,
    kmsKeyId: undefined,
    deletionProtection: true,
    multiAz: false,
    manualSnapshots: ["gametracker-manual-backup-v1"],
    backupReplicationRegion: undefined,
    backupReplicationKmsKeyId: undefined,
    snapshotCopyRegions: [],
    databaseName: "gametracker",
  },
  source: { kind: "primary" },
  assets: { bucketName: "gametracker-assets", noncurrentVersionExpirationDays: 30, noncurrentVersionsToKeep: 3, abortIncompleteUploadDays: 7 },
  api: { memorySize: 1024, timeoutSeconds: 30, logRetentionDays: 30 },
  validation: { hook: undefined, hookText: "", timeoutMs: 15 * 60_000, sql: { database: "gametracker", minRows: [], freshness: [], checkDb: false } },
};

describe("environment config", () => {
  describe("Pulumi.yaml", () => {
    const project = readYaml("Pulumi.yaml");

    it("is generated from CONFIG_SCHEMA: its config section is exactly what `npm run config:sync` writes", () => {
      const text = fs.readFileSync(PULUMI_YAML, "utf8");
      expect(withGeneratedConfig(text) === text, `Pulumi.yaml's config section differs from config.ts's CONFIG_SCHEMA; run ${SYNC_COMMAND} and commit Pulumi.yaml`).to.equal(true);
      const declared = Object.keys(project.config as Record<string, unknown>);
      expect(declared).to.deep.equal(Object.keys(CONFIG_SCHEMA));
    });

    it("regeneration keeps everything outside the config section and replaces a stale section", () => {
      const stale = "name: x\nruntime: nodejs\n# Generated from config.ts (CONFIG_SCHEMA) by `npm run config:sync`; edit the schema there.\nconfig:\n  old.key:\n    type: string\n    default: a\n    description: b\n";
      const next = YAML.parse(withGeneratedConfig(stale));
      expect(next.name).to.equal("x");
      expect(next.runtime).to.equal("nodejs");
      expect(Object.keys(next.config)).to.deep.equal(Object.keys(CONFIG_SCHEMA));
      expect(next.config.databaseManualSnapshots).to.deep.equal({ type: "array", items: { type: "string" }, default: ["gametracker-manual-backup-v1"], description: CONFIG_SCHEMA.databaseManualSnapshots.description });
    });

    it("has no dotted key: the engine merges a dotted key's default as a property path, not as the key", () => {
      for (const key of Object.keys(project.config as Record<string, unknown>)) expect(key, key).to.match(/^[a-z][A-Za-z0-9]*$/);
    });

    it("only uses types and keys Pulumi's project schema allows", () => {
      for (const [key, decl] of Object.entries(project.config as Record<string, { type: string; items?: unknown; description: string; default: unknown }>)) {
        expect(["string", "integer", "boolean", "array"], key).to.include(decl.type);
        if (decl.type === "array") expect(decl.items, `${key} needs items`).to.deep.equal({ type: "string" });
        // A namespaced key other than the project's may not declare a type or default.
        expect(!key.includes(":") || key.startsWith("gametracker:"), key).to.equal(true);
        expect(decl.description, key).to.be.a("string").that.is.not.empty;
        expect(decl, `${key} needs a default, or Pulumi makes it required`).to.have.property("default");
        if (decl.type === "integer") expect(Number.isInteger(decl.default), key).to.equal(true);
        if (decl.type === "boolean") expect(decl.default, key).to.be.a("boolean");
      }
    });

    it("is documented in docs/environment.md's config table: every key once, with its type and default, and no other key", () => {
      const doc = fs.readFileSync(path.join(ROOT, "docs", "environment.md"), "utf8");
      const start = doc.indexOf("\n## Configuration\n");
      expect(start, 'docs/environment.md has a "## Configuration" section').to.be.greaterThan(-1);
      const section = doc.slice(start + 1).split(/\n## /)[0]!;
      const matches = [...section.matchAll(/^\| `([A-Za-z]+)` \| (\w+) \| ([^|]*) \|/gm)];
      const rows = new Map(matches.map((m) => [m[1]!, { type: m[2]!, default: m[3]!.trim() }]));
      expect(matches.length, "one row per key").to.equal(rows.size);
      expect([...rows.keys()].filter((key) => !(key in CONFIG_SCHEMA)), "rows for keys config.ts does not have").to.deep.equal([]);
      for (const [key, schema] of Object.entries(CONFIG_SCHEMA)) {
        const row = rows.get(key);
        expect(row, `docs/environment.md has no config table row for ${key}`).to.not.equal(undefined);
        expect(row!.type, key).to.equal(schema.type);
        const literal = Array.isArray(schema.default) ? `[${schema.default.join(", ")}]` : schema.default === "" ? '""' : String(schema.default);
        expect(row!.default.startsWith(`\`${literal}\``), `${key}'s default in docs/environment.md is ${row!.default}, not ${literal}`).to.equal(true);
      }
    });

    it("runs the program without ts-node through a transpile-only loader", () => {
      expect(project.name).to.equal("gametracker");
      expect(project.main).to.equal("index.ts");
      expect(project.runtime).to.deep.equal({ name: "nodejs", options: { typescript: false, nodeargs: "--require ./register-ts.js", packagemanager: "npm" } });
    });
  });

  describe("parseEnvironmentConfig (pure)", () => {
    it("gives the documented defaults for an empty config", () => {
      expect(parseEnvironmentConfig({}, "dev")).to.deep.equal(DEFAULTS);
    });

    it("reads the same settings when the CLI passes Pulumi.yaml's defaults in as values", () => {
      expect(parseEnvironmentConfig(asPulumiPasses(), "dev")).to.deep.equal(DEFAULTS);
    });

    it("accepts the example stacks", () => {
      const dev = parseEnvironmentConfig(asPulumiPasses(stackConfig("Pulumi.dev.yaml")), "dev");
      expect(dev.assets.bucketName).to.equal("gametracker-assets-dev-example");
      expect(dev.source).to.deep.equal({ kind: "primary" });
      const prod = parseEnvironmentConfig(asPulumiPasses(stackConfig("Pulumi.prod.yaml")), "prod");
      expect(prod.database).to.include({ edition: "standard", storageEncrypted: true, multiAz: true, backupRetentionDays: 14, allocatedStorage: 100 });
      expect(prod.network).to.deep.equal({ cidrBlock: "10.20.0.0/16", availabilityZones: 3, natGateways: "one-per-az" });
      expect(prod.database).to.include({ backupReplicationRegion: "us-west-2" });
      expect(prod.database.snapshotCopyRegions).to.deep.equal(["us-west-2"]);
      // prod's drills prove its data by default: the bundled validator, with table and freshness checks of GameTracker's schema.
      expect(prod.validation.hook).to.deep.equal({ kind: "bundled" });
      expect(prod.validation.sql).to.deep.equal({
        database: "gametracker",
        minRows: [
          { table: { schema: "dbo", table: "Players" }, min: 1000 },
          { table: { schema: "dbo", table: "Characters" }, min: 1000 },
          { table: { schema: "dbo", table: "Matches" }, min: 1 },
        ],
        freshness: [{ table: { schema: "dbo", table: "Matches" }, column: "endedAt" }],
        checkDb: false,
      });
      const dr = parseEnvironmentConfig(asPulumiPasses(stackConfig("Pulumi.prod-dr.yaml")), "prod-dr");
      expect(dr).to.deep.include({ role: "standby", source: { kind: "none" } });
      expect(dr.database).to.include({ identifier: "gametracker-mssql", instanceClass: "db.m6i.large", multiAz: true, backupRetentionDays: 14 });
      // prod replicates its assets to prod-dr's bucket, which is the locked replica of prod's.
      expect(prod.assets.replication).to.deep.equal({
        destinationBucket: dr.assets.bucketName,
        destinationRegion: "us-west-2",
        replicaKmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/00000000-0000-4000-8000-000000000000",
        replicationTimeControl: true,
      });
      expect(dr.assets.replicaOf).to.deep.equal({ bucket: prod.assets.bucketName, region: "us-east-1" });
      expect(dr.assets.objectLock).to.deep.equal({ mode: "COMPLIANCE", retentionDays: 30 });
      expect(dev.assets).to.not.have.any.keys("replication", "replicaOf", "objectLock");
    });

    it("reads every kind of value", () => {
      const s = parseEnvironmentConfig(
        asPulumiPasses({
          "databaseEdition": "web",
          "databaseStorageEncrypted": "auto",
          "databaseBackupRetentionDays": "21",
          "databaseMultiAz": "true",
          "databaseDeletionProtection": "false",
          "databaseManualSnapshots": ["pre-launch", "gametracker-manual-backup-v2"],
          "databaseBackupReplicationRegion": "us-west-2",
          "databaseBackupReplicationKmsKeyId": "arn:aws:kms:us-west-2:123456789012:key/r",
          "databaseEngineVersion": "16.00.4185.3.v1",
          "networkVpcId": "vpc-1",
          "networkPrivateSubnetIds": ["subnet-1", "subnet-2"],
          "apiArtifactPath": "build/api.zip",
          "apiHandler": "com.gametracker.StreamLambdaHandler::handleRequest",
          "databaseSource": "dev-restore-20250601",
        }),
        "dev",
      );
      expect(s.database).to.include({ edition: "web", storageEncrypted: true, backupRetentionDays: 21, multiAz: true, deletionProtection: false, backupReplicationRegion: "us-west-2", engineVersion: "16.00.4185.3.v1" });
      expect(s.database.manualSnapshots).to.deep.equal(["pre-launch", "gametracker-manual-backup-v2"]);
      expect(s.network).to.deep.equal({ vpcId: "vpc-1", privateSubnetIds: ["subnet-1", "subnet-2"] });
      expect(s.api.code).to.deep.equal({ artifactPath: "build/api.zip", runtime: "java21", handler: "com.gametracker.StreamLambdaHandler::handleRequest" });
      expect(s.source).to.deep.equal({ kind: "restore", stack: "dev-restore-20250601" });
    });

    it("reads the validation keys with the drill's own parser, the database defaulting to databaseName", () => {
      const s = parseEnvironmentConfig(
        asPulumiPasses({
          databaseName: "games",
          validationWith: "bundled",
          validationTimeout: "20m",
          validationMinRows: ["dbo.Players>=1000"],
          validationFreshnessColumns: ["dbo.Matches.endedAt"],
          validationCheckDb: "true",
        }),
        "dev",
      );
      expect(s.validation).to.deep.equal({
        hook: { kind: "bundled" },
        hookText: "bundled",
        timeoutMs: 20 * 60_000,
        sql: { database: "games", minRows: [{ table: { schema: "dbo", table: "Players" }, min: 1000 }], freshness: [{ table: { schema: "dbo", table: "Matches" }, column: "endedAt" }], checkDb: true },
      });
      // A relative command path is kept as written for the stack output (the drill resolves it where it runs).
      expect(parseEnvironmentConfig({ validationWith: "command:scripts/validate-drill" }, "dev").validation.hookText).to.equal("command:scripts/validate-drill");
    });

    it("lets an empty manual snapshot list declare none", () => {
      expect(parseEnvironmentConfig({ "databaseManualSnapshots": "[]" }, "dev").database.manualSnapshots).to.deep.equal([]);
    });
  });

  describe("assets replication: the primary's bucket replicates to the standby's, which is its locked replica", () => {
    const primary = (extra: Record<string, unknown>) => asPulumiPasses({ assetsBucketName: "gt-assets-prod", ...extra });
    const standby = (extra: Record<string, unknown>) => asPulumiPasses({ databaseRole: "standby", databaseSource: "none", assetsBucketName: "gt-assets-dr", ...extra });
    const replication = { assetsReplicationBucket: "gt-assets-dr", assetsReplicationRegion: "us-west-2" };
    const replica = { assetsReplicaSourceBucket: "gt-assets-prod", assetsReplicaSourceRegion: "us-east-1", assetsObjectLockMode: "governance" };

    it("reads both sides, the lock's retention defaulting to 30 days", () => {
      expect(parseEnvironmentConfig(primary({ ...replication, assetsReplicationTimeControl: "true" }), "prod", "gametracker", "us-east-1").assets.replication).to.deep.equal({
        destinationBucket: "gt-assets-dr",
        destinationRegion: "us-west-2",
        replicaKmsKeyId: undefined,
        replicationTimeControl: true,
      });
      const dr = parseEnvironmentConfig(standby(replica), "prod-dr", "gametracker", "us-west-2").assets;
      expect(dr).to.deep.include({ replicaOf: { bucket: "gt-assets-prod", region: "us-east-1" }, objectLock: { mode: "GOVERNANCE", retentionDays: 30 } });
      // Object Lock on a bucket that is no replica is allowed too.
      expect(parseEnvironmentConfig(primary({ assetsObjectLockMode: "compliance", assetsObjectLockRetentionDays: "7" }), "prod").assets.objectLock).to.deep.equal({ mode: "COMPLIANCE", retentionDays: 7 });
    });

    const cases: Array<[string, Record<string, string>, string, "prod" | "prod-dr"]> = [
      ["bucket without its region", { assetsReplicationBucket: "gt-assets-dr" }, "gametracker:assetsReplicationRegion is unset, but gametracker:assetsReplicationBucket is set, and the replica's region is needed for its KMS key and for reading it back; set it, e.g. us-west-2.", "prod"],
      ["region without a bucket", { assetsReplicationRegion: "us-west-2" }, 'gametracker:assetsReplicationRegion is "us-west-2", but gametracker:assetsReplicationBucket is unset, so nothing is replicated; set the standby stack\'s bucket there too, or drop it.', "prod"],
      ["time control without a bucket", { assetsReplicationTimeControl: "true" }, "gametracker:assetsReplicationTimeControl is true, but gametracker:assetsReplicationBucket is unset", "prod"],
      ["the bucket itself", { assetsReplicationBucket: "gt-assets-prod", assetsReplicationRegion: "us-west-2" }, 'gametracker:assetsReplicationBucket is "gt-assets-prod", but that is the assets bucket itself', "prod"],
      ["a malformed replica bucket", { assetsReplicationBucket: "GT_DR", assetsReplicationRegion: "us-west-2" }, 'gametracker:assetsReplicationBucket is "GT_DR", but an S3 bucket name must be', "prod"],
      ["the stack's own region", { ...replication, assetsReplicationRegion: "us-east-1" }, 'gametracker:assetsReplicationRegion is "us-east-1", this stack\'s own region, but the replica must be in another region to survive the loss of this one.', "prod"],
      ["not a region", { ...replication, assetsReplicationRegion: "oregon" }, 'gametracker:assetsReplicationRegion is "oregon", but it is not an AWS region name such as us-west-2.', "prod"],
      ["a key that is no ARN", { ...replication, assetsReplicationKmsKeyId: "alias/replicas" }, 'gametracker:assetsReplicationKmsKeyId is "alias/replicas", but it is an alias: the replication role may encrypt with the replica\'s key only by its key ARN', "prod"],
      ["an alias ARN", { ...replication, assetsReplicationKmsKeyId: "arn:aws:kms:us-west-2:123456789012:alias/replicas" }, "but it is an alias ARN: the replication role may encrypt with the replica's key only by its key ARN", "prod"],
      [
        "a key of the home region",
        { ...replication, assetsReplicationKmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" },
        "gametracker:assetsReplicationKmsKeyId is a key of us-east-1, but replicas in us-west-2 are encrypted with a key of that region (a KMS key exists in one region only); give a key ARN of us-west-2.",
        "prod",
      ],
      ["replication from a standby", { assetsReplicationBucket: "gt-assets-other", assetsReplicationRegion: "eu-west-1" }, 'gametracker:assetsReplicationBucket is "gt-assets-other", but gametracker:databaseRole is standby: replication is set on the primary\'s stack', "prod-dr"],
      ["a primary as a replica", { assetsReplicaSourceBucket: "gt-assets-x", assetsReplicaSourceRegion: "us-west-2", assetsObjectLockMode: "compliance" }, 'gametracker:assetsReplicaSourceBucket is "gt-assets-x", but gametracker:databaseRole is primary: only a standby stack\'s bucket is the replica', "prod"],
      ["a replica without its lock", { assetsReplicaSourceBucket: "gt-assets-prod", assetsReplicaSourceRegion: "us-east-1" }, "gametracker:assetsObjectLockMode is unset, but gametracker:assetsReplicaSourceBucket makes this bucket a replica, and a replica must be locked so that no credential can erase it; set it to governance or compliance.", "prod-dr"],
      ["a replica without its source's region", { assetsReplicaSourceBucket: "gt-assets-prod", assetsObjectLockMode: "compliance" }, "gametracker:assetsReplicaSourceRegion is unset, but gametracker:assetsReplicaSourceBucket is set, and the drill reads the source bucket in its region to measure the replica; set both or neither.", "prod-dr"],
      ["a source region without its bucket", { assetsReplicaSourceRegion: "us-east-1" }, "gametracker:assetsReplicaSourceBucket is unset, but gametracker:assetsReplicaSourceRegion is set", "prod-dr"],
      ["a replica of itself", { ...replica, assetsReplicaSourceBucket: "gt-assets-dr" }, 'gametracker:assetsReplicaSourceBucket is "gt-assets-dr", but that is this bucket itself', "prod-dr"],
      ["a source in the replica's own region", { ...replica, assetsReplicaSourceRegion: "us-west-2" }, 'gametracker:assetsReplicaSourceRegion is "us-west-2", this stack\'s own region, but the bucket this one replicates must be in another region', "prod-dr"],
      ["an unknown lock mode", { assetsObjectLockMode: "legal-hold" }, 'gametracker:assetsObjectLockMode is "legal-hold", but it must be governance, compliance or empty (no Object Lock).', "prod"],
      ["a retention without a lock", { assetsObjectLockRetentionDays: "90" }, "gametracker:assetsObjectLockRetentionDays is 90, but gametracker:assetsObjectLockMode is unset, so nothing is locked; set the mode too or drop the retention.", "prod"],
      ["a retention of 0 days", { assetsObjectLockMode: "compliance", assetsObjectLockRetentionDays: "0" }, "gametracker:assetsObjectLockRetentionDays is 0, but it must be a whole number of days from 1 to 36500.", "prod"],
    ];
    for (const [name, extra, expected, stack] of cases) {
      it(`refuses ${name}`, () => {
        const raw = stack === "prod" ? primary(extra) : standby(extra);
        const message = messageOf(() => parseEnvironmentConfig(raw, stack, "gametracker", stack === "prod" ? "us-east-1" : "us-west-2"), InvalidConfigError);
        expect(message).to.include(expected);
        expect(message.endsWith(".")).to.equal(true);
      });
    }
  });

  describe("databaseSource", () => {
    it("is primary or a restore stack of the same environment", () => {
      expect(parseDatabaseSource("primary", "dev")).to.deep.equal({ kind: "primary" });
      expect(parseDatabaseSource("dev-restore-r1", "dev")).to.deep.equal({ kind: "restore", stack: "dev-restore-r1" });
    });

    it("is none or a restore stack in a standby stack, which owns no primary; each role refuses the other's value", () => {
      expect(parseDatabaseSource("none", "prod-dr", "gametracker:databaseSource", "standby")).to.deep.equal({ kind: "none" });
      expect(parseDatabaseSource("prod-dr-restore-r1", "prod-dr", "gametracker:databaseSource", "standby")).to.deep.equal({ kind: "restore", stack: "prod-dr-restore-r1" });
      expect(refusal({ databaseRole: "standby" }, "prod-dr")).to.equal(
        'gametracker:databaseSource is "primary", but gametracker:databaseRole is standby: this stack owns no primary database; set gametracker:databaseSource to none (the API waits for a database) or to one of its restore stacks, prod-dr-restore-<id>.',
      );
      expect(refusal({ databaseSource: "none" })).to.equal(
        'gametracker:databaseSource is "none", but only a standby stack (gametracker:databaseRole standby) runs its API without a database; set gametracker:databaseSource to primary or to a restore stack dev-restore-<id>.',
      );
      // A restore stack of the primary's environment is not one of the standby's.
      expect(refusal({ databaseRole: "standby", databaseSource: "prod-restore-r1" }, "prod-dr")).to.contain('must be "none" or the name of a restore stack of this environment, prod-dr-restore-<id>');
    });
  });

  describe("databaseRole standby", () => {
    const standby = (extra: Record<string, unknown> = {}) => asPulumiPasses({ databaseRole: "standby", databaseSource: "none", ...extra });

    it("takes the keys a restore there uses, with Pulumi.yaml's defaults passed in as values", () => {
      const s = parseEnvironmentConfig(standby({ databaseInstanceClass: "db.m6i.large", databaseMultiAz: "true" }), "prod-dr");
      expect(s).to.deep.include({ role: "standby", source: { kind: "none" } });
      expect(s.database).to.include({ instanceClass: "db.m6i.large", multiAz: true });
    });

    it("refuses every key that shapes a primary it does not own, naming the key", () => {
      for (const [key, value] of [
        ["databaseEdition", "standard"],
        ["databaseManualSnapshots", ["before-dr"]],
        ["databaseBackupReplicationRegion", "eu-west-1"],
        ["databaseSnapshotCopyRegions", ["eu-west-1"]],
        ["databaseDeletionProtection", "false"],
      ] as const) {
        expect(messageOf(() => parseEnvironmentConfig(standby({ [key]: value }), "prod-dr"), InvalidConfigError), key).to.match(
          new RegExp(`^gametracker:${key} is .*, but gametracker:databaseRole is standby: this stack owns no primary instance, snapshots or backups for it to shape; remove it`),
        );
      }
    });

    it("refuses an unknown role and a malformed copy region", () => {
      expect(refusal({ databaseRole: "replica" })).to.equal('gametracker:databaseRole is "replica", but it must be one of primary, standby.');
      expect(refusal({ databaseSnapshotCopyRegions: '["us-west-2","west"]' })).to.equal('gametracker:databaseSnapshotCopyRegions lists "west", but it is not an AWS region name such as us-west-2.');
    });

    it("refuses a drill stack and says why", () => {
      const message = refusal({ "databaseSource": "dev-drill-7f3a" });
      expect(message).to.include('gametracker:databaseSource is "dev-drill-7f3a"').and.include("drill stacks are destroyed when the drill ends").and.include("dev-restore-<id>");
    });

    it("refuses another environment's restore stack, and anything else", () => {
      for (const bad of ["prod-restore-r1", "Primary", "", "dev-restore-", "dev"]) {
        expect(refusal({ "databaseSource": bad }), bad).to.include(`gametracker:databaseSource is ${JSON.stringify(bad)}, but it must be "primary" or the name of a restore stack of this environment, dev-restore-<id>`);
      }
    });
  });

  describe("every invalid value is refused with one sentence naming key, value and rule", () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ["retention 0", { "databaseBackupRetentionDays": "0" }, "gametracker:databaseBackupRetentionDays is 0, but it must be a whole number of days from 1 to 35 (0 would turn"],
      ["retention 36", { "databaseBackupRetentionDays": "36" }, "gametracker:databaseBackupRetentionDays is 36, but it must be a whole number of days from 1 to 35"],
      ["retention not a number", { "databaseBackupRetentionDays": "seven" }, 'gametracker:databaseBackupRetentionDays is "seven", but it must be a whole number'],
      ["retention fractional", { "databaseBackupRetentionDays": "7.5" }, "must be a whole number"],
      ["overlapping windows", { "databaseBackupWindow": "04:30-05:30" }, 'gametracker:databaseBackupWindow "04:30-05:30" overlaps gametracker:databaseMaintenanceWindow "sun:05:00-sun:06:00"'],
      ["overlap across midnight", { "databaseBackupWindow": "23:45-00:30", "databaseMaintenanceWindow": "mon:00:00-mon:01:00" }, "overlaps"],
      ["malformed backup window", { "databaseBackupWindow": "3am-4am" }, 'gametracker:databaseBackupWindow is "3am-4am"'],
      ["malformed maintenance window", { "databaseMaintenanceWindow": "sunday 5-6" }, 'gametracker:databaseMaintenanceWindow is "sunday 5-6"'],
      ["encryption on Express", { "databaseStorageEncrypted": "true" }, "gametracker:databaseStorageEncrypted is true, but SQL Server Express on RDS has no encryption at rest"],
      ["encryption not a choice", { "databaseStorageEncrypted": "yes" }, 'gametracker:databaseStorageEncrypted is "yes", but it must be auto, true or false'],
      ["KMS key without encryption", { "databaseKmsKeyId": "arn:aws:kms:us-east-1:1:key/k" }, "gametracker:databaseKmsKeyId is set, but storage is not encrypted"],
      ["identifier uppercase", { "databaseIdentifier": "GameTracker" }, 'gametracker:databaseIdentifier is "GameTracker"'],
      ["identifier starting with a digit", { "databaseIdentifier": "1gametracker" }, "must start with a letter"],
      ["identifier with --", { "databaseIdentifier": "game--tracker" }, "two consecutive hyphens"],
      ["identifier with trailing hyphen", { "databaseIdentifier": "gametracker-" }, "ends with a hyphen"],
      ["identifier too long", { "databaseIdentifier": "g".repeat(64) }, "64 characters long"],
      ["identifier with underscore", { "databaseIdentifier": "game_tracker" }, 'contains "_" (only lowercase letters'],
      ["unknown edition", { "databaseEdition": "developer" }, 'gametracker:databaseEdition is "developer", but it must be one of express, web, standard, enterprise'],
      ["bucket name uppercase", { "assetsBucketName": "GameTracker-Assets" }, 'gametracker:assetsBucketName is "GameTracker-Assets", but an S3 bucket name must be'],
      ["bucket name too short", { "assetsBucketName": "gt" }, "2 characters long"],
      ["bucket name like an IP", { "assetsBucketName": "10.0.0.1" }, "IP address"],
      ["bucket name with underscore", { "assetsBucketName": "gt_assets" }, 'contains "_"'],
      ["keep 0 noncurrent versions", { "assetsNoncurrentVersionsToKeep": "0" }, "gametracker:assetsNoncurrentVersionsToKeep is 0, but it must be a whole number of versions from 1 to 100"],
      ["noncurrent expiry 0 days", { "assetsNoncurrentVersionExpirationDays": "0" }, "gametracker:assetsNoncurrentVersionExpirationDays is 0"],
      ["storage below the SQL Server minimum", { "databaseAllocatedStorage": "10" }, "gametracker:databaseAllocatedStorage is 10, but it must be a whole number of GiB from 20 to 16384"],
      ["instance class", { "databaseInstanceClass": "t3.micro" }, 'gametracker:databaseInstanceClass is "t3.micro"'],
      ["manual snapshot list not a list", { "databaseManualSnapshots": "gametracker-manual-backup-v1" }, "must be a list of strings"],
      ["manual snapshot name", { "databaseManualSnapshots": '["Backup_1"]' }, 'gametracker:databaseManualSnapshots has "Backup_1"'],
      ["duplicate manual snapshot", { "databaseManualSnapshots": '["a-1","a-1"]' }, 'lists "a-1" twice'],
      ["replication region", { "databaseBackupReplicationRegion": "oregon" }, 'gametracker:databaseBackupReplicationRegion is "oregon"'],
      ["encrypted replication without key", { "databaseEdition": "standard", "databaseBackupReplicationRegion": "us-west-2" }, "gametracker:databaseBackupReplicationKmsKeyId is unset, but replicating encrypted backups to us-west-2 needs a KMS key ARN in that region"],
      ["boolean", { "databaseMultiAz": "yes" }, 'gametracker:databaseMultiAz is "yes", but it must be true or false'],
      ["database name", { "databaseName": "game tracker" }, 'gametracker:databaseName is "game tracker"'],
      ["one subnet", { "networkVpcId": "vpc-1", "networkPrivateSubnetIds": '["subnet-1"]' }, "gametracker:networkPrivateSubnetIds has 1 subnet(s)"],
      ["subnets without a VPC", { "networkPrivateSubnetIds": '["subnet-1","subnet-2"]' }, "gametracker:networkPrivateSubnetIds is set, but gametracker:networkVpcId is not"],
      ["VPC shape with an existing VPC", { "networkVpcId": "vpc-1", "networkPrivateSubnetIds": '["a","b"]', "networkCidrBlock": "10.9.0.0/16" }, 'gametracker:networkCidrBlock is "10.9.0.0/16", but it only shapes a VPC'],
      ["NAT strategy", { "networkNatGateways": "two" }, 'gametracker:networkNatGateways is "two", but it must be one of single, one-per-az, none'],
      ["CIDR", { "networkCidrBlock": "10.0.0.0/8" }, 'gametracker:networkCidrBlock is "10.0.0.0/8"'],
      ["zones", { "networkAvailabilityZones": "1" }, "gametracker:networkAvailabilityZones is 1"],
      ["artifact without handler", { "apiArtifactPath": "build/api.zip" }, "gametracker:apiHandler is empty, but gametracker:apiArtifactPath is set"],
      ["handler without artifact", { "apiHandler": "x::y" }, 'gametracker:apiHandler is "x::y", but gametracker:apiArtifactPath is empty'],
      ["memory", { "apiMemorySize": "64" }, "gametracker:apiMemorySize is 64"],
      ["timeout", { "apiTimeoutSeconds": "901" }, "gametracker:apiTimeoutSeconds is 901"],
      ["log retention", { "apiLogRetentionDays": "10" }, "gametracker:apiLogRetentionDays is 10, but CloudWatch accepts only"],
      ["runtime", { "apiRuntime": "Java 21" }, 'gametracker:apiRuntime is "Java 21"'],
      ["runtime Lambda does not have", { "apiRuntime": "java22" }, 'gametracker:apiRuntime is "java22", but it is not one of the Lambda API\'s runtime identifiers, such as java21, java17 or provided.al2023.'],
      ["handler too long", { "apiArtifactPath": "build/api.zip", "apiHandler": `com.gametracker.${"h".repeat(113)}` }, "gametracker:apiHandler is 129 characters long, but Lambda takes a handler of at most 128 characters"],
      [
        "KMS key as an alias",
        { "databaseEdition": "standard", "databaseKmsKeyId": "alias/gametracker" },
        'gametracker:databaseKmsKeyId is "alias/gametracker", but it is an alias, and it must be the key\'s ARN (arn:aws:kms:<region>:<account>:key/<key id>): RDS reports the key ARN back, so any other form differs from it on every preview and plans a replacement of the instance.',
      ],
      ["KMS key as an alias ARN", { "databaseEdition": "standard", "databaseKmsKeyId": "arn:aws:kms:us-east-1:123456789012:alias/gametracker" }, "but it is an alias ARN, and it must be the key's ARN"],
      ["KMS key as a bare key id", { "databaseEdition": "standard", "databaseKmsKeyId": "1234abcd-12ab-34cd-56ef-1234567890ab" }, "but it is a bare key id, and it must be the key's ARN"],
      [
        "replication key as an alias ARN",
        { "databaseEdition": "standard", "databaseBackupReplicationRegion": "us-west-2", "databaseBackupReplicationKmsKeyId": "arn:aws:kms:us-west-2:123456789012:alias/dr" },
        'gametracker:databaseBackupReplicationKmsKeyId is "arn:aws:kms:us-west-2:123456789012:alias/dr", but it is an alias ARN, and it must be the key\'s ARN (arn:aws:kms:<region>:<account>:key/<key id>): RDS reports the key ARN back, so any other form differs from it on every preview and plans a replacement of the backup replication.',
      ],
      ["replication key as an alias", { "databaseEdition": "standard", "databaseBackupReplicationRegion": "us-west-2", "databaseBackupReplicationKmsKeyId": "alias/dr" }, "but it is an alias, and it must be the key's ARN"],
      [
        "replication key of another region",
        { "databaseEdition": "standard", "databaseBackupReplicationRegion": "us-west-2", "databaseBackupReplicationKmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
        "gametracker:databaseBackupReplicationKmsKeyId is a key of us-east-1, but it must be a key of us-west-2, where RDS uses it; give the ARN of a key in us-west-2.",
      ],
      ["validation hook", { validationWith: "script:/opt/validate" }, 'gametracker:validationWith is "script:/opt/validate", but it must be command:<path to an executable>, lambda:<function name or ARN> or bundled.'],
      ["validation Lambda name", { validationWith: "lambda:my validator" }, 'gametracker:validationWith "lambda:my validator" is not a Lambda function name'],
      ["validation timeout", { validationTimeout: "15" }, 'gametracker:validationTimeout is "15", but it must be a duration such as 15m or 1h30m (it has no unit).'],
      ["validation row minimum", { validationWith: "bundled", validationMinRows: '["dbo.Players>1000"]' }, 'gametracker:validationMinRows[0] is "dbo.Players>1000", but each entry must be <schema>.<table>>=<minimum rows>'],
      ["validation freshness column", { validationWith: "bundled", validationFreshnessColumns: '["Matches.endedAt"]' }, 'gametracker:validationFreshnessColumns[0] is "Matches.endedAt", but it must be <schema>.<table>.<column>'],
      ["validation database", { validationDatabase: " games" }, 'gametracker:validationDatabase is " games", but it must be a SQL Server database name: it starts or ends with a space.'],
      ["validation CHECKDB flag", { validationCheckDb: "yes" }, 'gametracker:validationCheckDb is "yes", but it must be true or false.'],
      ["SQL checks beside a command hook", { validationWith: "command:/opt/validate", validationCheckDb: "true" }, "gametracker:validationCheckDb is set, but gametracker:validationWith is command:/opt/validate, which runs its own checks"],
      ["unknown key (typo)", { databaseBackupRetentionDay: "14" }, "gametracker:databaseBackupRetentionDay is set, but it is not a config key of this project; see Pulumi.yaml for the keys (did you mean databaseBackupRetentionDays?)"],
      [
        "a key of the first releases (dotted)",
        { "database.backupRetentionDays": "14" },
        "gametracker:database.backupRetentionDays is set, but that key was renamed to gametracker:databaseBackupRetentionDays (Pulumi merges dotted keys with defaults as property paths); rename it in your Pulumi.<stack>.yaml.",
      ],
      [
        "an object where flat keys belong",
        { database: '{"identifier":"x"}' },
        "gametracker:database is set as an object (a structured value, e.g. from pulumi config set --path database.x), but this project's keys are flat, such as gametracker:databaseIdentifier; remove it and set the flat keys.",
      ],
    ];
    for (const [name, raw, expected] of cases) {
      it(name, () => {
        const message = refusal(asPulumiPasses(raw));
        expect(message).to.include(expected);
        // One sentence: a single full stop at the end (dots inside values and decimals aside).
        expect(message.endsWith(".") || message.endsWith("?)")).to.equal(true);
      });
    }
  });
});
