import { EC2Client } from "@aws-sdk/client-ec2";
import { RDSClient } from "@aws-sdk/client-rds";
import { Clock } from "../clock";
import { Output } from "../output";
import { Stacks } from "../stacks/port";
import type { HostResolver } from "./verify";

/** What a restore run needs from the outside, whether it is a drill or a restore for cut-over. */
export interface RestoreRunDeps {
  stacks: Stacks;
  /** RDS in `region`. */
  rds: RDSClient;
  /** EC2 in `region` (reads of the security groups a restore is placed on). */
  ec2: EC2Client;
  /** The region the restore happens in: its AWS calls and the restore stack's provider. */
  region: string;
  clock: Clock;
  random: () => number;
  resolver: HostResolver;
  output: Output;
  /** How long to wait for the restored instance to be available. */
  verifyTimeoutMs: number;
  /** Pulumi's own output lines (shown with --verbose). */
  onPulumiOutput?: (line: string) => void;
}
