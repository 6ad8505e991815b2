/**
 * The stand-in's schema table covers what the programs really register: every resource
 * type (and every input they set) of the environment program for dev, prod, a cut-over and
 * backup replication, of the restore program (snapshot, point in time, cut-over purpose, a
 * drill with the bundled validator) and of the children the stand-in awsx makes, collected
 * under the shared mocks. Each table entry has a handler and cites its terraform-provider-aws
 * schema file.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { environmentProgram } from "../../../../environment-program";
import { restoreProgram } from "../../../../automation/restore/program";
import { encodeRestoreSpec, SPEC_CONFIG_KEY } from "../../../../automation/restore/spec";
import { parseSqlChecks } from "../../../../contracts/validation-config";
import { RESTORE_PROJECT, RestoreOutputNames } from "../../../../contracts/stacks";
import { HANDLERS } from "./resources";
import { AWS_SCHEMA } from "./schema";
import { inputRuleFailures } from "./check";
import { StandinVpc } from "../awsx/vpc";
import { RegisteredResource, runProgram } from "../../../support/pulumi-mocks";
import { drillRestoreSpec } from "../../../support/restore-spec";
import { REPO_ROOT } from "../../../support/moto";
import { usageRefusal } from "../../../../automation/errors";

/** Types served by something other than the aws stand-in: local components, the awsx stand-in, the engine. */
const NOT_AWS = (type: string) => type.startsWith("gametracker:") || type === "awsx:ec2:Vpc" || type.startsWith("pulumi:");

function stackConfig(stack: string): Record<string, string | number | boolean | object> {
  const config = (parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, never> }).config ?? {};
  return config;
}

async function registrations(): Promise<Array<{ scenario: string; resources: RegisteredResource[] }>> {
  const restoreRef = "organization/gametracker-restore/dev-restore-r1";
  const restoreOutputs = {
    [RestoreOutputNames.identifier]: "gametracker-mssql-r1",
    [RestoreOutputNames.address]: "gametracker-mssql-r1.abc.us-east-1.rds.amazonaws.com",
    [RestoreOutputNames.port]: 1433,
    [RestoreOutputNames.secretArn]: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCd",
  };
  const env = (stack: string, extra: Record<string, string> = {}, stackReferences = {}) =>
    runProgram(environmentProgram, { stack, config: { ...stackConfig(stack), ...extra }, stackReferences }).then((r) => r.resources);
  const restore = (spec: Parameters<typeof drillRestoreSpec>[0]) => {
    const s = drillRestoreSpec(spec);
    return runProgram(restoreProgram, { project: RESTORE_PROJECT, stack: "dev-drill-x", config: { [SPEC_CONFIG_KEY]: encodeRestoreSpec(s) } }).then((r) => r.resources);
  };
  const awsx = (strategy: string) =>
    runProgram(async () => new StandinVpc("network-vpc", { cidrBlock: "10.20.0.0/16", numberOfAvailabilityZones: 2, natGateways: { strategy } }, {}).ready).then((r) => r.resources);
  return [
    { scenario: "dev", resources: await env("dev") },
    { scenario: "prod", resources: await env("prod") },
    // The standby's bucket is prod's locked replica: Object Lock exists only there.
    { scenario: "prod-dr (standby, replica bucket)", resources: await env("prod-dr") },
    { scenario: "cut-over", resources: await env("dev", { "gametracker:databaseSource": "dev-restore-r1" }, { [restoreRef]: restoreOutputs }) },
    { scenario: "backup replication", resources: await env("dev", { "gametracker:databaseBackupReplicationRegion": "us-west-2" }) },
    { scenario: "restore from snapshot", resources: await restore({}) },
    {
      scenario: "restore to a point in time, for cut-over",
      resources: await restore({
        purpose: "cutover",
        drillId: undefined,
        point: { kind: "time", source: { kind: "primary", instanceIdentifier: "gametracker-mssql" }, label: "time:2026-11-24T03:10:00Z", time: new Date("2026-11-24T03:10:00Z"), engine: "sqlserver-ex", engineVersion: "16.00.4165.4.v1", minStorageGiB: 20, storageEncrypted: false },
      }),
    },
    {
      // The validator's role, policies, log group and function exist only in a restore stack that runs it.
      scenario: "drill with the bundled validator",
      resources: await restore({
        validation: {
          hook: { kind: "bundled" },
          timeoutMs: 15 * 60_000,
          bundled: { subnetIds: ["subnet-private-a", "subnet-private-b"], securityGroupId: "sg-api", checks: parseSqlChecks({ validationMinRows: ["dbo.Players>=1000"], validationCheckDb: true }, { defaultDatabase: "gametracker", refuse: usageRefusal }) },
        },
      }),
    },
    { scenario: "awsx Vpc (Single)", resources: await awsx("Single") },
    { scenario: "awsx Vpc (OnePerAz)", resources: await awsx("OnePerAz") },
  ];
}

describe("stand-in aws provider: the schema table covers the programs", function () {
  this.timeout(60_000);
  let runs: Array<{ scenario: string; resources: RegisteredResource[] }>;
  before(async () => {
    runs = await registrations();
  });

  it("has an entry and a handler for every resource type any program registers", () => {
    const types = new Set(runs.flatMap((r) => r.resources.map((x) => x.type)).filter((t) => !NOT_AWS(t)));
    expect(types.size).to.be.greaterThan(20);
    const missing = [...types].filter((t) => AWS_SCHEMA[t] === undefined || HANDLERS[t] === undefined);
    expect(missing, "types without a table entry or handler").to.deep.equal([]);
    // The scenarios reach the types that only some configurations make.
    for (const t of [
      "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
      "aws:ec2/natGateway:NatGateway",
      "aws:rds/snapshot:Snapshot",
      "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
      "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    ]) {
      expect(types, t).to.include(t);
    }
    expect(runs.find((r) => r.scenario === "cut-over")!.resources.map((r) => r.type)).to.include("pulumi:pulumi:StackReference");
    expect(runs.find((r) => r.scenario === "drill with the bundled validator")!.resources.map((r) => r.type)).to.include("gametracker:validation:Validator");
  });

  it("knows every input the programs set (Check refuses any other)", () => {
    const unknown: string[] = [];
    for (const { scenario, resources } of runs) {
      for (const r of resources.filter((x) => !NOT_AWS(x.type))) {
        for (const key of Object.keys(r.inputs)) if (!(key in AWS_SCHEMA[r.type]!.attrs)) unknown.push(`${scenario}: ${r.type}.${key}`);
      }
    }
    expect(unknown).to.deep.equal([]);
  });

  it("passes every input rule of the provider (Check's validations and conflicts) with what the programs set", () => {
    const broken: string[] = [];
    for (const { scenario, resources } of runs) {
      for (const r of resources.filter((x) => !NOT_AWS(x.type))) {
        for (const f of inputRuleFailures(AWS_SCHEMA[r.type]!.attrs, r.inputs)) broken.push(`${scenario}: ${r.type}.${f.property}: ${f.reason}`);
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it("pairs each table entry with a handler, and cites a terraform-provider-aws schema file", () => {
    expect(Object.keys(HANDLERS).sort()).to.deep.equal(Object.keys(AWS_SCHEMA).sort());
    for (const [type, schema] of Object.entries(AWS_SCHEMA)) {
      expect(schema.source, type).to.match(/^internal\/service\/[a-z0-9]+\/[a-z0-9_]+\.go/);
      expect(schema.tf, type).to.match(/^aws_[a-z0-9_]+$/);
      if (schema.moto !== true) expect(schema.moto.echo, type).to.match(/moto .* has no /);
    }
  });
});
