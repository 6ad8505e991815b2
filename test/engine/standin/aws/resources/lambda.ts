/**
 * TEST DOUBLE: the Lambda function and its log group, as terraform-provider-aws
 * internal/service/lambda/function.go and internal/service/logs/group.go apply them. The
 * code archive arrives in the engine's archive format and is zipped byte-for-byte
 * reproducibly, so the same archive always gives the same CodeSha256; a copy of each zip is
 * kept for the tests' Lambda runtime (control.ts, keepUploadedCode), since moto cannot run it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand as TagLogsCommand,
  UntagResourceCommand as UntagLogsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  FunctionCode,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { zipFiles } from "../../../../support/zip";
import { ARCHIVE_SIG, ASSET_SIG, Props, SPECIAL_SIG, isObject } from "../../protocol/wire";
import { keepUploadedCode } from "../../control";
import { gone, readOrGone } from "../clients";
import { ResourceHandler, defined, waitFor } from "./types";

type ZipEntry = { name: string; data: Buffer };

/** The files of an archive in the engine's wire format: named assets (text or file), nested archives, or a path. */
export function archiveEntries(archive: unknown, prefix = ""): ZipEntry[] | Buffer {
  if (!isObject(archive) || archive[SPECIAL_SIG] !== ARCHIVE_SIG) throw new Error("the Lambda's code is not an archive");
  if (isObject(archive.assets)) {
    const out: ZipEntry[] = [];
    for (const name of Object.keys(archive.assets).sort()) {
      const entry = archive.assets[name];
      if (isObject(entry) && entry[SPECIAL_SIG] === ASSET_SIG) {
        if (typeof entry.text === "string") out.push({ name: prefix + name, data: Buffer.from(entry.text, "utf8") });
        else if (typeof entry.path === "string") out.push({ name: prefix + name, data: fs.readFileSync(entry.path) });
        else throw new Error(`asset ${name}: remote assets are not supported by the stand-in`);
      } else {
        const nested = archiveEntries(entry, `${prefix}${name}/`);
        if (Buffer.isBuffer(nested)) throw new Error(`nested zip archive ${name} is not supported by the stand-in`);
        out.push(...nested);
      }
    }
    return out;
  }
  if (typeof archive.path === "string") {
    if (fs.statSync(archive.path).isFile()) return fs.readFileSync(archive.path);
    const out: ZipEntry[] = [];
    const walk = (dir: string, rel: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.isDirectory()) walk(path.join(dir, e.name), `${rel}${e.name}/`);
        else out.push({ name: prefix + rel + e.name, data: fs.readFileSync(path.join(dir, e.name)) });
      }
    };
    walk(archive.path, "");
    return out;
  }
  throw new Error("remote archives are not supported by the stand-in");
}

function functionCode(inputs: Props): FunctionCode {
  if (inputs.imageUri) return { ImageUri: inputs.imageUri as string };
  if (inputs.s3Bucket) return defined({ S3Bucket: inputs.s3Bucket as string, S3Key: inputs.s3Key as string, S3ObjectVersion: inputs.s3ObjectVersion as string });
  const entries = archiveEntries(inputs.code);
  const zip = Buffer.isBuffer(entries) ? entries : zipFiles(entries);
  keepUploadedCode(zip);
  return { ZipFile: zip };
}

function configuration(inputs: Props) {
  const env = inputs.environment as Props | undefined;
  const vpcConfig = inputs.vpcConfig as Props | undefined;
  return defined({
    Role: inputs.role as string,
    Runtime: inputs.runtime as never,
    Handler: inputs.handler as string,
    Description: inputs.description as string,
    MemorySize: inputs.memorySize as number,
    Timeout: inputs.timeout as number,
    KMSKeyArn: inputs.kmsKeyArn as string,
    Layers: inputs.layers as string[],
    Environment: env ? { Variables: (env.variables ?? {}) as Record<string, string> } : undefined,
    VpcConfig: vpcConfig
      ? { SubnetIds: (vpcConfig.subnetIds ?? []) as string[], SecurityGroupIds: (vpcConfig.securityGroupIds ?? []) as string[], Ipv6AllowedForDualStack: vpcConfig.ipv6AllowedForDualStack === true }
      : undefined,
  });
}

