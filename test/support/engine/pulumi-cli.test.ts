/**
 * How the engine tier finds its Pulumi CLI (test/support/engine/pulumi-cli.ts), with
 * fake binaries on a private PATH and cache: never builds here.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { withLock } from "../go-build";
import { atLeast, ensurePulumiCli, parseVersion, PINNED_PULUMI_VERSION, pinnedCliPath, PulumiCliUnavailableError } from "./pulumi-cli";

describe("engine tier: getting the Pulumi CLI", () => {
  let dir: string;
  const saved = { PATH: process.env.PATH, GAMETRACKER_CACHE_DIR: process.env.GAMETRACKER_CACHE_DIR };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-cli-test-"));
    process.env.GAMETRACKER_CACHE_DIR = path.join(dir, "cache");
    process.env.PATH = path.join(dir, "bin");
    fs.mkdirSync(path.join(dir, "bin"));
  });
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.GAMETRACKER_CACHE_DIR === undefined) delete process.env.GAMETRACKER_CACHE_DIR;
    else process.env.GAMETRACKER_CACHE_DIR = saved.GAMETRACKER_CACHE_DIR;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const fake = (file: string, version: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
  };

  it("compares versions", () => {
    expect(parseVersion("v3.274.1\n")).to.deep.equal([3, 274, 1]);
    expect(parseVersion("3.249.0-alpha.x")).to.deep.equal([3, 249, 0]);
    expect(atLeast([3, 249, 0], [3, 249, 0])).to.equal(true);
    expect(atLeast([3, 248, 9], [3, 249, 0])).to.equal(false);
  });

  it("takes a new enough pulumi from PATH", () => {
    fake(path.join(dir, "bin", "pulumi"), "v3.280.0");
    expect(ensurePulumiCli()).to.equal(path.join(dir, "bin", "pulumi"));
  });

  it("passes over a too old pulumi for the cached pinned build, outside the checkout", () => {
    fake(path.join(dir, "bin", "pulumi"), "v3.100.0");
    fake(pinnedCliPath(), PINNED_PULUMI_VERSION);
    const lines: string[] = [];
    expect(ensurePulumiCli((l) => lines.push(l))).to.equal(path.join(dir, "cache", `pulumi-${PINNED_PULUMI_VERSION}`, "pulumi"));
    expect(lines.join("\n")).to.contain("older than 3.249.0");
  });

  it("says in one sentence what to install when there is neither pulumi nor go", () => {
    let error: unknown;
    try {
      ensurePulumiCli();
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(PulumiCliUnavailableError);
    expect((error as Error).message).to.match(/^The engine tests need the Pulumi CLI >= 3\.249\.0, but there is no pulumi on PATH and no go .*\.$/);
    expect((error as Error).message.split(". ")).to.have.length(1);
  });

  it("takes over a lock left by a process that is gone, and releases it", () => {
    const lock = path.join(dir, "build.lock");
    fs.writeFileSync(lock, "999999999");
    let ran = false;
    withLock(lock, () => {}, () => {
      ran = true;
      expect(fs.readFileSync(lock, "utf8")).to.equal(String(process.pid));
    });
    expect(ran).to.equal(true);
    expect(fs.existsSync(lock)).to.equal(false);
  });
});
