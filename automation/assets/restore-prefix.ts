import { S3Client } from "@aws-sdk/client-s3";
import { listKeyHistories } from "./listing";
import { DecideOptions, RestorePlan } from "./plan";

export interface PlanPrefixOptions extends DecideOptions {
  prefix: string;
  at: Date;
  pageSize?: number;
  onPage?: (entriesSoFar: number) => void;
}

/** Lists every key under the prefix and decides each one; nothing is written. */
export async function planPrefixRestore(s3: S3Client, bucket: string, options: PlanPrefixOptions): Promise<RestorePlan> {
  const plan = new RestorePlan(bucket, options.prefix, options.at, { deleteNew: options.deleteNew });
  for await (const history of listKeyHistories(s3, bucket, {
    prefix: options.prefix,
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    ...(options.onPage !== undefined ? { onPage: options.onPage } : {}),
  })) {
    plan.addHistory(history);
  }
  return plan;
}
