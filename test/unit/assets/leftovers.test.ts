import { expect } from "chai";
import { abortAfterDays, LeftoversReport, uploadAction } from "../../../automation/assets/leftovers";
import { renderLeftovers } from "../../../automation/assets/summary";

const empty: LeftoversReport = { removed: [], kept: [], aborted: [], alreadyEnded: [], named: [], notRecorded: 0, legacy: [], abortAfterDays: null, problems: [] };
const where = { bucket: "assets", prefix: "characters/" };

describe("assets/leftovers", () => {
  it("aborts a dead run's upload only on this bucket through the S3 endpoint its run recorded, and never on a dry run", () => {
    const target = { bucket: "assets", prefix: "characters/", endpoint: "http://127.0.0.1:5000" };
    const record = { bucket: "assets", prefix: "x/", endpoint: "http://127.0.0.1:5000" };
    expect(uploadAction(record, target, "assets", false)).to.equal("abort");
    expect(uploadAction(record, target, "assets", true)).to.equal("dry-run");
    expect(uploadAction(record, target, "other", false)).to.equal("other-bucket");
    expect(uploadAction({ ...record, endpoint: null }, target, "assets", false), "AWS's own S3, not this emulator").to.equal("other-bucket");
    expect(uploadAction(record, { ...target, endpoint: undefined }, "assets", false)).to.equal("other-bucket");
    expect(uploadAction({ ...record, endpoint: null }, { ...target, endpoint: undefined }, "assets", false)).to.equal("abort");
    expect(uploadAction(undefined, target, "assets", false), "a run that left no record").to.equal("other-bucket");
  });

  it("the lifecycle's abort of incomplete uploads counts for a prefix only where an enabled rule covers all of it", () => {
    const abort = (days: number) => ({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: days } });
    expect(abortAfterDays([{ Status: "Enabled", Filter: {}, ...abort(7) }], "characters/")).to.equal(7);
    expect(abortAfterDays([{ Status: "Enabled", Filter: { Prefix: "characters/" }, ...abort(3) }, { Status: "Enabled", Filter: {}, ...abort(7) }], "characters/42/")).to.equal(3);
    expect(abortAfterDays([{ Status: "Enabled", Filter: { Prefix: "characters/42/" }, ...abort(3) }], "characters/"), "covers only part of the prefix").to.equal(undefined);
    expect(abortAfterDays([{ Status: "Disabled", Filter: {}, ...abort(1) }], "")).to.equal(undefined);
    expect(abortAfterDays([{ Status: "Enabled", Filter: { ObjectSizeGreaterThan: 1000 }, ...abort(1) }], ""), "only some sizes").to.equal(undefined);
    expect(abortAfterDays([{ Status: "Enabled", Prefix: "", ...abort(5) }], "x/"), "a rule of the older Prefix form").to.equal(5);
    expect(abortAfterDays([{ Status: "Enabled", Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 30 } }], "")).to.equal(undefined);
  });

  it("says nothing when nothing was left", () => {
    expect(renderLeftovers(empty, where)).to.deep.equal({ done: [], warnings: [] });
  });

  it("says what it cleaned, and for each upload it left alone why and the command that removes it, quoted for a shell", () => {
    const report: LeftoversReport = {
      ...empty,
      removed: [{ dir: "/tmp/gametracker-dr-plan-1", pid: 101 }],
      aborted: [{ bucket: "assets", key: "characters/big.bin", uploadId: "U1", pid: 101 }],
      alreadyEnded: [{ bucket: "assets", key: "characters/done.bin", uploadId: "U0", pid: 101 }],
      kept: [{ dir: "/tmp/gametracker-dr-plan-2", pid: 102 }],
      named: [
        { bucket: "other", key: "x.bin", uploadId: "U2", initiated: null, reason: "other-bucket", pid: 102, detail: null },
        { bucket: "assets", key: "characters/it's.bin", uploadId: "U3", initiated: "2026-11-25T12:00:00.000Z", reason: "id-unknown", pid: 103, detail: null },
        { bucket: "assets", key: "characters/app.bin", uploadId: "U4", initiated: "2026-11-25T11:00:00.000Z", reason: "not-recorded", pid: null, detail: null },
      ],
      notRecorded: 7,
      abortAfterDays: 7,
      legacy: ["/tmp/gametracker-dr-plan-Ab12Cd"],
    };
    const { done, warnings } = renderLeftovers(report, where);
    expect(done).to.deep.equal([
      "removed the temp files of restore-prefix run 101, which is no longer running (/tmp/gametracker-dr-plan-1)",
      "aborted multipart upload U1 of s3://assets/characters/big.bin, left open by restore-prefix run 101 when it was stopped (no object version is touched)",
      "1 multipart upload(s) those runs recorded had already been completed or aborted",
    ]);
    expect(warnings[0]).to.equal(
      "restore-prefix run 102 was stopped with multipart upload U2 of s3://other/x.bin open; run restore-prefix on that bucket to abort it, or: aws s3api abort-multipart-upload --bucket other --key x.bin --upload-id U2",
    );
    expect(warnings[1]).to.contain("may be the one restore-prefix run 103 was creating").and.to.contain(`--key 'characters/it'\\''s.bin' --upload-id U3`);
    expect(warnings[2]).to.match(/^7 multipart upload\(s\) open under s3:\/\/assets\/characters\/ were not started by a restore-prefix run on this host/).and.to.contain('"characters/app.bin" (U4, started 2026-11-25T11:00:00.000Z), … 6 more');
    expect(warnings[3]).to.equal("The bucket's lifecycle aborts incomplete uploads under s3://assets/characters/ 7 day(s) after they start.");
    expect(warnings[4]).to.contain("kept /tmp/gametracker-dr-plan-2");
    expect(warnings[5]).to.contain("rm -r /tmp/gametracker-dr-plan-Ab12Cd");
  });

  it("without a lifecycle rule that covers the prefix, says the parts are billed until aborted", () => {
    const { warnings } = renderLeftovers({ ...empty, named: [{ bucket: "assets", key: "characters/a", uploadId: "U", initiated: null, reason: "dry-run", pid: 1, detail: null }] }, where);
    expect(warnings[0]).to.contain("dry run").and.to.contain("run without --dry-run to abort it");
    expect(warnings[1]).to.contain("No lifecycle rule of bucket assets").and.to.contain("billed until they are aborted");
  });
});
