/**
 * TEST DOUBLE: the stand-in's AWS SDK clients, one set per region (pulumi-aws v7 resources
 * carry their own `region`). Like the real provider they take the endpoint from
 * AWS_ENDPOINT_URL and credentials from the environment. Every request's time is charged
 * to the provider operation in progress (metrics.ts); the moto gap behaviours
 * (test/support/moto-gaps.ts) sit on the RDS client as a separate layer.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { RDSClient } from "@aws-sdk/client-rds";
import type { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import { MotoMeter } from "../metrics";

/**
 * Added to the User-Agent of every request, as pulumi-aws adds its own: the crash tier's
 * proxy (test/support/aws-proxy.ts) tells the provider's calls from the CLI's by it.
 */
export const STANDIN_USER_AGENT = "gametracker-standin";

/** The meter of the operation the current async context belongs to. */
export const meterStorage = new AsyncLocalStorage<MotoMeter>();

/** One region's clients, each created on first use (the EC2 client alone costs ~0.3 s of CPU to load). */
export interface RegionClients {
  readonly region: string;
  readonly ec2: EC2Client;
  readonly rds: RDSClient;
  readonly s3: S3Client;
  readonly iam: IAMClient;
  readonly lambda: LambdaClient;
  readonly logs: CloudWatchLogsClient;
  readonly sts: STSClient;
}

export interface ClientOptions {
  endpoint: string | undefined;
  /** pulumi-aws `s3UsePathStyle`; also forced for endpoints by IP address, which have no bucket sub-domains. */
  s3UsePathStyle: boolean;
  motoGaps: boolean;
}

type AnyClient = { middlewareStack: { add(mw: unknown, opts: unknown): void }; destroy(): void };

export class ClientPool {
  private readonly byRegion = new Map<string, RegionClients>();
  private readonly created: Array<Map<string, AnyClient>> = [];
  constructor(private readonly options: ClientOptions) {}

  forRegion(region: string): RegionClients {
    let clients = this.byRegion.get(region);
    if (clients === undefined) {
      clients = this.create(region);
      this.byRegion.set(region, clients);
    }
    return clients;
  }

  private create(region: string): RegionClients {
    const { motoGaps, s3UsePathStyle: pathStyle } = this.options;
    const endpoint = this.options.endpoint;
    const common = { region, ...(endpoint ? { endpoint } : {}), maxAttempts: 3, customUserAgent: STANDIN_USER_AGENT };
    const byIp = endpoint !== undefined && /^https?:\/\/(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:]+\]|localhost)(:\d+)?/i.test(endpoint);
    const made = new Map<string, AnyClient>();
    this.created.push(made);
    const pool = this;
    const lazy = <T>(key: string, make: () => T): T => {
      let client = made.get(key) as T | undefined;
      if (client === undefined) {
        client = make();
        meter(client as AnyClient);
        made.set(key, client as AnyClient);
      }
      return client;
    };
    /* eslint-disable @typescript-eslint/no-require-imports */
    return {
      region,
      get ec2() {
        return lazy("ec2", () => {
          const client = new (require("./sdk/ec2") as typeof import("./sdk/ec2")).EC2Client(common);
          if (motoGaps) gaps().applyEc2MotoGaps(client);
          return client;
        });
      },
      get rds() {
        return lazy("rds", () => {
          const client = new (require("./sdk/rds") as typeof import("./sdk/rds")).RDSClient(common);
          if (motoGaps) {
            gaps().applyMotoGaps(client, region, process.env.GAMETRACKER_STANDIN_GAP_STATE || undefined);
            if (rdsBackupsApplied()) pool.rdsBackups().middleware(client.middlewareStack, region);
          }
          return client;
        });
      },
      get s3() {
        return lazy("s3", () => {
          const client = new (require("./sdk/s3") as typeof import("./sdk/s3")).S3Client({ ...common, forcePathStyle: pathStyle || byIp });
          if (motoGaps) gaps().applyS3MotoGaps(client, process.env.GAMETRACKER_STANDIN_GAP_STATE || undefined);
          return client;
        });
      },
      // IAM and STS are global services; the region only picks the signing region.
      get iam() {
        return lazy("iam", () => {
          const client = new (require("./sdk/iam") as typeof import("./sdk/iam")).IAMClient(common);
          if (motoGaps) gaps().applyIamMotoGaps(client);
          return client;
        });
      },
      get lambda() {
        return lazy("lambda", () => new (require("./sdk/lambda") as typeof import("./sdk/lambda")).LambdaClient(common));
      },
      get logs() {
        return lazy("logs", () => new (require("./sdk/logs") as typeof import("./sdk/logs")).CloudWatchLogsClient(common));
      },
      get sts() {
        return lazy("sts", () => new (require("./sdk/sts") as typeof import("./sdk/sts")).STSClient(common));
      },
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  }

  private backups: import("../../../support/moto-rds-backups").MotoRdsBackups | undefined;

  /** RDS automated backups where moto falls short (test/support/moto-rds-backups.ts), on the state the test shares; one per plugin process. */
  private rdsBackups(): import("../../../support/moto-rds-backups").MotoRdsBackups {
    const { MotoRdsBackups } = require("../../../support/moto-rds-backups") as typeof import("../../../support/moto-rds-backups");
    return (this.backups ??= new MotoRdsBackups(this.options.endpoint ?? "", { stateFile: process.env.GAMETRACKER_STANDIN_RDS_BACKUPS! }));
  }

  destroy(): void {
    this.backups?.destroy();
    this.backups = undefined;
    for (const made of this.created) for (const client of made.values()) client.destroy();
    this.created.length = 0;
    this.byRegion.clear();
  }
}

/** The moto gap behaviours: a separate, documented layer (test/support/moto-gaps.ts), off with GAMETRACKER_STANDIN_MOTO_GAPS=off. */
function gaps(): typeof import("../../../support/moto-gaps") {
  return require("../../../support/moto-gaps") as typeof import("../../../support/moto-gaps");
}

function meter(client: AnyClient): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        meterStorage.getStore()?.record(started, performance.now());
      }
    },
    // Outermost: the time the operation waits for AWS, retries included.
    { step: "initialize", name: "standinMotoMeter", priority: "high" },
  );
}

/** Whether RDS's automated-backup APIs moto lacks are answered (by moto-rds-backups.ts, on the harness's shared state) or missing, as in moto. */
export function rdsBackupsApplied(): boolean {
  return process.env.GAMETRACKER_STANDIN_MOTO_GAPS !== "off" && !!process.env.GAMETRACKER_STANDIN_RDS_BACKUPS;
}

/** Whether an AWS SDK error means "not there" (deletes of what is gone succeed, reads report it gone). */
export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const name = `${e?.name ?? ""} ${e?.Code ?? ""}`;
  return /NotFound|NoSuchEntity|NoSuch[A-Z]|InvalidGroup\.NotFound|\.NotFound|ResourceNotFoundException/.test(name);
}

/** The action's answer, or undefined when AWS says the thing is not there (a read of something deleted). */
export async function readOrGone<T>(action: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Runs a delete, taking "not found" as done (it is gone already). */
export async function gone(action: () => Promise<unknown>): Promise<void> {
  await readOrGone(action);
}
