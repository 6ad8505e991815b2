/**
 * TEST DOUBLE: S3 Replication, which neither emulator performs (moto stores a configuration
 * and replicates nothing; versitygw answers NotImplemented to PutBucketReplication). It
 * applies the rules the S3 User Guide documents ("Replicating objects within and across
 * Regions": what is replicated, what isn't, replication status information, replication
 * failure reasons) between buckets of one emulator, when a test says S3 has got round to
 * it (`replicate()`, one pass of S3's asynchronous replication):
 *
 *  - Replicated, with metadata, tags and storage class (the destination's when the rule
 *    names one): object versions written after the configuration was put; delete markers
 *    only with DeleteMarkerReplication Enabled; SSE-KMS objects only with
 *    SourceSelectionCriteria.SseKmsEncryptedObjects Enabled, re-encrypted with the rule's
 *    ReplicaKmsKeyID. A source version is PENDING from the moment it is written, then
 *    COMPLETED or FAILED (S3 retries nothing that FAILED: Batch Replication does,
 *    `batchReplicate`); a replica is REPLICA.
 *  - Not replicated, no status: objects that existed before the configuration, SSE-C
 *    objects, SSE-KMS objects not selected, delete markers a lifecycle rule made
 *    (`expireByLifecycle`), replicas (a second rule doesn't replicate them onward), and a
 *    DELETE of a specific version (S3's guard against malicious deletes).
 *  - Fails where S3 says it does: DstBucketNotFound, DstBucketUnversioned, the role S3
 *    can't assume or that lacks a permission (AssumeRoleNotPermitted, SrcGetObjNotPermitted,
 *    DstPutObjNotPermitted, DstDelObjNotPermitted, the KMS ones), DstKmsKeyNotFound, or the
 *    destination refusing the write. The role is judged from IAM (moto) by iam-policy.ts's
 *    evaluation when `iam` is given; without it (versitygw has no IAM) it is not judged.
 *  - Replicas "have the same key names and the same metadata — for example, creation time,
 *    owner, user-defined metadata, version ID" (Replicating objects overview). An emulator
 *    gives a put object a version id and time of its own, so `middleware`, on the clients
 *    of the code under test, shows replicas with their source's version id and creation
 *    time (response headers, ListObjectVersions bodies, and version ids in requests the
 *    other way), and adds x-amz-replication-status to HeadObject and GetObject answers.
 *    Nothing else in any answer is changed.
 *
 * The configuration is the emulator's (moto: GetBucketReplication through a client with the
 * read-back gap corrected, test/support/moto-gaps.ts) or, where the emulator has no
 * replication API (versitygw), the one `putConfiguration` checked and kept.
 */
import {
  DeleteObjectCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  HeadObjectCommandOutput,
  ListObjectVersionsCommand,
  PutBucketReplicationCommand,
  PutObjectCommand,
  ReplicationConfiguration,
  ReplicationRule,
  S3Client,
} from "@aws-sdk/client-s3";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { MiddlewareStack } from "@smithy/types";
import { evaluate, readRole, trusts } from "./iam-policy";
import { AssetsReplicationPlan, replicationRule } from "../../components/assets-replication";

export type ReplicationStatus = "PENDING" | "COMPLETED" | "FAILED" | "REPLICA";

export interface ReplicationDoubleOptions {
  /** The emulator, for the double's own reads and writes (a client without `middleware`). */
  s3: S3Client;
  /** Where the configuration lives: the emulator's (moto) or the double's (versitygw has no replication API). */
  configuration: "emulator" | "double";
  /** IAM (moto) to judge the replication role by; without it the role is not judged. */
  iam?: IAMClient;
  /** Whether a KMS key exists (moto's KMS); without it every key does. */
  kmsKeyExists?: (arn: string) => Promise<boolean>;
  /** Each bucket's region, for the KMS context keys the role's policy is judged with (default us-east-1). */
  regionOf?: (bucket: string) => string;
}

