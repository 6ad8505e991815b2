/**
 * SQL Server object names as the checks' config writes them (`dbo.Players`,
 * `[Game Data].[Match]]Log].endedAt`) and as the queries must spell them. Identifiers
 * cannot be query parameters, so they are the one thing put into query text: always as
 * QUOTENAME does it (`[` + name with `]` doubled + `]`), after the config was refused
 * unless every part is a valid sysname. Pure.
 */

/** sysname: up to 128 characters. */
export const MAX_IDENTIFIER_LENGTH = 128;
const REGULAR = /^[A-Za-z_@#][A-Za-z0-9_@#$]*$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `[name]` with `]` doubled: the quoting of QUOTENAME(name, '['). Throws for a name QUOTENAME would refuse. */
export function quoteIdentifier(name: string): string {
  const problem = identifierProblem(name);
  if (problem !== undefined) throw new Error(`Cannot quote the identifier ${JSON.stringify(name)}: ${problem}.`);
  return `[${name.replace(/]/g, "]]")}]`;
}

/** Why `name` is not a usable identifier, or undefined. */
export function identifierProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > MAX_IDENTIFIER_LENGTH) return `it is ${name.length} characters long, more than SQL Server's ${MAX_IDENTIFIER_LENGTH}`;
  if (CONTROL.test(name)) return "it contains a control character";
  if (name.trim() !== name) return "it starts or ends with a space";
  return undefined;
}

/** A multi-part name as people read it: regular identifiers bare, others bracketed. */
export function displayName(parts: readonly string[]): string {
  return parts.map((p) => (REGULAR.test(p) ? p : `[${p.replace(/]/g, "]]")}]`)).join(".");
}

/**
 * Splits `a.b` / `a.b.c` into its parts: each a regular identifier or a bracketed one
 * (`[any text]`, `]]` for a `]`). Returns the reason when `text` is not exactly `count` parts.
 */
export function parseMultipartName(text: string, count: number): { parts: string[] } | { problem: string } {
  const parts: string[] = [];
  let i = 0;
  while (i <= text.length) {
    let part: string;
    if (text[i] === "[") {
      let j = i + 1;
      part = "";
      for (;;) {
        if (j >= text.length) return { problem: `the bracket opened at character ${i + 1} is never closed` };
        if (text[j] === "]") {
          if (text[j + 1] === "]") {
            part += "]";
            j += 2;
            continue;
          }
          break;
        }
        part += text[j];
        j += 1;
      }
      i = j + 1;
    } else {
      const end = text.indexOf(".", i);
      part = text.slice(i, end < 0 ? text.length : end);
      if (!REGULAR.test(part)) {
        return { problem: part === "" ? "a part of the name is empty" : `${JSON.stringify(part)} is not a plain identifier (letters, digits, _ @ # $, not starting with a digit); put it in brackets` };
      }
      i += part.length;
    }
    const problem = identifierProblem(part);
    if (problem !== undefined) return { problem: `the part ${JSON.stringify(part)} is not a SQL Server name: ${problem}` };
    parts.push(part);
    if (i === text.length) break;
    if (text[i] !== ".") return { problem: `a "." must follow the part ${JSON.stringify(part)}` };
    i += 1;
    if (i === text.length) return { problem: "it ends with a dot" };
  }
  if (parts.length !== count) return { problem: `it has ${parts.length} part(s), not ${count}` };
  return { parts };
}
