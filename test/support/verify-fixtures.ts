import type { InstanceFacts } from "../../automation/restore/rds-facts";
import type { VerifyExpectations } from "../../automation/restore/verify";

/**
 * An RDS instance as rds-facts.ts reports it, and what a drill's restore expects of its
 * instance: the one place the restore tests (plan and verify, unit and emulator) build
 * them, so that a fact or an expectation a new verify check needs gets its default here,
 * once. The defaults are a drill's restored instance that passes every check.
 */

export function drillExpectations(overrides: Partial<VerifyExpectations> = {}): VerifyExpectations {
  return {
    identifier: "gametracker-mssql-drill-202611251200abcd",
    engine: "sqlserver-ex",
    engineVersion: "16.00.4165.4.v1",
    minStorageGiB: 20,
    subnetGroupName: "gametracker-mssql-subnets",
    securityGroupIds: ["sg-a", "sg-b"],
    purpose: "drill",
    drillId: "202611251200abcd",
    recoveryPoint: "snapshot:gametracker-manual-backup-v1",
    ...overrides,
  };
}

export function instanceFactsOf(overrides: Partial<InstanceFacts> = {}): InstanceFacts {
  const expected = drillExpectations();
  return {
    identifier: expected.identifier,
    arn: "arn:aws:rds:us-east-1:123456789012:db:" + expected.identifier,
    status: "available",
    engine: "sqlserver-ex",
    engineVersion: "16.00.4165.4.v1",
    instanceClass: "db.t3.micro",
    multiAz: false,
    allocatedStorageGiB: 20,
    backupRetentionDays: 7,
    subnetGroupName: "gametracker-mssql-subnets",
    securityGroupIds: ["sg-b", "sg-a"],
    address: "x.abc.us-east-1.rds.amazonaws.com",
    port: 1433,
    deletionProtection: false,
    latestRestorableTime: undefined,
    tags: { "gametracker:drill-id": "202611251200abcd", "gametracker:recovery-point": "snapshot:gametracker-manual-backup-v1" },
    ...overrides,
  };
}
