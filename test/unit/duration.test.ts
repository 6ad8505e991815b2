import { expect } from "chai";
import { durationProblem, formatDurationSpec } from "../../contracts/duration";
import { durationArg, parseDuration } from "../../automation/duration";
import { UsageError } from "../../automation/errors";

const H = 3_600_000;
const D = 24 * H;

describe("duration flags (parseDuration)", () => {
  it("reads single units: weeks, days, hours, minutes, seconds", () => {
    expect(parseDuration("30d")).to.equal(30 * D);
    expect(parseDuration("24h")).to.equal(24 * H);
    expect(parseDuration("15m")).to.equal(15 * 60_000);
    expect(parseDuration("90s")).to.equal(90_000);
    expect(parseDuration("2w")).to.equal(14 * D);
  });

  it("reads compound durations largest unit first, case-insensitive, trimmed", () => {
    expect(parseDuration("1d12h")).to.equal(36 * H);
    expect(parseDuration("1h30m")).to.equal(90 * 60_000);
    expect(parseDuration(" 7D ")).to.equal(7 * D);
    expect(parseDuration("1w2d3h4m5s")).to.equal(9 * D + 3 * H + 4 * 60_000 + 5_000);
  });

  it("refuses a bare number instead of guessing its unit", () => {
    expect(durationProblem("30")).to.equal("it has no unit");
    expect(() => parseDuration("30", "--older-than")).to.throw(UsageError, /Invalid --older-than "30": it has no unit; use a whole number followed by a unit/);
  });

  it("refuses malformed, fractional, negative, zero, repeated and out-of-order input", () => {
    for (const bad of ["", "d", "30x", "1.5h", "-5m", "0d", "0h0m", "5m5m", "30m1h", "30 d", "30days", "1mo", "P30D"]) {
      expect(durationProblem(bad), bad).to.be.a("string");
      expect(() => parseDuration(bad, "--flag"), bad).to.throw(UsageError, /^Invalid --flag /);
    }
  });

  it("refuses values too large to compute with exactly", () => {
    expect(durationProblem("99999999999999999w")).to.equal("it is too large");
  });

  it("treats an absent optional flag as undefined and parses a present one", () => {
    expect(durationArg(undefined, "--older-than")).to.equal(undefined);
    expect(durationArg("12h", "--older-than")).to.equal(12 * H);
    expect(() => durationArg("12", "--older-than")).to.throw(UsageError, /--older-than/);
  });

  it("formats durations back in the unit an operator would type", () => {
    expect(formatDurationSpec(30 * D)).to.equal("30d");
    expect(formatDurationSpec(26 * H)).to.equal("26h");
    expect(formatDurationSpec(15 * 60_000)).to.equal("15m");
    expect(formatDurationSpec(90 * 60_000)).to.equal("1h30m");
    expect(formatDurationSpec(61_000)).to.equal("1m1s");
    expect(formatDurationSpec(0)).to.equal("0s");
    for (const text of ["30d", "26h", "15m", "1h30m", "45s"]) expect(formatDurationSpec(parseDuration(text))).to.equal(text);
  });
});
