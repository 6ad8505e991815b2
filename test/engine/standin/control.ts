/**
 * TEST DOUBLE lever: lets an engine test make a stand-in provider operation fail, slow down
 * or stop until released. The engine starts a fresh plugin process for every
 * preview/up/destroy, so the rules live in files: `$GAMETRACKER_STANDIN_CONTROL/rules.json`
 * (written by the test, see test/support/engine/levers.ts) and marker files beside it that
 * say a rule fired (`<id>.fired`), was reached (`<id>.reached`) or is released
 * (`<id>.release`). Matching is by operation, resource type and logical name.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const CONTROL_DIR_ENV = "GAMETRACKER_STANDIN_CONTROL";

export type ControlOperation = "check" | "diff" | "create" | "read" | "update" | "delete" | "invoke" | "construct";

export interface ControlRule {
  id: string;
  op: ControlOperation;
  /** Type token (`aws:rds/instance:Instance`) or invoke token; unset matches any. */
  type?: string;
  /** Logical resource name (the last URN segment); unset matches any. */
  name?: string;
  /** Only during preview (true), only outside preview (false), or both (unset). */
  preview?: boolean;
  /**
   * A named point inside the operation (the RDS instance's create offers
   * `before-follow-up-modify`: the instance exists, its follow-up ModifyDBInstance has not
   * run); unset matches only the operation's start.
   */
  step?: string;
  /** fail: the operation returns this error; delay: waits `ms` first; hold: waits until released. */
  action: "fail" | "delay" | "hold";
  message?: string;
  ms?: number;
  /** Fire once only (default true for fail, false otherwise). */
  once?: boolean;
}

export interface OperationContext {
  op: ControlOperation;
  type: string;
  name: string;
  preview: boolean;
  step?: string;
}

export class InjectedFailure extends Error {
  override readonly name = "InjectedFailure";
}

/**
 * Where the aws stand-in leaves a copy of each Lambda code zip it uploads, named
 * `<hex SHA-256>.zip`: moto keeps the code but gives no way to download it again, and the
 * test-only Lambda runtime (test/support/lambda-runtime.ts) must run exactly the code
 * moto holds, which it finds here by the function's CodeSha256.
 */
export const UPLOADED_CODE_SUBDIR = "lambda-code";

/** The uploaded-code directory of a control directory. */
export function uploadedCodeDir(dir: string): string {
  return path.join(dir, UPLOADED_CODE_SUBDIR);
}

function controlDir(): string | undefined {
  return process.env[CONTROL_DIR_ENV] || undefined;
}

function readRules(dir: string): ControlRule[] {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "rules.json"), "utf8")) as ControlRule[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

function matches(rule: ControlRule, ctx: OperationContext): boolean {
  return (
    rule.op === ctx.op &&
    rule.step === ctx.step &&
    (rule.type === undefined || rule.type === ctx.type) &&
    (rule.name === undefined || rule.name === ctx.name) &&
    (rule.preview === undefined || rule.preview === ctx.preview)
  );
}

/** Applies the rules that match before an operation runs: throws InjectedFailure, or waits. */
export async function beforeOperation(ctx: OperationContext): Promise<void> {
  const dir = controlDir();
  if (dir === undefined) return;
  for (const rule of readRules(dir)) {
    if (!matches(rule, ctx)) continue;
    const fired = path.join(dir, `${rule.id}.fired`);
    const once = rule.once ?? rule.action === "fail";
    // O_EXCL: two plugin processes (or two operations) never both take a once-only rule.
    if (once) {
      try {
        fs.closeSync(fs.openSync(fired, "wx"));
      } catch {
        continue;
      }
    } else fs.appendFileSync(fired, `${ctx.op} ${ctx.type} ${ctx.name}\n`);
    if (rule.action === "fail") throw new InjectedFailure(rule.message ?? `injected failure (${rule.id}) in ${ctx.op} of ${ctx.type} ${ctx.name}`);
    if (rule.action === "delay") await sleep(rule.ms ?? 1000);
    if (rule.action === "hold") {
      fs.writeFileSync(path.join(dir, `${rule.id}.reached`), String(process.pid));
      const release = path.join(dir, `${rule.id}.release`);
      const deadline = Date.now() + (rule.ms ?? 120_000);
      while (!fs.existsSync(release)) {
        if (Date.now() > deadline) throw new InjectedFailure(`hold ${rule.id} was never released`);
        await sleep(25);
      }
    }
  }
}

/** Keeps a copy of a code zip the stand-in uploaded (see UPLOADED_CODE_SUBDIR); nothing without a control directory. */
export function keepUploadedCode(zip: Uint8Array, dir = controlDir()): void {
  if (dir === undefined) return;
  const target = uploadedCodeDir(dir);
  fs.mkdirSync(target, { recursive: true });
  const file = path.join(target, `${createHash("sha256").update(zip).digest("hex")}.zip`);
  // Written whole and renamed: a runtime never reads half a zip.
  fs.writeFileSync(`${file}.${process.pid}.tmp`, zip);
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
