import { expect } from "chai";
import { checkDatasource } from "../../automation/cutover/lambda-datasource";
import { isEnvironmentPath, judgeCutoverPreview } from "../../automation/cutover/preview-guard";
import { previewMarkdown, renderSwitch } from "../../automation/cutover/report";
import { SwitchResult } from "../../automation/cutover/switch-source";
import { validateCutoverTargetName } from "../../automation/cutover/target";
import { switchExitCode } from "../../automation/commands/cutover";
import { UsageError } from "../../automation/errors";
import { PreviewResult, PreviewStep } from "../../automation/stacks/port";

const LAMBDA = "aws:lambda/function:Function";
const step = (type: string, op: PreviewStep["op"], detailedPaths: string[] = [], name = "r"): PreviewStep => ({
  urn: `urn:pulumi:dev::gametracker::${type}::${name}`,
  type,
  op,
  diffs: [...new Set(detailedPaths.map((p) => p.split(/[.[]/)[0]!))],
  detailedPaths,
});
const preview = (...steps: PreviewStep[]): PreviewResult => ({ changeSummary: {}, steps, diffText: "" });
const envUpdate = step(LAMBDA, "update", ["environment.variables.SPRING_DATASOURCE_URL", "environment.variables.DATABASE_SECRET_ARN"], "api-function");

describe("cutover preview guard", () => {
  it("allows a preview whose only change is the Lambda's environment (stack references read or discarded)", () => {
    const verdict = judgeCutoverPreview(
      preview(step("aws:rds/instance:Instance", "same"), envUpdate, step("pulumi:pulumi:StackReference", "read"), step("pulumi:pulumi:StackReference", "discard")),
    );
    expect(verdict.allowed).to.equal(true);
    expect(verdict.findings).to.deep.equal([]);
    expect(verdict.lambdaEnvironmentChanges).to.deep.equal(["environment.variables.SPRING_DATASOURCE_URL", "environment.variables.DATABASE_SECRET_ARN"]);
    expect(verdict.summary).to.equal("only the API Lambda's environment changes (environment.variables.SPRING_DATASOURCE_URL, environment.variables.DATABASE_SECRET_ARN)");
  });

  it("uses the top-level diffs when the provider gives no detailed diff", () => {
    expect(judgeCutoverPreview(preview({ ...envUpdate, detailedPaths: [], diffs: ["environment"] })).allowed).to.equal(true);
    expect(judgeCutoverPreview(preview({ ...envUpdate, detailedPaths: [], diffs: ["environment", "timeout"] })).allowed).to.equal(false);
  });

  it("refuses any delete or replace, naming the resource and the cause", () => {
    for (const op of ["delete", "replace", "create-replacement", "delete-replaced"] as const) {
      const verdict = judgeCutoverPreview(preview(envUpdate, step("aws:rds/instance:Instance", op, op === "delete" ? [] : ["identifier"], "database-instance")));
      expect(verdict.allowed, op).to.equal(false);
      expect(verdict.findings).to.have.length(1);
      expect(verdict.findings[0]!.reason).to.contain("aws:rds/instance:Instance database-instance");
    }
    expect(judgeCutoverPreview(preview(envUpdate, step("aws:rds/instance:Instance", "replace", ["identifier"], "db"))).summary).to.equal(
      "the preview replaces aws:rds/instance:Instance db (because of identifier)",
    );
  });

  it("refuses changes to anything but the Lambda, and Lambda changes outside its environment", () => {
    const other = judgeCutoverPreview(preview(envUpdate, step("aws:rds/instance:Instance", "update", ["instanceClass"], "db")));
    expect(other.allowed).to.equal(false);
    expect(other.findings[0]!.reason).to.equal("updates aws:rds/instance:Instance db (instanceClass)");
    const mixed = judgeCutoverPreview(preview(step(LAMBDA, "update", ["environment.variables.X", "memorySize"], "api")));
    expect(mixed.allowed).to.equal(false);
    expect(mixed.findings[0]!.reason).to.equal(`changes ${LAMBDA} api outside its environment (memorySize)`);
    expect(judgeCutoverPreview(preview(envUpdate, step("aws:s3/bucket:Bucket", "create", [], "b"))).findings[0]!.reason).to.equal("creates aws:s3/bucket:Bucket b");
  });

  it("accepts the engine's builtin pulumi provider coming and going with the stack reference, and the root stack's outputs changing", () => {
    const cutover = judgeCutoverPreview(
      preview(step("pulumi:pulumi:Stack", "same", [], "gametracker-dev"), step("pulumi:providers:pulumi", "create", [], "default"), step("pulumi:pulumi:StackReference", "read"), envUpdate),
    );
    expect(cutover.allowed, cutover.summary).to.equal(true);
    const rollback = judgeCutoverPreview(
      preview(step("pulumi:pulumi:Stack", "update", [], "gametracker-dev"), envUpdate, step("pulumi:pulumi:StackReference", "discard"), step("pulumi:providers:pulumi", "delete", [], "default")),
    );
    expect(rollback.allowed, rollback.summary).to.equal(true);
  });

  it("refuses any change to another provider: a changed AWS provider re-plans every resource", () => {
    for (const op of ["create", "update", "replace", "delete"] as const) {
      const verdict = judgeCutoverPreview(preview(envUpdate, step("pulumi:providers:aws", op, op === "update" ? ["region"] : [], "default_7_48_0")));
      expect(verdict.allowed, op).to.equal(false);
      expect(verdict.findings[0]!.reason).to.match(new RegExp(`^${op}s the aws provider default_7_48_0`));
    }
    expect(judgeCutoverPreview(preview(envUpdate, step("pulumi:providers:aws", "update", ["region"], "default_7_48_0"))).summary).to.equal(
      "the preview updates the aws provider default_7_48_0 (region), which would re-plan every resource it manages",
    );
  });

  it("refuses a preview that does not move the Lambda at all", () => {
    const verdict = judgeCutoverPreview(preview(step(LAMBDA, "same"), step("aws:rds/instance:Instance", "same")));
    expect(verdict.allowed).to.equal(false);
    expect(verdict.summary).to.contain("does not change the API Lambda's environment");
  });

  it("knows what is inside the environment block", () => {
    expect(isEnvironmentPath("environment")).to.equal(true);
    expect(isEnvironmentPath("environment.variables.A")).to.equal(true);
    expect(isEnvironmentPath('environment["variables"]')).to.equal(true);
    expect(isEnvironmentPath("environmentTag")).to.equal(false);
    expect(isEnvironmentPath("tags.environment")).to.equal(false);
  });
});

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

describe("cutover: target names", () => {
  const refused = (to: string) => {
    try {
      validateCutoverTargetName("dev", to);
    } catch (error) {
      expect(error).to.be.instanceOf(UsageError);
      return (error as Error).message;
    }
    return undefined;
  };
  it("accepts a restore stack of the environment", () => {
    expect(refused("dev-restore-0930")).to.equal(undefined);
  });
  it("refuses primary, drill stacks, other environments' stacks and garbage, saying what to do", () => {
    expect(refused("primary")).to.contain("gametracker-dr rollback --stack dev");
    expect(refused("dev-drill-7f3a")).to.contain("is a drill stack");
    expect(refused("prod-restore-1")).to.contain("is not a restore stack of environment dev");
    expect(refused("dev-restore-")).to.contain("dev-restore-<id>");
    expect(refused("DEV-RESTORE-1")).to.contain("is not a restore stack");
  });
});

describe("cutover: rendering and exit codes", () => {
  const base: SwitchResult = {
    environment: "dev",
    from: "primary",
    to: "dev-restore-1",
    outcome: "previewed",
    target: { source: "dev-restore-1", identifier: "gametracker-mssql-restore-1", address: "r.example", port: 1433 },
    functionName: "gametracker-dev-api",
    preview: {
      changeSummary: { same: 24, update: 1, read: 1 },
      diffText: "Previewing update (organization/gametracker/dev):\n  ~ aws:lambda/function:Function api-function (update)\n",
      verdict: { allowed: true, lambdaEnvironmentChanges: ["environment.variables.SPRING_DATASOURCE_URL"], findings: [], summary: "only the API Lambda's environment changes (environment.variables.SPRING_DATASOURCE_URL)" },
    },
    forced: false,
    durationMs: 12_000,
  };

  it("renders the preview as Markdown with the verdict, the counts and the diff, saying nothing changed", () => {
    const md = previewMarkdown(base);
    expect(md).to.contain("### Cut-over preview: `dev` → `dev-restore-1`");
    expect(md).to.contain("**Guard: allowed** — only the API Lambda's environment changes");
    expect(md).to.contain("| update | 1 |\n| read | 1 |\n| same | 24 |");
    expect(md).to.contain("```diff\nPreviewing update (organization/gametracker/dev):\n  ~ aws:lambda/function:Function api-function (update)\n```");
    expect(md).to.contain("Nothing was changed: `databaseSource` is still `primary`.");
    const refusing = previewMarkdown({ ...base, preview: { ...base.preview!, verdict: { ...base.preview!.verdict, allowed: false, summary: "the preview deletes x" } } });
    expect(refusing).to.contain("**Guard: would refuse** (apply only with `--force`) — the preview deletes x.");
  });

  it("renders a switch with the confirmed endpoint and the way back", () => {
    const text = renderSwitch({ ...base, outcome: "switched", datasource: { ok: true, actual: { host: "r.example", port: 1433 }, message: "Lambda x's SPRING_DATASOURCE_URL names r.example:1433." } });
    expect(text).to.contain("cutover done: dev moved from primary to dev-restore-1");
    expect(text).to.contain("now uses gametracker-mssql-restore-1 (restore stack dev-restore-1) at r.example:1433");
    expect(text).to.contain("confirmed from AWS: Lambda x's SPRING_DATASOURCE_URL names r.example:1433.");
    expect(text).to.contain("took 12s");
    expect(text).to.contain("gametracker-dr rollback --stack dev");
    // The switch lives in the working tree's stack config until someone commits it.
    expect(text).to.contain("databaseSource is now dev-restore-1 in Pulumi.dev.yaml: commit it (git add Pulumi.dev.yaml");
    expect(text).to.contain("the next deploy from a checkout that still says primary moves the API back");
    expect(renderSwitch({ ...base, outcome: "already", to: "primary", from: "primary" })).to.contain("dev is already on primary: nothing to do.");
    expect(renderSwitch({ ...base, outcome: "cancelled" })).to.equal("cutover cancelled: nothing was changed (databaseSource is still primary).");
  });

  it("exits 1 for a cancellation and for a preview the guard would refuse (unless forced)", () => {
    expect(switchExitCode({ ...base, outcome: "switched" }, false)).to.equal(0);
    expect(switchExitCode({ ...base, outcome: "already" }, false)).to.equal(0);
    expect(switchExitCode(base, false)).to.equal(0);
    const refusing = { ...base, preview: { ...base.preview!, verdict: { ...base.preview!.verdict, allowed: false } } };
    expect(switchExitCode(refusing, false)).to.equal(1);
    expect(switchExitCode(refusing, true)).to.equal(0);
    expect(switchExitCode({ ...base, outcome: "cancelled" }, false)).to.equal(1);
  });
});