async function waitUpdated(lambda: LambdaClient, name: string): Promise<void> {
  await waitFor(`Lambda function ${name} active`, async () => {
    const c = (await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration;
    return (c?.State === undefined || c.State === "Active") && (c?.LastUpdateStatus === undefined || c.LastUpdateStatus === "Successful") ? true : undefined;
  });
}

export const lambdaFunction: ResourceHandler = {
  async create(ctx, inputs) {
    const { lambda } = ctx.clients;
    const name = inputs.name as string;
    await lambda.send(
      new CreateFunctionCommand(
        defined({
          ...configuration(inputs),
          FunctionName: name,
          Code: functionCode(inputs),
          PackageType: inputs.packageType as never,
          Publish: inputs.publish === true,
          Architectures: inputs.architectures as never,
          Tags: Object.keys((inputs.tags ?? {}) as object).length > 0 ? (inputs.tags as Record<string, string>) : undefined,
        }),
      ),
    );
    await waitUpdated(lambda, name);
    const reserved = inputs.reservedConcurrentExecutions as number | undefined;
    if (reserved !== undefined && reserved >= 0) await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: reserved }));
    return (await this.read(ctx, name, inputs))!;
  },
  async read(ctx, id, state) {
    const { lambda } = ctx.clients;
    const got = await readOrGone(() => lambda.send(new GetFunctionCommand({ FunctionName: id })));
    if (got === undefined) return undefined;
    const c = got.Configuration!;
    const concurrency = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: id }));
    const arn = c.FunctionArn!;
    const version = c.Version ?? "$LATEST";
    const invoke = (target: string) => `arn:aws:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${target}/invocations`;
    const vpc = c.VpcConfig;
    return {
      id,
      state: {
        ...state,
        arn,
        name: c.FunctionName,
        role: c.Role,
        runtime: c.Runtime,
        handler: c.Handler,
        description: c.Description ?? "",
        memorySize: c.MemorySize,
        timeout: c.Timeout,
        packageType: c.PackageType ?? "Zip",
        architectures: c.Architectures ?? ["x86_64"],
        // function.go flattens an absent Environment / VpcConfig to no block at all.
        environment: c.Environment?.Variables ? { variables: c.Environment.Variables } : undefined,
        vpcConfig: vpc?.VpcId ? { subnetIds: vpc.SubnetIds ?? [], securityGroupIds: vpc.SecurityGroupIds ?? [], vpcId: vpc.VpcId, ipv6AllowedForDualStack: vpc.Ipv6AllowedForDualStack ?? false } : undefined,
        kmsKeyArn: c.KMSKeyArn ?? "",
        layers: (c.Layers ?? []).map((l) => l.Arn),
        version,
        lastModified: c.LastModified,
        codeSha256: c.CodeSha256,
        sourceCodeHash: state.sourceCodeHash ?? c.CodeSha256,
        sourceCodeSize: c.CodeSize,
        qualifiedArn: `${arn}:${version}`,
        invokeArn: invoke(arn),
        qualifiedInvokeArn: invoke(`${arn}:${version}`),
        reservedConcurrentExecutions: concurrency.ReservedConcurrentExecutions ?? -1,
        tracingConfig: { mode: c.TracingConfig?.Mode ?? "PassThrough" },
        ephemeralStorage: { size: c.EphemeralStorage?.Size ?? 512 },
        signingJobArn: c.SigningJobArn ?? "",
        signingProfileVersionArn: c.SigningProfileVersionArn ?? "",
        tags: got.Tags ?? {},
        tagsAll: got.Tags ?? {},
        region: ctx.region,
      },
    };
  },
  async update(ctx, id, olds, news, changed) {
    const { lambda } = ctx.clients;
    const configKeys = ["role", "runtime", "handler", "description", "memorySize", "timeout", "kmsKeyArn", "layers", "environment", "vpcConfig", "tracingConfig", "ephemeralStorage", "loggingConfig"];
    if (configKeys.some((k) => changed.has(k))) {
      await lambda.send(new UpdateFunctionConfigurationCommand({ ...configuration(news), FunctionName: id }));
      await waitUpdated(lambda, id);
    }
    if (["code", "s3Bucket", "s3Key", "s3ObjectVersion", "imageUri", "architectures", "sourceCodeHash"].some((k) => changed.has(k))) {
      await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: id, ...functionCode(news), Publish: news.publish === true, Architectures: news.architectures as never }));
      await waitUpdated(lambda, id);
    }
    if (changed.has("reservedConcurrentExecutions") && typeof news.reservedConcurrentExecutions === "number" && news.reservedConcurrentExecutions >= 0) {
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: id, ReservedConcurrentExecutions: news.reservedConcurrentExecutions }));
    }
    if (changed.has("tags")) {
      const arn = olds.arn as string;
      const before = (olds.tags ?? {}) as Record<string, string>;
      const after = (news.tags ?? {}) as Record<string, string>;
      const removed = Object.keys(before).filter((k) => !(k in after));
      if (removed.length > 0) await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: removed }));
      if (Object.keys(after).length > 0) await lambda.send(new TagResourceCommand({ Resource: arn, Tags: after }));
    }
    const read = await this.read(ctx, id, news);
    if (read === undefined) throw new Error(`Lambda function ${id} disappeared during its update`);
    return read.state;
  },
  async delete(ctx, id, state) {
    if (state.skipDestroy === true) return;
    await gone(() => ctx.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: id })));
  },
};

