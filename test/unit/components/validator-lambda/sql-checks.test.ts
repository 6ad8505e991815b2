import { expect } from "chai";
import { usageRefusal } from "../../../../automation/errors";
import { evaluateSqlChecks, QueryResult } from "../../../../components/validator-lambda/sql-evaluate";
import { buildSqlQueries, SqlQuery } from "../../../../components/validator-lambda/sql-queries";
import { runSqlChecks, SqlSession } from "../../../../components/validator-lambda/sql-run";
import { displayName, parseMultipartName, quoteIdentifier } from "../../../../contracts/sql-names";
import { parseSqlChecks, SqlChecks } from "../../../../contracts/validation-config";

/**
 * The bundled validator's SQL, without a server: the query text and parameters it sends,
 * and its verdict over recorded result sets shaped as tedious returns them (COUNT_BIG as
 * a string, date/time columns as Date, NULL as null, SQL errors as "Msg N: …").
 */

const checks = (raw: Record<string, unknown>): SqlChecks => parseSqlChecks(raw, { defaultDatabase: "gametracker", refuse: usageRefusal });
const target = { address: "db.example.rds.amazonaws.com", port: 1433 };
const connected = { name: "connect to db.example.rds.amazonaws.com:1433 over TLS with the master user", expected: "connected, server certificate verified", actual: "connected", ok: true };
const online: QueryResult = { rows: [{ name: "gametracker", state_desc: "ONLINE" }] };

