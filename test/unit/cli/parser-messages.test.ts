import { expect } from "chai";
import { checkParsedArguments, nearest, ParsingContext, rewriteParserMessage } from "../../../automation/cli/parser-messages";
import { UsageError } from "../../../automation/errors";

/**
 * The yargs messages themselves come from yargs 17.7.2 (its en locale); the bad-input table of
 * docs/commands.md runs each kind through the real parser. These pin the rewriting rules.
 */
describe("yargs' messages as one sentence with the fix (parser-messages.ts)", () => {
  const cleanup: ParsingContext = {
    path: "cleanup",
    options: { "older-than": { type: "string", default: "24h", describe: "Only what was last updated longer ago than this" }, "dry-run": { type: "boolean" }, json: { type: "boolean" } },
    commands: [],
    positionals: [],
    example: "gametracker-dr cleanup --dry-run",
  };

  it("an unknown option: named once (yargs lists it dashed and camel-cased), with the nearest known one", () => {
    expect(rewriteParserMessage("Unknown arguments: older-thn, olderThn", cleanup, ["cleanup", "--older-thn", "3d"])).to.equal(
      "Unknown option --older-thn for gametracker-dr cleanup; did you mean --older-than? (gametracker-dr cleanup --help lists its options).",
    );
    expect(rewriteParserMessage("Unknown arguments: x, y", cleanup, ["cleanup", "--x", "--y"])).to.equal('Unknown option --x (and "y") for gametracker-dr cleanup (gametracker-dr cleanup --help lists its options).');
  });

  it("a value given to a switch, and a stray word", () => {
    expect(rewriteParserMessage("Unknown argument: maybe", cleanup, ["cleanup", "--dry-run", "maybe"])).to.equal(
      '--dry-run is a switch and takes no value (got "maybe" after it); write --dry-run to turn it on, or --dry-run=false to turn it off.',
    );
    expect(rewriteParserMessage("Unknown argument: now", cleanup, ["cleanup", "now"])).to.equal(
      'Unexpected argument "now" for gametracker-dr cleanup: it takes no arguments besides options; quote a value that contains spaces, and see gametracker-dr cleanup --help.',
    );
  });

  it("missing values and required options, with what the option is for; choices listed", () => {
    expect(rewriteParserMessage("Not enough arguments following: older-than", cleanup, [])).to.equal(
      "--older-than needs a value (only what was last updated longer ago than this); see gametracker-dr cleanup --help.",
    );
    expect(rewriteParserMessage("Missing required arguments: older-than, olderThan", cleanup, [])).to.equal(
      "gametracker-dr cleanup needs --older-than (only what was last updated longer ago than this); see gametracker-dr cleanup --help.",
    );
    expect(rewriteParserMessage('Invalid values:\n  Argument: via, Given: "x", Choices: "direct", "batch", "ship"', cleanup, [])).to.equal('Invalid --via "x": choose direct, batch or ship.');
    expect(rewriteParserMessage("Arguments from and resume are mutually exclusive", cleanup, [])).to.equal("Give --from or --resume, not both.");
  });

  it("the mistakes yargs lets through: a switch's value, an option given twice, a number that is none", () => {
    const refused = (argv: string[], args: Record<string, unknown>) => {
      try {
        checkParsedArguments(argv, args, { ...cleanup, options: { ...cleanup.options, concurrency: { type: "number", default: 16 } } });
      } catch (error) {
        expect(error).to.be.instanceOf(UsageError);
        return (error as Error).message;
      }
      return undefined;
    };
    expect(refused(["cleanup", "--dry-run=yes"], { "dry-run": false, dryRun: false })).to.equal('--dry-run is a switch and takes no value (got "yes"); write --dry-run to turn it on, or --dry-run=false to turn it off.');
    expect(refused(["cleanup", "--dry-run=false"], { "dry-run": false, dryRun: false })).to.equal(undefined);
    expect(refused(["cleanup", "--older-than", "1d", "--older-than", "2d"], { "older-than": ["1d", "2d"], olderThan: ["1d", "2d"] })).to.equal('--older-than is given 2 times ("1d", "2d"); give it once.');
    expect(refused(["x", "--concurrency=lots"], { concurrency: Number.NaN })).to.equal(
      'Invalid --concurrency "lots": it is not a number; give a whole number, e.g. --concurrency 16 (the default).',
    );
  });

  it("suggests a known word within two edits, or one it begins", () => {
    expect(nearest("lst", ["list", "create", "copy", "prune"])).to.equal("list");
    expect(nearest("cop", ["list", "create", "copy", "prune"])).to.equal("copy");
    expect(nearest("frobnicate", ["list", "create"])).to.equal(undefined);
  });
});
