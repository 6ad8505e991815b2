import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { CONFIG_SCHEMA, EnvironmentSettings, parseDatabaseSource, parseEnvironmentConfig } from "../../config";
import { InvalidConfigError } from "../../components/errors";
import { messageOf } from "../support/expect-error";

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
    databaseName: "gametracker",
  },
  source: { kind: "primary" },
  assets: { bucketName: "gametracker-assets", noncurrentVersionExpirationDays: 30, noncurrentVersionsToKeep: 3, abortIncompleteUploadDays: 7 },
  api: { memorySize: 1024, timeoutSeconds: 30, logRetentionDays: 30 },
};

describe("environment config", () => {
  describe("Pulumi.yaml", () => {
    const project = readYaml("Pulumi.yaml");

    it("declares exactly the program's keys, each with its type, default and description", () => {
      const expected = Object.fromEntries(
        Object.entries(CONFIG_SCHEMA).map(([key, s]) => [key, { type: s.type, ...("items" in s ? { items: { type: s.items } } : {}), default: s.default, description: s.description }]),
      );
      expect(project.config).to.deep.equal(expected);
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
    });

    it("reads every kind of value", () => {
      const s = parseEnvironmentConfig(
        asPulumiPasses({
          "database.edition": "web",
          "database.storageEncrypted": "auto",
          "database.backupRetentionDays": "21",
          "database.multiAz": "true",
          "database.deletionProtection": "false",
          "database.manualSnapshots": ["pre-launch", "gametracker-manual-backup-v2"],
          "database.backupReplicationRegion": "us-west-2",
          "database.backupReplicationKmsKeyId": "arn:aws:kms:us-west-2:123456789012:key/r",
          "database.engineVersion": "16.00.4185.3.v1",
          "network.vpcId": "vpc-1",
          "network.privateSubnetIds": ["subnet-1", "subnet-2"],
          "api.artifactPath": "build/api.zip",
          "api.handler": "com.gametracker.StreamLambdaHandler::handleRequest",
          "database.source": "dev-restore-20250601",
        }),
        "dev",
      );
      expect(s.database).to.include({ edition: "web", storageEncrypted: true, backupRetentionDays: 21, multiAz: true, deletionProtection: false, backupReplicationRegion: "us-west-2", engineVersion: "16.00.4185.3.v1" });
      expect(s.database.manualSnapshots).to.deep.equal(["pre-launch", "gametracker-manual-backup-v2"]);
      expect(s.network).to.deep.equal({ vpcId: "vpc-1", privateSubnetIds: ["subnet-1", "subnet-2"] });
      expect(s.api.code).to.deep.equal({ artifactPath: "build/api.zip", runtime: "java21", handler: "com.gametracker.StreamLambdaHandler::handleRequest" });
      expect(s.source).to.deep.equal({ kind: "restore", stack: "dev-restore-20250601" });
    });

    it("lets an empty manual snapshot list declare none", () => {
      expect(parseEnvironmentConfig({ "database.manualSnapshots": "[]" }, "dev").database.manualSnapshots).to.deep.equal([]);
    });
  });

  describe("database.source", () => {
    it("is primary or a restore stack of the same environment", () => {
      expect(parseDatabaseSource("primary", "dev")).to.deep.equal({ kind: "primary" });
      expect(parseDatabaseSource("dev-restore-r1", "dev")).to.deep.equal({ kind: "restore", stack: "dev-restore-r1" });
    });

    it("refuses a drill stack and says why", () => {
      const message = refusal({ "database.source": "dev-drill-7f3a" });
      expect(message).to.include('gametracker:database.source is "dev-drill-7f3a"').and.include("drill stacks are destroyed when the drill ends").and.include("dev-restore-<id>");
    });

    it("refuses another environment's restore stack, and anything else", () => {
      for (const bad of ["prod-restore-r1", "Primary", "", "dev-restore-", "dev"]) {
        expect(refusal({ "database.source": bad }), bad).to.include(`gametracker:database.source is ${JSON.stringify(bad)}, but it must be "primary" or the name of a restore stack of this environment, dev-restore-<id>`);
      }
    });
  });

  describe("every invalid value is refused with one sentence naming key, value and rule", () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ["retention 0", { "database.backupRetentionDays": "0" }, "gametracker:database.backupRetentionDays is 0, but it must be a whole number of days from 1 to 35 (0 would turn"],
      ["retention 36", { "database.backupRetentionDays": "36" }, "gametracker:database.backupRetentionDays is 36, but it must be a whole number of days from 1 to 35"],
      ["retention not a number", { "database.backupRetentionDays": "seven" }, 'gametracker:database.backupRetentionDays is "seven", but it must be a whole number'],
      ["retention fractional", { "database.backupRetentionDays": "7.5" }, "must be a whole number"],
      ["overlapping windows", { "database.backupWindow": "04:30-05:30" }, 'gametracker:database.backupWindow "04:30-05:30" overlaps gametracker:database.maintenanceWindow "sun:05:00-sun:06:00"'],
      ["overlap across midnight", { "database.backupWindow": "23:45-00:30", "database.maintenanceWindow": "mon:00:00-mon:01:00" }, "overlaps"],
      ["malformed backup window", { "database.backupWindow": "3am-4am" }, 'gametracker:database.backupWindow is "3am-4am"'],
      ["malformed maintenance window", { "database.maintenanceWindow": "sunday 5-6" }, 'gametracker:database.maintenanceWindow is "sunday 5-6"'],
      ["encryption on Express", { "database.storageEncrypted": "true" }, "gametracker:database.storageEncrypted is true, but SQL Server Express on RDS has no encryption at rest"],
      ["encryption not a choice", { "database.storageEncrypted": "yes" }, 'gametracker:database.storageEncrypted is "yes", but it must be auto, true or false'],
      ["KMS key without encryption", { "database.kmsKeyId": "arn:aws:kms:us-east-1:1:key/k" }, "gametracker:database.kmsKeyId is set, but storage is not encrypted"],
      ["identifier uppercase", { "database.identifier": "GameTracker" }, 'gametracker:database.identifier is "GameTracker"'],
      ["identifier starting with a digit", { "database.identifier": "1gametracker" }, "start with a lowercase letter"],
      ["identifier with --", { "database.identifier": "game--tracker" }, "two consecutive hyphens"],
      ["identifier with trailing hyphen", { "database.identifier": "gametracker-" }, "ends with a hyphen"],
      ["identifier too long", { "database.identifier": "g".repeat(64) }, "64 characters long"],
      ["identifier with underscore", { "database.identifier": "game_tracker" }, "other than lowercase letters"],
      ["unknown edition", { "database.edition": "developer" }, 'gametracker:database.edition is "developer", but it must be one of express, web, standard, enterprise'],
      ["bucket name uppercase", { "assets.bucketName": "GameTracker-Assets" }, 'gametracker:assets.bucketName is "GameTracker-Assets", but an S3 bucket name must be'],
      ["bucket name too short", { "assets.bucketName": "gt" }, "2 characters long"],
      ["bucket name like an IP", { "assets.bucketName": "10.0.0.1" }, "IP address"],
      ["bucket name with underscore", { "assets.bucketName": "gt_assets" }, "other than lowercase"],
      ["keep 0 noncurrent versions", { "assets.noncurrentVersionsToKeep": "0" }, "gametracker:assets.noncurrentVersionsToKeep is 0, but it must be a whole number of versions from 1 to 100"],
      ["noncurrent expiry 0 days", { "assets.noncurrentVersionExpirationDays": "0" }, "gametracker:assets.noncurrentVersionExpirationDays is 0"],
      ["storage below the SQL Server minimum", { "database.allocatedStorage": "10" }, "gametracker:database.allocatedStorage is 10, but it must be a whole number of GiB from 20 to 16384"],
      ["instance class", { "database.instanceClass": "t3.micro" }, 'gametracker:database.instanceClass is "t3.micro"'],
      ["manual snapshot list not a list", { "database.manualSnapshots": "gametracker-manual-backup-v1" }, "must be a list of strings"],
      ["manual snapshot name", { "database.manualSnapshots": '["Backup_1"]' }, 'gametracker:database.manualSnapshots has "Backup_1"'],
      ["duplicate manual snapshot", { "database.manualSnapshots": '["a-1","a-1"]' }, 'lists "a-1" twice'],
      ["replication region", { "database.backupReplicationRegion": "oregon" }, 'gametracker:database.backupReplicationRegion is "oregon"'],
      ["encrypted replication without key", { "database.edition": "standard", "database.backupReplicationRegion": "us-west-2" }, "gametracker:database.backupReplicationKmsKeyId is empty"],
      ["boolean", { "database.multiAz": "yes" }, 'gametracker:database.multiAz is "yes", but it must be true or false'],
      ["database name", { "database.name": "game tracker" }, 'gametracker:database.name is "game tracker"'],
      ["one subnet", { "network.vpcId": "vpc-1", "network.privateSubnetIds": '["subnet-1"]' }, "gametracker:network.privateSubnetIds has 1 subnet(s)"],
      ["subnets without a VPC", { "network.privateSubnetIds": '["subnet-1","subnet-2"]' }, "gametracker:network.privateSubnetIds is set, but gametracker:network.vpcId is not"],
      ["VPC shape with an existing VPC", { "network.vpcId": "vpc-1", "network.privateSubnetIds": '["a","b"]', "network.cidrBlock": "10.9.0.0/16" }, 'gametracker:network.cidrBlock is "10.9.0.0/16", but it only shapes a VPC'],
      ["NAT strategy", { "network.natGateways": "two" }, 'gametracker:network.natGateways is "two", but it must be one of single, one-per-az, none'],
      ["CIDR", { "network.cidrBlock": "10.0.0.0/8" }, 'gametracker:network.cidrBlock is "10.0.0.0/8"'],
      ["zones", { "network.availabilityZones": "1" }, "gametracker:network.availabilityZones is 1"],
      ["artifact without handler", { "api.artifactPath": "build/api.zip" }, "gametracker:api.handler is empty, but gametracker:api.artifactPath is set"],
      ["handler without artifact", { "api.handler": "x::y" }, 'gametracker:api.handler is "x::y", but gametracker:api.artifactPath is empty'],
      ["memory", { "api.memorySize": "64" }, "gametracker:api.memorySize is 64"],
      ["timeout", { "api.timeoutSeconds": "901" }, "gametracker:api.timeoutSeconds is 901"],
      ["log retention", { "api.logRetentionDays": "10" }, "gametracker:api.logRetentionDays is 10, but CloudWatch accepts only"],
      ["runtime", { "api.runtime": "Java 21" }, 'gametracker:api.runtime is "Java 21"'],
      ["unknown key (typo)", { "database.backupRetentionDay": "14" }, "gametracker:database.backupRetentionDay is set, but it is not a config key of this project; see Pulumi.yaml for the keys (did you mean database.backupRetentionDays?)"],
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
