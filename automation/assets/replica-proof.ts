import type { S3Client } from "@aws-sdk/client-s3";
import { headObject, listVersionPage, readVersionDigest } from "../aws/s3";
import { errorMessage } from "../../contracts/text";
import { compareKeys, currentEntry, entryAt, HistoryEntry, KeyHistory } from "./history";
import { DELIMITER, listPrefixHistories } from "./partitions";

/**
 * The drill's proof that the standby region holds the game's assets, read-only:
 *
 *  - **Assets RPO**: the replica's listing against the source's, when the home region
 *    answers. S3 gives a replica its source's version id, so a source key whose current
 *    entry (version or delete marker) has no entry of that id in the replica is not there
 *    yet; the oldest of those is how much a region loss now would lose (the RPO), the newest
 *    says how fresh the gap is. Only current entries count: older versions differ by each
 *    bucket's own lifecycle, which a region loss does not depend on.
 *  - **A sample prefix as of the recovery point's time**: each key's version at that moment
 *    in the replica is read whole and checked — its MD5 against its ETag where that is an
 *    MD5, the stored checksum S3 sends (which the SDK checks), and, when the home region
 *    answers, the same version's size and ETag there. A point-in-time restore of the
 *    prefix (`assets restore-prefix --stack <standby> --at <T>`) copies exactly these
 *    versions.
 *
 * Nothing is written. A restore into a scratch prefix of a replica under Object Lock would
 * leave versions no one can delete until the retention ends (every week, one more set),
 * and would prove no more than reading the same versions does; so the sample is verified
 * in place and there is nothing to clean up.
 */

/** Keys of the sample prefix read whole at most (one GET each). */
export const SAMPLE_KEYS = 25;
/** Larger versions are checked by HEAD only (size, ETag), not read. */
export const SAMPLE_MAX_BYTES = 64 * 1024 * 1024;

export interface MissingEntry {
  key: string;
  versionId: string;
  kind: HistoryEntry["kind"];
  lastModified: string;
}

export type SourceComparison =
  | {
      reachable: true;
      /** Keys with a current entry at home. */
      sourceKeys: number;
      /** Of those, the ones whose current entry the replica has. */
      replicated: number;
      missing: number;
      oldestMissing?: MissingEntry;
      newestMissing?: MissingEntry;
      /** now − the oldest missing entry, in seconds; 0 when nothing is missing. */
      rpoSeconds: number;
    }
  | { reachable: false; reason: string };

export interface SampleCheck {
  key: string;
  versionId: string;
  /** `verified`: read whole and every check held; `head-only`: too large to read, size and ETag compared; `mismatch`: a check failed. */
  outcome: "verified" | "head-only" | "mismatch";
  detail: string;
}

export interface AssetsProof {
  replica: { bucket: string; region: string };
  source: { bucket: string; region: string };
  comparison: SourceComparison;
  sample: { prefix: string; at: string; checks: SampleCheck[]; absentAtTime: number };
  /** What the proof left behind: nothing (read-only). */
  cleanup: string;
  passed: boolean;
}

export interface ProofTarget {
  replica: { bucket: string; region: string; s3: S3Client };
  source: { bucket: string; region: string; s3: S3Client };
  /** The recovery point's time: the sample is checked as it was then. */
  at: Date;
  now: Date;
  random: () => number;
  concurrency?: number;
  onProgress?: (message: string) => void;
}

/** Running tally of the merge of both listings: what the replica lacks of the source's current entries. Pure. */
export class ReplicaGap {
  sourceKeys = 0;
  replicated = 0;
  oldest: MissingEntry | undefined;
  newest: MissingEntry | undefined;
  missing = 0;

  add(source: KeyHistory | undefined, replica: KeyHistory | undefined): void {
    const current = source === undefined ? undefined : currentEntry(source.entries);
    if (current === undefined) return;
    this.sourceKeys++;
    if (replica?.entries.some((e) => e.versionId === current.versionId) === true) {
      this.replicated++;
      return;
    }
    this.missing++;
    const entry: MissingEntry = { key: current.key, versionId: current.versionId, kind: current.kind, lastModified: current.lastModified.toISOString() };
    if (this.oldest === undefined || current.lastModified.getTime() < Date.parse(this.oldest.lastModified)) this.oldest = entry;
    if (this.newest === undefined || current.lastModified.getTime() > Date.parse(this.newest.lastModified)) this.newest = entry;
  }

