import { expect } from "chai";
import { runCli } from "../support/rds-fixtures";

const noAws = () => {
  throw new Error("help must not build AWS clients");
};

describe("check and snapshots --help", () => {
  const cases: Array<[string[], string[]]> = [
    [["check", "--help"], ["gametracker-dr check --stack prod", "--min-retention-days", "--max-restore-lag", "--max-automated-snapshot-age", "--max-manual-snapshot-age", "--db-instance", "--bucket"]],
    [["snapshots", "list", "--help"], ["gametracker-dr snapshots list --stack dev", "--db-instance"]],
    [["snapshots", "create", "--help"], ["gametracker-dr snapshots create --stack prod", "--name", "--no-wait", "--timeout"]],
    [["snapshots", "prune", "--help"], ["gametracker-dr snapshots prune --stack prod", "--keep-last 5 --older-than 30d --dry-run", "--keep-last", "--older-than", "--dry-run"]],
  ];
  for (const [argv, expected] of cases) {
    it(`${argv.slice(0, -1).join(" ")} shows its options and an example, exit 0`, async () => {
      const run = await runCli(argv, { clients: noAws });
      expect(run.code, run.stderr).to.equal(0);
      for (const text of expected) expect(run.stdout).to.contain(text);
    });
  }

  it("snapshots without a subcommand names them, exit 2", async () => {
    const run = await runCli(["snapshots"], { clients: noAws });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("Name a snapshots subcommand: list, create, prune.");
  });
});