interface Tracked {
  bucket: string;
  key: string;
  versionId: string;
  kind: "version" | "delete-marker";
  created: Date;
  status: ReplicationStatus | undefined;
  /** Why it was not replicated, or why it failed (S3's failure reason). */
  reason?: string;
  destination?: string;
}

export interface ReplicationPass {
  completed: number;
  failed: Array<{ key: string; versionId: string; reason: string }>;
  pending: Array<{ key: string; versionId: string }>;
  notReplicated: Array<{ key: string; versionId: string; reason: string }>;
}

interface ListedEntry {
  key: string;
  versionId: string;
  kind: "version" | "delete-marker";
  lastModified: Date;
}

const id = (bucket: string, key: string, versionId: string) => `${bucket}\u0000${key}\u0000${versionId}`;

function s3Error(name: string, status: number, message: string): Error {
  return Object.assign(new Error(message), { name, Code: name, $fault: "client", $metadata: { httpStatusCode: status } });
}

export class S3ReplicationDouble {
  private readonly tracked = new Map<string, Tracked>();
  /** Versions present when a bucket's configuration was put (or `watch`ed): not replicated by live replication. */
  private readonly existing = new Map<string, Set<string>>();
  private readonly configs = new Map<string, ReplicationConfiguration>();
  private readonly lifecycleMarkers = new Set<string>();
  /** Versions written with SSE-C through `middleware`. */
  private readonly customerKeyed = new Set<string>();
  /** Replica bucket + the emulator's version id -> the source's version id and creation time. */
  private readonly replicas = new Map<string, { sourceVersionId: string; created: Date }>();
  /** Replica bucket + the source's version id -> the emulator's version id. */
  private readonly replicaIds = new Map<string, string>();

  constructor(private readonly options: ReplicationDoubleOptions) {}

