import { drillStackName } from "../../contracts/stacks";
import { drillTargetIdentifier } from "../restore/naming";
import { PipelineDeps, PipelineOptions, RestorePolicy, runRestorePipeline } from "../restore/pipeline";
import { DrillReport, drillReport } from "./report";
import { ReportWriter } from "./report-files";
import { errorMessage } from "../errors";

/**
 * A restore drill: the restore pipeline with the drill's policy — a disposable instance
 * `<source>-drill-<id>` in stack `<env>-drill-<id>`, created without asking, its report
 * written before cleanup (so the evidence survives a cleanup that hangs or is killed) and
 * again after it, and the stack destroyed and removed at the end unless `--keep`. The
 * environment stack is only read, and the primary instance and its snapshots only
 * described.
 */
export interface DrillDeps extends PipelineDeps {
  reportWriter: ReportWriter;
}

export interface DrillOptions extends Omit<PipelineOptions, "targetIdentifier"> {
  reportDir?: string;
}

export interface DrillOutcome {
  report: DrillReport;
  files: { json: string; markdown: string } | undefined;
  exitCode: number;
}

export async function runDrill(deps: DrillDeps, options: DrillOptions): Promise<DrillOutcome> {
  let files: DrillOutcome["files"];
  const write = async (report: DrillReport) => (options.reportDir === undefined ? undefined : deps.reportWriter.write(options.reportDir, report));
  const policy: RestorePolicy = {
    purpose: "drill",
    noun: "drill",
    stackName: drillStackName,
    targetIdentifier: (source, id) => drillTargetIdentifier(source, id),
    atEnd: "destroy",
    async report(run) {
      files = await write(drillReport({ ...run, cleanup: { status: "pending", detail: "" } }, deps.clock.now()));
      return options.reportDir === undefined ? "no --report-dir: the report is on stdout only" : undefined;
    },
  };
  const run = await runRestorePipeline(deps, policy, options);
  const report = drillReport(run, deps.clock.now());
  try {
    files = (await write(report)) ?? files;
  } catch (error) {
    deps.output.warn(`could not write the drill report to ${options.reportDir}: ${errorMessage(error)}`);
  }
  return { report, files, exitCode: report.outcome === "passed" ? 0 : 1 };
}