// ---------------------------------------------------------------------------------------

export const logGroup: ResourceHandler = {
  async create(ctx, inputs) {
    const { logs } = ctx.clients;
    const name = inputs.name as string;
    await logs.send(
      new CreateLogGroupCommand(
        defined({ logGroupName: name, kmsKeyId: inputs.kmsKeyId as string, logGroupClass: inputs.logGroupClass as never, tags: Object.keys((inputs.tags ?? {}) as object).length > 0 ? (inputs.tags as Record<string, string>) : undefined }),
      ),
    );
    if (typeof inputs.retentionInDays === "number" && inputs.retentionInDays > 0) await logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: inputs.retentionInDays }));
    return (await this.read(ctx, name, inputs))!;
  },
  async read(ctx, id, state) {
    const { logs } = ctx.clients;
    const found = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: id }))).logGroups?.find((g) => g.logGroupName === id);
    if (found === undefined) return undefined;
    // group.go: the ARN without the ":*" the API appends.
    const arn = (found.arn ?? "").replace(/:\*$/, "");
    const tags = (await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? {};
    return {
      id,
      state: { ...state, arn, name: found.logGroupName, namePrefix: "", kmsKeyId: found.kmsKeyId ?? "", logGroupClass: found.logGroupClass ?? "STANDARD", retentionInDays: found.retentionInDays ?? 0, tags, tagsAll: tags, region: ctx.region },
    };
  },
  async update(ctx, id, olds, news, changed) {
    const { logs } = ctx.clients;
    if (changed.has("retentionInDays")) {
      if (typeof news.retentionInDays === "number" && news.retentionInDays > 0) await logs.send(new PutRetentionPolicyCommand({ logGroupName: id, retentionInDays: news.retentionInDays }));
      else await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: id }));
    }
    if (changed.has("tags")) {
      const arn = olds.arn as string;
      const before = (olds.tags ?? {}) as Record<string, string>;
      const after = (news.tags ?? {}) as Record<string, string>;
      const removed = Object.keys(before).filter((k) => !(k in after));
      if (removed.length > 0) await logs.send(new UntagLogsCommand({ resourceArn: arn, tagKeys: removed }));
      if (Object.keys(after).length > 0) await logs.send(new TagLogsCommand({ resourceArn: arn, tags: after }));
    }
    return (await this.read(ctx, id, news))!.state;
  },
  async delete(ctx, id, state) {
    if (state.skipDestroy === true) return;
    await gone(() => ctx.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: id })));
  },
};