  result(now: Date): SourceComparison {
    return {
      reachable: true,
      sourceKeys: this.sourceKeys,
      replicated: this.replicated,
      missing: this.missing,
      ...(this.oldest !== undefined ? { oldestMissing: this.oldest } : {}),
      ...(this.newest !== undefined ? { newestMissing: this.newest } : {}),
      rpoSeconds: this.oldest === undefined ? 0 : Math.max(0, Math.round((now.getTime() - Date.parse(this.oldest.lastModified)) / 1000)),
    };
  }
}

/** Merges two key-ordered streams of histories into pairs by key. */
async function* byKey(a: AsyncIterator<KeyHistory>, b: AsyncIterator<KeyHistory>): AsyncGenerator<[KeyHistory | undefined, KeyHistory | undefined]> {
  let x = await a.next();
  let y = await b.next();
  while (!x.done || !y.done) {
    const order = x.done ? 1 : y.done ? -1 : compareKeys(x.value.key, y.value.key);
    if (order === 0) {
      yield [x.value, y.value];
      [x, y] = await Promise.all([a.next(), b.next()]);
    } else if (order < 0) {
      yield [x.value as KeyHistory, undefined];
      x = await a.next();
    } else {
      yield [undefined, y.value as KeyHistory];
      y = await b.next();
    }
  }
}

/** A failure of the home region's listing, told apart from the replica's own. */
class HomeUnanswered extends Error {
  constructor(cause: unknown) {
    super(errorMessage(cause));
  }
}

/** The replica's listing against the source's (home region): the assets RPO, or why it could not be measured. */
export async function compareWithSource(target: ProofTarget): Promise<SourceComparison> {
  const concurrency = target.concurrency ?? 8;
  const gap = new ReplicaGap();
  const source = listPrefixHistories(target.source.s3, target.source.bucket, "", { concurrency })[Symbol.asyncIterator]();
  const replica = listPrefixHistories(target.replica.s3, target.replica.bucket, "", { concurrency })[Symbol.asyncIterator]();
  const home: AsyncIterator<KeyHistory> = {
    next: () =>
      source.next().catch((error: unknown) => {
        throw new HomeUnanswered(error);
      }),
  };
  try {
    for await (const [s, r] of byKey(home, replica)) gap.add(s, r);
  } catch (error) {
    if (error instanceof HomeUnanswered) return { reachable: false, reason: `s3://${target.source.bucket} in ${target.source.region} did not answer (${error.message})` };
    throw error;
  } finally {
    await Promise.all([source.return?.(undefined), replica.return?.(undefined)].map((p) => Promise.resolve(p).catch(() => undefined)));
  }
  return gap.result(target.now);
}

/** The sample prefix: one of the replica's top-level prefixes, chosen at random (the whole bucket when it has none). */
async function samplePrefix(target: ProofTarget): Promise<string> {
  const page = await listVersionPage(target.replica.s3, { bucket: target.replica.bucket, delimiter: DELIMITER, maxKeys: 1000 });
  const prefixes = page.commonPrefixes;
  return prefixes.length === 0 ? "" : prefixes[Math.min(prefixes.length - 1, Math.floor(target.random() * prefixes.length))]!;
}

/** Whether an ETag is the MD5 of the bytes: single-part and not SSE-KMS (S3 User Guide, Checking object integrity). Pure. */
export function etagIsMd5(etag: string | undefined, encryption: string | undefined): boolean {
  return etag !== undefined && /^"?[0-9a-f]{32}"?$/.test(etag) && !(encryption ?? "").startsWith("aws:kms");
}

