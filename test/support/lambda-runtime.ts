/**
 * moto stores Lambda functions but cannot run them without Docker. This test-only
 * middleware stands in for the Lambda runtime, and for nothing else: moto still decides
 * whether the function exists (an unknown function goes on to moto, which answers
 * ResourceNotFoundException), which code it holds (its CodeSha256), its handler, timeout
 * and environment. The stand-in runs exactly that code — the zip that was uploaded to
 * moto through the same client, or (engine tier) the copy the stand-in aws provider kept
 * of what it uploaded, checked against moto's CodeSha256 — in a fresh Node.js process
 * with the function's environment, and answers Invoke as Lambda does: the handler's JSON result, or
 * `X-Amz-Function-Error: Unhandled` with `{errorType, errorMessage}` when it throws or
 * runs past its timeout. What the function printed is kept as its log.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CreateFunctionCommand, GetFunctionCommand, GetFunctionCommandOutput, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import type { MiddlewareStack } from "@smithy/types";
import { zipFiles } from "./moto-behaviours";

export interface Invocation {
  functionName: string;
  event: unknown;
  /** stdout and stderr of the function's process: its CloudWatch log, as it were. */
  log: string;
}

/** Runs one handler call in its own process; the result comes back on fd 3 so the function's own output stays its log. */
const BOOTSTRAP = `
const fs = require("node:fs");
const [file, exportName, timeoutMs] = process.argv.slice(1);
const event = JSON.parse(fs.readFileSync(0, "utf8"));
const deadline = Date.now() + Number(timeoutMs);
const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
// Lambda's runtime keeps the process alive while a handler's promise is pending.
const alive = setInterval(() => {}, 1 << 30);
const send = (value) => { fs.writeSync(3, JSON.stringify(value) + "\\n"); clearInterval(alive); };
Promise.resolve()
  .then(() => require(file)[exportName](event, context))
  .then((result) => send({ result: result === undefined ? null : result }), (e) => send({ error: { errorType: (e && e.name) || "Error", errorMessage: (e && e.message) || String(e) } }));
`;

export class MotoLambdaRuntime {
  /** Uploaded code by CodeSha256 (base64 SHA-256 of the zip, as Lambda and moto compute it). */
  private readonly code = new Map<string, Buffer>();
  private readonly dirs: string[] = [];
  readonly invocations: Invocation[] = [];

  /** Pass as `middleware` to createAwsClients; the same client must create the functions and invoke them. */
  readonly middleware = (stack: MiddlewareStack<any, any>): void => {
    stack.add(
      (next: any, context: any) => async (args: any) => {
        const zip: unknown = args.input?.Code?.ZipFile ?? args.input?.ZipFile;
        if ((context.commandName === "CreateFunctionCommand" || context.commandName === "UpdateFunctionCodeCommand") && zip instanceof Uint8Array) {
          this.code.set(createHash("sha256").update(zip).digest("base64"), Buffer.from(zip));
        }
        return next(args);
      },
      { step: "initialize", name: "motoLambdaRuntimeCode" },
    );
    stack.add(
      (next: any, context: any) => async (args: any) => {
        if (context.commandName !== "InvokeCommand") return next(args);
        const match = /\/functions\/([^/]+)\/invocations/.exec(args.request.path as string);
        const functionName = decodeURIComponent(match?.[1] ?? "");
        const found = await this.lookup(functionName);
        if (found === undefined) return next(args);
        return { response: await this.invoke(functionName, found, bodyText(args.request.body)), output: undefined };
      },
      { step: "deserialize", name: "motoLambdaRuntimeInvoke", priority: "low" },
    );
  };

  /**
   * `uploadedCodeDir`: where code uploaded by another process is kept, as `<hex SHA-256>.zip`
   * (the engine's stand-in aws provider, test/engine/standin/control.ts); a zip from there
   * runs only when its bytes hash to the CodeSha256 moto holds.
   */
  constructor(
    private readonly lambda: () => LambdaClient,
    private readonly options: { uploadedCodeDir?: string } = {},
  ) {}

  /** The functions' log of every invocation so far. */
  logs(): string {
    return this.invocations.map((i) => i.log).join("\n");
  }

