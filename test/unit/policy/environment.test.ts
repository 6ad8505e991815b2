/**
 * The guardrails against what the project really deploys: every rule of the policy pack
 * evaluated on the resources the environment program, the Database component in drill
 * mode and the restore program register under the Pulumi mocks.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { environmentProgram } from "../../../environment-program";
import { Database, DatabaseRestore } from "../../../components/database";
import { TagKeys } from "../../../contracts/tags";
import { restoreProgram } from "../../../automation/restore/program";
import { encodeRestoreSpec, RestoreSpec, SPEC_CONFIG_KEY } from "../../../automation/restore/spec";
import { RESTORE_PROJECT } from "../../../contracts/stacks";
import { resourceRules, stackRules } from "../../../policy/pack";
import { Props } from "../../../policy/values";
import { RegisteredResource, runProgram } from "../../support/pulumi-mocks";
import { drillRestoreSpec } from "../../support/restore-spec";

const ROOT = path.resolve(__dirname, "../../..");
const RDS = "aws:rds/instance:Instance";

/** A stack's config as Pulumi.<stack>.yaml declares it (plain values; secrets have no place in it). */
function stackConfig(stack: "dev" | "prod" | "prod-dr"): Record<string, string | number | boolean | object> {
  const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
  expect(fs.existsSync(file), `Pulumi.${stack}.yaml exists`).to.equal(true);
  const config = (parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> }).config ?? {};
  const plain: Record<string, string | number | boolean | object> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value !== null && typeof value === "object" && "secure" in value) continue;
    plain[key] = value as string | number | boolean | object;
  }
  return plain;
}

interface Finding {
  rule: string;
  resource: string;
  message: string;
}

/** Every rule on every resource: resource rules on the registered inputs, stack rules on the resulting state. */
function evaluate(resources: RegisteredResource[]): { violations: Finding[]; undecided: Finding[]; judged: Record<string, number> } {
  const violations: Finding[] = [];
  const undecided: Finding[] = [];
  const judged: Record<string, number> = {};
  for (const rule of resourceRules) {
    for (const resource of resources.filter((r) => r.type === rule.resourceType)) {
      judged[rule.name] = (judged[rule.name] ?? 0) + 1;
      const result = rule.check(resource.inputs as Props);
      result.violations.forEach((v) => violations.push({ rule: rule.name, resource: resource.name, message: v.message }));
      result.undecided.forEach((u) => undecided.push({ rule: rule.name, resource: resource.name, message: u.toString() }));
    }
  }
  const views = resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.state as Props, propertyDependencies: {} }));
  for (const rule of stackRules) {
    judged[rule.name] = 1;
    const result = rule.check(views);
    result.violations.forEach((v) => violations.push({ rule: rule.name, resource: v.urn ?? "", message: v.message }));
    result.undecided.forEach((u) => undecided.push({ rule: rule.name, resource: "", message: u.toString() }));
  }
  return { violations, undecided, judged };
}

function expectClean(resources: RegisteredResource[]) {
  const { violations, undecided, judged } = evaluate(resources);
  expect(violations).to.deep.equal([]);
  expect(undecided).to.deep.equal([]);
  return judged;
}

const restoreSpec = (overrides: Partial<RestoreSpec> = {}): RestoreSpec =>
  drillRestoreSpec({ targetIdentifier: "gametracker-mssql-drill-w48", instanceClass: undefined, drillId: "w48", ...overrides });

