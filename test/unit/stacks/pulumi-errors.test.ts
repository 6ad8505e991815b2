import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { describePulumiFailure, EngineDiagnostic, parsePulumiFailure, PulumiOperationError } from "../../../automation/stacks/pulumi-errors";

/**
 * On the output of real failed runs, captured from Pulumi CLI 3.274.1 on a file:// backend
 * with the stand-in aws plugin applying to moto (the engine tier's setup): what the
 * Automation API's CommandError carried as its stderr and, for `<name>.events.json`, the
 * engine's error and warning diagnostic events of the same run (the adapter's runs with
 * `--diff`, whose display puts the errors first with no resource).
 */
const FIXTURES = path.join(__dirname, "fixtures", "pulumi-failures");
const captured = (name: string) => fs.readFileSync(path.join(FIXTURES, `${name}.txt`), "utf8");
const events = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.events.json`), "utf8")) as EngineDiagnostic[];
const withEvents = (name: string) => parsePulumiFailure(captured(name), events(name));

describe("a failed Pulumi run, read from its output (pulumi-errors.ts)", () => {
  it("a provider error: the engine's diagnostic and the resource, not the generic 'update failed' of the stack", () => {
    expect(parsePulumiFailure(captured("up-db-instance-already-exists"))).to.deep.equal({ kind: "resource", diagnostic: "DB instance already exists", resource: "aws:rds:Instance db", pending: [] });
    expect(parsePulumiFailure(captured("up-provider-error"))).to.deep.include({ kind: "resource", diagnostic: "injected: the vpc could not be created", resource: "aws:ec2:Vpc vpc" });
  });

  it("the engine's events name the resource where the --diff display does not", () => {
    expect(parsePulumiFailure(captured("up-diff-db-instance-already-exists"))).to.deep.include({ diagnostic: "DB instance already exists", resource: undefined });
    expect(withEvents("up-diff-db-instance-already-exists")).to.deep.equal({ kind: "resource", diagnostic: "DB instance already exists", resource: "aws:rds/instance:Instance db", pending: [] });
    expect(withEvents("up-diff-pending-create-already-exists")).to.deep.equal({
      kind: "resource",
      diagnostic: "DB instance already exists",
      resource: "aws:rds/instance:Instance db",
      pending: ["aws:rds/instance:Instance db, interrupted while creating"],
    });
    expect(withEvents("up-diff-canceled")).to.deep.include({ kind: "canceled", diagnostic: "update canceled" });
    expect(withEvents("up-diff-plan-violation")).to.deep.include({
      kind: "plan-violation",
      diagnostic: "resource urn:pulumi:dev::capture::aws:ec2/vpc:Vpc::vpc violates plan: properties changed: ~~tags[{map[n:{2}]}!={map[n:{3}]}]",
    });
    expect(withEvents("destroy-protected-events")).to.deep.include({ kind: "protected", resource: "aws:ec2/vpc:Vpc vpc", hint: "pulumi state unprotect 'urn:pulumi:dev::capture::aws:ec2/vpc:Vpc::vpc'" });
    // The text alone, without events, still finds the diagnostic in either layout.
    expect(parsePulumiFailure(captured("up-diff-plan-violation")).kind).to.equal("plan-violation");
    expect(parsePulumiFailure(captured("up-diff-canceled")).diagnostic).to.equal("update canceled");
  });

  it("the pending operations a killed run left, named with the failure they led to", () => {
    expect(parsePulumiFailure(captured("up-pending-create-already-exists"))).to.deep.equal({
      kind: "resource",
      diagnostic: "DB instance already exists",
      resource: "aws:rds:Instance db",
      pending: ["aws:rds/instance:Instance db, interrupted while creating"],
    });
  });

  it("another update's lock, with who holds it and since when", () => {
    for (const name of ["up-locked", "destroy-locked", "refresh-locked"]) {
      const failure = parsePulumiFailure(captured(name));
      expect(failure.kind, name).to.equal("locked");
      expect(failure.diagnostic, name).to.match(/^the stack is currently locked by 1 lock\(s\) \(created by root@vm \(pid \d+\) at 2026-12-07T19:1\d:\d\dZ\)$/);
    }
  });

  it("a cancelled run (Pulumi's own Ctrl-C), and a CLI killed before it could say anything", () => {
    expect(parsePulumiFailure(captured("up-canceled"))).to.deep.include({ kind: "canceled", diagnostic: "update canceled" });
    expect(parsePulumiFailure(captured("up-killed"))).to.deep.include({ kind: "killed", diagnostic: "the Pulumi CLI was killed (SIGKILL) before it finished" });
  });

  it("the program's own error, without the 'Unhandled exception' wrapper or its stack trace", () => {
    for (const name of ["preview-program-error", "up-program-error"]) {
      expect(parsePulumiFailure(captured(name)), name).to.deep.include({ kind: "program", diagnostic: "the program failed on purpose", resource: undefined });
    }
  });

  it("a protected resource with the engine's own command to unprotect it; a stack that still has resources; a refused stack name", () => {
    const protectedVpc = parsePulumiFailure(captured("destroy-protected"));
    expect(protectedVpc).to.deep.include({ kind: "protected", resource: "aws:ec2:Vpc vpc", hint: "pulumi state unprotect 'urn:pulumi:dev::capture::aws:ec2/vpc:Vpc::vpc'" });
    expect(protectedVpc.diagnostic).to.equal('resource "urn:pulumi:dev::capture::aws:ec2/vpc:Vpc::vpc" cannot be deleted because it is protected');
    expect(parsePulumiFailure(captured("stack-rm-has-resources"))).to.deep.include({ kind: "has-resources", diagnostic: "'dev' still has resources; removal rejected" });
    expect(parsePulumiFailure(captured("select-stack-name-space"))).to.deep.include({
      kind: "stack-name",
      diagnostic: "a stack name may only contain alphanumeric, hyphens, underscores, or periods: invalid character ' ' at position 3",
    });
    expect(parsePulumiFailure(captured("select-stack-name-dotdot"))).to.deep.include({ kind: "stack-name", diagnostic: "organization name must be 'organization'" });
  });

  it("one sentence of 1 line, whatever the output's length, naming the operation, the stack, the resource, the pending operations and the log", () => {
    for (const name of fs.readdirSync(FIXTURES).filter((f) => f.endsWith(".txt")).map((f) => f.replace(/\.txt$/, ""))) {
      const output = captured(name);
      const sentence = new PulumiOperationError("up", "gametracker-restore/dev-restore-x", parsePulumiFailure(output), output, "/tmp/gametracker-dr/p.log").message;
      expect(sentence.split("\n"), name).to.have.length(1);
      expect(sentence, name).not.to.match(/code: -2|stdout:|stderr:|Diagnostics:/);
      expect(sentence, name).to.match(/^pulumi up of gametracker-restore\/dev-restore-x .* \(full output: \/tmp\/gametracker-dr\/p\.log\)\.$/);
    }
    expect(describePulumiFailure("up", "gametracker-restore/dev-restore-x", parsePulumiFailure(captured("up-pending-create-already-exists")), "/l.log")).to.equal(
      "pulumi up of gametracker-restore/dev-restore-x failed at aws:rds:Instance db: DB instance already exists, with 1 pending operation left by an interrupted run (aws:rds/instance:Instance db, interrupted while creating) (full output: /l.log)",
    );
    expect(describePulumiFailure("destroy", "gametracker-restore/dev-drill-x", parsePulumiFailure(captured("destroy-protected")), undefined)).to.equal(
      `pulumi destroy of gametracker-restore/dev-drill-x failed at aws:ec2:Vpc vpc: resource "urn:pulumi:dev::capture::aws:ec2/vpc:Vpc::vpc" cannot be deleted because it is protected; if it must really go, pulumi state unprotect 'urn:pulumi:dev::capture::aws:ec2/vpc:Vpc::vpc' first`,
    );
    expect(describePulumiFailure("up", "s", parsePulumiFailure(captured("up-canceled")), undefined)).to.equal("pulumi up of s was cancelled and stopped after the steps in flight (update canceled)");
  });
});
