/** Preview steps as the engine reports them, for the cut-over's pure decisions (guard, scope). */
import type { PreviewResult, PreviewStep } from "../../automation/stacks/port";

/** A step of `type` named `name` in the dev environment, with the detailed paths it changes (and their top-level diffs). */
export const step = (type: string, op: PreviewStep["op"], detailedPaths: string[] = [], name = "r"): PreviewStep => ({
  urn: `urn:pulumi:dev::gametracker::${type}::${name}`,
  type,
  op,
  diffs: [...new Set(detailedPaths.map((p) => p.split(/[.[]/)[0]!))],
  detailedPaths,
});

export const preview = (...steps: PreviewStep[]): PreviewResult => ({ changeSummary: {}, steps, diffText: "" });
