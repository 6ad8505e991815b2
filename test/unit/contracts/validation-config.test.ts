import { expect } from "chai";
import { UsageError, usageRefusal } from "../../../automation/errors";
import { describeTimeout } from "../../../contracts/duration";
import {
  describeHook,
  encodeSqlChecks,
  exportValidationSettings,
  parseSqlChecks,
  parseValidateWith,
  parseValidationSettings,
  readValidationSettings,
  VALIDATION_CONFIG_SCHEMA,
} from "../../../contracts/validation-config";
import { messageOf } from "../../support/expect-error";

const options = { defaultDatabase: "gametracker", cwd: "/work/repo", refuse: usageRefusal };
/** The flag as the driver reads it. */
const parseFlag = (value: string, cwd?: string) => parseValidateWith(value, "--validate-with", usageRefusal, cwd);
const refusal = (raw: Record<string, unknown>) => messageOf(() => parseValidationSettings(raw, options), UsageError);

describe("validation config keys", () => {
  it("declares flat keys only, each with a type, a default and a sentence", () => {
    for (const [key, entry] of Object.entries(VALIDATION_CONFIG_SCHEMA)) {
      expect(key, "Pulumi merges dotted project keys as property paths").to.match(/^validation[A-Z][A-Za-z]*$/);
      expect(entry.description).to.match(/^[A-Z].+\.$/);
      if (entry.type === "array") expect(entry).to.include({ items: "string" });
    }
    expect(VALIDATION_CONFIG_SCHEMA.validationTimeout.default).to.equal("15m");
  });

  it("defaults to no hook, 15 minutes, the API's database and no SQL checks", () => {
    expect(parseValidationSettings({}, options)).to.deep.equal({
      hook: undefined,
      hookText: "",
      timeoutMs: 15 * 60_000,
      sql: { database: "gametracker", minRows: [], freshness: [], checkDb: false },
    });
    // Pulumi passes Pulumi.yaml's defaults in as if they were set.
    const asPulumiPassesDefaults = Object.fromEntries(Object.entries(VALIDATION_CONFIG_SCHEMA).map(([k, v]) => [k, Array.isArray(v.default) ? JSON.stringify(v.default) : String(v.default)]));
    expect(parseValidationSettings(asPulumiPassesDefaults, options)).to.deep.equal(parseValidationSettings({}, options));
  });

  it("reads every key as Pulumi stores it (strings, arrays as JSON) and typed", () => {
    const stored = {
      validationWith: "bundled",
      validationTimeout: "1h30m",
      validationDatabase: "GameTracker Prod",
      validationMinRows: JSON.stringify(["dbo.Players>=1000", "[Game Data].[Match]]Log] >= 0"]),
      validationFreshnessColumns: JSON.stringify(["dbo.Matches.endedAt", "audit.[Events].[at time]"]),
      validationCheckDb: "true",
    };
    const expected = {
      hook: { kind: "bundled" },
      hookText: "bundled",
      timeoutMs: 90 * 60_000,
      sql: {
        database: "GameTracker Prod",
        minRows: [
          { table: { schema: "dbo", table: "Players" }, min: 1000 },
          { table: { schema: "Game Data", table: "Match]Log" }, min: 0 },
        ],
        freshness: [
          { table: { schema: "dbo", table: "Matches" }, column: "endedAt" },
          { table: { schema: "audit", table: "Events" }, column: "at time" },
        ],
        checkDb: true,
      },
    };
    expect(parseValidationSettings(stored, options)).to.deep.equal(expected);
    const typed = { ...stored, validationMinRows: JSON.parse(stored.validationMinRows), validationFreshnessColumns: JSON.parse(stored.validationFreshnessColumns), validationCheckDb: true };
    expect(parseValidationSettings(typed, options)).to.deep.equal(expected);
    expect(parseValidationSettings({ validationWith: "command:bin/validate" }, options).hook).to.deep.equal({ kind: "command", path: "/work/repo/bin/validate" });
  });

  it("refuses a bad hook or timeout naming the key", () => {
    expect(refusal({ validationWith: "sql" })).to.equal('gametracker:validationWith is "sql", but it must be command:<path to an executable>, lambda:<function name or ARN> or bundled.');
    expect(refusal({ validationTimeout: "15" })).to.equal('gametracker:validationTimeout is "15", but it must be a duration such as 15m or 1h30m (it has no unit).');
    expect(refusal({ validationTimeout: 900 })).to.equal("gametracker:validationTimeout is 900, but it must be a string.");
  });

  it("refuses bad table and column declarations with the entry and the form", () => {
    expect(refusal({ validationMinRows: ["dbo.Players>1000"] })).to.equal(
      'gametracker:validationMinRows[0] is "dbo.Players>1000", but each entry must be <schema>.<table>>=<minimum rows>, e.g. dbo.Players>=1000.',
    );
    expect(refusal({ validationMinRows: ["dbo.Players>=-1"] })).to.include("each entry must be <schema>.<table>>=<minimum rows>");
    expect(refusal({ validationMinRows: ["dbo.Players>=1.5"] })).to.include("each entry must be <schema>.<table>>=<minimum rows>");
    expect(refusal({ validationMinRows: ["Players>=10"] })).to.equal(
      'gametracker:validationMinRows[0] is "Players>=10", but it must be <schema>.<table>>=<minimum rows>, e.g. dbo.Players>=1000 (it has 1 part(s), not 2).',
    );
    expect(refusal({ validationMinRows: ["dbo.Players>=1", "db.dbo.Matches>=1"] })).to.include("validationMinRows[1]").and.include("it has 3 part(s), not 2");
    expect(refusal({ validationMinRows: ["dbo.Player's>=1"] })).to.include(`"Player's" is not a plain identifier (letters, digits, _ @ # $, not starting with a digit); put it in brackets`);
    expect(refusal({ validationMinRows: ["dbo.[Players>=1"] })).to.include("the bracket opened at character 5 is never closed");
    expect(refusal({ validationMinRows: ["dbo.Players>=1", "DBO.players>=5"] })).to.equal("gametracker:validationMinRows lists DBO.players twice; list each once.");
    expect(refusal({ validationFreshnessColumns: ["dbo.Matches"] })).to.equal(
      'gametracker:validationFreshnessColumns[0] is "dbo.Matches", but it must be <schema>.<table>.<column>, e.g. dbo.Matches.endedAt (it has 2 part(s), not 3).',
    );
    expect(refusal({ validationFreshnessColumns: ["dbo.Matches.endedAt."] })).to.include("it ends with a dot");
    expect(refusal({ validationFreshnessColumns: [`dbo.Matches.[${"x".repeat(129)}]`] })).to.include("more than SQL Server's 128");
    expect(refusal({ validationMinRows: "dbo.Players>=1" })).to.equal(
      "gametracker:validationMinRows is \"dbo.Players>=1\", but it must be a list of strings (pulumi config set --path 'validationMinRows[0]' <value>).",
    );
    expect(refusal({ validationCheckDb: "yes" })).to.equal('gametracker:validationCheckDb is "yes", but it must be true or false.');
    expect(refusal({ validationDatabase: " padded" })).to.equal('gametracker:validationDatabase is " padded", but it must be a SQL Server database name: it starts or ends with a space.');
  });

  it("refuses SQL checks for a hook that would ignore them, naming both keys", () => {
    expect(refusal({ validationWith: "lambda:my-validator", validationMinRows: ["dbo.Players>=1"] })).to.equal(
      "gametracker:validationMinRows is set, but gametracker:validationWith is lambda:my-validator, which runs its own checks; the SQL checks are for the bundled validator only, so drop gametracker:validationMinRows or set gametracker:validationWith to bundled.",
    );
    expect(refusal({ validationWith: "command:/opt/v", validationCheckDb: "true" })).to.include("gametracker:validationCheckDb is set");
    expect(parseValidationSettings({ validationWith: "command:/opt/v", validationMinRows: "[]", validationCheckDb: "false" }, options).hook).to.deep.equal({ kind: "command", path: "/opt/v" });
  });

  it("lets config.ts make its own error and prefix", () => {
    class InvalidConfig extends Error {}
    const message = messageOf(() => parseValidationSettings({ validationCheckDb: 1 }, { ...options, project: "gt", refuse: (_k, m) => new InvalidConfig(m) }), InvalidConfig);
    expect(message).to.equal("gt:validationCheckDb is 1, but it must be true or false.");
  });

  it("round-trips the checks through the validator's environment encoding", () => {
    const sql = parseValidationSettings(
      { validationDatabase: "gt", validationMinRows: ["dbo.Players>=1000", "[Game Data].[Match]]Log]>=0"], validationFreshnessColumns: ["audit.[Events].[at time]"], validationCheckDb: true },
      options,
    ).sql;
    const encoded = encodeSqlChecks(sql);
    expect(JSON.parse(encoded)).to.deep.equal({
      validationDatabase: "gt",
      validationMinRows: ["dbo.Players>=1000", "[Game Data].[Match]]Log]>=0"],
      validationFreshnessColumns: ["audit.Events.[at time]"],
      validationCheckDb: true,
    });
    expect(parseSqlChecks(JSON.parse(encoded), { defaultDatabase: "", refuse: usageRefusal })).to.deep.equal(sql);
  });

  it("exports the settings as the stack output a drill reads back: same settings, the database resolved, a relative command path resolved where the drill runs", () => {
    const configured = parseValidationSettings(
      { validationWith: "bundled", validationTimeout: "90m", validationMinRows: ["[Game Data].[Match]]Log]>=5"], validationFreshnessColumns: ["dbo.Matches.endedAt"], validationCheckDb: "true" },
      options,
    );
    const exported = exportValidationSettings(configured);
    expect(exported).to.deep.equal({
      validationWith: "bundled",
      validationTimeout: "1h30m",
      validationDatabase: "gametracker",
      validationMinRows: ["[Game Data].[Match]]Log]>=5"],
      validationFreshnessColumns: ["dbo.Matches.endedAt"],
      validationCheckDb: true,
    });
    // Read back without knowing databaseName: the export carries it.
    expect(readValidationSettings(exported, { defaultDatabase: "", refuse: usageRefusal })).to.deep.equal(configured);

    const command = exportValidationSettings(parseValidationSettings({ validationWith: "command:bin/validate" }, options));
    expect(command.validationWith).to.equal("command:bin/validate");
    expect(command.validationDatabase).to.equal("gametracker");
    expect(readValidationSettings(command, { defaultDatabase: "", cwd: "/runner/checkout", refuse: usageRefusal }).hook).to.deep.equal({ kind: "command", path: "/runner/checkout/bin/validate" });
  });
});

