/**
 * The stand-in aws provider's Check and Diff, pure: the bridge's rules as the schema
 * table encodes them. Each case is a rule of terraform-provider-aws's SDKv2 diff that a
 * program relies on — and the cases where the real provider says "replace" or "change".
 */
import { expect } from "chai";
import { checkInputs, DEFAULTS_KEY } from "./check";
import { diffResource } from "./diff";
import { AWS_SCHEMA, forceNewProperties, schemaOf } from "./schema";
import { ARCHIVE_SIG, SPECIAL_SIG, UNKNOWN } from "../protocol/wire";
import { formatPath, parsePath } from "../../../support/property-values";

const RDS = "aws:rds/instance:Instance";
const LAMBDA = "aws:lambda/function:Function";
const diff = (type: string, olds: Record<string, unknown>, news: Record<string, unknown>, ignore: string[] = []) => diffResource(schemaOf(type), olds, news, ignore);

describe("stand-in aws provider: Diff by the schema table", () => {
  const restored = { identifier: "db-r1", instanceClass: "db.t3.micro", storageEncrypted: true, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k", engine: "sqlserver-se", backupRetentionPeriod: 7, region: "us-east-1" };

  it("an unset Optional+Computed attribute keeps the state's value: no diff (kms_key_id after a restore)", () => {
    const { kmsKeyId: _k, ...news } = restored;
    const result = diff(RDS, restored, { ...news, storageEncrypted: true });
    expect(result.changed).to.equal(false);
  });

  it("an unset ForceNew attribute that is not Computed is a change to its zero value, and a replacement (storage_encrypted after an encrypted restore)", () => {
    const { storageEncrypted: _s, kmsKeyId: _k, ...news } = restored;
    const result = diff(RDS, restored, news);
    expect(result.replaces).to.deep.equal(["storageEncrypted"]);
    expect(result.detailed).to.deep.equal({ storageEncrypted: { kind: "delete", replace: true } });
  });

  it("an unset attribute whose state holds the zero value is no change", () => {
    const result = diff(RDS, { ...restored, storageEncrypted: false, iamDatabaseAuthenticationEnabled: false }, { ...restored, storageEncrypted: undefined });
    expect(result.changed).to.equal(false);
  });

  it("renaming an instance is an update in place (identifier is not ForceNew since TF v5), changing its engine a replacement", () => {
    expect(diff(RDS, restored, { ...restored, identifier: "db-r2" })).to.include({ changed: true }).and.deep.include({ replaces: [] });
    expect(diff(RDS, restored, { ...restored, engine: "sqlserver-ee" }).replaces).to.deep.equal(["engine"]);
  });

  it("compares sets without order and case-insensitive attributes without case", () => {
    expect(diff(RDS, { ...restored, vpcSecurityGroupIds: ["sg-a", "sg-b"] }, { ...restored, vpcSecurityGroupIds: ["sg-b", "sg-a"] }).changed).to.equal(false);
    expect(diff(RDS, { ...restored, maintenanceWindow: "sun:05:00-sun:06:00" }, { ...restored, maintenanceWindow: "Sun:05:00-Sun:06:00" }).changed).to.equal(false);
    expect(diff(RDS, { ...restored, vpcSecurityGroupIds: ["sg-a"] }, { ...restored, vpcSecurityGroupIds: ["sg-c"] }).detailed).to.deep.equal({ vpcSecurityGroupIds: { kind: "update", replace: false } });
  });

  it("reports a Lambda environment change at the variable's own path, in place", () => {
    const olds = { name: "f", role: "arn:r", environment: { variables: { SPRING_DATASOURCE_URL: "jdbc:a", ASSETS_BUCKET: "b" } }, region: "us-east-1", arn: "arn:f" };
    const result = diff(LAMBDA, olds, { ...olds, environment: { variables: { SPRING_DATASOURCE_URL: "jdbc:b", ASSETS_BUCKET: "b" } } });
    expect(result.diffs).to.deep.equal(["environment"]);
    expect(result.replaces).to.deep.equal([]);
    expect(result.detailed).to.deep.equal({ "environment.variables.SPRING_DATASOURCE_URL": { kind: "update", replace: false } });
  });

  it("treats an unknown (preview) value as a change, a replacement where the attribute is ForceNew", () => {
    expect(diff(LAMBDA, { name: "f", role: "r" }, { name: "f", role: UNKNOWN }).detailed).to.deep.equal({ role: { kind: "update", replace: false } });
    expect(diff(LAMBDA, { name: "f", role: "r" }, { name: UNKNOWN, role: "r" }).replaces).to.deep.equal(["name"]);
  });

  it("compares policy documents by meaning and archives by hash", () => {
    const role = "aws:iam/role:Role";
    expect(diff(role, { name: "r", assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}' }, { name: "r", assumeRolePolicy: '{ "Statement": [], "Version": "2012-10-17" }' }).changed).to.equal(false);
    const archive = (hash: string) => ({ [SPECIAL_SIG]: ARCHIVE_SIG, hash, assets: {} });
    expect(diff(LAMBDA, { name: "f", role: "r", code: archive("h1") }, { name: "f", role: "r", code: archive("h1") }).changed).to.equal(false);
    expect(diff(LAMBDA, { name: "f", role: "r", code: archive("h1") }, { name: "f", role: "r", code: archive("h2") }).detailed).to.deep.equal({ code: { kind: "update", replace: false } });
  });

  it("ignores computed nested attributes the program does not set (vpcConfig.vpcId) and honours ignoreChanges", () => {
    const olds = { name: "f", role: "r", vpcConfig: { subnetIds: ["s1", "s2"], securityGroupIds: ["g"], vpcId: "vpc-1", ipv6AllowedForDualStack: false } };
    expect(diff(LAMBDA, olds, { name: "f", role: "r", vpcConfig: { subnetIds: ["s2", "s1"], securityGroupIds: ["g"], ipv6AllowedForDualStack: false } }).changed).to.equal(false);
    const renamed = diff(RDS, { ...restored, finalSnapshotIdentifier: "a" }, { ...restored, finalSnapshotIdentifier: "b" }, ["finalSnapshotIdentifier"]);
    expect(renamed.changed).to.equal(false);
  });

  it("reports map keys with the engine's path syntax", () => {
    const result = diff(RDS, { ...restored, tags: { "gametracker:stack": "a" } }, { ...restored, tags: { "gametracker:stack": "b", Name: "x" } });
    expect(Object.keys(result.detailed).sort()).to.deep.equal(['tags.Name', 'tags["gametracker:stack"]']);
    expect(parsePath('tags["gametracker:stack"]')).to.deep.equal(["tags", "gametracker:stack"]);
    expect(formatPath(["rules", 0, "noncurrentVersionExpiration", "newerNoncurrentVersions"])).to.equal("rules[0].noncurrentVersionExpiration.newerNoncurrentVersions");
  });

  it("makes every regional type's region ForceNew and leaves IAM without one", () => {
    for (const [type, schema] of Object.entries(AWS_SCHEMA)) {
      if (schema.regional) expect(forceNewProperties(type), type).to.include("region");
      else expect(schema.attrs, type).not.to.have.property("region");
    }
  });
});

describe("stand-in aws provider: Check", () => {
  const input = (type: string, news: Record<string, unknown>, olds: Record<string, unknown> = {}) =>
    checkInputs(schemaOf(type), { type, name: "api-role", olds, news, randomSeed: new Uint8Array([1, 2, 3]), providerRegion: "us-west-2" });

  it("fills in the provider's region, the schema defaults (listed in __defaults) and an auto-name from the seed", () => {
    const { inputs, failures } = input("aws:ec2/securityGroup:SecurityGroup", { vpcId: "vpc-1" });
    expect(failures).to.deep.equal([]);
    expect(inputs).to.include({ region: "us-west-2", description: "Managed by Pulumi", revokeRulesOnDelete: false });
    expect(inputs.name).to.match(/^api-role-[0-9a-f]{7}$/);
    expect(inputs[DEFAULTS_KEY]).to.deep.equal(["description", "name", "revokeRulesOnDelete"]);
    expect(input("aws:ec2/securityGroup:SecurityGroup", { vpcId: "vpc-1" }).inputs.name).to.equal(inputs.name);
  });

  it("keeps an auto-name from the old inputs, and a name the program sets", () => {
    const old = { name: "api-role-1234567", [DEFAULTS_KEY]: ["name"] };
    expect(input("aws:iam/role:Role", { assumeRolePolicy: "{}" }, old).inputs.name).to.equal("api-role-1234567");
    expect(input("aws:iam/role:Role", { assumeRolePolicy: "{}", name: "mine" }, old).inputs).to.include({ name: "mine" });
    expect(input("aws:iam/role:Role", { assumeRolePolicy: "{}" }).inputs).not.to.have.property("region");
  });

  it("refuses a missing required argument and any input the table does not know", () => {
    expect(input(RDS, {}).failures.map((f) => f.property)).to.include("instanceClass");
    const unknown = input(RDS, { instanceClass: "db.t3.micro", dedicatedLogVolume: true }).failures;
    expect(unknown.map((f) => f.reason).join()).to.contain('no input "dedicatedLogVolume"').and.contain("internal/service/rds/instance.go");
  });
});
