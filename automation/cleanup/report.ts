/** What `cleanup` prints, pure. */
import { formatDurationSpec } from "../../contracts/duration";
import { table } from "../output";
import type { CleanupResult } from "./run";
import { formatAge } from "./select";

const ACTION: Record<string, string> = { "destroy-stack": "destroy", "delete-instance": "delete", keep: "keep", leave: "leave" };

export function renderCleanup(result: CleanupResult): string {
  const scope = result.environment === undefined ? "every environment" : `environment ${result.environment}`;
  const what = result.drillId === undefined ? `restore stacks and drill instances older than ${formatDurationSpec(result.olderThanMs)}` : `drill ${result.drillId}'s restore stack and instance`;
  const header = `cleanup of ${what} (${scope})${result.dryRun ? " — dry run, nothing was removed" : ""}`;
  if (result.items.length === 0) return `${header}\nnothing found: ${result.drillId === undefined ? "no restore stacks and no drill-tagged instances" : `drill ${result.drillId} left no restore stack and no instance`}.`;
  const rows = result.items.map((i) => [i.kind, i.name, i.ageMs === undefined ? "?" : formatAge(i.ageMs), ACTION[i.action] ?? i.action, i.outcome, i.detail ? `${i.reason} — ${i.detail}` : i.reason]);
  const count = (outcome: string) => result.items.filter((i) => i.outcome === outcome).length;
  const left = count("left") === 0 ? "" : ` ${count("left")} left although old enough: see its reason for the command that frees it.`;
  let footer: string;
  if (result.cancelled) footer = "cancelled: nothing was removed.";
  else if (result.dryRun && count("planned") === 0) footer = `nothing to remove; ${count("kept")} kept.${left}`;
  else if (result.dryRun) footer = `${count("planned")} to remove, ${count("kept")} kept; run again without --dry-run to remove them.${left}`;
  else if (count("planned") === 0 && count("destroyed") + count("deleted") + count("failed") + count("skipped") === 0) footer = `nothing to remove; ${count("kept")} kept.${left}`;
  else footer = `${count("destroyed")} stack(s) destroyed, ${count("deleted")} instance(s) deleted, ${count("skipped")} skipped, ${count("failed")} failed, ${count("kept")} kept.${left}`;
  return [header, table(["kind", "name", "age", "action", "outcome", "reason"], rows), footer].join("\n");
}

/** 1 when anything it was asked to remove failed or had to be left (a lock it must not clear), or the operator declined; a dry run only reports. */
export function cleanupExitCode(result: CleanupResult): number {
  if (result.dryRun) return 0;
  return result.cancelled || result.items.some((i) => i.outcome === "failed" || i.outcome === "left") ? 1 : 0;
}
