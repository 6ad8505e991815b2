import { expect } from "chai";
import { bucketNameProblem, dbInstanceIdentifierProblem } from "../../automation/commands/environment-options";

describe("environment options: identifier checks", () => {
  it("accepts RDS instance identifiers and says what is wrong with bad ones", () => {
    for (const ok of ["gametracker-mssql", "A", "db1-x", "a".repeat(63)]) expect(dbInstanceIdentifierProblem(ok), ok).to.equal(undefined);
    expect(dbInstanceIdentifierProblem("")).to.equal("it must be 1 to 63 characters long");
    expect(dbInstanceIdentifierProblem("a".repeat(64))).to.equal("it must be 1 to 63 characters long");
    expect(dbInstanceIdentifierProblem("db_1")).to.equal("it may contain only letters, digits and hyphens");
    expect(dbInstanceIdentifierProblem("1db")).to.equal("it must start with a letter");
    expect(dbInstanceIdentifierProblem("db--1")).to.equal("it must not contain two consecutive hyphens");
    expect(dbInstanceIdentifierProblem("db-")).to.equal("it must not end with a hyphen");
  });

  it("accepts S3 bucket names and says what is wrong with bad ones", () => {
    for (const ok of ["gametracker-assets-dev", "abc", "a.b-c", "1bucket"]) expect(bucketNameProblem(ok), ok).to.equal(undefined);
    expect(bucketNameProblem("ab")).to.equal("it must be 3 to 63 characters long");
    expect(bucketNameProblem("Upper")).to.equal("it may contain only lowercase letters, digits, dots and hyphens");
    expect(bucketNameProblem("-abc")).to.equal("it must start and end with a letter or digit");
    expect(bucketNameProblem("a..b")).to.equal("it must not contain two consecutive dots");
  });
});
