import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findRunDirs, parseRunDirName, RunFiles } from "../../../automation/assets/run-files";
import { hostTag, processIdentity } from "../../../automation/host-process";
import { killedProcess } from "../../support/processes";

const RECORD = { bucket: "b", prefix: "characters/", endpoint: null };

describe("assets/run-files", () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "run-files-test-"))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("names a run's directory after its owner, and reads the owner back from the name alone", () => {
    const files = RunFiles.create(RECORD, { tmpdir: tmp, owner: { pid: 4242, startTicks: 987654 } });
    const name = path.basename(files.dir);
    expect(parseRunDirName(name)).to.deep.equal({ pid: 4242, startTicks: 987654, host: hostTag() });
    expect(files.record()).to.deep.equal(RECORD);
    expect(fs.statSync(files.dir).mode & 0o077, "private to its user").to.equal(0);
    expect(parseRunDirName(`gametracker-dr-plan-17-0-${hostTag()}-AbC123`)).to.deep.equal({ pid: 17, startTicks: undefined, host: hostTag() });
    expect(parseRunDirName("gametracker-dr-plan-Xy12Zq"), "made by a version that did not record its owner").to.equal("legacy");
    for (const other of ["gametracker-dr-batch-Xy12Zq", "gametracker-dr-plan-12-0-nothex!!-AbC123", "gametracker-dr-plan-../etc", "gametracker-dr-plan-"]) expect(parseRunDirName(other), other).to.equal(undefined);
  });

  it("finds this user's runs on this host with whether their process is gone; another host's, symlinks and files by that name are not listed", async () => {
    const dead = RunFiles.create(RECORD, { tmpdir: tmp, owner: await killedProcess() });
    const live = RunFiles.create(RECORD, { tmpdir: tmp });
    RunFiles.create(RECORD, { tmpdir: tmp, owner: { pid: 999_999_999, startTicks: undefined }, host: hostTag("another-host") });
    const legacy = fs.mkdtempSync(path.join(tmp, "gametracker-dr-plan-"));
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "run-files-target-"));
    try {
      fs.symlinkSync(elsewhere, path.join(tmp, `gametracker-dr-plan-999999998-0-${hostTag()}-Symlnk`));
      fs.writeFileSync(path.join(tmp, `gametracker-dr-plan-999999997-0-${hostTag()}-AFile1`), "");
      const { runs, legacy: old } = findRunDirs(tmp);
      expect(runs.map((r) => ({ dir: r.dir, gone: r.gone }))).to.have.deep.members([
        { dir: dead.dir, gone: true },
        { dir: live.dir, gone: false },
      ]);
      expect(runs.find((r) => r.dir === live.dir)!.owner).to.deep.include(processIdentity());
      expect(old).to.deep.equal([legacy]);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
    expect(findRunDirs(path.join(tmp, "missing"))).to.deep.equal({ runs: [], legacy: [] });
  });

  it("closing a run removes its directory, unless its journal names an upload that may still be open: then only the plan goes", () => {
    const done = RunFiles.create(RECORD, { tmpdir: tmp });
    fs.writeFileSync(done.writesFile, "{}\n");
    done.journal.starting("b", "k");
    done.journal.started("b", "k", "u1");
    done.journal.ended("b", "k", "u1");
    expect(done.close()).to.deep.equal({ open: [], unknown: [] });
    expect(fs.existsSync(done.dir)).to.equal(false);

    const failed = RunFiles.create(RECORD, { tmpdir: tmp });
    fs.writeFileSync(failed.writesFile, "{}\n");
    fs.mkdirSync(failed.batchDir);
    failed.journal.starting("b", "k");
    failed.journal.started("b", "k", "u2");
    expect(failed.close().open).to.deep.equal([{ bucket: "b", key: "k", uploadId: "u2" }]);
    expect(fs.readdirSync(failed.dir).sort()).to.deep.equal(["run.json", "uploads.ndjson"]);
  });
});
