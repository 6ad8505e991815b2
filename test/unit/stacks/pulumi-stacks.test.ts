import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../../automation/cli/main";
import { ManualClock } from "../../support/manual-clock";
import { UsageError } from "../../../automation/errors";
import { createPulumiStacks } from "../../../automation/stacks/pulumi-stacks";

/**
 * The real adapter can't reach a backend here, but its first promise can be kept
 * everywhere: without a Pulumi CLI on PATH it says how to install one, as bad usage,
 * and never downloads anything (PulumiCommand.install would).
 */
describe("Automation API adapter without a Pulumi CLI", () => {
  let savedPath: string | undefined;
  let emptyDir: string;
  beforeEach(() => {
    savedPath = process.env.PATH;
    emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), "no-pulumi-"));
    process.env.PATH = emptyDir;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    fs.rmSync(emptyDir, { recursive: true, force: true });
  });

  it("refuses with the install instructions, and puts nothing on the machine", async () => {
    let error: unknown;
    try {
      await createPulumiStacks().select({ project: "gametracker", stack: "dev" });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(UsageError);
    expect((error as Error).message).to.contain("install it from https://www.pulumi.com/docs/install/").and.contain("never downloads it");
    expect(fs.readdirSync(emptyDir)).to.deep.equal([]);
  });

  it("makes a stack command exit 2 with that sentence", async () => {
    const err: string[] = [];
    const code = await main(["drill", "--stack", "dev"], {
      stdout: { write: () => {} },
      stderr: { write: (t) => void err.push(t) },
      clock: new ManualClock(),
      ask: undefined,
    });
    expect(code).to.equal(2);
    expect(err.join("")).to.match(/^error: The Pulumi CLI was not found/).and.contain("curl -fsSL https://get.pulumi.com | sh");
  });
});