  cleanup(): void {
    for (const dir of this.dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }

  private async lookup(functionName: string): Promise<GetFunctionCommandOutput | undefined> {
    try {
      return await this.lambda().send(new GetFunctionCommand({ FunctionName: functionName }));
    } catch (error) {
      if ((error as { name?: string }).name === "ResourceNotFoundException") return undefined;
      throw error;
    }
  }

  private uploadedElsewhere(codeSha256: string): Buffer | undefined {
    if (this.options.uploadedCodeDir === undefined || codeSha256 === "") return undefined;
    const file = path.join(this.options.uploadedCodeDir, `${Buffer.from(codeSha256, "base64").toString("hex")}.zip`);
    if (!fs.existsSync(file)) return undefined;
    const zip = fs.readFileSync(file);
    // The name is only a claim; the bytes must be what moto holds.
    if (createHash("sha256").update(zip).digest("base64") !== codeSha256) throw new Error(`MotoLambdaRuntime: ${file} is not the code moto holds (${codeSha256})`);
    return zip;
  }

  private async invoke(functionName: string, fn: GetFunctionCommandOutput, body: string) {
    const config = fn.Configuration!;
    const zip = this.code.get(config.CodeSha256 ?? "") ?? this.uploadedElsewhere(config.CodeSha256 ?? "");
    if (zip === undefined) throw new Error(`MotoLambdaRuntime: moto holds code ${config.CodeSha256} for ${functionName}, which was not uploaded through this client${this.options.uploadedCodeDir ? ` nor kept in ${this.options.uploadedCodeDir}` : ""}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gt-lambda-"));
    this.dirs.push(dir);
    for (const file of unzipStored(zip)) {
      fs.mkdirSync(path.dirname(path.join(dir, file.name)), { recursive: true });
      fs.writeFileSync(path.join(dir, file.name), file.data);
    }
    const handler = config.Handler ?? "index.handler";
    const dot = handler.lastIndexOf(".");
    const timeoutMs = (config.Timeout ?? 3) * 1000;
    const env = { ...process.env, ...config.Environment?.Variables, AWS_LAMBDA_FUNCTION_NAME: config.FunctionName ?? functionName, AWS_REGION: process.env.AWS_REGION ?? "us-east-1" };
    const child = spawn(process.execPath, ["-e", BOOTSTRAP, path.join(dir, `${handler.slice(0, dot)}.js`), handler.slice(dot + 1), String(timeoutMs)], { env, stdio: ["pipe", "pipe", "pipe", "pipe"] });
    const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
    let log = "";
    let reply = "";
    child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (c: Buffer) => (reply += c.toString()));
    child.stdin!.end(body);
    // Like Lambda, the answer is the handler's result: sockets or timers it left open do not delay it.
    let timedOut = false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        resolve();
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      (child.stdio[3] as NodeJS.ReadableStream).on("data", () => reply.includes("\n") && done());
      void closed.then(done);
    });
    child.kill("SIGKILL");
    // What the function wrote before it answered is still in the pipes: read it all.
    await closed;
    this.invocations.push({ functionName, event: JSON.parse(body), log });

    let payload: unknown;
    let functionError: string | undefined;
    if (timedOut) {
      functionError = "Unhandled";
      payload = { errorType: "Sandbox.Timedout", errorMessage: `RequestId: 00000000-test Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` };
    } else {
      const parsed = reply.trim() === "" ? { error: { errorType: "Runtime.ExitError", errorMessage: "RequestId: 00000000-test Error: Runtime exited without providing a reason" } } : JSON.parse(reply);
      if ("error" in parsed) {
        functionError = "Unhandled";
        payload = parsed.error;
      } else {
        payload = parsed.result;
      }
    }
    return {
      statusCode: 200,
      headers: { "x-amz-executed-version": "$LATEST", ...(functionError ? { "x-amz-function-error": functionError } : {}) },
      body: new TextEncoder().encode(JSON.stringify(payload)),
    };
  }
}

/** A role Lambda may assume, in moto (CreateFunction checks that the role exists). */
export async function createLambdaRole(endpoint: string, name = "validator"): Promise<string> {
  const iam = new IAMClient({ endpoint, region: "us-east-1" });
  try {
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    return (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }))).Role!.Arn!;
  } finally {
    iam.destroy();
  }
}

/** Creates a Node.js function in moto whose index.js is `source`, through `lambda` (which must carry a MotoLambdaRuntime's middleware to be invoked). */
export async function createNodeFunction(lambda: LambdaClient, roleArn: string, name: string, source: string, timeoutSeconds = 10): Promise<void> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      Role: roleArn,
      Timeout: timeoutSeconds,
      Code: { ZipFile: zipFiles([{ name: "index.js", data: Buffer.from(source) }]) },
    }),
  );
}

function bodyText(body: unknown): string {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString("utf8");
  return "";
}

/** The entries of a zip whose entries are stored, not compressed (what the test lifecycles upload). */
export function unzipStored(zip: Buffer): Array<{ name: string; data: Buffer }> {
  const files: Array<{ name: string; data: Buffer }> = [];
  let offset = 0;
  while (zip.readUInt32LE(offset) === 0x04034b50) {
    const method = zip.readUInt16LE(offset + 8);
    const size = zip.readUInt32LE(offset + 18);
    const nameLength = zip.readUInt16LE(offset + 26);
    const extraLength = zip.readUInt16LE(offset + 28);
    const name = zip.subarray(offset + 30, offset + 30 + nameLength).toString("utf8");
    if (method !== 0) throw new Error(`unzipStored: ${name} is compressed (method ${method}); only stored entries are supported`);
    const start = offset + 30 + nameLength + extraLength;
    files.push({ name, data: zip.subarray(start, start + size) });
    offset = start + size;
  }
  return files;
}
