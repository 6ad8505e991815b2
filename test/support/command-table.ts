/**
 * The bad-input table of docs/commands.md ("## Bad input": input, exit code, the
 * sentence), read so that a test runs every row through the CLI and fails when the table
 * and the behaviour differ.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./moto";

export interface BadInputRow {
  /** The command line as the table writes it (`gametracker-dr snapshots list --stack ../prod`). */
  input: string;
  argv: string[];
  exit: number;
  /** The error sentence, without `error: `. */
  sentence: string;
}

export const COMMANDS_DOC = path.join(REPO_ROOT, "docs", "commands.md");

/** The rows of the table under `## Bad input`. */
export function readBadInputTable(file = COMMANDS_DOC): BadInputRow[] {
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf("\n## Bad input\n");
  if (start < 0) throw new Error(`${file} has no "## Bad input" section`);
  const section = text.slice(start + 1).split(/\n## /)[0]!;
  const rows: BadInputRow[] = [];
  for (const line of section.split("\n")) {
    const cells = tableCells(line);
    if (cells === undefined || cells[0] === "input" || /^-+$/.test(cells[0]!)) continue;
    const [input, exit, sentence] = cells as [string, string, string];
    const command = /^`(.*)`$/.exec(input)?.[1];
    if (command === undefined || !/^\d+$/.test(exit)) throw new Error(`bad row in ${file}: ${line}`);
    const words = splitCommandLine(command);
    if (words[0] !== "gametracker-dr") throw new Error(`a row's input must start with gametracker-dr: ${line}`);
    rows.push({ input: command, argv: words.slice(1), exit: Number(exit), sentence });
  }
  return rows;
}

/** `| a | b \| c | d |` → ["a", "b | c", "d"]; undefined for a line that is no table row. */
function tableCells(line: string): string[] | undefined {
  if (!line.startsWith("|")) return undefined;
  const cells: string[] = [];
  let current = "";
  for (let i = 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\" && line[i + 1] === "|") {
      current += "|";
      i++;
    } else if (c === "|") {
      cells.push(current.trim());
      current = "";
    } else current += c;
  }
  return cells;
}

/** Words of a command line as a POSIX shell splits them, for the quoting the table uses: '…', "…" and bare words. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === " ") {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unbalanced ${c} in ${line}`);
      current = (current ?? "") + line.slice(i + 1, end);
      i = end;
    } else current = (current ?? "") + c;
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** A row as the table writes it. */
export function tableRow(row: { input: string; exit: number; sentence: string }): string {
  return `| \`${row.input}\` | ${row.exit} | ${row.sentence.replace(/\|/g, "\\|")} |`;
}