/** A tiny seeded generator, so the property test is the same on every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe("SQL identifiers", () => {
  it("quotes as QUOTENAME does: brackets, with ] doubled", () => {
    expect(quoteIdentifier("Players")).to.equal("[Players]");
    expect(quoteIdentifier("Match]Log")).to.equal("[Match]]Log]");
    expect(quoteIdentifier("x]; DROP TABLE dbo.Players;--")).to.equal("[x]]; DROP TABLE dbo.Players;--]");
    expect(() => quoteIdentifier("")).to.throw("it is empty");
    expect(() => quoteIdentifier("a".repeat(129))).to.throw("more than SQL Server's 128");
    expect(() => quoteIdentifier("a\u0000b")).to.throw("control character");
  });

  it("reads back every quoted name as exactly one part with the same text (property, 500 random names)", () => {
    const next = random(42);
    const alphabet = ["a", "Z", "0", "_", " ", ".", "[", "]", "]]", "'", '"', ";", "-", "*", "/", "é", "名"];
    for (let i = 0; i < 500; i++) {
      const length = 1 + Math.floor(next() * 12);
      let name = Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
      name = name.trim() === "" ? "x" : name.trim();
      const quoted = [name, name].map(quoteIdentifier).join(".");
      expect(parseMultipartName(quoted, 2), quoted).to.deep.equal({ parts: [name, name] });
      expect(parseMultipartName(displayName([name, name]), 2), displayName([name, name])).to.deep.equal({ parts: [name, name] });
    }
  });
});

describe("SQL query builder", () => {
  it("builds the database, row, freshness and CHECKDB queries in order, values as parameters", () => {
    const queries = buildSqlQueries(checks({ validationMinRows: ["dbo.Players>=1000"], validationFreshnessColumns: ["dbo.Matches.endedAt"], validationCheckDb: true }));
    expect(queries).to.deep.equal([
      { key: "database", text: "SELECT [name], [state_desc] FROM sys.databases WHERE [name] = @database;", parameters: [{ name: "database", type: "nvarchar", value: "gametracker" }] },
      {
        key: "rows:0",
        text: "SELECT COUNT_BIG(*) AS [rows] FROM (SELECT TOP (@minimum) 1 AS [one] FROM [gametracker].[dbo].[Players]) AS [counted];",
        parameters: [{ name: "minimum", type: "bigint", value: 1000 }],
      },
      { key: "freshness:0", text: "SELECT MAX([endedAt]) AS [newest] FROM [gametracker].[dbo].[Matches];", parameters: [] },
      { key: "checkdb", text: "DBCC CHECKDB (@database) WITH NO_INFOMSGS, ALL_ERRORMSGS, TABLERESULTS;", parameters: [{ name: "database", type: "nvarchar", value: "gametracker" }] },
    ]);
  });

  it("quotes names that need it and never lets one out of its brackets", () => {
    const hostile = checks({
      validationDatabase: "Game'Tracker]; DROP DATABASE x;--",
      validationMinRows: ["[Game Data].[Match]]Log]>=5"],
      validationFreshnessColumns: ["[dbo].[x]]; SHUTDOWN;--].[at]]]"],
    });
    const [database, rows, fresh] = buildSqlQueries(hostile);
    expect(database!.text, "the database name is a parameter").to.not.include("Game'Tracker");
    expect(database!.parameters[0]!.value).to.equal("Game'Tracker]; DROP DATABASE x;--");
    expect(rows!.text).to.equal("SELECT COUNT_BIG(*) AS [rows] FROM (SELECT TOP (@minimum) 1 AS [one] FROM [Game'Tracker]]; DROP DATABASE x;--].[Game Data].[Match]]Log]) AS [counted];");
    expect(fresh!.text).to.equal("SELECT MAX([at]]]) AS [newest] FROM [Game'Tracker]]; DROP DATABASE x;--].[dbo].[x]]; SHUTDOWN;--];");
    // Outside the brackets only the builder's own words remain.
    const outside = (text: string) => text.replace(/\[(?:[^\]]|\]\])*\]/g, "ID");
    expect(outside(rows!.text)).to.equal("SELECT COUNT_BIG(*) AS ID FROM (SELECT TOP (@minimum) 1 AS ID FROM ID.ID.ID) AS ID;");
    expect(outside(fresh!.text)).to.equal("SELECT MAX(ID) AS ID FROM ID.ID.ID;");
  });

  it("asks only for the database when nothing else is declared", () => {
    expect(buildSqlQueries(checks({})).map((q) => q.key)).to.deep.equal(["database"]);
  });
});

describe("SQL evaluator (recorded result sets)", () => {
  const declared = checks({ validationMinRows: ["dbo.Players>=1000", "dbo.Seasons>=0"], validationFreshnessColumns: ["dbo.Matches.endedAt", "dbo.Players.lastSeenAt"], validationCheckDb: true });
  const recorded = (overrides: Record<string, QueryResult> = {}) =>
    new Map<string, QueryResult>(
      Object.entries({
        database: online,
        "rows:0": { rows: [{ rows: "1000" }] },
        "rows:1": { rows: [{ rows: "0" }] },
        "freshness:0": { rows: [{ newest: new Date("2026-11-25T08:58:30Z") }] },
        "freshness:1": { rows: [{ newest: new Date("2026-11-25T08:59:10.250Z") }] },
        checkdb: { rows: [] },
        ...overrides,
      }),
    );

  it("passes a healthy restore and takes the newest freshness value as the data time", () => {
    expect(evaluateSqlChecks(declared, target, recorded())).to.deep.equal({
      status: "pass",
      checks: [
        connected,
        { name: "database gametracker exists and is online", expected: "ONLINE", actual: "ONLINE", ok: true },
        { name: "dbo.Players has at least 1000 rows", expected: ">= 1000 rows", actual: "at least 1000 rows", ok: true },
        { name: "dbo.Seasons has at least 0 rows", expected: ">= 0 rows", actual: "table readable", ok: true },
        { name: "newest dbo.Matches.endedAt", expected: "a newest date/time value", actual: "2026-11-25T08:58:30.000Z", ok: true },
        { name: "newest dbo.Players.lastSeenAt", expected: "a newest date/time value", actual: "2026-11-25T08:59:10.250Z", ok: true },
        { name: "DBCC CHECKDB gametracker", expected: "no consistency errors", actual: "no errors", ok: true },
      ],
      dataTime: "2026-11-25T08:59:10.250Z",
    });
  });

  it("fails an empty table and a NULL newest value, and keeps the data time of the column that has one", () => {
    const answer = evaluateSqlChecks(declared, target, recorded({ "rows:0": { rows: [{ rows: "0" }] }, "freshness:1": { rows: [{ newest: null }] } }));
    expect(answer.status).to.equal("fail");
    expect(answer.checks.filter((c) => !c.ok).map((c) => [c.name, c.actual])).to.deep.equal([
      ["dbo.Players has at least 1000 rows", "0 rows"],
      ["newest dbo.Players.lastSeenAt", "no rows (MAX is NULL), so the table holds no data to date"],
    ]);
    expect(answer.dataTime).to.equal("2026-11-25T08:58:30.000Z");
    const noData = evaluateSqlChecks(declared, target, recorded({ "freshness:0": { rows: [{ newest: null }] }, "freshness:1": { rows: [{ newest: null }] } }));
    expect(noData).to.not.have.property("dataTime");
  });

  it("accepts a row count however the driver typed it, and refuses a result without one", () => {
    for (const rows of [1000, 1000n, "1000"]) expect(evaluateSqlChecks(declared, target, recorded({ "rows:0": { rows: [{ rows }] } })).checks[2]!.ok).to.equal(true);
    expect(evaluateSqlChecks(declared, target, recorded({ "rows:0": { rows: [] } })).checks[2]).to.include({ ok: false, actual: "no row count in the result (missing)" });
  });

  it("fails a SQL error with SQL Server's message, and a column that is not a date/time", () => {
    const answer = evaluateSqlChecks(
      declared,
      target,
      recorded({ "rows:0": { error: "Msg 208: Invalid object name 'gametracker.dbo.Players'." }, "freshness:0": { rows: [{ newest: 42 }] }, "freshness:1": { rows: [{ newest: "2026-11-25" }] } }),
    );
    expect(answer.checks.filter((c) => !c.ok).map((c) => c.actual)).to.deep.equal([
      "query failed: Msg 208: Invalid object name 'gametracker.dbo.Players'.",
      "not a date/time column (MAX is number 42)",
      "not a date/time column (MAX is string 2026-11-25)",
    ]);
    expect(answer).to.not.have.property("dataTime");
  });

  it("fails every check when the database is missing or not online, saying why they did not run", () => {
    for (const [database, actual] of [
      [{ rows: [] }, "does not exist"],
      [{ rows: [{ name: "gametracker", state_desc: "RESTORING" }] }, "RESTORING"],
      [{ error: "Msg 229: The SELECT permission was denied" }, "query failed: Msg 229: The SELECT permission was denied"],
    ] as const) {
      const answer = evaluateSqlChecks(declared, target, new Map([["database", database as QueryResult]]));
      expect(answer.status).to.equal("fail");
      expect(answer.checks[0]).to.deep.equal(connected);
      expect(answer.checks[1]).to.include({ ok: false, actual });
      expect(answer.checks.slice(2).map((c) => [c.ok, c.actual])).to.deep.equal(Array(5).fill([false, "not run: database gametracker is not online"]));
    }
  });

  it("fails CHECKDB on error rows or a failed command, and ignores informational rows", () => {
    const error = { Error: 8928, Level: 16, State: 1, MessageText: "Object ID 901578250, index ID 0: Page (1:143) could not be processed." };
    const info = { Error: 2593, Level: 10, State: 1, MessageText: "There are 1000 rows in 12 pages for object \"Players\"." };
    expect(evaluateSqlChecks(declared, target, recorded({ checkdb: { rows: [info] } })).status).to.equal("pass");
    expect(evaluateSqlChecks(declared, target, recorded({ checkdb: { rows: [info, error, error] } })).checks[6]).to.deep.equal({
      name: "DBCC CHECKDB gametracker",
      expected: "no consistency errors",
      actual: "2 error(s), first: Msg 8928: Object ID 901578250, index ID 0: Page (1:143) could not be processed.",
      ok: false,
    });
    expect(evaluateSqlChecks(declared, target, recorded({ checkdb: { error: "Msg 7985: System table pre-checks failed." } })).checks[6]).to.include({ ok: false, actual: "query failed: Msg 7985: System table pre-checks failed." });
  });

  it("fails a check whose query never ran although the database is online", () => {
    const results = recorded();
    results.delete("freshness:0");
    expect(evaluateSqlChecks(declared, target, results).checks[4]).to.include({ ok: false, actual: "not run" });
  });
});

describe("SQL check run", () => {
  /** Answers each query from recorded results and remembers what was asked. */
  function recordedSession(results: Record<string, QueryResult>): SqlSession & { asked: SqlQuery[] } {
    const asked: SqlQuery[] = [];
    return {
      asked,
      async query(query) {
        asked.push(query);
        return results[query.key] ?? { error: `no recorded result for ${query.key}` };
      },
    };
  }
  const declared = checks({ validationMinRows: ["dbo.Players>=1", "dbo.Matches>=1"], validationCheckDb: true });

  it("runs every query in order and keeps going past a failed one", async () => {
    const session = recordedSession({ database: online, "rows:0": { error: "Msg 208: Invalid object name" }, "rows:1": { rows: [{ rows: "1" }] }, checkdb: { rows: [] } });
    const results = await runSqlChecks(session, declared);
    expect(session.asked.map((q) => q.key)).to.deep.equal(["database", "rows:0", "rows:1", "checkdb"]);
    expect(evaluateSqlChecks(declared, target, results).checks.map((c) => c.ok)).to.deep.equal([true, true, false, true, true]);
  });

  it("runs nothing against a database that is not online", async () => {
    const session = recordedSession({ database: { rows: [] } });
    await runSqlChecks(session, declared);
    expect(session.asked.map((q) => q.key)).to.deep.equal(["database"]);
  });
});
