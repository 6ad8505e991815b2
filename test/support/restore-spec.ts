/** A drill restore of the dev environment from its declared manual snapshot, for the restore-program, config and policy tests. */
import type { RestoreSpec } from "../../automation/restore/spec";

export function drillRestoreSpec(overrides: Partial<RestoreSpec> = {}): RestoreSpec {
  return {
    environment: "dev",
    sourceDbInstanceIdentifier: "gametracker-mssql",
    point: {
      kind: "snapshot",
      label: "snapshot:gametracker-manual-backup-v1",
      snapshotIdentifier: "gametracker-manual-backup-v1",
      snapshotType: "manual",
      time: new Date("2026-11-24T03:10:00Z"),
      engine: "sqlserver-ex",
      engineVersion: "16.00.4165.4.v1",
      minStorageGiB: 20,
      storageEncrypted: false,
    },
    targetIdentifier: "gametracker-mssql-drill-202611251200abcd",
    instanceClass: "db.t3.small",
    multiAz: false,
    purpose: "drill",
    drillId: "202611251200abcd",
    region: "us-east-1",
    dbSubnetGroupName: "gametracker-mssql-subnets",
    securityGroupIds: ["sg-0db"],
    backupRetentionDays: 7,
    startedAt: new Date("2026-11-25T12:00:00Z"),
    ...overrides,
  };
}
