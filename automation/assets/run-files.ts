import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hostTag, isProcessGone, ProcessIdentity, processIdentity } from "../host-process";
import { JournalState, UploadJournal } from "./upload-journal";

/**
 * The temp directory of one `restore-prefix` run: the plan's writes (writes.ndjson), the
 * journal of the multipart uploads it opens (uploads.ndjson), the batch manifests, and
 * what it restores (run.json). Its name says whose it is — pid, the pid's start time and
 * a tag of the host — so that the name alone, made atomically by mkdtemp, lets a later run
 * tell a killed run's files from a live one's: only this user's, from this host, whose
 * process is certainly gone, are ever removed.
 */
export const RUN_DIR_PREFIX = "gametracker-dr-plan-";

export interface RunRecord {
  bucket: string;
  prefix: string;
  /** The endpoint override the run used; null for AWS's own. */
  endpoint: string | null;
}

export interface RunOwner extends ProcessIdentity {
  host: string;
}

/** The owner a run directory's name records, "legacy" for one made before names recorded it, undefined for any other name. Pure. */
export function parseRunDirName(name: string): RunOwner | "legacy" | undefined {
  if (!name.startsWith(RUN_DIR_PREFIX)) return undefined;
  const m = /^(\d+)-(\d+)-([0-9a-f]{8})-[A-Za-z0-9]{6}$/.exec(name.slice(RUN_DIR_PREFIX.length));
  if (m !== null) return { pid: Number(m[1]), startTicks: m[2] === "0" ? undefined : Number(m[2]), host: m[3]! };
  return /^[A-Za-z0-9]{6}$/.test(name.slice(RUN_DIR_PREFIX.length)) ? "legacy" : undefined;
}

const WRITES = "writes.ndjson";
const UPLOADS = "uploads.ndjson";
const RECORD = "run.json";

export class RunFiles {
  readonly journal: UploadJournal;

  private constructor(readonly dir: string) {
    this.journal = new UploadJournal(path.join(dir, UPLOADS));
  }

  /** A new run directory in the temp dir, owned by this process (a test may name another owner). */
  static create(record: RunRecord, options: { tmpdir?: string; owner?: ProcessIdentity; host?: string } = {}): RunFiles {
    const owner = options.owner ?? processIdentity();
    const name = `${RUN_DIR_PREFIX}${owner.pid}-${owner.startTicks ?? 0}-${options.host ?? hostTag()}-`;
    const files = new RunFiles(fs.mkdtempSync(path.join(options.tmpdir ?? os.tmpdir(), name)));
    fs.writeFileSync(path.join(files.dir, RECORD), JSON.stringify(record) + "\n", { mode: 0o600 });
    return files;
  }

  static open(dir: string): RunFiles {
    return new RunFiles(dir);
  }

  get writesFile(): string {
    return path.join(this.dir, WRITES);
  }

  /** Where --via batch writes its manifests before uploading them. */
  get batchDir(): string {
    return path.join(this.dir, "batch");
  }

  /** What the run restores; undefined when it was killed before writing it. */
  record(): RunRecord | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dir, RECORD), "utf8")) as RunRecord;
    } catch {
      return undefined;
    }
  }

  /** Removes everything but the record and the journal. */
  removePlan(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (error) {
      // Another run finishing the same killed run removed it first.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    for (const name of names) if (name !== RECORD && name !== UPLOADS) fs.rmSync(path.join(this.dir, name), { recursive: true, force: true });
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * The end of a run: the plan files go; the journal stays only while it names an upload
   * that may still be open (an abort that failed), for the next run to abort. Returns that.
   */
  close(): JournalState {
    const left = this.journal.read();
    if (left.open.length === 0 && left.unknown.length === 0) this.remove();
    else this.removePlan();
    return left;
  }
}

export interface FoundRun {
  dir: string;
  owner: RunOwner;
  /** Its process no longer runs on this host. */
  gone: boolean;
}

/**
 * The run directories in the temp dir that this user made on this host, each with whether
 * its process is gone; and those made before names recorded their owner (`legacy`), whose
 * process can't be known. Another user's, and another host's (a shared /tmp), are not listed.
 */
export function findRunDirs(tmpdir = os.tmpdir(), host = hostTag()): { runs: FoundRun[]; legacy: string[] } {
  const runs: FoundRun[] = [];
  const legacy: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(tmpdir);
  } catch {
    return { runs, legacy };
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const owner = parseRunDirName(name);
    if (owner === undefined) continue;
    const dir = path.join(tmpdir, name);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(dir);
    } catch {
      continue;
    }
    // A symlink or a file by that name is not ours to follow or remove; nor is another user's directory.
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
    if (owner === "legacy") legacy.push(dir);
    else if (owner.host === host) runs.push({ dir, owner, gone: isProcessGone(owner) });
  }
  return { runs, legacy };
}
