import { expect } from "chai";
import { previewMarkdown, renderSwitch } from "../../../automation/cutover/report";
import { SwitchResult } from "../../../automation/cutover/switch-source";
import { switchExitCode } from "../../../automation/commands/cutover";

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
      notApplied: [],
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

  it("lists what the switch left pending, in the terminal and in the Markdown, named for the cut-over or the rollback", () => {
    const pending = { urn: "urn:pulumi:dev::gametracker::gametracker:database:Database$aws:rds/instance:Instance::database-instance", type: "aws:rds/instance:Instance", name: "database-instance", op: "update" as const, paths: ["instanceClass"] };
    const withPending: SwitchResult = { ...base, preview: { ...base.preview!, notApplied: [pending], targets: ["urn:lambda"] } };
    const md = previewMarkdown(withPending);
    expect(md).to.contain("**Not applied, pending before the cut-over**: the stack's preview also holds these; the cut-over updates the API Lambda alone");
    expect(md).to.contain("- `update aws:rds/instance:Instance database-instance (instanceClass)`");
    const done = renderSwitch({ ...withPending, outcome: "switched", datasource: { ok: true, actual: { host: "r.example", port: 1433 }, message: "ok" } });
    expect(done).to.contain("not applied, pending before the cut-over: update aws:rds/instance:Instance database-instance (instanceClass)");
    const back = renderSwitch({ ...withPending, to: "primary", from: "dev-restore-1", outcome: "switched", datasource: { ok: true, actual: { host: "p.example", port: 1433 }, message: "ok" } });
    expect(back).to.contain("not applied, pending before the rollback: update aws:rds/instance:Instance database-instance (instanceClass)");
    expect(previewMarkdown(base)).not.to.contain("Not applied");
    expect(renderSwitch({ ...base, outcome: "switched" })).not.to.contain("not applied");
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
