import { expect } from "chai";
import { isDrillStackOf, drillStackName } from "../../../contracts/stacks";
import { UsageError } from "../../../automation/errors";
import {
  drillTargetIdentifier,
  newRunId,
  parseRunId,
  parseTargetIdentifier,
  restoreTargetIdentifier,
  RUN_ID_PATTERN,
  runIdTime,
  runStartOfStack,
} from "../../../automation/restore/naming";
import { instanceIdentifierProblem } from "../../../contracts/aws-names";

describe("restore naming", () => {
  it("a run id says when its run started, and so does the name of its stack", () => {
    const id = newRunId(new Date("2026-12-07T19:22:41Z"), () => 0.1);
    expect(runIdTime(id)).to.deep.equal(new Date("2026-12-07T19:22:00Z"));
    expect(runStartOfStack(`dev-drill-${id}`)).to.deep.equal(new Date("2026-12-07T19:22:00Z"));
    expect(runStartOfStack(`prod-eu-restore-${id}`)).to.deep.equal(new Date("2026-12-07T19:22:00Z"));
    for (const name of ["dev-drill-abandoned", "dev-restore-1", "dev-drill-202613011200abcd", "dev-drill-202612312560abcd", "dev"]) expect(runStartOfStack(name), name).to.equal(undefined);
  });

  it("drill ids are the UTC minute plus four random characters, and sort by time", () => {
    const a = newRunId(new Date("2026-11-25T12:00:59Z"), () => 0);
    const b = newRunId(new Date("2026-11-25T12:01:00Z"), () => 0.9999);
    expect(a).to.equal("202611251200aaaa");
    expect(b).to.equal("2026112512019999");
    expect([b, a].sort()).to.deep.equal([a, b]);
    expect(a).to.match(RUN_ID_PATTERN);
    // The drill stack name built from it is one the cleanup recognises.
    expect(isDrillStackOf("dev", drillStackName("dev", a))).to.equal(true);
  });

  it("two drills started in the same minute get different ids", () => {
    let i = 0;
    const values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    const random = () => values[i++ % values.length]!;
    const now = new Date("2026-11-25T12:00:00Z");
    expect(newRunId(now, random)).to.not.equal(newRunId(now, random));
  });

  it("refuses a --resume value that is not a drill id", () => {
    expect(() => parseRunId("dev-drill-1")).to.throw(UsageError, '--resume "dev-drill-1" is not a run id; pass the id printed when the drill or restore started');
    expect(parseRunId("202611251200k3x9")).to.equal("202611251200k3x9");
  });

  it("derives the restore target from the source (the seed's gametracker-mssql-restore)", () => {
    expect(restoreTargetIdentifier("gametracker-mssql")).to.equal("gametracker-mssql-restore");
  });

  it("derives drill targets that always keep the drill id and stay valid RDS identifiers", () => {
    expect(drillTargetIdentifier("gametracker-mssql", "202611251200k3x9")).to.equal("gametracker-mssql-drill-202611251200k3x9");
    const long = "a".repeat(40) + "-" + "b".repeat(22); // 63 characters
    const target = drillTargetIdentifier(long, "202611251200k3x9");
    expect(target).to.have.length.at.most(63);
    expect(target.endsWith("-drill-202611251200k3x9")).to.equal(true);
    expect(instanceIdentifierProblem(target, "lowercase")).to.equal(undefined);
    // A cut that would leave a trailing hyphen before the suffix (and so a `--`) is trimmed.
    const hyphenAtCut = "x".repeat(39) + "-" + "y".repeat(23);
    const trimmed = drillTargetIdentifier(hyphenAtCut, "202611251200k3x9");
    expect(trimmed).to.not.contain("--");
    expect(instanceIdentifierProblem(trimmed, "lowercase")).to.equal(undefined);
  });

  it("refuses an invalid --target-id with the rule it breaks", () => {
    expect(() => parseTargetIdentifier("1restore")).to.throw(UsageError, '--target-id "1restore" is not a valid RDS instance identifier: it must start with a letter; choose another name.');
    expect(() => parseTargetIdentifier("a--b")).to.throw(UsageError, "two consecutive hyphens");
    expect(parseTargetIdentifier("GameTracker-Restore")).to.equal("gametracker-restore");
  });
});
