import { INTERRUPT_GRACE_MS, WaitKind } from "../interrupt";

/**
 * What a restore or a drill says at each Ctrl-C (interrupt.ts): what it waits for, what the
 * next press does, and the exact command that continues or removes what is left. No
 * sentence names a restore stack before it exists. Pure.
 */

/** `gametracker-dr restore --stack dev --resume <id>`: the command that continues a run. */
export function resumeCommand(policy: { noun: "drill" | "restore" }, environment: string, id: string): string {
  return `gametracker-dr ${policy.noun} --stack ${environment} --resume ${id}`;
}

export interface InterruptSituation {
  noun: "drill" | "restore";
  id: string;
  environment: string;
  restoreStack: string;
  /** Whether the restore stack exists (or is being created): no message may name a stack that doesn't. */
  stackExists: boolean;
  keeps: boolean;
  waiting: { kind: WaitKind; what: string };
}

/** What the operator reads at each Ctrl-C (interrupt.ts): what the run waits for, and what the next press does. Pure. */
export function interruptNotice(press: number, s: InterruptSituation): string {
  const resume = resumeCommand(s, s.environment, s.id);
  const leftBehind = `continue with ${resume}, or remove it with gametracker-dr cleanup`;
  if (!s.stackExists) {
    if (press === 1) return `interrupted: stopping ${s.noun} ${s.id} before anything is created (it was ${s.waiting.what}); nothing to clean up`;
    return press === 2 ? `already stopping ${s.noun} ${s.id}; nothing was created` : "exiting now; nothing was created";
  }
  const then = s.keeps ? `keep restore stack ${s.restoreStack} for ${resume}` : `destroy restore stack ${s.restoreStack}`;
  const grace = INTERRUPT_GRACE_MS[s.waiting.kind] / 1000;
  if (press === 1) {
    const stopAfter = `press Ctrl-C again to stop waiting (the ${s.noun} then ends within ${grace} s${s.keeps ? ", continued the same way" : ` and can be continued with ${resume}`})`;
    switch (s.waiting.kind) {
      case "pulumi":
        return `interrupted: waiting for ${s.waiting.what} to stop after the steps in flight (Pulumi records them; an RDS create or delete takes 10–40 minutes), then the ${s.noun} will ${then}; ${stopAfter}`;
      case "validator":
        return `interrupted: stopping ${s.waiting.what}, then the ${s.noun} will ${then}; ${stopAfter}`;
      default:
        return `interrupted: stopping ${s.noun} ${s.id} (it was waiting for ${s.waiting.what}); it will ${then}${s.keeps ? "" : `, and a second Ctrl-C stops waiting for that (${leftBehind})`}`;
    }
  }
  const left = `restore stack ${s.restoreStack} is left as a killed run leaves it — ${leftBehind}`;
  return press === 2 ? `stopping: not waiting any longer (at most ${grace} s more for the step in flight); ${left}` : `exiting now: ${left}`;
}
