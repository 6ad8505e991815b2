import { expect } from "chai";
import { DescribeDBInstanceAutomatedBackupsCommand, DescribeDBSnapshotsCommand, RDSClient, RDSServiceException } from "@aws-sdk/client-rds";
import { countRegionManualSnapshots, listAutomatedBackups, listInstanceSnapshots, snapshotInfo } from "../../../automation/aws/rds";

/** moto never pages DescribeDBSnapshots, so the Marker loop is proven against a scripted client. */
function pagedRds(pages: number[]) {
  const inputs: Array<Record<string, unknown>> = [];
  let n = 0;
  const rds = {
    async send(command: unknown) {
      if (!(command instanceof DescribeDBSnapshotsCommand)) throw new Error("unexpected command");
      inputs.push({ ...command.input });
      const page = n++;
      const size = pages[page]!;
      return {
        DBSnapshots: Array.from({ length: size }, (_, i) => ({ DBSnapshotIdentifier: `s-${page}-${i}`, SnapshotType: "manual", Status: "available", DBInstanceIdentifier: "db" })),
        ...(page < pages.length - 1 ? { Marker: `m${page + 1}` } : {}),
      };
    },
  } as unknown as RDSClient;
  return { aws: { rds, region: "eu-west-1" }, inputs };
}

describe("snapshot listing follows every page", () => {
  it("collects all pages of an instance's snapshots, passing each Marker back", async () => {
    const { aws, inputs } = pagedRds([100, 100, 7]);
    const snapshots = await listInstanceSnapshots(aws, "db");
    expect(snapshots).to.have.length(207);
    expect(snapshots[206]!.identifier).to.equal("s-2-6");
    expect(inputs).to.deep.equal([
      { DBInstanceIdentifier: "db", MaxRecords: 100 },
      { DBInstanceIdentifier: "db", MaxRecords: 100, Marker: "m1" },
      { DBInstanceIdentifier: "db", MaxRecords: 100, Marker: "m2" },
    ]);
  });

  it("counts the region's manual snapshots across pages", async () => {
    const { aws, inputs } = pagedRds([100, 3]);
    expect(await countRegionManualSnapshots(aws)).to.equal(103);
    expect(inputs[0]).to.deep.equal({ SnapshotType: "manual", MaxRecords: 100 });
  });
});

describe("automated backups and snapshot copies as the decisions see them", () => {
  function scripted(answers: Array<object | Error>) {
    const inputs: Array<Record<string, unknown>> = [];
    const rds = {
      async send(command: unknown) {
        if (!(command instanceof DescribeDBInstanceAutomatedBackupsCommand)) throw new Error("unexpected command");
        inputs.push({ ...command.input });
        const answer = answers.shift()!;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    } as unknown as RDSClient;
    return { aws: { rds }, inputs };
  }

  it("reads every page of automated backups into plain facts: window, source region, ARN", async () => {
    const earliest = new Date("2026-11-20T00:00:00Z");
    const { aws, inputs } = scripted([
      { DBInstanceAutomatedBackups: [{ DBInstanceIdentifier: "db", DbiResourceId: "db-A", Status: "retained", Region: "us-east-1" }], Marker: "m1" },
      { DBInstanceAutomatedBackups: [{ DBInstanceIdentifier: "db", Status: "replicating", Region: "us-east-1", DBInstanceAutomatedBackupsArn: "arn:x", Encrypted: true, RestoreWindow: { EarliestTime: earliest } }] },
    ]);
    const backups = await listAutomatedBackups(aws, { instanceIdentifier: "db" });
    expect(inputs).to.deep.equal([{ DBInstanceIdentifier: "db", MaxRecords: 100 }, { DBInstanceIdentifier: "db", MaxRecords: 100, Marker: "m1" }]);
    expect(backups.map((b) => [b.status, b.dbiResourceId, b.sourceRegion, b.arn, b.encrypted, b.earliest])).to.deep.equal([
      ["retained", "db-A", "us-east-1", undefined, false, undefined],
      ["replicating", undefined, "us-east-1", "arn:x", true, earliest],
    ]);
  });

  it("answers RDS's NotFound for an unknown identifier or resource id as no backups, and any other failure as one sentence", async () => {
    const notFound = new RDSServiceException({ name: "DBInstanceAutomatedBackupNotFoundFault", $fault: "client", $metadata: { httpStatusCode: 404 }, message: "none" });
    expect(await listAutomatedBackups(scripted([notFound]).aws, { dbiResourceId: "db-X" })).to.deep.equal([]);
    const denied = new RDSServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "no" });
    let message = "";
    try {
      await listAutomatedBackups(scripted([denied]).aws, { dbiResourceId: "db-X" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/^Could not read the automated backups of db-X: access was denied/);
  });

  it("knows a copy by the source RDS names on cross-region copies, else by this tool's tag, and not by SourceRegion alone", () => {
    expect(snapshotInfo({ DBSnapshotIdentifier: "s", SourceDBSnapshotIdentifier: "arn:aws:rds:us-east-1:123456789012:snapshot:s", SourceRegion: "us-east-1" }).copiedFrom).to.equal("us-east-1");
    expect(snapshotInfo({ DBSnapshotIdentifier: "s", TagList: [{ Key: "gametracker:source-region", Value: "us-east-1" }] }).copiedFrom).to.equal("us-east-1");
    expect(snapshotInfo({ DBSnapshotIdentifier: "s", SourceRegion: "us-west-2" }).copiedFrom).to.equal(undefined);
  });
});