describe("--validate-with grammar", () => {
  it("reads command, lambda and bundled", () => {
    expect(parseFlag("command:/opt/gt/validate")).to.deep.equal({ kind: "command", path: "/opt/gt/validate" });
    expect(parseFlag("command:scripts/validate drill", "/work/repo")).to.deep.equal({ kind: "command", path: "/work/repo/scripts/validate drill" });
    expect(parseFlag(" bundled ")).to.deep.equal({ kind: "bundled" });
    for (const fn of [
      "gametracker-dev-validator",
      "validator:live",
      "validator:7",
      "validator:$LATEST",
      "123456789012:function:validator",
      "arn:aws:lambda:eu-west-1:123456789012:function:validator",
      "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:validator:prod",
    ]) {
      expect(parseFlag(`lambda:${fn}`)).to.deep.equal({ kind: "lambda", functionName: fn });
    }
  });

  it("refuses anything else with one sentence that shows the forms", () => {
    expect(messageOf(() => parseFlag("script:/opt/v"), UsageError)).to.equal(
      '--validate-with is "script:/opt/v", but it must be command:<path to an executable>, lambda:<function name or ARN> or bundled.',
    );
    expect(messageOf(() => parseFlag("Bundled"), UsageError)).to.include("but it must be command:");
    expect(messageOf(() => parseFlag("command:"), UsageError)).to.equal('--validate-with "command:" names no executable; give its path, e.g. command:./scripts/validate-drill.');
    expect(messageOf(() => parseFlag("lambda:"), UsageError)).to.equal('--validate-with "lambda:" names no function; give its name or ARN, e.g. lambda:gametracker-dev-validator.');
    for (const fn of ["my function", "a".repeat(65), "arn:aws:lambda:eu-west-1:123:function:v", "arn:aws:s3:::bucket", "v:alias:extra"]) {
      expect(messageOf(() => parseFlag(`lambda:${fn}`), UsageError)).to.match(/is not a Lambda function name \(up to 64 letters/);
    }
  });

  it("names the config key instead of the flag, and lets the caller choose the error", () => {
    class ConfigError extends Error {
      constructor(
        readonly key: string,
        message: string,
      ) {
        super(message);
      }
    }
    const error = messageOf(() => parseValidateWith("nope", "gametracker:validationWith", (key, message) => new ConfigError(key, message)), ConfigError);
    expect(error).to.equal('gametracker:validationWith is "nope", but it must be command:<path to an executable>, lambda:<function name or ARN> or bundled.');
  });

  it("names hooks and timeouts for reports", () => {
    expect(describeHook({ kind: "command", path: "/opt/v" })).to.equal("command:/opt/v");
    expect(describeHook({ kind: "lambda", functionName: "v" })).to.equal("lambda:v");
    expect(describeHook({ kind: "bundled" })).to.equal("the bundled SQL validator");
    expect([describeTimeout(400), describeTimeout(15 * 60_000), describeTimeout(90_000)]).to.deep.equal(["400ms", "15m", "1m30s"]);
  });
});
