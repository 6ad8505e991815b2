/**
 * A silent AWS service (issue 18 §3, §5): for each service, the commands that call it, as
 * `bin/gametracker-dr.js` OS processes whose every request to that service is taken by the
 * crash tier's proxy and never answered (a listener that accepts and never replies). Each
 * must end by itself in one sentence that names the endpoint, exit 1, and leave nothing
 * behind; the test's own timeout is only the backstop of a run that would wait forever.
 * The AWS timeout is set short through GAMETRACKER_AWS_TIMEOUT, as an operator can.
 * DNS for moto's endpoints is not the silent service (rds-dns-preload.ts asks moto itself).
 */
import { expect } from "chai";
import { AwsMatch } from "../../support/aws-proxy";
import { useCrashWorld } from "../../support/engine/crash-world";

const SNAPSHOT = "snapshot:gametracker-manual-backup-v1";

interface HangCase {
  service: string;
  command: string[];
  /** Only these calls hang (default: every call to the service). */
  match?: Omit<AwsMatch, "service">;
  /** A drill says why it failed in its report (`--json`: `error`), not on stderr. */
  drill?: true;
}

const CASES: HangCase[] = [
  { service: "rds", command: ["restore", "--stack", "dev", "--from", "latest", "--yes"] },
  { service: "rds", command: ["drill", "--stack", "dev", "--from", "latest", "--json"], drill: true },
  { service: "rds", command: ["snapshots", "list", "--stack", "dev"] },
  { service: "rds", command: ["check", "--stack", "dev"] },
  { service: "rds", command: ["cleanup", "--older-than", "1h", "--dry-run"] },
  { service: "ec2", command: ["restore", "--stack", "dev", "--from", SNAPSHOT, "--yes"] },
  { service: "ec2", command: ["drill", "--stack", "dev", "--from", SNAPSHOT, "--json"], drill: true },
  { service: "lambda", command: ["rollback", "--stack", "dev", "--yes"] },
  { service: "s3", command: ["assets", "restore-prefix", "--stack", "dev", "--prefix", "characters/", "--at", "2026-01-01T00:00:00Z", "--dry-run"] },
  { service: "s3", command: ["assets", "versions", "characters/1/portrait.png", "--stack", "dev"] },
];

describe("crash tier: a silent AWS service, for each command that calls it, on dev deployed through the language host", function () {
  this.timeout(90_000);
  const world = useCrashWorld("dev");

  for (const c of CASES) {
    it(`${c.service} never answers: gametracker-dr ${c.command.join(" ")} ends in one sentence naming the endpoint, exit 1, nothing created`, async () => {
      const instances = await world.instances();
      const silent = world.proxy.hang({ service: c.service, caller: "cli", ...c.match });
      const run = await world.dr(c.command, { env: { GAMETRACKER_AWS_TIMEOUT: "2s" } }).done;
      await silent.reached(1_000);
      const endpoint = new URL(world.proxy.endpoint);
      expect(run.code, run.stderr).to.equal(1);
      const error = c.drill ? [`error: ${run.json<{ error?: string }>().error}`] : run.stderr.trimEnd().split("\n").filter((l) => l.startsWith("error: "));
      expect(error, run.stderr).to.have.length(1);
      expect(error[0]).to.match(/^error: [^\n]+\.$/);
      expect(error[0]).to.contain(endpoint.host);
      if (c.drill) expect(run.json()).to.deep.include({ outcome: "failed", failedStep: "choose" });
      expect(run.stderr, "no advice to resume a run that made nothing").not.to.contain("--resume");
      expect(world.restoreStacks()).to.deep.equal([]);
      expect(await world.instances()).to.deep.equal(instances);
      expect(world.locks()).to.deep.equal([]);
    });
  }
});
