/**
 * The README's command list in step with the CLI: its "## Commands" block gives exactly one
 * example of every command and subcommand the CLI registers, and every `gametracker-dr` line
 * of the README (the runbooks too) parses: a known command, known options, valid global
 * options. Parsing runs the real parser (main) with each command's run replaced by a recorder,
 * so nothing reaches AWS or Pulumi; what a command checks inside its run is the bad-input
 * table's job (test/orchestration/bad-input.test.ts).
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../../automation/cli/main";
import { allCommands } from "../../../automation/cli/commands";
import { CliCommand, CliCommandGroup } from "../../../automation/cli/command";
import { ExitCode } from "../../../automation/errors";
import { splitCommandLine } from "../../support/command-table";
import { REPO_ROOT } from "../../support/moto";

const README = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

/** `gametracker-dr …` lines of the README's shell blocks, without their trailing comments. */
function commandLines(text: string): string[] {
  const lines: string[] = [];
  for (const block of text.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    for (const line of block[1]!.split("\n")) {
      const command = line.replace(/\s+#.*$/, "").trim();
      if (command.startsWith("gametracker-dr ")) lines.push(command);
    }
  }
  return lines;
}

/** "snapshots list" for every command the CLI registers, "check" for one without subcommands. */
function registeredCommands(): string[] {
  const name = (c: { command: string }) => c.command.split(" ")[0]!;
  return allCommands.flatMap((c) => ("subcommands" in c ? c.subcommands.map((s) => `${name(c)} ${name(s)}`) : [name(c)]));
}

/** The command a README line names, as registeredCommands spells it. */
function commandOf(argv: string[]): string {
  const group = allCommands.find((c) => c.command.split(" ")[0] === argv[0]);
  return group !== undefined && "subcommands" in group ? `${argv[0]} ${argv[1]}` : argv[0]!;
}

/** The CLI with every command's run replaced by a recorder that returns 0. */
function recordingCommands(ran: string[]): Array<CliCommand | CliCommandGroup> {
  const record = (command: CliCommand, path: string): CliCommand => ({
    ...command,
    run: async () => {
      ran.push(path);
      return ExitCode.ok;
    },
  });
  return allCommands.map((c) => {
    const name = c.command.split(" ")[0]!;
    return "subcommands" in c ? { ...c, subcommands: c.subcommands.map((s) => record(s, `${name} ${s.command.split(" ")[0]}`)) } : record(c, name);
  });
}

describe("the README's command list", () => {
  const section = README.slice(README.indexOf("\n## Commands\n")).split(/\n## /)[1] ?? "";

  it("has a Commands section with exactly one example of every command and subcommand", () => {
    expect(section, 'README.md has a "## Commands" section').to.not.equal("");
    const examples = commandLines(section).map((line) => commandOf(splitCommandLine(line).slice(1)));
    expect([...examples].sort()).to.deep.equal([...registeredCommands()].sort());
  });

  it("every gametracker-dr line of the README, runbooks included, parses through the real CLI parser", async () => {
    const lines = commandLines(README);
    expect(lines.length).to.be.at.least(registeredCommands().length);
    const failures: string[] = [];
    for (const line of lines) {
      const argv = splitCommandLine(line).slice(1);
      const ran: string[] = [];
      const err: string[] = [];
      const sink = { write: () => undefined };
      const code = await main(argv, { stdout: sink, stderr: { write: (t: string) => void err.push(t) }, ask: undefined }, recordingCommands(ran));
      if (code !== ExitCode.ok || ran.length !== 1 || ran[0] !== commandOf(argv)) failures.push(`${line}\n    exit ${code}, ran ${JSON.stringify(ran)}: ${err.join("").trim()}`);
    }
    expect(failures, `README lines the CLI refuses:\n  ${failures.join("\n  ")}`).to.deep.equal([]);
  });
});
