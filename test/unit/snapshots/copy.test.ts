import { expect } from "chai";
import { SnapshotInfo } from "../../../automation/aws/rds";
import { copyIdentifierFor, copyProblem, copyTags } from "../../../automation/snapshots/copy";

const snap = (overrides: Partial<SnapshotInfo> = {}): SnapshotInfo => ({
  identifier: "gametracker-manual-backup-v1",
  arn: "arn:aws:rds:us-east-1:123456789012:snapshot:gametracker-manual-backup-v1",
  instanceIdentifier: "gametracker-mssql",
  type: "manual",
  status: "available",
  createdAt: new Date("2026-11-20T09:00:00Z"),
  allocatedStorageGiB: 20,
  engine: "sqlserver-se",
  engineVersion: "16.00.4165.4.v1",
  encrypted: false,
  kmsKeyId: undefined,
  tags: { "gametracker:snapshot": "manual" },
  ...overrides,
});

describe("snapshots copy: the pure decisions", () => {
  it("names the copy after its source, without the rds: prefix RDS keeps for automated snapshots", () => {
    expect(copyIdentifierFor(snap())).to.equal("gametracker-manual-backup-v1");
    expect(copyIdentifierFor(snap({ identifier: "rds:gametracker-mssql-2026-11-24-03-10", type: "automated" }))).to.equal("gametracker-mssql-2026-11-24-03-10");
  });

  it("tags the copy as this tool's (so prune may delete it there) with where it came from, keeping the source's own tags", () => {
    expect(copyTags(snap(), snap().arn!, "us-east-1")).to.deep.equal({
      "gametracker:snapshot": "manual",
      "created-by": "gametracker-dr",
      "gametracker:source-instance": "gametracker-mssql",
      "gametracker:source-snapshot": "arn:aws:rds:us-east-1:123456789012:snapshot:gametracker-manual-backup-v1",
      "gametracker:source-region": "us-east-1",
    });
  });

  it("refuses what RDS would refuse or what would not help, each in one sentence", () => {
    const problem = (s: SnapshotInfo, request: { toRegion: string; kmsKeyId?: string }) => copyProblem(s, request, "us-east-1");
    expect(problem(snap(), { toRegion: "us-west-2" })).to.equal(undefined);
    expect(problem(snap(), { toRegion: "us-east-1" })).to.equal(
      "--to-region us-east-1 is the region snapshot gametracker-manual-backup-v1 is already in; copy it to the region a restore must work in when us-east-1 does not (e.g. the standby region).",
    );
    expect(problem(snap({ status: "creating" }), { toRegion: "us-west-2" })).to.contain("is creating, not available; RDS copies only an available snapshot");
    expect(problem(snap({ encrypted: true, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" }), { toRegion: "us-west-2" })).to.equal(
      "Snapshot gametracker-manual-backup-v1 is encrypted, and its KMS key exists only in us-east-1; pass --kms-key <ARN or alias of a key in us-west-2> to encrypt the copy there.",
    );
    expect(problem(snap({ encrypted: true }), { toRegion: "us-west-2", kmsKeyId: "alias/gametracker-dr" })).to.equal(undefined);
    expect(problem(snap({ encrypted: true }), { toRegion: "us-west-2", kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k" })).to.equal(
      "--kms-key arn:aws:kms:eu-west-1:123456789012:key/k is a key of eu-west-1, but the copy is made in us-west-2; pass a key of us-west-2.",
    );
    expect(problem(snap({ engine: "sqlserver-ex" }), { toRegion: "us-west-2", kmsKeyId: "alias/x" })).to.contain("SQL Server Express, which has no encryption at rest");
    expect(problem(snap(), { toRegion: "mars-1" })).to.equal('Invalid --to-region "mars-1": it is not an AWS region name such as us-west-2; give the region to copy to (aws ec2 describe-regions lists them).');
  });
});