/** Checks one version of the sample, read-only. */
async function checkVersion(target: ProofTarget, key: string, versionId: string, size: number, sourceReachable: boolean): Promise<SampleCheck> {
  const problems: string[] = [];
  const sourceHead = sourceReachable ? await headObject(target.source.s3, target.source.bucket, key, { versionId }).catch(() => undefined) : undefined;
  const home = sourceHead?.kind === "version" ? sourceHead.facts : undefined;
  if (size > SAMPLE_MAX_BYTES) {
    const head = await headObject(target.replica.s3, target.replica.bucket, key, { versionId });
    if (head.kind !== "version") return { key, versionId, outcome: "mismatch", detail: "the replica answers no such version" };
    if (home !== undefined && (home.size !== head.facts.size || home.etag !== head.facts.etag)) problems.push(`home holds ${home.size} bytes, ETag ${home.etag}; the replica ${head.facts.size} bytes, ETag ${head.facts.etag}`);
    return problems.length > 0 ? { key, versionId, outcome: "mismatch", detail: problems.join("; ") } : { key, versionId, outcome: "head-only", detail: `${size} bytes: size and ETag read, not the body` };
  }
  let digest;
  try {
    digest = await readVersionDigest(target.replica.s3, target.replica.bucket, key, versionId);
  } catch (error) {
    return { key, versionId, outcome: "mismatch", detail: errorMessage(error) };
  }
  const proven: string[] = [];
  if (etagIsMd5(digest.etag, digest.encryption)) {
    if (digest.etag!.replace(/"/g, "") === digest.md5) proven.push("MD5 = ETag");
    else problems.push(`the bytes' MD5 is ${digest.md5}, the ETag ${digest.etag}`);
  }
  if (digest.checksumChecked) proven.push("stored checksum");
  if (home !== undefined) {
    if (home.size === digest.size && (home.etag === digest.etag || !etagIsMd5(home.etag, home.encryption?.algorithm))) proven.push("same as at home");
    else problems.push(`home holds ${home.size} bytes, ETag ${home.etag}; the replica ${digest.size} bytes, ETag ${digest.etag}`);
  }
  if (problems.length > 0) return { key, versionId, outcome: "mismatch", detail: problems.join("; ") };
  if (proven.length === 0) return { key, versionId, outcome: "mismatch", detail: "nothing to check the bytes against: no MD5 ETag, no stored checksum, home not answering" };
  return { key, versionId, outcome: "verified", detail: `${digest.size} bytes: ${proven.join(", ")}` };
}

/** The sample prefix as of `at`, in the replica, each key's version then checked. */
export async function checkSample(target: ProofTarget, sourceReachable: boolean): Promise<AssetsProof["sample"]> {
  const prefix = await samplePrefix(target);
  const checks: SampleCheck[] = [];
  let absentAtTime = 0;
  for await (const history of listPrefixHistories(target.replica.s3, target.replica.bucket, prefix, { concurrency: target.concurrency ?? 8 })) {
    if (checks.length >= SAMPLE_KEYS) break;
    const then = entryAt(history.entries, target.at);
    if (then === undefined || then.kind !== "version") {
      absentAtTime++;
      continue;
    }
    checks.push(await checkVersion(target, history.key, then.versionId, then.size, sourceReachable));
  }
  return { prefix, at: target.at.toISOString(), checks, absentAtTime };
}

/** The whole proof: the comparison with home (when it answers), then the sample; passed when every sampled version checked out. */
export async function proveReplica(target: ProofTarget): Promise<AssetsProof> {
  target.onProgress?.(`assets: comparing s3://${target.replica.bucket} (${target.replica.region}) with s3://${target.source.bucket} (${target.source.region})`);
  const comparison = await compareWithSource(target);
  const sample = await checkSample(target, comparison.reachable);
  target.onProgress?.(`assets: checked ${sample.checks.length} version(s) under s3://${target.replica.bucket}/${sample.prefix} as of ${sample.at}`);
  return {
    replica: { bucket: target.replica.bucket, region: target.replica.region },
    source: { bucket: target.source.bucket, region: target.source.region },
    comparison,
    sample,
    cleanup: "nothing to clean up: the sample was read in place, nothing was written",
    passed: sample.checks.every((c) => c.outcome !== "mismatch"),
  };
}

/** One line for the drill's step note and summary. Pure. */
export function describeProof(proof: AssetsProof): string {
  const c = proof.comparison;
  const rpo = !c.reachable
    ? `assets RPO not measured: ${c.reason}`
    : c.missing === 0
      ? `assets RPO 0: all ${c.sourceKeys} current objects at home are in the replica`
      : `assets RPO ${c.rpoSeconds}s: ${c.missing} of ${c.sourceKeys} current objects at home are not in the replica yet (oldest ${c.oldestMissing!.key} of ${c.oldestMissing!.lastModified}, newest ${c.newestMissing!.key} of ${c.newestMissing!.lastModified})`;
  const s = proof.sample;
  const verified = s.checks.filter((x) => x.outcome === "verified").length;
  const headOnly = s.checks.filter((x) => x.outcome === "head-only").length;
  const bad = s.checks.filter((x) => x.outcome === "mismatch");
  const sample = `${s.checks.length} version(s) of s3://${proof.replica.bucket}/${s.prefix} as of ${s.at}: ${verified} verified${headOnly > 0 ? `, ${headOnly} by HEAD only` : ""}${bad.length > 0 ? `, ${bad.length} FAILED (${bad.map((b) => `${b.key}: ${b.detail}`).join("; ")})` : ""}`;
  return `${rpo}; ${sample}`;
}
