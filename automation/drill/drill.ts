import type { S3Client } from "@aws-sdk/client-s3";
import { drillStackName } from "../../contracts/stacks";
import { proveReplica } from "../assets/replica-proof";
import { drillTargetIdentifier } from "../restore/naming";
import { PipelineDeps, PipelineOptions, RestorePolicy, runRestorePipeline } from "../restore/pipeline";
import { DrillReport, drillReport } from "./report";
import { ReportWriter } from "./report-files";
import { errorMessage } from "../../contracts/text";
import { interruptWhen } from "../interrupt";
import { checkDeadline, deadlineStopSentence, DrillDeadline } from "./deadline";
import { writeIdFile } from "./id-file";

/**
 * A restore drill: the restore pipeline with the drill's policy — a disposable instance
 * `<source>-drill-<id>` in stack `<env>-drill-<id>`, created without asking, its report
 * written before cleanup (so the evidence survives a cleanup that hangs or is killed) and
 * again after it, and the stack destroyed and removed at the end unless `--keep`. The
 * environment stack is only read, and the primary instance and its snapshots only
 * described. A drill of a standby stack whose bucket is the replica of the primary's also
 * proves the assets (automation/assets/replica-proof.ts): the assets RPO against the home
 * region when it answers, and a sample prefix of the replica as of the recovery point's
 * time, read-only.
 */
export interface DrillDeps extends PipelineDeps {
  reportWriter: ReportWriter;
  /** S3 in a region (the standby's replica, the home region's source), for the assets proof. */
  s3In(region: string): S3Client;
}

export interface DrillOptions extends Omit<PipelineOptions, "targetIdentifier" | "stopInTime" | "onRunId"> {
  reportDir?: string;
  /** `--deadline`, measured from `startedAt` (the command's start). */
  deadline?: DrillDeadline & { startedAt: Date };
  /** `--id-file`: where the drill's id is written before anything is created. */
  idFile?: string;
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
    assets: {
      skip: () => {
        const env = options.environment;
        if (env.assetsReplicaOf === undefined || env.bucketName === undefined) {
          return `${env.stack}'s assets bucket is no replica (assetsReplicaSourceBucket): check and the assets commands prove it`;
        }
        return undefined;
      },
      prove: (spec) => {
        const env = options.environment;
        const replicaRegion = env.region ?? deps.region;
        return proveReplica({
          replica: { bucket: env.bucketName!, region: replicaRegion, s3: deps.s3In(replicaRegion) },
          source: { ...env.assetsReplicaOf!, s3: deps.s3In(env.assetsReplicaOf!.region) },
          at: spec.point.time,
          now: deps.clock.now(),
          random: deps.random,
          onProgress: (m) => deps.output.progress(m),
        });
      },
    },
    async report(run) {
      files = await write(drillReport({ ...run, cleanup: { status: "pending", detail: "" } }, deps.clock.now()));
      return options.reportDir === undefined ? "no --report-dir: the report is on stdout only" : undefined;
    },
  };
  const { deadline, idFile } = options;
  const left = () => checkDeadline(deadline!, deadline!.startedAt, deps.clock.now());
  const run = await runRestorePipeline(deps, policy, {
    ...options,
    ...(deadline !== undefined ? { stopInTime: { watch: interruptWhen(() => left().stop), reason: (step) => deadlineStopSentence(deadline, step, left().leftMs) } } : {}),
    ...(idFile !== undefined ? { onRunId: (id) => writeIdFile(idFile, id) } : {}),
  });
  const report = drillReport(run, deps.clock.now());
  try {
    files = (await write(report)) ?? files;
  } catch (error) {
    deps.output.warn(`could not write the drill report to ${options.reportDir}: ${errorMessage(error)}`);
  }
  return { report, files, exitCode: report.outcome === "passed" ? 0 : 1 };
}
