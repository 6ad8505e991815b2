import { expect } from "chai";
import { Runtime } from "@aws-sdk/client-lambda";
import {
  bucketNameProblem,
  kmsKeyArnProblem,
  LAMBDA_RUNTIMES,
  lambdaRuntimeProblem,
  parseKmsArn,
  parseRdsArn,
  regionNameProblem,
  instanceClassProblem,
  instanceIdentifierProblem,
  normalizeRdsIdentifier,
  rdsIdentifierRule,
  snapshotIdentifierProblem,
} from "../../../contracts/aws-names";

describe("AWS name rules (contracts/aws-names)", () => {
  describe("RDS identifiers", () => {
    it("accept valid instance identifiers, in the case the policy allows", () => {
      for (const ok of ["gametracker-mssql", "a", "db1-x", "a".repeat(63)]) {
        expect(instanceIdentifierProblem(ok, "lowercase"), ok).to.equal(undefined);
        expect(instanceIdentifierProblem(ok, "any-case"), ok).to.equal(undefined);
      }
      // Typed on the command line, mixed case is fine (RDS lowercases it) ...
      expect(instanceIdentifierProblem("GameTracker-MSSQL", "any-case")).to.equal(undefined);
      // ... but through Pulumi it would be refused by the provider, or diff forever.
      expect(instanceIdentifierProblem("GameTracker-MSSQL", "lowercase")).to.equal('it contains "G" (only lowercase letters, digits and hyphens are allowed)');
    });

    it("say exactly which rule an invalid identifier breaks", () => {
      const cases: Array<[string, string]> = [
        ["", "it is empty"],
        ["a".repeat(64), "it is 64 characters long (at most 63)"],
        ["db_1", 'it contains "_" (only letters, digits and hyphens are allowed)'],
        ["rds:automated", 'it contains ":" (only letters, digits and hyphens are allowed)'],
        ["1db", "it must start with a letter"],
        ["-x", "it must start with a letter"],
        ["db--1", "it contains two consecutive hyphens"],
        ["db-", "it ends with a hyphen"],
      ];
      for (const [id, reason] of cases) expect(instanceIdentifierProblem(id, "any-case"), id).to.equal(reason);
    });

    it("allow snapshot identifiers up to 255 characters with the same rules", () => {
      expect(snapshotIdentifierProblem("x".repeat(255), "lowercase")).to.equal(undefined);
      expect(snapshotIdentifierProblem("x".repeat(256), "lowercase")).to.equal("it is 256 characters long (at most 255)");
      expect(snapshotIdentifierProblem("A1-b2-C3", "any-case")).to.equal(undefined);
      expect(snapshotIdentifierProblem("double--hyphen", "any-case")).to.equal("it contains two consecutive hyphens");
    });

    it("normalize to RDS's own lowercase form, and state the rule in words", () => {
      expect(normalizeRdsIdentifier("Pre-Upgrade")).to.equal("pre-upgrade");
      expect(rdsIdentifierRule(63, "lowercase")).to.equal("1 to 63 lowercase letters, digits or hyphens, starting with a letter, with no two consecutive hyphens and no trailing hyphen");
      expect(rdsIdentifierRule(255, "any-case")).to.match(/^1 to 255 letters, digits or hyphens/);
    });
  });

  it("RDS instance classes are db.<family>.<size>", () => {
    for (const ok of ["db.t3.micro", "db.m6i.large", "db.r5d.xlarge", "db.x2iedn.8xlarge"]) expect(instanceClassProblem(ok), ok).to.equal(undefined);
    for (const bad of ["m5.large", "db.m5", "DB.M5.LARGE", "db.m5.large "]) expect(instanceClassProblem(bad), bad).to.equal("it is not of the form db.<family>.<size>");
  });

  describe("S3 bucket names", () => {
    it("accept valid names", () => {
      for (const ok of ["gametracker-assets", "abc", "a".repeat(63), "my.assets.bucket", "1-assets"]) expect(bucketNameProblem(ok), ok).to.equal(undefined);
    });

    it("say which rule a bad name breaks", () => {
      const cases: Array<[string, string]> = [
        ["ab", "it is 2 characters long (3 to 63 allowed)"],
        ["a".repeat(64), "it is 64 characters long (3 to 63 allowed)"],
        ["GameTracker", 'it contains "G" (only lowercase letters, digits, hyphens and dots are allowed)'],
        ["game_tracker", 'it contains "_" (only lowercase letters, digits, hyphens and dots are allowed)'],
        ["-assets", "it does not start and end with a letter or digit"],
        ["a..b", "it has two adjacent dots"],
        ["192.168.5.4", "it is shaped like an IP address"],
        ["xn--assets", "it starts with the reserved prefix xn--"],
        ["assets-s3alias", "it ends with the reserved suffix -s3alias"],
      ];
      for (const [name, reason] of cases) expect(bucketNameProblem(name), name).to.equal(reason);
    });
  });

  describe("regions and RDS ARNs", () => {
    it("knows a region name when it sees one", () => {
      for (const ok of ["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "us-gov-west-1"]) expect(regionNameProblem(ok), ok).to.equal(undefined);
      for (const bad of ["us-west", "uswest2", "US-WEST-2", "us-west-22", ""]) expect(regionNameProblem(bad), bad).to.equal("it is not an AWS region name such as us-west-2");
    });

    it("splits an RDS ARN into its region, account, resource type and name, and refuses anything else", () => {
      expect(parseRdsArn("arn:aws:rds:us-west-2:123456789012:snapshot:gametracker-manual-backup-v1")).to.deep.equal({
        partition: "aws",
        region: "us-west-2",
        account: "123456789012",
        resourceType: "snapshot",
        name: "gametracker-manual-backup-v1",
      });
      expect(parseRdsArn("arn:aws:rds:us-east-1:123456789012:snapshot:rds:gametracker-mssql-2026-11-24-03-10")?.name).to.equal("rds:gametracker-mssql-2026-11-24-03-10");
      expect(parseRdsArn("arn:aws:rds:us-west-2:123456789012:auto-backup:ab-7kqzj4")?.resourceType).to.equal("auto-backup");
      expect(parseRdsArn("arn:aws:s3:::bucket")).to.equal(undefined);
      expect(parseRdsArn("gametracker-manual-backup-v1")).to.equal(undefined);
    });
  });

  describe("KMS keys and Lambda runtimes", () => {
    const KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    it("takes a KMS key ARN apart, and an alias ARN as an alias", () => {
      expect(parseKmsArn(KEY)).to.deep.equal({ partition: "aws", region: "us-west-2", account: "123456789012", resourceType: "key", id: "1234abcd-12ab-34cd-56ef-1234567890ab" });
      expect(parseKmsArn("arn:aws:kms:us-east-1:123456789012:alias/gametracker")).to.deep.include({ resourceType: "alias", id: "gametracker" });
      expect(parseKmsArn("arn:aws:s3:::bucket")).to.equal(undefined);
    });

    it("accepts only a key ARN, and says which other form a key was given in", () => {
      expect(kmsKeyArnProblem(KEY)).to.equal(undefined);
      expect(kmsKeyArnProblem("arn:aws:kms:us-west-2:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab")).to.equal(undefined);
      const cases: Array<[string, string]> = [
        ["arn:aws:kms:us-west-2:123456789012:alias/gametracker", "it is an alias ARN"],
        ["alias/gametracker", "it is an alias"],
        ["alias/aws/rds", "it is an alias"],
        ["1234abcd-12ab-34cd-56ef-1234567890ab", "it is a bare key id"],
        ["mrk-1234abcd12ab34cd56ef1234567890ab", "it is a bare key id"],
        ["arn:aws:rds:us-west-2:123456789012:db:x", "it is not a KMS key ARN"],
        ["", "it is not a KMS key ARN"],
      ];
      for (const [text, why] of cases) expect(kmsKeyArnProblem(text), text).to.equal(why);
    });

    it("knows the Lambda API's runtime identifiers: exactly the SDK model's Runtime enum", () => {
      expect([...LAMBDA_RUNTIMES].sort()).to.deep.equal(Object.values(Runtime).sort());
      expect(lambdaRuntimeProblem("java21")).to.equal(undefined);
      for (const bad of ["java22", "Java21", "node22", ""]) expect(lambdaRuntimeProblem(bad), bad).to.match(/^it is not one of the Lambda API's runtime identifiers/);
    });
  });
});
