import * as fs from "node:fs";
import * as readline from "node:readline";
import { LineFile } from "./line-file";
import { WriteDecision } from "./plan";

/**
 * The writes of a plan, kept on disk between planning and applying (one JSON line each),
 * so that memory stays bounded however many keys a prefix holds: the plan is counted in
 * memory, the writes stream through this file (in the run's directory, run-files.ts).
 */
export class WriteSpool {
  private readonly out: LineFile;

  constructor(readonly file: string) {
    this.out = new LineFile(file);
  }

  get count(): number {
    return this.out.lines;
  }

  /** Appends one decision; waits when the disk is behind, so the planner can't outrun it. */
  write(decision: WriteDecision): Promise<void> {
    return this.out.write(JSON.stringify(decision));
  }

  close(): Promise<void> {
    return this.out.close();
  }

  /** The decisions in the order they were written. */
  async *read(): AsyncGenerator<WriteDecision> {
    await this.close();
    const lines = readline.createInterface({ input: fs.createReadStream(this.file, { encoding: "utf8" }), crlfDelay: Infinity });
    try {
      for await (const line of lines) if (line !== "") yield reviveDecision(JSON.parse(line) as WriteDecision);
    } finally {
      lines.close();
    }
  }

  async dispose(): Promise<void> {
    await this.close().catch(() => undefined);
    fs.rmSync(this.file, { force: true });
  }
}

/** JSON keeps dates as strings; the entries of a history carry `lastModified` as a Date. */
function reviveDecision(d: WriteDecision): WriteDecision {
  const date = <T extends { lastModified: Date }>(e: T): T => ({ ...e, lastModified: new Date(e.lastModified as unknown as string) });
  switch (d.action) {
    case "copy":
      return { ...d, source: date(d.source), current: date(d.current) };
    case "undelete":
      return { ...d, markers: d.markers.map(date), version: date(d.version) };
    case "hide":
      return { ...d, current: date(d.current) };
  }
}
