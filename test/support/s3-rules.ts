/**
 * S3 behaviours that neither emulator has, as test-only SDK middleware, each pinned to S3's
 * documented rule and used to test the case where S3 says no:
 *
 *  - Conditional CopyObject (CopyObject API reference, `If-Match` / `If-None-Match` on the
 *    destination): 412 PreconditionFailed when the key's current ETag is not the one given,
 *    or when `If-None-Match: *` meets a current object; 404 NoSuchKey for `If-Match` on a
 *    key without a current object. moto 5.2.5 and versitygw 1.8.0 copy regardless.
 *  - INTELLIGENT_TIERING archive tiers (S3 User Guide, "Working with archived objects"):
 *    HEAD reports `x-amz-archive-status: ARCHIVE_ACCESS | DEEP_ARCHIVE_ACCESS`, and a copy
 *    of such a version fails with 403 InvalidObjectState. Neither emulator moves objects
 *    between tiers.
 */
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { MiddlewareStack } from "@smithy/types";

function s3Error(name: string, status: number, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: status, attempts: 1 } });
}

/** CopyObject's destination conditions, decided from a HEAD of the destination by `s3` (a client without this middleware). */
export function conditionalCopyRule(s3: S3Client): (stack: MiddlewareStack<any, any>) => void {
  return (stack) =>
    stack.add(
      (next: any, context: any) => async (args: any) => {
        const input = args.input as { Bucket?: string; Key?: string; IfMatch?: string; IfNoneMatch?: string };
        if (context.commandName !== "CopyObjectCommand" || (input.IfMatch === undefined && input.IfNoneMatch === undefined)) return next(args);
        const current = await s3.send(new HeadObjectCommand({ Bucket: input.Bucket, Key: input.Key })).catch(() => undefined);
        if (input.IfMatch !== undefined) {
          if (current === undefined) throw s3Error("NoSuchKey", 404, "The specified key does not exist.");
          if (current.ETag !== input.IfMatch) throw s3Error("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold");
        }
        if (input.IfNoneMatch === "*" && current !== undefined) throw s3Error("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold");
        return next(args);
      },
      { step: "initialize", name: "s3ConditionalCopyRule" },
    );
}

/** Versions (`key\u0000versionId`) that sit in an INTELLIGENT_TIERING archive tier. */
export function archiveTierRule(archived: ReadonlySet<string>, tier: "ARCHIVE_ACCESS" | "DEEP_ARCHIVE_ACCESS"): (stack: MiddlewareStack<any, any>) => void {
  return (stack) =>
    stack.add(
      (next: any, context: any) => async (args: any) => {
        const input = args.input as { Key?: string; VersionId?: string; CopySource?: string };
        if (context.commandName === "CopyObjectCommand" || context.commandName === "UploadPartCopyCommand") {
          const source = /^[^/]+\/(.*)\?versionId=(.*)$/.exec(input.CopySource ?? "");
          const id = source ? `${source[1]!.split("/").map(decodeURIComponent).join("/")}\u0000${decodeURIComponent(source[2]!)}` : "";
          if (archived.has(id)) throw s3Error("InvalidObjectState", 403, "The operation is not valid for the object's access tier");
        }
        const result = await next(args);
        if (context.commandName === "HeadObjectCommand" && archived.has(`${input.Key}\u0000${input.VersionId}`)) {
          (result.response as { headers: Record<string, string> }).headers["x-amz-archive-status"] = tier;
        }
        return result;
      },
      { step: "deserialize", name: "s3ArchiveTierRule", priority: "low" },
    );
}
