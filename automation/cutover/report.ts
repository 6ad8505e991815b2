/**
 * What `cutover` and `rollback` print, pure: a short text for the terminal and, for
 * `--preview-only`, Markdown fit for a pull-request comment or a workflow step summary.
 */
import { formatDuration } from "../output";
import { StepOp } from "../stacks/port";
import { DATABASE_SOURCE_KEY, PRIMARY_SOURCE } from "../../contracts/stacks";
import type { SwitchResult } from "./switch-source";
import { describePendingChange, notAppliedLine, switchNoun } from "./scope";

const ORDER: StepOp[] = ["create", "update", "replace", "delete", "read", "discard", "same"];

function endpoint(result: SwitchResult): string {
  return `${result.target.address}${result.target.port !== undefined ? `:${result.target.port}` : ""}`;
}

function database(result: SwitchResult): string {
  return result.to === PRIMARY_SOURCE ? `the primary ${result.target.identifier}` : `${result.target.identifier} (restore stack ${result.to})`;
}

/** Where Pulumi keeps a stack's config in the working tree (LocalWorkspace writes it there). */
export function stackConfigFile(environment: string): string {
  return `Pulumi.${environment}.yaml`;
}

/**
 * The switch lives in the stack's config file in the working tree. Until it is committed,
 * the next `pulumi up` from a checkout without it (the deploy workflow on main) puts the
 * API back where that file says, silently: the operator must commit it.
 */
export function commitReminder(result: Pick<SwitchResult, "environment" | "from" | "to">): string {
  const file = stackConfigFile(result.environment);
  return `${DATABASE_SOURCE_KEY} is now ${result.to} in ${file}: commit it (git add ${file} && git commit -m "${result.environment}: ${DATABASE_SOURCE_KEY} ${result.to}") and merge it, or the next deploy from a checkout that still says ${result.from} moves the API back`;
}

/** One line per change the switch left alone: `not applied, pending before the cut-over: update … (instanceClass)`. */
export function notAppliedLines(result: SwitchResult): string[] {
  return (result.preview?.notApplied ?? []).map((change) => notAppliedLine(result.to, change));
}

/** The terminal rendering of a switch. */
export function renderSwitch(result: SwitchResult): string {
  const command = result.to === PRIMARY_SOURCE ? "rollback" : "cutover";
  const recovered = (result.recovered ?? []).map((r) => `recovered: ${r}`);
  switch (result.outcome) {
    case "already":
      return [
        ...recovered,
        `${result.environment} is already on ${result.to}: nothing to do.`,
        `the API (${result.functionName}) uses ${database(result)} at ${endpoint(result)} — ${result.datasource?.message ?? ""}`.trimEnd(),
      ].join("\n");
    case "cancelled":
      return `${command} cancelled: nothing was changed (${DATABASE_SOURCE_KEY} is still ${result.from}).`;
    case "previewed":
      return previewMarkdown(result);
    case "switched":
      return [
        ...recovered,
        `${command} done: ${result.environment} moved from ${result.from} to ${result.to}${result.forced ? " (forced past the preview guard)" : ""}`,
        `the API (${result.functionName}) now uses ${database(result)} at ${endpoint(result)}`,
        `confirmed from AWS: ${result.datasource?.message ?? "not checked"}`,
        `preview: ${result.preview?.verdict.summary ?? "n/a"}`,
        ...notAppliedLines(result),
        `took ${formatDuration(result.durationMs)}`,
        commitReminder(result),
        result.to === PRIMARY_SOURCE
          ? `restore stack ${result.from} and its instance are kept (deletion protection on): it may hold data written while the API used it; once it is not needed, turn its protection off and run gametracker-dr cleanup`
          : `to go back: gametracker-dr rollback --stack ${result.environment}`,
      ].join("\n");
  }
}

/** The preview as Markdown: guard verdict, change counts, the diff. Says that nothing was changed. */
export function previewMarkdown(result: SwitchResult): string {
  const preview = result.preview;
  const title = result.to === PRIMARY_SOURCE ? "Rollback preview" : "Cut-over preview";
  const lines = [`### ${title}: \`${result.environment}\` → \`${result.to}\``, ""];
  if (preview === undefined) return [...lines, "No preview was run."].join("\n");
  const verdict = preview.verdict;
  lines.push(
    verdict.allowed
      ? `**Guard: allowed** — ${verdict.summary}.`
      : `**Guard: would refuse** (apply only with \`--force\`) — ${verdict.summary}.`,
    "",
    `The API (\`${result.functionName}\`) would use ${database(result)} at \`${endpoint(result)}\`.`,
    "",
    "| operation | resources |",
    "| --- | ---: |",
  );
  const counts = preview.changeSummary;
  for (const op of [...ORDER, ...(Object.keys(counts) as StepOp[]).filter((o) => !ORDER.includes(o))]) {
    if (counts[op]) lines.push(`| ${op} | ${counts[op]} |`);
  }
  if (preview.notApplied.length > 0) {
    lines.push(
      "",
      `**Not applied, pending before the ${switchNoun(result.to)}**: the stack's preview also holds these; the ${switchNoun(result.to)} updates the API Lambda alone (a targeted update, the diff below) and leaves them for the environment's next \`pulumi up\`:`,
      "",
      ...preview.notApplied.map((change) => `- \`${describePendingChange(change)}\``),
    );
  }
  lines.push("", "```diff", preview.diffText.trimEnd(), "```", "", `Nothing was changed: \`${DATABASE_SOURCE_KEY}\` is still \`${result.from}\`.`);
  return lines.join("\n");
}
