/**
 * S3 Control's Batch Operations API as the S3 Control API reference documents it, for the
 * one service no emulator here has: CreateJob answers a job id, DescribeJob walks the
 * job through the statuses S3 reports (New, Preparing, Active, Complete or Failed) with
 * the progress summary given by the test. Requests are answered inside the SDK (see
 * canned-http.ts), so the request the tool sends is the exact one S3 Control would get.
 */
import { CannedAnswer, CannedHttp, SentRequest } from "./canned-http";

const NS = "http://awss3control.amazonaws.com/doc/2018-08-20/";

export interface JobScript {
  /** The DescribeJob answers, in order; the last one repeats. */
  statuses: Array<{ status: string; total?: number; succeeded?: number; failed?: number; reasons?: Array<{ code: string; reason: string }> }>;
}

export class BatchOperationsDouble {
  readonly http: CannedHttp;
  readonly created: SentRequest[] = [];
  private readonly polls = new Map<string, number>();
  private readonly performed = new Map<string, { total: number; succeeded: number; failed: number }>();
  private next = 1;

  constructor(
    private readonly script: JobScript,
    private readonly createAnswer?: CannedAnswer,
    /** Runs the created job's operation (it sees the CreateJob request) and gives its task counts to the statuses that state none. */
    private readonly perform?: (request: SentRequest) => Promise<{ total: number; succeeded: number; failed: number }>,
  ) {
    this.http = new CannedHttp((request) => (request.client === "S3ControlClient" ? this.answer(request) : undefined));
  }

  describes(jobId: string): number {
    return this.polls.get(jobId) ?? 0;
  }

  private async answer(request: SentRequest): Promise<CannedAnswer> {
    if (request.operation === "CreateJob") {
      if (this.createAnswer !== undefined) return this.createAnswer;
      this.created.push(request);
      const jobId = `job-${this.next++}`;
      if (this.perform !== undefined) this.performed.set(jobId, await this.perform(request));
      return { body: `<?xml version="1.0" encoding="UTF-8"?><CreateJobResult xmlns="${NS}"><JobId>${jobId}</JobId></CreateJobResult>` };
    }
    if (request.operation === "DescribeJob") {
      const jobId = decodeURIComponent(request.path.split("/").pop() ?? "");
      const n = this.polls.get(jobId) ?? 0;
      this.polls.set(jobId, n + 1);
      const scripted = this.script.statuses[Math.min(n, this.script.statuses.length - 1)]!;
      const counts = this.performed.get(jobId);
      const s = counts !== undefined && scripted.total === undefined && ["Complete", "Failed"].includes(scripted.status) ? { ...counts, ...scripted } : scripted;
      const reasons = (s.reasons ?? []).map((r) => `<member><FailureCode>${r.code}</FailureCode><FailureReason>${r.reason}</FailureReason></member>`).join("");
      return {
        body:
          `<?xml version="1.0" encoding="UTF-8"?><DescribeJobResult xmlns="${NS}"><Job><JobId>${jobId}</JobId><Status>${s.status}</Status>` +
          `<ProgressSummary><TotalNumberOfTasks>${s.total ?? 0}</TotalNumberOfTasks><NumberOfTasksSucceeded>${s.succeeded ?? 0}</NumberOfTasksSucceeded><NumberOfTasksFailed>${s.failed ?? 0}</NumberOfTasksFailed></ProgressSummary>` +
          (reasons !== "" ? `<FailureReasons>${reasons}</FailureReasons>` : "") +
          `</Job></DescribeJobResult>`,
      };
    }
    return { status: 400, body: `<Error><Code>InvalidRequest</Code><Message>not modelled: ${request.operation}</Message></Error>` };
  }
}
