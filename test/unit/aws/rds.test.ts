import { expect } from "chai";
import { DescribeDBSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import { countRegionManualSnapshots, listInstanceSnapshots } from "../../../automation/aws/rds";

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
