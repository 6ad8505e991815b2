import { expect } from "chai";
import { main } from "../../../automation/cli/main";
import { CliCommandGroup, defineCommand } from "../../../automation/cli/command";
import { ExitCode, OperationError, UsageError } from "../../../automation/errors";
import { PulumiOperationError } from "../../../automation/stacks/pulumi-errors";
import { ManualClock } from "../../support/manual-clock";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    deps: {
      stdout: { write: (t: string) => void out.push(t) },
      stderr: { write: (t: string) => void err.push(t) },
      clock: new ManualClock(),
      ask: undefined,
    },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

const calls: string[] = [];
const probe = defineCommand({
  command: "probe <what>",
  describe: "test command",
  builder: (y) => y.positional("what", { type: "string", choices: ["ok", "fail", "usage", "crash", "secret", "confirm", "caused", "pulumi"] }),
  examples: [["$0 probe ok", "succeeds"]],
  async run(args, ctx) {
    calls.push(String(args.what));
    switch (args.what) {
      case "fail":
        throw new OperationError("the operation failed");
      case "usage":
        throw new UsageError("bad value for --x");
      case "crash":
        throw new TypeError("unexpected");
      case "secret":
        ctx.output.result({ password: "hunter2", url: "jdbc:sqlserver://h:1433;password=hunter2" }, () => "url jdbc:sqlserver://h:1433;password=hunter2");
        return ExitCode.ok;
      case "confirm":
        return (await ctx.confirm("Delete it?")) ? ExitCode.ok : ExitCode.failed;
      case "caused":
        throw new OperationError("the restore failed", { cause: new Error("the socket closed", { cause: Object.assign(new Error("read ECONNRESET"), { name: "SystemError" }) }) });
      case "pulumi": {
        const output = "Updating (dev):\n    error: DB instance already exists\n    password=hunter2\nResources:\n    2 errored";
        const failure = { kind: "resource" as const, diagnostic: "DB instance already exists", resource: "aws:rds/instance:Instance db", pending: [] };
        throw new OperationError("Restore stack s failed at step restore", { cause: new PulumiOperationError("up", "s", failure, output, "/tmp/l.log", { cause: new Error("code: -2 the whole dump again") }) });
      }
      default:
        ctx.output.result({ ok: true, stack: args.stack ?? null }, () => "all good");
        return ExitCode.ok;
    }
  },
});
const group: CliCommandGroup = { command: "things", describe: "a group", subcommands: [{ ...probe, command: "sub <what>" }] };

describe("cli main", () => {
  beforeEach(() => (calls.length = 0));

  it("runs a command and prints its human result", async () => {
    const c = capture();
    expect(await main(["probe", "ok"], c.deps, [probe])).to.equal(0);
    expect(c.stdout()).to.equal("all good\n");
  });

  it("prints JSON on stdout with --json and passes global options", async () => {
    const c = capture();
    expect(await main(["probe", "ok", "--json", "--stack", "dev"], c.deps, [probe])).to.equal(0);
    expect(JSON.parse(c.stdout())).to.deep.equal({ ok: true, stack: "dev" });
  });

  it("maps an operation failure to exit 1 with a one-line error and no stack trace", async () => {
    const c = capture();
    expect(await main(["probe", "fail"], c.deps, [probe])).to.equal(1);
    expect(c.stderr()).to.equal("error: the operation failed\n");
  });

  it("maps bad input to exit 2", async () => {
    const c = capture();
    expect(await main(["probe", "usage"], c.deps, [probe])).to.equal(2);
    expect(c.stderr()).to.contain("bad value for --x");
  });

  it("shows the stack trace only with --verbose", async () => {
    const c = capture();
    expect(await main(["probe", "crash", "--verbose"], c.deps, [probe])).to.equal(1);
    expect(c.stderr()).to.contain("error: unexpected").and.to.contain("at ");
  });

  it("--verbose prints what caused an error, down to a failed Pulumi run's full output (redacted), and not its raw dump twice", async () => {
    let c = capture();
    expect(await main(["probe", "caused"], c.deps, [probe])).to.equal(1);
    expect(c.stderr()).to.equal("error: the restore failed\n");
    c = capture();
    await main(["probe", "caused", "--verbose"], c.deps, [probe]);
    expect(c.stderr()).to.contain("caused by: Error: the socket closed\ncaused by: SystemError: read ECONNRESET\n");
    c = capture();
    await main(["probe", "pulumi", "--verbose"], c.deps, [probe]);
    expect(c.stderr()).to.contain("caused by: PulumiOperationError: pulumi up of s failed at aws:rds/instance:Instance db: DB instance already exists (full output: /tmp/l.log).\nfull output of PulumiOperationError:\nUpdating (dev):");
    expect(c.stderr()).not.to.contain("hunter2").and.not.to.contain("code: -2");
  });

  it("refuses unknown commands, unknown options and bad choices with exit 2 before running anything", async () => {
    for (const argv of [["nope"], ["probe", "ok", "--bogus"], ["probe", "maybe"], []]) {
      const c = capture();
      expect(await main(argv, c.deps, [probe]), argv.join(" ")).to.equal(2);
      expect(c.stderr()).to.match(/^error: /);
    }
    expect(calls).to.deep.equal([]);
  });

  it("requires a subcommand for a group and runs subcommands", async () => {
    let c = capture();
    expect(await main(["things"], c.deps, [group])).to.equal(2);
    expect(c.stderr()).to.contain("Name a things subcommand: sub");
    c = capture();
    expect(await main(["things", "sub", "ok"], c.deps, [group])).to.equal(0);
  });

  it("shows help with each command's example and exits 0", async () => {
    const c = capture();
    expect(await main(["probe", "--help"], c.deps, [probe])).to.equal(0);
    expect(c.stdout()).to.contain("gametracker-dr probe ok").and.to.contain("--endpoint");
  });

  it("never prints secrets, in JSON or text", async () => {
    for (const json of [false, true]) {
      const c = capture();
      await main(["probe", "secret", ...(json ? ["--json"] : [])], c.deps, [probe]);
      expect(c.stdout()).not.to.contain("hunter2");
    }
  });

  it("refuses to act unasked without a terminal, and accepts --yes", async () => {
    let c = capture();
    expect(await main(["probe", "confirm"], c.deps, [probe])).to.equal(2);
    expect(c.stderr()).to.contain("--yes");
    c = capture();
    expect(await main(["probe", "confirm", "--yes"], c.deps, [probe])).to.equal(0);
    c = capture();
    expect(await main(["probe", "confirm"], { ...c.deps, ask: async () => false }, [probe])).to.equal(1);
  });
});
