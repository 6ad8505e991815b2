import { expect } from "chai";
import { UsageError } from "../../../automation/errors";
import { parseRestoreTime } from "../../../automation/assets/instant";
import { messageOf } from "../../support/expect-error";

const now = new Date("2026-11-25T12:00:00Z");
const usageMessage = (fn: () => unknown): string => messageOf(fn, UsageError);

describe("assets/instant: parseRestoreTime", () => {
  it("accepts ISO-8601 with Z or an offset", () => {
    expect(parseRestoreTime("2026-11-25T11:00:00Z", now).toISOString()).to.equal("2026-11-25T11:00:00.000Z");
    expect(parseRestoreTime("2026-11-25T12:30:00+01:00", now).toISOString()).to.equal("2026-11-25T11:30:00.000Z");
    expect(parseRestoreTime("2026-11-25T06:00-05:00", now).toISOString()).to.equal("2026-11-25T11:00:00.000Z");
    expect(parseRestoreTime("2026-11-25T11:59:59.123456Z", now).toISOString()).to.equal("2026-11-25T11:59:59.123Z");
  });
  it("refuses a time without a zone, saying so", () => {
    expect(usageMessage(() => parseRestoreTime("2026-11-25T11:00:00", now))).to.contain("no time zone").and.to.contain("--at 2026-11-25T14:05:00Z");
    expect(usageMessage(() => parseRestoreTime("2026-11-25 11:00", now))).to.contain("no time zone");
  });
  it("refuses what is not a date and time", () => {
    for (const bad of ["yesterday", "2026-11-25", "1732532400", "2026-11-25T11:00:00ZZ", ""]) {
      expect(usageMessage(() => parseRestoreTime(bad, now))).to.contain("not an ISO-8601");
    }
  });
  it("refuses impossible dates, times and offsets", () => {
    expect(usageMessage(() => parseRestoreTime("2026-02-30T11:00:00Z", now))).to.contain("no such date");
    expect(usageMessage(() => parseRestoreTime("2026-11-25T24:00:00Z", now))).to.contain("no such date");
    expect(usageMessage(() => parseRestoreTime("2026-11-25T11:00:00+25:00", now))).to.contain("offset");
  });
  it("refuses the future, naming now", () => {
    expect(usageMessage(() => parseRestoreTime("2026-11-25T12:00:01Z", now))).to.contain("in the future").and.to.contain("2026-11-25T12:00:00.000Z");
    expect(parseRestoreTime("2026-11-25T12:00:00Z", now).getTime()).to.equal(now.getTime());
  });
});
