import * as fs from "node:fs";
import { once } from "node:events";

/**
 * A file written one line at a time, at the disk's pace: `write` waits while the stream
 * is behind, so whoever produces the lines (a listing of millions of keys) can't fill
 * memory ahead of it.
 */
export class LineFile {
  private readonly out: fs.WriteStream;
  private closed = false;
  lines = 0;

  constructor(readonly file: string) {
    this.out = fs.createWriteStream(file, { encoding: "utf8" });
  }

  async write(line: string): Promise<void> {
    this.lines++;
    if (!this.out.write(line + "\n")) await once(this.out, "drain");
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve, reject) => this.out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}
