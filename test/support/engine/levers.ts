/**
 * The test side of the stand-in providers' levers (test/engine/standin/control.ts): make a
 * provider operation fail, slow down, or stop until released, matched by operation,
 * resource type and logical name. Rules are files, because every engine operation starts
 * fresh plugin processes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ControlRule } from "../../engine/standin/control";

export type RuleMatch = Pick<ControlRule, "op" | "type" | "name" | "preview" | "step">;

export interface Hold {
  /** Resolves once a plugin is waiting on this rule. */
  reached(timeoutMs?: number): Promise<void>;
  release(): void;
  /** The pid of the plugin process waiting at the hold (it runs in a process group of its own); after `reached`. */
  pluginPid(): number;
}

export class Levers {
  private counter = 0;
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  private rules(): ControlRule[] {
    const file = path.join(this.dir, "rules.json");
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as ControlRule[]) : [];
  }

  private add(rule: Omit<ControlRule, "id">): string {
    const id = `rule-${++this.counter}`;
    const file = path.join(this.dir, "rules.json");
    // Written whole and renamed, so a plugin never reads half a file.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify([...this.rules(), { ...rule, id }], null, 2));
    fs.renameSync(`${file}.tmp`, file);
    return id;
  }

  /** The next matching operation fails with `message` (once). */
  fail(match: RuleMatch, message = "injected failure"): string {
    return this.add({ ...match, action: "fail", message, once: true });
  }

  /** Every matching operation waits `ms` first. */
  delay(match: RuleMatch, ms: number): string {
    return this.add({ ...match, action: "delay", ms, once: false });
  }

  /** The next matching operation waits until released (the engine's update stays open meanwhile). */
  hold(match: RuleMatch, maxMs = 120_000): Hold {
    const id = this.add({ ...match, action: "hold", ms: maxMs, once: true });
    return {
      reached: async (timeoutMs = 60_000) => {
        const deadline = Date.now() + timeoutMs;
        while (!fs.existsSync(path.join(this.dir, `${id}.reached`))) {
          if (Date.now() > deadline) throw new Error(`no provider operation reached hold ${id} (${JSON.stringify(match)}) within ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 25));
        }
      },
      release: () => fs.writeFileSync(path.join(this.dir, `${id}.release`), ""),
      pluginPid: () => Number(fs.readFileSync(path.join(this.dir, `${id}.reached`), "utf8")),
    };
  }

  /** Whether a rule fired (a fail or hold was taken, a delay applied). */
  fired(id: string): boolean {
    return fs.existsSync(path.join(this.dir, `${id}.fired`));
  }

  clear(): void {
    for (const f of fs.readdirSync(this.dir)) fs.rmSync(path.join(this.dir, f), { force: true });
  }
}
