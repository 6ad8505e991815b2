import { expect } from "chai";
import { UsageError } from "../../../automation/errors";
import { parseRecoveryRequest, parseZonedTime, RecoveryRequest } from "../../../automation/restore/recovery-request";
import { messageOf } from "../../support/expect-error";

const DAY = 24 * 3600 * 1000;
const refusal = (fn: () => unknown): string => messageOf(fn, UsageError);

describe("recovery point: parsing --from", () => {
  it("reads the four forms, latest by default", () => {
    expect(parseRecoveryRequest(undefined)).to.deep.equal({ kind: "latest" });
    expect(parseRecoveryRequest("latest")).to.deep.equal({ kind: "latest" });
    expect(parseRecoveryRequest("latest-restorable")).to.deep.equal({ kind: "latest-restorable" });
    expect(parseRecoveryRequest("snapshot:gametracker-manual-backup-v1")).to.deep.equal({ kind: "snapshot", snapshotIdentifier: "gametracker-manual-backup-v1" });
    expect(parseRecoveryRequest("snapshot:rds:gametracker-mssql-2026-11-24-03-10")).to.deep.equal({ kind: "snapshot", snapshotIdentifier: "rds:gametracker-mssql-2026-11-24-03-10" });
    const time = parseRecoveryRequest("time:2026-11-25T10:30:00+01:00");
    expect(time.kind).to.equal("time");
    expect((time as { time: Date }).time.toISOString()).to.equal("2026-11-25T09:30:00.000Z");
  });

  it("refuses an unknown form, naming the valid ones", () => {
    expect(refusal(() => parseRecoveryRequest("yesterday"))).to.equal(
      '--from "yesterday" is not a recovery point; use latest, snapshot:<id or ARN>, time:<ISO-8601 with zone>, latest-restorable, retained:<dbi-resource-id>@<ISO-8601 with zone or latest>, replica:latest or replica:<ISO-8601 with zone>.',
    );
    expect(refusal(() => parseRecoveryRequest("snapshot:"))).to.contain("names no snapshot");
  });

  it("reads the sources' own forms: retained:<dbi-resource-id>@…, replica:…, snapshot:<ARN>", () => {
    expect(parseRecoveryRequest("retained:db-abcdef123@latest")).to.deep.equal({ kind: "retained", dbiResourceId: "db-ABCDEF123", at: "latest" });
    const at = parseRecoveryRequest("retained:db-ABCDEF123@2026-11-24T20:00:00+01:00") as Extract<RecoveryRequest, { kind: "retained" }>;
    expect(at.at).to.deep.equal({ time: new Date("2026-11-24T19:00:00Z"), text: "2026-11-24T20:00:00+01:00" });
    expect(parseRecoveryRequest("replica:latest")).to.deep.equal({ kind: "replica", at: "latest" });
    expect(parseRecoveryRequest("replica:2026-11-25T09:00:00Z")).to.deep.equal({ kind: "replica", at: { time: new Date("2026-11-25T09:00:00Z"), text: "2026-11-25T09:00:00Z" } });
    expect(parseRecoveryRequest("snapshot:arn:aws:rds:us-west-2:123456789012:snapshot:gametracker-manual-backup-v1")).to.deep.equal({
      kind: "snapshot",
      snapshotIdentifier: "gametracker-manual-backup-v1",
      arn: { region: "us-west-2", text: "arn:aws:rds:us-west-2:123456789012:snapshot:gametracker-manual-backup-v1" },
    });
  });

  it("refuses malformed source forms, each with the form it expects", () => {
    expect(refusal(() => parseRecoveryRequest("retained:db-ABC"))).to.equal("--from retained:db-ABC names no point; add @latest or @<ISO-8601 with zone>, e.g. retained:db-ABC@latest.");
    expect(refusal(() => parseRecoveryRequest("retained:gametracker-mssql@latest"))).to.contain("names no resource id of a deleted instance; use retained:<dbi-resource-id>@<time or latest>");
    expect(refusal(() => parseRecoveryRequest("retained:db-ABC@yesterday"))).to.equal("time:yesterday is not an ISO-8601 time; use for example time:2026-11-25T09:30:00Z.");
    expect(refusal(() => parseRecoveryRequest("replica:"))).to.equal("--from replica: names no point; end it with latest or an ISO-8601 time with zone.");
    expect(refusal(() => parseRecoveryRequest("replica:2026-11-25T09:00:00"))).to.contain("has no time zone");
    expect(refusal(() => parseRecoveryRequest("snapshot:arn:aws:rds:us-west-2:123456789012:db:gametracker-mssql"))).to.contain("is not the ARN of a DB snapshot");
  });

  it("refuses a time without a zone, and says how to add one", () => {
    expect(refusal(() => parseRecoveryRequest("time:2026-11-25T09:30:00"))).to.equal(
      "time:2026-11-25T09:30:00 has no time zone; add Z for UTC or an offset such as +02:00 (e.g. time:2026-11-25T09:30:00Z).",
    );
    expect(refusal(() => parseZonedTime("2026-11-25 09:30"))).to.contain("has no time zone");
  });

  it("refuses an unparseable time and an impossible date", () => {
    expect(refusal(() => parseRecoveryRequest("time:last tuesday"))).to.equal(
      "time:last tuesday is not an ISO-8601 time; use for example time:2026-11-25T09:30:00Z.",
    );
    expect(refusal(() => parseZonedTime("2026-02-30T10:00:00Z"))).to.contain("is not a real date and time");
    expect(refusal(() => parseZonedTime("2026-11-25T24:30:00Z"))).to.contain("is not a real date and time");
  });

  it("takes --random-within but not together with --from", () => {
    expect(parseRecoveryRequest(undefined, { ms: 7 * DAY, text: "7d" })).to.deep.equal({ kind: "random-within", withinMs: 7 * DAY, text: "7d" });
    expect(refusal(() => parseRecoveryRequest("latest", { ms: DAY, text: "1d" }))).to.equal(
      "--from latest and --random-within 1d both choose the recovery point; pass only one of them.",
    );
  });
});
