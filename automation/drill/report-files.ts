import { promises as fs } from "node:fs";
import * as path from "node:path";
import { UsageError } from "../errors";
import { redact, redactText } from "../../contracts/redact";
import { DrillReport, renderMarkdown, reportFileNames } from "./report";

/** Where reports go; a port so tests can make writing fail (the drill's `report` step). */
export interface ReportWriter {
  write(dir: string, report: DrillReport): Promise<{ json: string; markdown: string }>;
}

/** Writes `drill-<id>.json` and `drill-<id>.md`, redacted like every other output. */
export const fileReportWriter: ReportWriter = {
  async write(dir, report) {
    await fs.mkdir(dir, { recursive: true });
    const names = reportFileNames(report.drillId);
    const files = { json: path.join(dir, names.json), markdown: path.join(dir, names.markdown) };
    await fs.writeFile(files.json, JSON.stringify(redact(report), null, 2) + "\n");
    await fs.writeFile(files.markdown, redactText(renderMarkdown(report)));
    return files;
  },
};

/**
 * Refuses a `--report-dir` that can't be written, before the drill creates anything: a
 * drill whose evidence can't be saved has to be run again.
 */
export async function checkReportDir(dir: string): Promise<void> {
  const resolved = path.resolve(dir);
  let probe = resolved;
  for (;;) {
    try {
      const stat = await fs.stat(probe);
      if (!stat.isDirectory()) {
        throw new UsageError(`--report-dir ${dir} is not a directory (${probe} is a file); pass a directory, which is created if missing.`);
      }
      await fs.access(probe, fs.constants.W_OK);
      return;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as { code?: string }).code;
      if ((code === "ENOENT" || code === "ENOTDIR") && path.dirname(probe) !== probe) {
        probe = path.dirname(probe);
        continue;
      }
      throw new UsageError(`--report-dir ${dir} can't be written (${code ?? String(error)} on ${probe}); pass a writable directory.`);
    }
  }
}
