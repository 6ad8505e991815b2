import { EC2Client } from "@aws-sdk/client-ec2";
import { RDSClient } from "@aws-sdk/client-rds";
import { S3Client } from "@aws-sdk/client-s3";
import { LambdaClient } from "@aws-sdk/client-lambda";
import type { S3ControlClient } from "@aws-sdk/client-s3-control";
import type { AwsCredentialIdentity, MiddlewareStack } from "@smithy/types";
import { parseDuration } from "../duration";
import { AWS_TIMEOUT_ENV, BoundedHttpHandler, DEFAULT_AWS_TIMEOUT_MS, idleBoundOf, RequestShape, TimeoutBudgetRetryStrategy } from "./bounded-http";
import { noteRequest } from "./errors";

/**
 * The one place that constructs AWS SDK clients. Everything else receives an
 * `AwsClients`, so the endpoint override (`--endpoint` / `AWS_ENDPOINT_URL`, how tests
 * reach moto), the region, the timeouts and the retry policy are decided once.
 */
export interface AwsClientOptions {
  region?: string;
  /** Endpoint override; also read from AWS_ENDPOINT_URL when not given. */
  endpoint?: string;
  /** Attempts per call including the first (SDK standard retry mode; timeouts get fewer, see bounded-http.ts). */
  maxAttempts?: number;
  /** Connection and socket idle timeout (`--aws-timeout`); default GAMETRACKER_AWS_TIMEOUT, else 15 s. */
  timeoutMs?: number;
  /**
   * Applied to every client's middleware stack, with the client's region. Production passes
   * nothing; tests use it to inject throttling, 5xx and timeouts (test/support/faults.ts) and
   * to make the emulator answer where it falls short (test/support/moto-rds-backups.ts).
   */
  middleware?: (stack: MiddlewareStack<any, any>, region: string) => void;
  /** Fixed credentials instead of the default chain (tests: an emulator that refuses session tokens). */
  credentials?: AwsCredentialIdentity;
}

export interface AwsClients {
  readonly region: string;
  readonly endpoint: string | undefined;
  /** The connection and socket idle timeout every request gets. */
  readonly timeoutMs: number;
  readonly rds: RDSClient;
  readonly s3: S3Client;
  readonly lambda: LambdaClient;
  /** Only for reading the security groups a restore is placed on (aws/ec2.ts). */
  readonly ec2: EC2Client;
  /**
   * S3 Control (Batch Operations jobs), built on first use: only `assets restore-prefix --via
   * batch` needs it. It always goes to AWS's regional endpoint: its requests are addressed
   * to `<account>.s3-control.<region>…`, which an endpoint override by IP or localhost can't
   * carry, and no emulator implements jobs.
   */
  readonly s3control: S3ControlClient;
  destroy(): void;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

export function resolveRegion(region?: string): string {
  return region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
}

/** The timeout from GAMETRACKER_AWS_TIMEOUT, or undefined when it is not set; UsageError naming the variable when it is no duration. */
export function awsTimeoutFromEnvironment(): number | undefined {
  const text = process.env[AWS_TIMEOUT_ENV];
  return text === undefined || text === "" ? undefined : parseDuration(text, AWS_TIMEOUT_ENV);
}

export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const region = resolveRegion(options.region);
  const endpoint = options.endpoint ?? (process.env.AWS_ENDPOINT_URL || undefined);
  const timeoutMs = options.timeoutMs ?? awsTimeoutFromEnvironment() ?? DEFAULT_AWS_TIMEOUT_MS;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  // One handler and one retry strategy per client: destroying a client closes its own sockets only.
  const bounded = () => ({ requestHandler: new BoundedHttpHandler(timeoutMs), retryStrategy: new TimeoutBudgetRetryStrategy(maxAttempts) });
  const common = {
    region,
    ...(endpoint ? { endpoint } : {}),
    maxAttempts,
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
  };
  const rds = new RDSClient({ ...common, ...bounded() });
  // Custom endpoints (moto, LocalStack, VPC endpoints by IP) don't resolve
  // virtual-hosted bucket names, so S3 goes path-style there.
  const s3 = new S3Client({ ...common, ...bounded(), forcePathStyle: endpoint !== undefined });
  const lambda = new LambdaClient({ ...common, ...bounded() });
  const ec2 = new EC2Client({ ...common, ...bounded() });
  const prepare = (stack: MiddlewareStack<any, any>) => {
    stack.add(noteRequestMiddleware(timeoutMs), { step: "deserialize", name: "gametrackerNoteRequest", priority: "low" });
    options.middleware?.(stack, region);
  };
  for (const client of [rds, s3, lambda, ec2]) prepare(client.middlewareStack as MiddlewareStack<any, any>);
  let s3control: S3ControlClient | undefined;
  return {
    region,
    endpoint,
    timeoutMs,
    rds,
    s3,
    lambda,
    ec2,
    get s3control() {
      if (s3control === undefined) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { S3ControlClient: Client } = require("@aws-sdk/client-s3-control") as typeof import("@aws-sdk/client-s3-control");
        const { endpoint: _override, ...regional } = common as typeof common & { endpoint?: string };
        s3control = new Client({ ...regional, ...bounded(), ignoreConfiguredEndpointUrls: true });
        prepare(s3control.middlewareStack as MiddlewareStack<any, any>);
      }
      return s3control;
    },
    destroy() {
      rds.destroy();
      s3.destroy();
      lambda.destroy();
      ec2.destroy();
      s3control?.destroy();
    },
  };
}

/** Records where a failed request went and its idle bound, for the one sentence aws/errors.ts makes of it. */
const noteRequestMiddleware =
  (timeoutMs: number) =>
  (next: (args: any) => Promise<any>) =>
  async (args: { request: unknown }): Promise<any> => {
    try {
      return await next(args);
    } catch (error) {
      const r = args.request as (RequestShape & { protocol?: string; hostname?: string; port?: number }) | undefined;
      if (r?.hostname !== undefined) {
        noteRequest(error, { endpoint: `${r.protocol ?? "https:"}//${r.hostname}${r.port !== undefined ? `:${r.port}` : ""}`, idleMs: idleBoundOf(r, timeoutMs) });
      }
      throw error;
    }
  };
