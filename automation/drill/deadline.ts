import { formatDurationSpec } from "../../contracts/duration";
import { formatDuration } from "../output";
import type { PipelineStep } from "../restore/steps";

/**
 * `drill --deadline <duration>`: when a drill must be over, measured from its start (a
 * resumed drill's from the resume: the deadline is the CI step's, and that step started
 * then). A CI runner ends a step that passes its timeout with SIGINT, SIGTERM 7.5 s later
 * and SIGKILL 2.5 s after that — far too little for a destroy — so the drill stops itself
 * first: once less than the cleanup margin is left, it stops the step in flight as a first
 * Ctrl-C does, and cleans up in the time it kept. Pure.
 */

/**
 * What a drill keeps for its cleanup by default: the destroy of its restore stack, an RDS
 * delete without a final snapshot (the faster kind, AWS's documentation says, but AWS
 * publishes no duration) and seconds for the stack's other resources. 20 minutes is an
 * estimate with room over the usual SQL Server delete; the drill report's cleanup step
 * records the real duration (`steps[name=cleanup].durationMs`) to correct it by. A step in
 * flight that cannot stop at once (an RDS create Pulumi lets finish) is not covered: see
 * docs/commands.md.
 */
export const DEFAULT_CLEANUP_MARGIN = "20m";

export interface DrillDeadline {
  /** How long the drill may take, from its start. */
  ms: number;
  /** How long before the deadline it stops to clean up. */
  marginMs: number;
}

/** Why a deadline is refused before the drill starts (it leaves no time to run), or undefined. */
export function deadlineProblem(deadline: DrillDeadline): string | undefined {
  if (deadline.ms > deadline.marginMs) return undefined;
  return `--deadline ${formatDurationSpec(deadline.ms)} leaves the drill no time to run: it stops ${formatDurationSpec(deadline.marginMs)} before its deadline (--cleanup-margin) to destroy its restore stack; give a deadline longer than that, e.g. --deadline ${formatDurationSpec(deadline.marginMs * 3)}, or a shorter --cleanup-margin.`;
}

/** At `now`, what is left of the deadline of a drill started at `startedAt`, and whether it must stop now to clean up in time: no more than the margin is left. */
export function checkDeadline(deadline: DrillDeadline, startedAt: Date, now: Date): { stop: boolean; leftMs: number } {
  const leftMs = startedAt.getTime() + deadline.ms - now.getTime();
  return { stop: leftMs <= deadline.marginMs, leftMs };
}

/** The sentence a drill stopped by its deadline fails with: which deadline, at which step, and how much time it kept to clean up. */
export function deadlineStopSentence(deadline: DrillDeadline, step: PipelineStep | undefined, leftMs: number): string {
  const where = step === undefined ? "between two steps" : `at step ${step}`;
  const left = leftMs > 0 ? `with ${formatDuration(leftMs)} of it left` : `${formatDuration(-leftMs)} past it`;
  return `The drill's --deadline ${formatDurationSpec(deadline.ms)} stopped it ${where}, ${left}, to clean up in the ${formatDurationSpec(deadline.marginMs)} it keeps for that (--cleanup-margin).`;
}
