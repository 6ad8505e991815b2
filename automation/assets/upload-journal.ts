import * as fs from "node:fs";

/**
 * The multipart uploads one run opened, recorded as they happen so that the run after a
 * kill can tell which open uploads are provably this tool's: a line before the upload is
 * created, one with its id as soon as S3 answers, one when it was completed or aborted.
 * Each line is written synchronously: a killed process loses nothing it wrote (the kernel
 * holds it), where a buffered stream would lose its last lines with the process.
 */
export type JournalLine =
  | { op: "starting"; bucket: string; key: string }
  | { op: "started"; bucket: string; key: string; uploadId: string }
  | { op: "ended"; bucket: string; key: string; uploadId: string };

/** Where a multipart copy reports the life of its upload (copy.ts). */
export interface UploadRecorder {
  starting(bucket: string, key: string): void;
  started(bucket: string, key: string, uploadId: string): void;
  ended(bucket: string, key: string, uploadId: string): void;
}

export interface UploadRef {
  bucket: string;
  key: string;
  uploadId: string;
}

export class UploadJournal implements UploadRecorder {
  constructor(readonly file: string) {}

  starting(bucket: string, key: string): void {
    this.append({ op: "starting", bucket, key });
  }

  started(bucket: string, key: string, uploadId: string): void {
    this.append({ op: "started", bucket, key, uploadId });
  }

  ended(bucket: string, key: string, uploadId: string): void {
    this.append({ op: "ended", bucket, key, uploadId });
  }

  /** What the journal says is still open; nothing when there is no journal. */
  read(): JournalState {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { open: [], unknown: [] };
      throw error;
    }
    return foldJournal(parseJournal(text));
  }

  private append(line: JournalLine): void {
    fs.appendFileSync(this.file, JSON.stringify(line) + "\n", { encoding: "utf8", mode: 0o600 });
  }
}

/** The lines of a journal; a line cut short (a machine that lost power mid-write) is skipped. Pure. */
export function parseJournal(text: string): JournalLine[] {
  const lines: JournalLine[] = [];
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    try {
      const line = JSON.parse(raw) as JournalLine;
      if (typeof line.bucket === "string" && typeof line.key === "string" && (line.op === "starting" || typeof line.uploadId === "string")) lines.push(line);
    } catch {
      // A torn last line: the upload it would have named is covered by its "starting" line.
    }
  }
  return lines;
}

export interface JournalState {
  /** Uploads created and neither completed nor aborted. */
  open: UploadRef[];
  /** Keys whose upload was being created when the run ended: S3 may have made one whose id nobody learned. */
  unknown: Array<{ bucket: string; key: string }>;
}

/** What a journal leaves open. Pure. */
export function foldJournal(lines: readonly JournalLine[]): JournalState {
  const open = new Map<string, UploadRef>();
  const pending = new Map<string, { bucket: string; key: string; count: number }>();
  const at = (bucket: string, key: string) => `${bucket}\u0000${key}`;
  for (const line of lines) {
    const where = at(line.bucket, line.key);
    if (line.op === "starting") {
      const p = pending.get(where) ?? { bucket: line.bucket, key: line.key, count: 0 };
      p.count++;
      pending.set(where, p);
    } else if (line.op === "started") {
      const p = pending.get(where);
      if (p !== undefined && --p.count === 0) pending.delete(where);
      open.set(`${where}\u0000${line.uploadId}`, { bucket: line.bucket, key: line.key, uploadId: line.uploadId });
    } else {
      open.delete(`${where}\u0000${line.uploadId}`);
    }
  }
  return { open: [...open.values()], unknown: [...pending.values()].map(({ bucket, key }) => ({ bucket, key })) };
}
