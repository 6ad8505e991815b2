/**
 * The bad-input table of docs/commands.md, run row by row through the real CLI (in-process,
 * against moto and the in-memory stacks of a dev environment): each row's exit code and
 * sentence must be what the CLI says, and no row may create or change anything.
 */
import { expect } from "chai";
import { CreateBucketCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from "@aws-sdk/client-rds";
import { BadInputRow, COMMANDS_DOC, readBadInputTable } from "../support/command-table";
import { useEmulator } from "../support/emulator";
import { drillHarness, Harness } from "./restore-fixtures";

export const ASSETS_BUCKET = "gametracker-assets-dev";

/** The error sentence of a run: its last `error: ` line. */
function sentenceOf(stderr: string): string | undefined {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("error: "))
    .pop()
    ?.slice("error: ".length);
}

describe("the bad-input table of docs/commands.md, every row through the CLI", function () {
  this.timeout(120_000);
  const emulator = useEmulator();
  const rows = readBadInputTable();
  let h: Harness;

  before(() => {
    expect(rows.length, `${COMMANDS_DOC} lists at least 40 bad inputs`).to.be.at.least(40);
  });
  beforeEach(async () => {
    h = await drillHarness((o) => emulator.clients(o), emulator.endpoint());
    await h.aws.s3.send(new CreateBucketCommand({ Bucket: ASSETS_BUCKET }));
    await h.aws.s3.send(new PutBucketVersioningCommand({ Bucket: ASSETS_BUCKET, VersioningConfiguration: { Status: "Enabled" } }));
    await h.aws.s3.send(new PutObjectCommand({ Bucket: ASSETS_BUCKET, Key: "characters/42/portrait.png", Body: "v1" }));
  });
  afterEach(() => h.dispose());

  const state = async () => ({
    instances: (await h.aws.rds.send(new DescribeDBInstancesCommand({}))).DBInstances?.map((i) => `${i.DBInstanceIdentifier} ${i.DBInstanceStatus}`),
    snapshots: (await h.aws.rds.send(new DescribeDBSnapshotsCommand({}))).DBSnapshots?.map((s) => s.DBSnapshotIdentifier),
    versions: (await h.aws.s3.send(new ListObjectVersionsCommand({ Bucket: ASSETS_BUCKET }))).Versions?.map((v) => v.VersionId),
  });

  it(`each row exits with its code and says its sentence, and nothing is created or changed (${rows.length} rows)`, async () => {
    const before = await state();
    const differences: string[] = [];
    for (const row of rows as BadInputRow[]) {
      const run = await h.run(row.argv);
      const said = sentenceOf(run.stderr);
      if (run.code !== row.exit || said !== row.sentence) {
        differences.push(`${row.input}\n    table: exit ${row.exit}, ${row.sentence}\n    CLI:   exit ${run.code}, ${said ?? `(no error line) ${run.stderr}`}`);
      }
    }
    expect(differences, `rows of ${COMMANDS_DOC} that differ from the CLI:\n  ${differences.join("\n  ")}`).to.deep.equal([]);
    expect(h.stacks.mutations(), "stack changes").to.deep.equal([]);
    expect(await state()).to.deep.equal(before);
  });
});
