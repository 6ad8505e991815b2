/**
 * Every wait is bounded: an AWS endpoint that accepts connections and never answers ends
 * each command in one sentence — what, which endpoint, what to do — after the client's
 * timeout (--aws-timeout, GAMETRACKER_AWS_TIMEOUT) and its retry budget (3 attempts), for
 * each service edge the commands use: RDS (snapshots, choose), S3 (assets), Lambda (the
 * validation hook), EC2 (the restore's security groups). The timeouts here are short so
 * the tests are quick; the default's time to the error is measured by `npm run bench`.
 */
import { expect } from "chai";
import { newRunId } from "../../automation/restore/naming";
import { DECLARED_SNAPSHOT, drillHarness, Harness, PRIMARY } from "./restore-fixtures";
import { runCli } from "../support/cli";
import { useEmulator } from "../support/emulator";
import { FakeInterrupts } from "../support/interrupts";
import { refusingEndpoint, SilentEndpoint } from "../support/silent-endpoint";

/** The one sentence a silent endpoint ends in. */
const silentSentence = (action: RegExp, endpoint: string, within: string) =>
  new RegExp(`^error: Could not ${action.source}: the AWS endpoint ${escape(endpoint)} did not answer within ${within} after 3 attempts; check the network, --region and --endpoint \\(AWS_ENDPOINT_URL\\), or allow more time with --aws-timeout\\.\\n$`);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("a silent AWS endpoint (accepts, never answers) ends every command in one sentence", function () {
  this.timeout(60_000);
  const emulator = useEmulator();
  let silent: SilentEndpoint;
  beforeEach(async () => {
    silent = await SilentEndpoint.start();
  });
  afterEach(() => silent.close());

  it("RDS: snapshots list gives up after 3 attempts of --aws-timeout, naming the endpoint", async () => {
    const r = await runCli(["snapshots", "list", "--db-instance", PRIMARY, "--endpoint", silent.url, "--aws-timeout", "1s"], { clients: (o) => emulator.clients(o) });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(silentSentence(/read DB instance gametracker-mssql/, silent.url, "1s"));
    expect(silent.requests).to.have.length(3);
    expect(r.stdout).to.equal("");
  });

  it("S3: assets restore-prefix takes the timeout from GAMETRACKER_AWS_TIMEOUT", async () => {
    const before = process.env.GAMETRACKER_AWS_TIMEOUT;
    process.env.GAMETRACKER_AWS_TIMEOUT = "1s";
    try {
      const argv = ["assets", "restore-prefix", "--bucket", "gametracker-assets-dev", "--at", "2026-01-01T00:00:00Z", "--yes", "--endpoint", silent.url];
      const r = await runCli(argv, { clients: (o) => emulator.clients(o) });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(silentSentence(/read the versioning status of bucket gametracker-assets-dev/, silent.url, "1s"));
      expect(silent.requests).to.have.length(3);
    } finally {
      if (before === undefined) delete process.env.GAMETRACKER_AWS_TIMEOUT;
      else process.env.GAMETRACKER_AWS_TIMEOUT = before;
    }
  });

  describe("during a restore or a drill (in-memory stacks, moto)", () => {
    let h: Harness;
    let id: string;
    beforeEach(async () => {
      h = await drillHarness((o) => emulator.clients(o), emulator.endpoint());
      id = newRunId(h.clock.now(), () => 0.5);
    });
    afterEach(() => h.dispose());

    it("Lambda: a drill's validation hook that can't be looked up stops the drill before anything is created", async () => {
      const r = await h.run(["drill", "--stack", "dev", "--validate-with", "lambda:gametracker-validate", "--json"], { middleware: silent.route("LambdaClient"), timeoutMs: 300 });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(silentSentence(/read the configuration of Lambda gametracker-validate/, silent.url, "300ms"));
      expect(silent.requests).to.have.length(3);
      expect(h.stacks.mutations()).to.deep.equal([]);
    });

    it("EC2: a restore stops at choose before anything is created, and says so instead of advising a --resume that would be refused", async () => {
      const r = await h.run(["restore", "--stack", "dev", "--from", `snapshot:${DECLARED_SNAPSHOT}`, "--yes"], { middleware: silent.route("EC2Client"), timeoutMs: 300 });
      expect(r.code).to.equal(1);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines.pop()).to.match(
        new RegExp(
          `^error: Restore ${id} stopped at step choose before anything was created: Could not read security groups [^:]+: the AWS endpoint ${escape(silent.url)} did not answer within 300ms after 3 attempts; .*; nothing to resume or remove — fix the cause and run gametracker-dr restore again\\.$`,
        ),
      );
      expect(r.stderr).not.to.contain("--resume");
      expect(r.stderr).not.to.contain(`dev-restore-${id}`);
      expect(h.stacks.mutations()).to.deep.equal([]);
    });

    it("a refused connection (ECONNREFUSED) at choose names the endpoint and advises no --resume either", async () => {
      const refused = await refusingEndpoint();
      const r = await h.run(["restore", "--stack", "dev", "--yes", "--endpoint", refused]);
      expect(r.code).to.equal(1);
      expect(r.stderr.trimEnd().split("\n").pop()).to.match(
        new RegExp(`^error: Restore ${id} stopped at step choose before anything was created: Could not .*: the AWS endpoint ${escape(refused)} could not be reached \\(ECONNREFUSED\\).*; nothing to resume or remove — fix the cause and run gametracker-dr restore again\\.$`),
      );
      expect(r.stderr).not.to.contain("--resume");
      expect(h.stacks.mutations()).to.deep.equal([]);
    });

    it("Ctrl-C while RDS hangs at choose: says nothing was created (no stack named), and stops at once instead of waiting for the call", async () => {
      const interrupts = new FakeInterrupts();
      const running = h.run(["restore", "--stack", "dev", "--from", "latest", "--yes"], { middleware: silent.route("RDSClient"), timeoutMs: 50_000, interrupts });
      for (let i = 0; i < 500 && silent.requests.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(silent.requests.length, "the restore reached the silent endpoint").to.be.greaterThan(0);
      interrupts.fire();
      const r = await running;
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain(`warning: interrupted: stopping restore ${id} before anything is created (it was choosing the recovery point); nothing to clean up`);
      expect(r.stderr.trimEnd().split("\n").pop()).to.equal(
        `error: Restore ${id} stopped at step choose before anything was created: Interrupted (SIGINT); nothing to resume or remove — fix the cause and run gametracker-dr restore again.`,
      );
      expect(r.stderr).not.to.contain("dev-restore-");
      expect(silent.requests, "it did not wait for the call to time out and retry").to.have.length(1);
      expect(h.stacks.mutations()).to.deep.equal([]);
    });
  });
});