describe("policy pack against the project's own resources", () => {
  it("the dev environment (Pulumi.dev.yaml) passes every rule, and every rule had something to judge", async () => {
    const run = await runProgram(environmentProgram, { stack: "dev", config: stackConfig("dev") });
    const judged = expectClean(run.resources);
    expect(judged).to.include.keys(...resourceRules.map((r) => r.name), ...stackRules.map((r) => r.name));
    expect(run.ofType(RDS)).to.have.length(1);
    expect(run.ofType("aws:lambda/function:Function")).to.have.length(1);
  });

  it("the environment cut over to a restore stack still passes (the Lambda's new environment included)", async () => {
    const run = await runProgram(environmentProgram, {
      stack: "dev",
      config: { ...stackConfig("dev"), "databaseSource": "dev-restore-r1" },
      stackReferences: {
        [`organization/${RESTORE_PROJECT}/dev-restore-r1`]: {
          identifier: "gametracker-mssql-r1",
          address: "gametracker-mssql-r1.abc123xyz.us-east-1.rds.amazonaws.com",
          port: 1433,
          secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-r1-AbCdEf",
        },
      },
    });
    expectClean(run.resources);
    expect(JSON.stringify(run.one("aws:lambda/function:Function").inputs.environment)).to.contain("gametracker-mssql-r1");
  });

  it("the prod example (Pulumi.prod.yaml: Standard edition, encrypted, Multi-AZ) passes every rule", async () => {
    const run = await runProgram(environmentProgram, { stack: "prod", config: stackConfig("prod") });
    expectClean(run.resources);
    expect(run.one(RDS).inputs.storageEncrypted).to.equal(true);
    expect(run.one("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication").inputs).to.deep.include({ region: "us-west-2" });
  });

  it("the standby example (Pulumi.prod-dr.yaml) passes every rule, before and after its cut-over", async () => {
    const waiting = await runProgram(environmentProgram, { stack: "prod-dr", config: stackConfig("prod-dr") });
    expectClean(waiting.resources);
    expect(waiting.ofType(RDS)).to.have.length(0);
    // Its bucket is prod's replica: the replica rule had it to judge, and would refuse it unlocked.
    const replica = waiting.resources.filter((r) => r.type !== "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
    expect(evaluate(replica).violations.map((v) => v.rule)).to.deep.equal(["s3-replica-object-lock"]);
    const cutOver = await runProgram(environmentProgram, {
      stack: "prod-dr",
      config: { ...stackConfig("prod-dr"), databaseSource: "prod-dr-restore-r1" },
      stackReferences: {
        [`organization/${RESTORE_PROJECT}/prod-dr-restore-r1`]: {
          identifier: "gametracker-mssql-restore",
          address: "gametracker-mssql-restore.abc123xyz.us-west-2.rds.amazonaws.com",
          port: 1433,
          secretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-r1-AbCdEf",
          region: "us-west-2",
        },
      },
    });
    expectClean(cutOver.resources);
  });

  it("the policy would catch the environment's primary with backups off or deletion protection off", async () => {
    const run = await runProgram(environmentProgram, { stack: "dev", config: stackConfig("dev") });
    const instance = run.one(RDS);
    const broken = [{ ...instance, inputs: { ...instance.inputs, backupRetentionPeriod: 0, deletionProtection: false } }];
    expect(evaluate(broken).violations.map((v) => v.rule).sort()).to.deep.equal(["rds-backup-retention", "rds-deletion-protection"]);
    const withoutVersioning = run.resources.filter((r) => r.type !== "aws:s3/bucketVersioning:BucketVersioning");
    expect(evaluate(withoutVersioning).violations.map((v) => v.rule)).to.deep.equal(["s3-assets-versioning-enabled"]);
  });

  describe("drill restores of the Database component", () => {
    const drill = (restore: DatabaseRestore, tags: Record<string, string>) => () =>
      new Database("restored", {
        identifier: "gametracker-mssql-drill-w48",
        restore,
        purpose: "drill",
        tags,
        dbSubnetGroupName: "gametracker-mssql-subnets",
        vpcSecurityGroupIds: ["sg-0db"],
      });

    it("from a snapshot: passes, the deletion rules waived by the drill tag", async () => {
      const run = await runProgram(drill({ snapshotIdentifier: "gametracker-manual-backup-v1" }, { [TagKeys.drillId]: "w48" }), { project: RESTORE_PROJECT, stack: "dev-drill-w48" });
      expectClean(run.resources);
      expect(run.one(RDS).inputs.deletionProtection).to.equal(false);
    });

    it("to a point in time: passes", async () => {
      const restore = { pointInTime: { sourceDbInstanceIdentifier: "gametracker-mssql", useLatestRestorableTime: true } };
      const run = await runProgram(drill(restore, { [TagKeys.drillId]: "w48" }), { project: RESTORE_PROJECT, stack: "dev-drill-w48" });
      expectClean(run.resources);
    });

    it("without the drill tag it fails exactly the two waivable rules (the waiver is what lets it pass)", async () => {
      const run = await runProgram(drill({ snapshotIdentifier: "gametracker-manual-backup-v1" }, {}), { project: RESTORE_PROJECT, stack: "dev-drill-w48" });
      expect(evaluate(run.resources).violations.map((v) => v.rule).sort()).to.deep.equal(["rds-deletion-protection", "rds-final-snapshot"]);
    });
  });

  describe("the restore program the drill and cut-over commands run", () => {
    const run = (spec: RestoreSpec) => runProgram(restoreProgram, { project: RESTORE_PROJECT, stack: `dev-drill-${spec.drillId ?? "c1"}`, config: { [SPEC_CONFIG_KEY]: encodeRestoreSpec(spec) } });

    it("a drill restore passes every rule", async () => {
      expectClean((await run(restoreSpec())).resources);
    });

    it("a cut-over restore passes with the full hardening", async () => {
      const result = await run(restoreSpec({ purpose: "cutover", drillId: undefined, targetIdentifier: "gametracker-mssql-restore-c1" }));
      expectClean(result.resources);
      expect(result.one(RDS).inputs.deletionProtection).to.equal(true);
    });
  });
});
