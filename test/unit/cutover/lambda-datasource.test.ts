import { expect } from "chai";
import { checkDatasource } from "../../../automation/cutover/lambda-datasource";

describe("cutover: Lambda datasource check", () => {
  const url = (host: string, port = 1433) => `jdbc:sqlserver://${host}:${port};databaseName=gametracker;encrypt=true`;
  it("passes when the URL names the expected host (and port)", () => {
    const check = checkDatasource("api", { SPRING_DATASOURCE_URL: url("db-r.abc.rds.amazonaws.com") }, { host: "DB-R.abc.rds.amazonaws.com", port: 1433 });
    expect(check).to.deep.equal({ ok: true, actual: { host: "db-r.abc.rds.amazonaws.com", port: 1433 }, message: "Lambda api's SPRING_DATASOURCE_URL names db-r.abc.rds.amazonaws.com:1433." });
  });
  it("fails with a sentence naming both when it names another host or port", () => {
    expect(checkDatasource("api", { SPRING_DATASOURCE_URL: url("db-p") }, { host: "db-r" }).message).to.equal("Lambda api's SPRING_DATASOURCE_URL names db-p:1433, not db-r.");
    expect(checkDatasource("api", { SPRING_DATASOURCE_URL: url("db-r", 1434) }, { host: "db-r", port: 1433 }).ok).to.equal(false);
  });
  it("fails when the variable is missing or not a JDBC URL", () => {
    expect(checkDatasource("api", {}, { host: "h" }).message).to.contain("has no SPRING_DATASOURCE_URL");
    expect(checkDatasource("api", { SPRING_DATASOURCE_URL: "postgres://h" }, { host: "h" }).message).to.contain("is not a SQL Server JDBC URL");
  });
});

