import { expect } from "chai";
import { MASK, redact, redactText } from "../../../contracts/redact";

describe("redact", () => {
  it("masks values under secret-looking keys, at any depth, but keeps secret ARNs", () => {
    const out = redact({
      masterPassword: "p@ss",
      nested: [{ apiToken: "t0k", secretArn: "arn:aws:secretsmanager:us-east-1:1:secret:rds!db-1" }],
      DB_SECRET_ARN: "arn:aws:secretsmanager:x",
      harmless: "value",
    });
    expect(out).to.deep.equal({
      masterPassword: MASK,
      nested: [{ apiToken: MASK, secretArn: "arn:aws:secretsmanager:us-east-1:1:secret:rds!db-1" }],
      DB_SECRET_ARN: "arn:aws:secretsmanager:x",
      harmless: "value",
    });
  });

  it("masks inline password fragments in connection strings", () => {
    expect(redactText("jdbc:sqlserver://h:1433;databaseName=g;password=s3cr3t;encrypt=true")).to.equal(
      `jdbc:sqlserver://h:1433;databaseName=g;password=${MASK};encrypt=true`,
    );
    expect(redactText("Password: hunter2")).to.equal(`Password: ${MASK}`);
  });

  it("masks secrets in JSON and quoted assignments, and keeps secret ARNs there too", () => {
    expect(redactText('{"username": "admin", "password": "hunter2"}')).to.equal(`{"username": "admin", "password": "${MASK}"}`);
    expect(redactText("password='hunter2' secret=\"s3\"")).to.equal(`password='${MASK}' secret="${MASK}"`);
    const arn = '{"secretArn": "arn:aws:secretsmanager:us-east-1:1:secret:rds!db-1", "secret_arn": "arn:x"}';
    expect(redactText(arn)).to.equal(arn);
  });
});
