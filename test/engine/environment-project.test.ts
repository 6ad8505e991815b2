/**
 * The environment project as the engine tier runs it: an inline program (no Node language
 * host here) over a temporary copy of the repository's own Pulumi.yaml and stack files, so
 * the project settings, the declared config and Pulumi.<stack>.yaml pass through the engine
 * as `pulumi up` passes them — and config the driver sets lands in the copy, never in the
 * repository. A probe program reports what the engine handed it.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENT_PROJECT } from "../../contracts/stacks";
import { environmentProgram } from "../../environment-program";
import { useEngine } from "../support/engine/harness";
import { REPO_ROOT } from "../support/moto";
import { errorMessage } from "../../contracts/text";

describe("engine tier: the environment project from the repository's Pulumi.yaml and stack files", function () {
  this.timeout(60_000);
  const engine = useEngine();

  it("runs over a copy: project and stack file config reach the program, setConfig writes the copy", async () => {
    const probe = async () => ({ project: pulumi.getProject(), stack: pulumi.getStack(), config: pulumi.runtime.allConfig() });
    const stacks = engine.stacks({ environmentProgram: probe });
    const dev = await stacks.select({ project: ENVIRONMENT_PROJECT, stack: "dev" }).catch(() => stacks.createOrSelect({ project: ENVIRONMENT_PROJECT, stack: "dev" }));
    await dev.setConfig("engine-probe", "set-by-the-test");
    const up = await dev.up();
    const config = up.outputs.config!.value as Record<string, string>;
    expect(up.outputs.project!.value).to.equal(ENVIRONMENT_PROJECT);
    expect(up.outputs.stack!.value).to.equal("dev");
    expect(config["aws:region"], "from Pulumi.dev.yaml").to.equal("us-east-1");
    expect(config[`${ENVIRONMENT_PROJECT}:engine-probe`]).to.equal("set-by-the-test");
    expect(fs.readFileSync(path.join(engine.workDir, "Pulumi.dev.yaml"), "utf8")).to.contain("engine-probe");
    expect(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")).not.to.contain("engine-probe");
  });

  it("refuses a bad value of the stack's config with the program's one sentence, no stack trace, before anything is created", async () => {
    const stacks = engine.stacks({ environmentProgram: async () => environmentProgram() });
    const bad = await stacks.createOrSelect({ project: ENVIRONMENT_PROJECT, stack: "dev" });
    await bad.setConfig("databaseBackupRetentionDays", "0");
    const failure = await bad.up().then(
      () => undefined,
      (error: unknown) => (errorMessage(error)),
    );
    await bad.removeConfig("databaseBackupRetentionDays");
    expect(failure, "up must fail").to.be.a("string");
    // The engine prints a RunError's message alone; any other error as "Unhandled exception" with its stack.
    expect(failure).to.match(/gametracker:databaseBackupRetentionDays is "?0"?, but it must be/);
    expect(failure).not.to.contain("Unhandled exception");
    expect(failure).not.to.match(/\n\s+at .*\.(ts|js):\d+/);
    const state = await engine.exportStack(ENVIRONMENT_PROJECT, "dev");
    expect(state.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"))).to.deep.equal([]);
  });
});
