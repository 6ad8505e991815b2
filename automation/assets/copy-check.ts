import { S3Client } from "@aws-sdk/client-s3";
import { headObject, HeadResult, VersionFacts } from "../aws/s3";
import { archiveBlock, etagsProveDifference, sameStoredObject } from "./content";
import { CopyDecision, CopySettings, KeyDecision } from "./plan";

/**
 * A planned copy, checked against what S3 says about its source before it is counted as
 * a write: archived sources are blocked in the plan (instead of failing with
 * InvalidObjectState during the apply), a current version that is already the same
 * stored object (same checksum, when ETags can't tell) is left alone, and the copy
 * carries the source's encryption and storage class.
 */

export type CopyVerdict =
  | { verdict: "copy"; settings: CopySettings }
  | { verdict: "unchanged" }
  | { verdict: "blocked"; reason: string }
  /** The ETags can't tell whether the current version already is the source: read the current version's HEAD and judge again. */
  | { verdict: "compare-current" };

/** The settings that store a copy as its source was stored. Pure. */
export function copySettings(source: CopyDecision["source"], facts: VersionFacts): CopySettings {
  const storageClass = source.storageClass ?? facts.storageClass;
  return {
    ...(facts.encryption !== undefined ? { encryption: facts.encryption } : {}),
    ...(storageClass !== undefined && storageClass !== "STANDARD" ? { storageClass } : {}),
  };
}

type Judged = Exclude<CopyVerdict, { verdict: "compare-current" }>;

/** Pure: what the HEAD of the source (and, when asked for, of the current version) says about a planned copy. */
export function judgeCopy(decision: CopyDecision, source: HeadResult): CopyVerdict;
export function judgeCopy(decision: CopyDecision, source: HeadResult, current: HeadResult): Judged;
export function judgeCopy(decision: CopyDecision, source: HeadResult, current?: HeadResult): CopyVerdict {
  if (source.kind !== "version") {
    return {
      verdict: "blocked",
      reason: `version ${decision.source.versionId} is no longer in the bucket (removed since it was listed, e.g. by a lifecycle rule); run again to re-plan`,
    };
  }
  const facts = source.facts;
  const archived = archiveBlock(decision.source, facts);
  if (archived !== undefined) return { verdict: "blocked", reason: archived };
  const planned = decision.current;
  if (planned.kind === "version" && planned.size === decision.source.size && !etagsProveDifference(decision.source, planned, facts)) {
    if (current === undefined) return { verdict: "compare-current" };
    if (current.kind === "version" && sameStoredObject(facts, current.facts)) return { verdict: "unchanged" };
  }
  return { verdict: "copy", settings: copySettings(decision.source, facts) };
}

/** Reads the HEADs a planned copy needs (one, or two when ETags can't tell) and returns the decision that stands. */
export async function checkPlannedCopy(s3: S3Client, bucket: string, decision: CopyDecision): Promise<KeyDecision> {
  const source = await headObject(s3, bucket, decision.key, { versionId: decision.source.versionId });
  const first = judgeCopy(decision, source);
  const verdict = first.verdict === "compare-current" ? judgeCopy(decision, source, await headObject(s3, bucket, decision.key, { versionId: decision.current.versionId })) : first;
  switch (verdict.verdict) {
    case "copy":
      return { ...decision, settings: verdict.settings };
    case "unchanged":
      return { action: "unchanged", key: decision.key, reason: "same-checksum" };
    case "blocked":
      return { action: "blocked", key: decision.key, source: decision.source, reason: verdict.reason };
  }
}