  /**
   * PutBucketReplication as S3 checks it (S3 API Reference, PutBucketReplication; User Guide,
   * Requirements for live replication), then stored where this emulator keeps it; the
   * versions already in the bucket stay unreplicated, as S3 doesn't replicate retroactively.
   */
  async putConfiguration(bucket: string, configuration: ReplicationConfiguration): Promise<void> {
    if ((await this.versioning(bucket)) !== "Enabled") throw s3Error("InvalidRequest", 400, "Versioning must be 'Enabled' on the bucket to apply a replication configuration");
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(configuration.Role ?? "")) throw s3Error("InvalidArgument", 400, "Invalid Role: the replication role must be an IAM role ARN");
    for (const rule of configuration.Rules ?? []) {
      const destination = bucketOfArn(rule.Destination?.Bucket);
      if (destination === undefined) throw s3Error("InvalidArgument", 400, "Invalid Destination bucket ARN");
      const status = await this.versioning(destination);
      if (status === undefined) throw s3Error("InvalidRequest", 400, "Destination bucket must exist.");
      if (status !== "Enabled") throw s3Error("InvalidRequest", 400, "Destination bucket must have versioning enabled.");
      if (rule.DeleteMarkerReplication !== undefined && rule.Filter === undefined) throw s3Error("MalformedXML", 400, "DeleteMarkerReplication needs the V2 schema: a rule with a Filter");
      const selected = rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status === "Enabled";
      const replicaKey = rule.Destination?.EncryptionConfiguration?.ReplicaKmsKeyID;
      if (selected !== (replicaKey !== undefined)) throw s3Error("InvalidRequest", 400, "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present, and only then.");
      if ((rule.Destination?.ReplicationTime?.Status === "Enabled") !== (rule.Destination?.Metrics?.Status === "Enabled") && rule.Destination?.ReplicationTime !== undefined) {
        throw s3Error("InvalidRequest", 400, "Replication destination must contain both ReplicationTime and Metrics or neither.");
      }
    }
    if (this.options.configuration === "emulator") await this.options.s3.send(new PutBucketReplicationCommand({ Bucket: bucket, ReplicationConfiguration: configuration }));
    else this.configs.set(bucket, configuration);
    await this.watch(bucket);
  }

  /** From now on `bucket` is replicated by its configuration (a configuration put by someone else, e.g. the stand-in provider): what it holds now stays unreplicated. */
  async watch(bucket: string): Promise<void> {
    this.existing.set(bucket, new Set((await this.list(bucket)).map((e) => id(bucket, e.key, e.versionId))));
  }

  /** A lifecycle expiration of `key`'s current version, which adds a delete marker that S3 does not replicate. */
  async expireByLifecycle(bucket: string, key: string): Promise<void> {
    const marker = await this.options.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    this.lifecycleMarkers.add(id(bucket, key, marker.VersionId ?? "null"));
  }

  /** The status S3 would report for a version, and why it has none or failed. */
  statusOf(bucket: string, key: string, versionId: string): { status: ReplicationStatus | undefined; reason?: string } {
    const replica = this.replicas.get(`${bucket}\u0000${versionId}`);
    if (replica !== undefined) return { status: "REPLICA" };
    const t = this.tracked.get(id(bucket, key, versionId));
    return t === undefined ? { status: undefined } : { status: t.status, ...(t.reason !== undefined ? { reason: t.reason } : {}) };
  }

  /**
   * What S3 has noticed: every version and delete marker written to a watched bucket since
   * it was watched is PENDING, or not replicated (with the reason). Also done by `replicate`.
   */
  async discover(): Promise<void> {
    for (const bucket of this.existing.keys()) {
      const rule = await this.ruleOf(bucket);
      if (rule === undefined) continue;
      for (const entry of await this.list(bucket)) {
        const key = id(bucket, entry.key, entry.versionId);
        if (this.existing.get(bucket)!.has(key) || this.tracked.has(key) || this.replicas.has(`${bucket}\u0000${entry.versionId}`)) continue;
        const t: Tracked = { bucket, key: entry.key, versionId: entry.versionId, kind: entry.kind, created: entry.lastModified, status: undefined };
        this.tracked.set(key, t);
        const matching = matchingRule(rule, entry.key);
        if (matching === undefined) t.reason = "no rule's filter matches the key";
        else if (entry.kind === "delete-marker") {
          if (this.lifecycleMarkers.has(key)) t.reason = "made by a lifecycle rule: S3 does not replicate lifecycle actions";
          else if (matching.DeleteMarkerReplication?.Status !== "Enabled") t.reason = "delete marker replication is not enabled";
          else t.status = "PENDING";
        } else {
          const head = await this.head(bucket, entry.key, entry.versionId);
          if (head === "sse-c") t.reason = "SSE-C objects are not replicated";
          else if (head.ServerSideEncryption?.startsWith("aws:kms") && matching.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status !== "Enabled") {
            t.reason = "SSE-KMS objects are replicated only with SseKmsEncryptedObjects Enabled";
          } else t.status = "PENDING";
        }
        if (t.status === "PENDING") t.destination = bucketOfArn(matching!.Destination?.Bucket);
      }
    }
  }

  /** One pass of replication: everything PENDING is replicated now, except the keys `hold` keeps waiting. */
  async replicate(options: { hold?: (key: string) => boolean } = {}): Promise<ReplicationPass> {
    await this.discover();
    const pass: ReplicationPass = { completed: 0, failed: [], pending: [], notReplicated: [] };
    const pending = [...this.tracked.values()].filter((t) => t.status === "PENDING").sort((a, b) => a.created.getTime() - b.created.getTime());
    for (const t of pending) {
      if (options.hold?.(t.key)) {
        pass.pending.push({ key: t.key, versionId: t.versionId });
        continue;
      }
      await this.replicateOne(t);
      if (t.status === "COMPLETED") pass.completed++;
      else pass.failed.push({ key: t.key, versionId: t.versionId, reason: t.reason ?? "" });
    }
    for (const t of this.tracked.values()) if (t.status === undefined && t.reason !== undefined) pass.notReplicated.push({ key: t.key, versionId: t.versionId, reason: t.reason });
    return pass;
  }

  /**
   * S3 Batch Replication (an S3ReplicateObject job): replicates the bucket's versions whose
   * status is one of `statuses` (NONE: never replicated, e.g. written before the
   * configuration; FAILED), that live replication could replicate (SSE-C never). Returns the
   * job's task counts.
   */
  async batchReplicate(bucket: string, statuses: ReadonlyArray<"NONE" | "FAILED">): Promise<{ total: number; succeeded: number; failed: number }> {
    await this.discover();
    const rule = await this.ruleOf(bucket);
    const counts = { total: 0, succeeded: 0, failed: 0 };
    if (rule === undefined) return counts;
    for (const entry of await this.list(bucket)) {
      if (entry.kind !== "version" || this.replicas.has(`${bucket}\u0000${entry.versionId}`)) continue;
      const key = id(bucket, entry.key, entry.versionId);
      const t = this.tracked.get(key);
      const status = t?.status === "FAILED" ? "FAILED" : t === undefined || t.status === undefined ? "NONE" : t.status;
      if (!(statuses as readonly string[]).includes(status)) continue;
      const matching = matchingRule(rule, entry.key);
      if (matching === undefined) continue;
      const head = await this.head(bucket, entry.key, entry.versionId);
      if (head === "sse-c") continue;
      const job: Tracked = t ?? { bucket, key: entry.key, versionId: entry.versionId, kind: "version", created: entry.lastModified, status: undefined };
      this.tracked.set(key, job);
      Object.assign(job, { status: "PENDING", destination: bucketOfArn(matching.Destination?.Bucket) });
      delete job.reason;
      counts.total++;
      await this.replicateOne(job);
      if (job.status === "COMPLETED") counts.succeeded++;
      else counts.failed++;
    }
    return counts;
  }

  private async replicateOne(t: Tracked): Promise<void> {
    const fail = (reason: string) => Object.assign(t, { status: "FAILED" as const, reason });
    const configuration = await this.configurationOf(t.bucket);
    const rule = configuration === undefined ? undefined : matchingRule(configuration, t.key);
    const destination = t.destination;
    if (rule === undefined || destination === undefined) return void fail("the replication configuration is gone");
    const versioning = await this.versioning(destination);
    if (versioning === undefined) return void fail("DstBucketNotFound");
    if (versioning !== "Enabled") return void fail("DstBucketUnversioned");
    const head = t.kind === "version" ? await this.head(t.bucket, t.key, t.versionId) : undefined;
    const kms = head !== undefined && head !== "sse-c" && head.ServerSideEncryption?.startsWith("aws:kms") === true;
    const replicaKey = rule.Destination?.EncryptionConfiguration?.ReplicaKmsKeyID;
    const denied = await this.roleDenies(configuration!.Role!, t, destination, kms ? { source: head.SSEKMSKeyId ?? "", replica: replicaKey ?? "" } : undefined);
    if (denied !== undefined) return void fail(denied);
    if (kms && replicaKey !== undefined && this.options.kmsKeyExists !== undefined && !(await this.options.kmsKeyExists(replicaKey))) return void fail("DstKmsKeyNotFound");
    try {
      if (t.kind === "delete-marker") {
        const made = await this.options.s3.send(new DeleteObjectCommand({ Bucket: destination, Key: t.key }));
        this.recordReplica(destination, made.VersionId ?? "null", t);
      } else {
        const source = await this.options.s3.send(new GetObjectCommand({ Bucket: t.bucket, Key: t.key, VersionId: t.versionId }));
        const body = await source.Body!.transformToByteArray();
        const tags = (await this.options.s3.send(new GetObjectTaggingCommand({ Bucket: t.bucket, Key: t.key, VersionId: t.versionId }))).TagSet ?? [];
        const storageClass = rule.Destination?.StorageClass ?? source.StorageClass;
        const made = await this.options.s3.send(
          new PutObjectCommand({
            Bucket: destination,
            Key: t.key,
            Body: body,
            ContentType: source.ContentType,
            Metadata: source.Metadata,
            ...(storageClass !== undefined && storageClass !== "STANDARD" ? { StorageClass: storageClass } : {}),
            ...(kms ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: replicaKey } : source.ServerSideEncryption === "AES256" ? { ServerSideEncryption: "AES256" } : {}),
            ...(tags.length > 0 ? { Tagging: tags.map((tag) => `${encodeURIComponent(tag.Key!)}=${encodeURIComponent(tag.Value ?? "")}`).join("&") } : {}),
          }),
        );
        this.recordReplica(destination, made.VersionId ?? "null", t);
      }
      t.status = "COMPLETED";
      delete t.reason;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      fail(status === 403 ? (t.kind === "delete-marker" ? "DstDelObjNotPermitted" : "DstPutObjNotPermitted") : `${(error as Error).name}: ${(error as Error).message}`);
    }
  }

  private recordReplica(bucket: string, emulatorVersionId: string, t: Tracked): void {
    this.replicas.set(`${bucket}\u0000${emulatorVersionId}`, { sourceVersionId: t.versionId, created: t.created });
    this.replicaIds.set(`${bucket}\u0000${t.versionId}`, emulatorVersionId);
  }

  /** S3's failure reason when the role would not let it replicate `t`, judged from IAM; undefined when allowed (or not judged). */
  private async roleDenies(roleArn: string, t: Tracked, destination: string, kms: { source: string; replica: string } | undefined): Promise<string | undefined> {
    if (this.options.iam === undefined) return undefined;
    let role;
    try {
      role = await readRole(this.options.iam, roleArn);
    } catch {
      return "AssumeRoleNotPermitted";
    }
    if (!trusts(role.trust, "s3.amazonaws.com")) return "AssumeRoleNotPermitted";
    const allowed = (action: string, resource: string, context: Record<string, string> = {}) => evaluate(role.policies, action, resource, context) === "allow";
    const objectArn = (bucket: string) => `arn:aws:s3:::${bucket}/${t.key}`;
    if (!allowed("s3:GetReplicationConfiguration", `arn:aws:s3:::${t.bucket}`)) return "SrcGetReplicationConfigNotPermitted";
    if (t.kind === "delete-marker") return allowed("s3:ReplicateDelete", objectArn(destination)) ? undefined : "DstDelObjNotPermitted";
    if (!allowed("s3:GetObjectVersionForReplication", objectArn(t.bucket))) return "SrcGetObjNotPermitted";
    if (!allowed("s3:ReplicateObject", objectArn(destination))) return "DstPutObjNotPermitted";
    if (kms !== undefined) {
      const region = (bucket: string) => this.options.regionOf?.(bucket) ?? "us-east-1";
      const via = (bucket: string) => ({ "kms:ViaService": `s3.${region(bucket)}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": objectArn(bucket) });
      if (!allowed("kms:Decrypt", kms.source, via(t.bucket))) return "SrcKmsDecryptNotPermitted";
      if (!allowed("kms:Encrypt", kms.replica, via(destination))) return "DstKmsEncryptNotPermitted";
    }
    return undefined;
  }

  private async configurationOf(bucket: string): Promise<ReplicationConfiguration | undefined> {
    if (this.options.configuration === "double") return this.configs.get(bucket);
    try {
      return (await this.options.s3.send(new GetBucketReplicationCommand({ Bucket: bucket }))).ReplicationConfiguration;
    } catch (error) {
      if ((error as Error).name === "ReplicationConfigurationNotFoundError") return undefined;
      throw error;
    }
  }

  private async ruleOf(bucket: string): Promise<ReplicationConfiguration | undefined> {
    const configuration = await this.configurationOf(bucket);
    return configuration?.Rules?.some((r) => r.Status === "Enabled") ? configuration : undefined;
  }

  private async versioning(bucket: string): Promise<string | undefined> {
    try {
      return (await this.options.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status ?? "Disabled";
    } catch (error) {
      if ((error as Error).name === "NoSuchBucket" || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  /** HEAD of a source version, or "sse-c" when S3 needs the customer's key to answer it (400), as it does for an SSE-C object. */
  private async head(bucket: string, key: string, versionId: string): Promise<HeadObjectCommandOutput | "sse-c"> {
    if (this.customerKeyed.has(id(bucket, key, versionId))) return "sse-c";
    try {
      const head = await this.options.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
      return head.SSECustomerAlgorithm !== undefined ? "sse-c" : head;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 400) return "sse-c";
      throw error;
    }
  }

  private async list(bucket: string): Promise<ListedEntry[]> {
    const entries: ListedEntry[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await this.options.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      for (const v of page.Versions ?? []) entries.push({ key: v.Key!, versionId: v.VersionId ?? "null", kind: "version", lastModified: v.LastModified! });
      for (const m of page.DeleteMarkers ?? []) entries.push({ key: m.Key!, versionId: m.VersionId ?? "null", kind: "delete-marker", lastModified: m.LastModified! });
      if (!page.IsTruncated) return entries;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
  }

  // ---------------------------------------------------------------------------------------
  // What the code under test sees

  /** For the clients of the code under test (createAwsClients' `middleware`): replicas as S3 shows them, and the status headers. */
  readonly middleware = (stack: MiddlewareStack<any, any>): void => {
    stack.add(
      (next: any) => async (args: any) => {
        const request = args.request as { path?: string; query?: Record<string, unknown>; headers?: Record<string, string> } | undefined;
        if (request?.path !== undefined) this.rewriteRequest(request);
        return next(args);
      },
      { step: "build", name: "s3ReplicationDoubleRequest" },
    );
    stack.add(
      (next: any, context: any) => async (args: any) => {
        const result = await next(args);
        const request = args.request as { path?: string; headers?: Record<string, string> } | undefined;
        const response = result.response as { statusCode?: number; headers?: Record<string, string>; body?: unknown } | undefined;
        if (request?.path === undefined || response?.headers === undefined || (response.statusCode ?? 0) >= 300) return result;
        const command = String(context.commandName ?? "");
        const version = response.headers["x-amz-version-id"];
        if (command === "PutObjectCommand" && version !== undefined && request.headers?.["x-amz-server-side-encryption-customer-algorithm"] !== undefined) {
          this.customerKeyed.add(id(bucketOfPath(request.path), objectKeyOfPath(request.path), version));
        }
        await this.rewriteResponse(command, request.path, response);
        return result;
      },
      { step: "deserialize", name: "s3ReplicationDoubleResponse", priority: "low" },
    );
  };

  private emulatorId(bucket: string, versionId: string): string {
    return this.replicaIds.get(`${bucket}\u0000${versionId}`) ?? versionId;
  }

  private rewriteRequest(request: { path?: string; query?: Record<string, unknown>; headers?: Record<string, string> }): void {
    const bucket = bucketOfPath(request.path!);
    const query = request.query ?? {};
    for (const name of ["versionId", "version-id-marker"]) {
      if (typeof query[name] === "string") query[name] = this.emulatorId(bucket, query[name] as string);
    }
    const copy = request.headers?.["x-amz-copy-source"];
    if (copy !== undefined) {
      const m = /^\/?([^/]+)\/(.*)\?versionId=(.*)$/.exec(copy);
      if (m !== null) request.headers!["x-amz-copy-source"] = `${m[1]}/${m[2]}?versionId=${encodeURIComponent(this.emulatorId(decodeURIComponent(m[1]!), decodeURIComponent(m[3]!)))}`;
    }
  }

  private async rewriteResponse(command: string, path: string, response: { headers?: Record<string, string>; body?: unknown }): Promise<void> {
    const bucket = bucketOfPath(path);
    const headers = response.headers!;
    const emulatorVersionId = headers["x-amz-version-id"];
    if (emulatorVersionId !== undefined) {
      const replica = this.replicas.get(`${bucket}\u0000${emulatorVersionId}`);
      if (replica !== undefined) {
        headers["x-amz-version-id"] = replica.sourceVersionId;
        if (command === "HeadObjectCommand" || command === "GetObjectCommand") {
          headers["x-amz-replication-status"] = "REPLICA";
          headers["last-modified"] = replica.created.toUTCString();
        }
      } else if (command === "HeadObjectCommand" || command === "GetObjectCommand") {
        const key = objectKeyOfPath(path);
        const status = this.tracked.get(id(bucket, key, emulatorVersionId))?.status;
        if (status !== undefined) headers["x-amz-replication-status"] = status;
      }
    }
    if (command === "ListObjectVersionsCommand" && [...this.replicas.keys()].some((k) => k.startsWith(`${bucket}\u0000`))) {
      const xml = Buffer.from(await bodyBytes(response.body)).toString("utf8");
      const rewritten = xml
        .replace(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g, (whole, tag: string, inner: string) => {
          const v = /<VersionId>([^<]*)<\/VersionId>/.exec(inner)?.[1];
          const replica = v === undefined ? undefined : this.replicas.get(`${bucket}\u0000${v}`);
          if (replica === undefined) return whole;
          const body = inner
            .replace(/<VersionId>[^<]*<\/VersionId>/, `<VersionId>${replica.sourceVersionId}</VersionId>`)
            .replace(/<LastModified>[^<]*<\/LastModified>/, `<LastModified>${replica.created.toISOString()}</LastModified>`);
          return `<${tag}>${body}</${tag}>`;
        })
        .replace(/<(NextVersionIdMarker|VersionIdMarker)>([^<]*)<\/\1>/g, (whole, tag: string, v: string) => {
          const replica = this.replicas.get(`${bucket}\u0000${v}`);
          return replica === undefined ? whole : `<${tag}>${replica.sourceVersionId}</${tag}>`;
        });
      response.body = Buffer.from(rewritten);
      if (headers["content-length"] !== undefined) headers["content-length"] = String(Buffer.byteLength(rewritten));
    }
  }
}

function bucketOfArn(arn: string | undefined): string | undefined {
  return /^arn:[^:]+:s3:::([^/]+)$/.exec(arn ?? "")?.[1];
}

function objectKeyOfPath(path: string): string {
  return path.replace(/^\/[^/]+\//, "").split("?")[0]!.split("/").map(decodeURIComponent).join("/");
}

function bucketOfPath(path: string): string {
  return decodeURIComponent(path.replace(/^\//, "").split(/[/?]/)[0] ?? "");
}

/** The enabled rule with the lowest priority number whose prefix filter matches (tag filters are not modelled: such a rule matches nothing). */
function matchingRule(configuration: ReplicationConfiguration, key: string): ReplicationRule | undefined {
  return (configuration.Rules ?? [])
    .filter((r) => r.Status === "Enabled")
    .filter((r) => {
      if (r.Filter?.Tag !== undefined || r.Filter?.And?.Tags !== undefined) return false;
      const prefix = r.Filter?.Prefix ?? r.Filter?.And?.Prefix ?? r.Prefix ?? "";
      return key.startsWith(prefix);
    })
    .sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0))[0];
}

async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (body === undefined || body === null) return new Uint8Array();
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The replication configuration the AssetsReplication component declares, as the S3 API spells it (what the stand-in puts). */
export function componentReplicationConfiguration(plan: AssetsReplicationPlan, roleArn: string, overrides: { deleteMarkers?: boolean } = {}): ReplicationConfiguration {
  const rule = replicationRule(plan, `arn:aws:s3:::${plan.destinationBucket}`) as {
    id: string;
    priority: number;
    status: "Enabled";
    sourceSelectionCriteria?: unknown;
    destination: { bucket: string; encryptionConfiguration?: { replicaKmsKeyId: string }; replicationTime?: unknown };
  };
  return {
    Role: roleArn,
    Rules: [
      {
        ID: rule.id,
        Priority: rule.priority,
        Status: rule.status,
        Filter: {},
        DeleteMarkerReplication: { Status: overrides.deleteMarkers === false ? "Disabled" : "Enabled" },
        ...(rule.sourceSelectionCriteria !== undefined ? { SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" } } } : {}),
        Destination: {
          Bucket: rule.destination.bucket,
          ...(rule.destination.encryptionConfiguration !== undefined ? { EncryptionConfiguration: { ReplicaKmsKeyID: rule.destination.encryptionConfiguration.replicaKmsKeyId } } : {}),
          ...(rule.destination.replicationTime !== undefined
            ? { ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } }, Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } } }
            : {}),
        },
      },
    ],
  };
}
