import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { foldJournal, parseJournal, UploadJournal } from "../../../automation/assets/upload-journal";

describe("assets/upload-journal", () => {
  it("an upload created and then completed or aborted is not open; one created and never ended is", () => {
    const state = foldJournal([
      { op: "starting", bucket: "b", key: "done" },
      { op: "started", bucket: "b", key: "done", uploadId: "u1" },
      { op: "starting", bucket: "b", key: "open" },
      { op: "started", bucket: "b", key: "open", uploadId: "u2" },
      { op: "ended", bucket: "b", key: "done", uploadId: "u1" },
    ]);
    expect(state).to.deep.equal({ open: [{ bucket: "b", key: "open", uploadId: "u2" }], unknown: [] });
  });

  it("a key whose upload was being created when the run ended is unknown, until its id is recorded", () => {
    expect(foldJournal([{ op: "starting", bucket: "b", key: "k" }]).unknown).to.deep.equal([{ bucket: "b", key: "k" }]);
    const again = foldJournal([
      { op: "starting", bucket: "b", key: "k" },
      { op: "started", bucket: "b", key: "k", uploadId: "u1" },
      { op: "ended", bucket: "b", key: "k", uploadId: "u1" },
      { op: "starting", bucket: "b", key: "k" },
    ]);
    expect(again).to.deep.equal({ open: [], unknown: [{ bucket: "b", key: "k" }] });
    expect(foldJournal([{ op: "starting", bucket: "a", key: "k" }, { op: "started", bucket: "b", key: "k", uploadId: "u" }]).unknown, "another bucket's id does not settle it").to.deep.equal([
      { bucket: "a", key: "k" },
    ]);
  });

  it("skips a line cut short, keeps the lines before it", () => {
    const text = '{"op":"starting","bucket":"b","key":"k"}\n{"op":"started","bucket":"b","key":"k","uploadId":"u1"}\n{"op":"ended","buck';
    expect(parseJournal(text)).to.have.length(2);
    expect(foldJournal(parseJournal(text)).open).to.deep.equal([{ bucket: "b", key: "k", uploadId: "u1" }]);
    expect(parseJournal('{"op":"started","bucket":"b","key":"k"}\n')).to.deep.equal([]);
  });

  it("writes each line before it returns, so a process killed right after loses none, and reads back what is open", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-test-"));
    try {
      const journal = new UploadJournal(path.join(dir, "uploads.ndjson"));
      expect(journal.read()).to.deep.equal({ open: [], unknown: [] });
      journal.starting("b", "zoë 日本.png");
      journal.started("b", "zoë 日本.png", "u1");
      expect(fs.readFileSync(journal.file, "utf8").trim().split("\n")).to.have.length(2);
      expect(journal.read().open).to.deep.equal([{ bucket: "b", key: "zoë 日本.png", uploadId: "u1" }]);
      journal.ended("b", "zoë 日本.png", "u1");
      expect(journal.read()).to.deep.equal({ open: [], unknown: [] });
      expect(fs.statSync(journal.file).mode & 0o077, "private to its user").to.equal(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
