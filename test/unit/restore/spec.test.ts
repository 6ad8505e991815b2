import { expect } from "chai";
import { UsageError } from "../../../automation/errors";
import { decodeRestoreSpec, encodeRestoreSpec, MAX_TAG_VALUE, RestoreSpec, SPEC_TAG_PREFIX, specFromTags, specTags } from "../../../automation/restore/spec";
import { drillRestoreSpec } from "../../support/restore-spec";

const base: RestoreSpec = drillRestoreSpec({
  point: {
    kind: "time",
    label: "time:2026-11-22T09:30:00.000Z",
    time: new Date("2026-11-22T09:30:00Z"),
    source: { kind: "primary", instanceIdentifier: "gametracker-mssql" },
    engine: "sqlserver-se",
    engineVersion: "16.00.4165.4.v1",
    minStorageGiB: 30,
    storageEncrypted: true,
    kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/0f6c8f6e-3b7a-4d0c-9d1e-1a2b3c4d5e6f",
  },
  instanceClass: "db.t3.micro",
  securityGroupIds: ["sg-1", "sg-2"],
});

const roundTrip = (spec: RestoreSpec, stack = "dev-drill-202611251200abcd") => decodeRestoreSpec(specFromTags(specTags(encodeRestoreSpec(spec)))!, stack);

describe("restore spec (restore/spec.ts): what a restore stack records about itself", () => {
  it("round-trips every kind of recovery point through the stack's tags, so --resume gets back exactly what was chosen", () => {
    const points: RestoreSpec["point"][] = [
      base.point,
      { kind: "latest-restorable", label: "latest-restorable", time: new Date("2026-11-25T11:55:00Z"), source: { kind: "primary", instanceIdentifier: "gametracker-mssql" }, engine: "sqlserver-ex", engineVersion: "16.00.4165.4.v1", minStorageGiB: 30, storageEncrypted: false },
      {
        kind: "time",
        label: "retained:db-OLDPRIMARY@2026-11-24T20:00:00.000Z",
        time: new Date("2026-11-24T20:00:00Z"),
        source: { kind: "retained", instanceIdentifier: "gametracker-mssql", dbiResourceId: "db-OLDPRIMARY" },
        engine: "sqlserver-ex",
        engineVersion: "16.00.4165.4.v1",
        minStorageGiB: 20,
        storageEncrypted: false,
      },
      {
        kind: "latest-restorable",
        label: "replica:latest",
        time: new Date("2026-11-25T11:40:00Z"),
        source: { kind: "replica", instanceIdentifier: "gametracker-mssql", automatedBackupsArn: "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-1", sourceRegion: "us-east-1" },
        engine: "sqlserver-ex",
        engineVersion: "16.00.4165.4.v1",
        minStorageGiB: 20,
        storageEncrypted: false,
      },
      {
        kind: "snapshot",
        label: "snapshot:gametracker-manual-backup-v1",
        snapshotIdentifier: "gametracker-manual-backup-v1",
        snapshotType: "manual",
        copiedFrom: "us-east-1",
        time: new Date("2026-11-20T09:00:00Z"),
        engine: "sqlserver-ex",
        engineVersion: "16.00.4165.4.v1",
        minStorageGiB: 20,
        storageEncrypted: false,
      },
      {
        kind: "snapshot",
        label: "snapshot:rds:gametracker-mssql-2026-11-24-03-10",
        snapshotIdentifier: "rds:gametracker-mssql-2026-11-24-03-10",
        snapshotType: "automated",
        time: new Date("2026-11-24T03:10:00Z"),
        engine: "sqlserver-ex",
        engineVersion: "16.00.4165.4.v1",
        minStorageGiB: 20,
        storageEncrypted: false,
      },
    ];
    for (const point of points) expect(roundTrip({ ...base, point })).to.deep.equal({ ...base, point });
    const cutover: RestoreSpec = { ...base, purpose: "cutover", drillId: undefined, instanceClass: undefined, backupRetentionDays: undefined, multiAz: true };
    expect(roundTrip(cutover, "dev-restore-1")).to.deep.equal(cutover);
  });

  it("splits the JSON over numbered tags within Pulumi's 256-character tag value limit, and names each within the 40-character tag name limit", () => {
    const long: RestoreSpec = { ...base, securityGroupIds: Array.from({ length: 12 }, (_, i) => `sg-0${String(i).padStart(16, "0")}`) };
    const tags = specTags(encodeRestoreSpec(long));
    expect(Object.keys(tags).length).to.be.greaterThan(1);
    for (const [name, value] of Object.entries(tags)) {
      expect(name).to.match(/^[a-zA-Z0-9-_.:]{1,40}$/);
      expect(name.startsWith(SPEC_TAG_PREFIX)).to.equal(true);
      expect(value.length).to.be.at.most(MAX_TAG_VALUE);
    }
    expect(roundTrip(long)).to.deep.equal(long);
    // Other tags (Pulumi Cloud adds its own) are ignored.
    expect(specFromTags({ ...tags, "pulumi:project": "gametracker-restore", "gametracker:spec.x": "?" })).to.equal(encodeRestoreSpec(long));
    expect(specFromTags({ "pulumi:project": "gametracker-restore" })).to.equal(undefined);
  });

  it("refuses a spec this tool did not write, naming the stack and what is missing, before anything acts on it", () => {
    const json = JSON.parse(encodeRestoreSpec(base)) as Record<string, unknown>;
    const refused = (value: unknown) => () => decodeRestoreSpec(JSON.stringify(value), "dev-drill-x");
    expect(() => decodeRestoreSpec("{not json", "dev-drill-x")).to.throw(UsageError, "Restore stack dev-drill-x has an unreadable restore spec in its tags, so it cannot be resumed or verified");
    expect(refused({ ...json, targetIdentifier: undefined })).to.throw(UsageError, "no targetIdentifier in its restore spec");
    expect(refused({ ...json, securityGroupIds: [] })).to.throw(UsageError, "no securityGroupIds");
    expect(refused({ ...json, purpose: "primary" })).to.throw(UsageError, "purpose primary, which is neither drill nor cutover");
    expect(refused({ ...json, drillId: undefined })).to.throw(UsageError, "no drillId in its restore spec");
    expect(refused({ ...json, v: 2 })).to.throw(UsageError, "a restore spec of version 2");
    expect(refused({ ...json, point: { ...(json.point as object), kind: "yesterday" } })).to.throw(UsageError, 'a recovery point of kind "yesterday"');
    expect(refused({ ...json, region: "" })).to.throw(UsageError, "no region");
    const point = json.point as Record<string, unknown>;
    expect(refused({ ...json, point: { ...point, source: { kind: "tape", instanceIdentifier: "x" } } })).to.throw(UsageError, 'a point-in-time source of kind "tape"');
    expect(refused({ ...json, point: { ...point, source: { kind: "retained", instanceIdentifier: "gametracker-mssql" } } })).to.throw(UsageError, "no point.source.dbiResourceId");
    expect(refused({ ...json, point: { ...point, source: { kind: "replica", instanceIdentifier: "gametracker-mssql", automatedBackupsArn: "arn:x" } } })).to.throw(UsageError, "no point.source.sourceRegion");
  });

  it("reads a spec written before recovery sources existed (a point in time without a source) as the primary's, which is what it meant", () => {
    const json = JSON.parse(encodeRestoreSpec(base)) as Record<string, any>;
    delete json.point.source;
    expect(decodeRestoreSpec(JSON.stringify(json), "dev-drill-x").point).to.deep.equal(base.point);
  });
});
