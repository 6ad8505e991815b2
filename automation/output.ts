import { redact, redactText } from "../contracts/redact";

/**
 * Where a command speaks. Results go to stdout (JSON with `--json`, text otherwise);
 * progress and warnings always go to stderr, so `--json | jq` stays parseable while
 * the operator still sees what is happening. Everything is redacted on the way out.
 */
export interface Output {
  readonly json: boolean;
  /** Human progress line on stderr ("waiting for … (2m10s, status modifying)"). */
  progress(message: string): void;
  /** A warning on stderr. */
  warn(message: string): void;
  /** The command's result: `data` as JSON under `--json`, else the human rendering. */
  result(data: unknown, human: () => string): void;
}

export interface Sink {
  write(text: string): void;
}

export class StreamOutput implements Output {
  constructor(
    readonly json: boolean,
    private readonly out: Sink = process.stdout,
    private readonly err: Sink = process.stderr,
  ) {}
  progress(message: string): void {
    this.err.write(redactText(message) + "\n");
  }
  warn(message: string): void {
    this.err.write("warning: " + redactText(message) + "\n");
  }
  result(data: unknown, human: () => string): void {
    if (this.json) {
      this.out.write(JSON.stringify(redact(data), null, 2) + "\n");
    } else {
      const text = redactText(human());
      this.out.write(text.endsWith("\n") ? text : text + "\n");
    }
  }
}

/** Human durations for progress and reports: 45s, 2m10s, 1h02m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m % 60).padStart(2, "0")}m`;
}

/** A plain-text table, columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
