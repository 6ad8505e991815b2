import * as fs from "node:fs";
import { encodeKey } from "../aws/s3";
import { UsageError } from "../errors";
import { LineFile } from "./line-file";
import { CopyDecision, WriteDecision } from "./plan";

/**
 * The plan's copies as an S3 Batch Operations manifest: CSV with the fields Bucket, Key,
 * VersionId (format `S3BatchOperations_CSV_20180820`), object keys URL-encoded as Batch
 * Operations requires. The version id pins each line to the version the plan chose,
 * never to whatever is current when the job runs.
 */

export const MANIFEST_FORMAT = "S3BatchOperations_CSV_20180820";
export const MANIFEST_FIELDS = ["Bucket", "Key", "VersionId"] as const;

/** One manifest line (without the newline). URL-encoding leaves no comma or quote in a key, so no CSV quoting is needed. Pure. */
export function manifestLine(bucket: string, key: string, versionId: string): string {
  return `${bucket},${encodeKey(key)},${versionId}`;
}

/** The copies among a plan's writes. */
export async function* copiesOf(writes: AsyncIterable<WriteDecision>): AsyncGenerator<CopyDecision> {
  for await (const write of writes) if (write.action === "copy") yield write;
}

/** Refuses a --manifest-out path that can't be written, before anything is listed. */
export function checkManifestPath(file: string): void {
  try {
    fs.writeFileSync(file, "", { flag: "a" });
  } catch (error) {
    throw new UsageError(`Can't write the manifest to --manifest-out ${file} (${(error as NodeJS.ErrnoException).code ?? "error"}); give a path in a writable directory.`);
  }
}

/** Writes one line per copy to `file` and returns how many lines it holds. */
export async function writeManifest(file: string, bucket: string, copies: AsyncIterable<CopyDecision>): Promise<number> {
  const out = new LineFile(file);
  try {
    for await (const copy of copies) await out.write(manifestLine(bucket, copy.key, copy.source.versionId));
  } finally {
    await out.close();
  }
  return out.lines;
}
