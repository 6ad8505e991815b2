import type { Argv } from "yargs";
import { regionNameProblem } from "../../contracts/aws-names";
import { environmentStackNameProblem } from "../../contracts/stacks";
import { AWS_TIMEOUT_ENV } from "../aws/bounded-http";
import { durationProblem } from "../../contracts/duration";
import { parseDuration } from "../duration";
import { UsageError } from "../errors";
import type { OptionsOf } from "./option-types";

/**
 * The global options: declared once for yargs, and their values (and the environment
 * variables that stand in for them) checked before any command runs, so that a typo is
 * exit 2 with the fix instead of a Pulumi or SDK error after something has started:
 * `--stack ../prod` would reach the Pulumi CLI, `--region ''` the SDK's "Region is
 * missing", `--endpoint "not a url"` its "Invalid URL". The checks are pure: the values
 * in, a UsageError or the parsed values out.
 */

/** Declares the options every command accepts; their parsed types are `GlobalArgs` (cli/context.ts). */
export function withGlobalOptions(yargs: Argv) {
  return yargs
    .option("stack", { type: "string", describe: "Environment stack (dev, prod, …) whose outputs name the database and bucket", global: true })
    .option("region", { type: "string", describe: "AWS region (default: AWS_REGION, then us-east-1)", global: true })
    .option("endpoint", { type: "string", describe: "AWS endpoint override (default: AWS_ENDPOINT_URL); used for local emulators", global: true })
    .option("aws-timeout", {
      type: "string",
      requiresArg: true,
      describe: "How long an AWS endpoint may stay silent before a request is retried (3 attempts in all), 1s to 5m (default: GAMETRACKER_AWS_TIMEOUT, else 15s)",
      global: true,
    })
    .option("json", { type: "boolean", default: false, describe: "Machine-readable result on stdout; progress stays on stderr", global: true })
    .option("yes", { alias: "y", type: "boolean", default: false, describe: "Do not ask for confirmation", global: true })
    .option("verbose", { type: "boolean", default: false, describe: "Show stack traces on errors", global: true });
}

/** The global options as yargs declares them (dashed names): what every command's builder starts from. */
export type GlobalOptions = OptionsOf<typeof withGlobalOptions>;

/** The AWS timeout's bounds: below a second nothing answers; above five minutes a silent endpoint holds a command for a quarter of an hour. */
export const MIN_AWS_TIMEOUT_MS = 1_000;
export const MAX_AWS_TIMEOUT_MS = 5 * 60_000;

export interface GlobalValues {
  stack?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  awsTimeout?: string | undefined;
}

export interface CheckedGlobals {
  /** `--aws-timeout`, else GAMETRACKER_AWS_TIMEOUT, in ms; undefined for the default. */
  awsTimeoutMs: number | undefined;
}

export function checkGlobalOptions(values: GlobalValues, env: Readonly<Record<string, string | undefined>>): CheckedGlobals {
  if (values.stack !== undefined) {
    const problem = environmentStackNameProblem(values.stack);
    if (problem !== undefined) throw new UsageError(`Invalid --stack ${JSON.stringify(values.stack)}: ${problem}; pass the environment stack's name as pulumi stack ls shows it, e.g. --stack dev.`);
  }
  if (values.region !== undefined) checkRegion(values.region, "--region", "or leave --region out to use AWS_REGION");
  else if (env.AWS_REGION) checkRegion(env.AWS_REGION, "AWS_REGION", "or unset it to use the default us-east-1");
  if (values.endpoint !== undefined) checkEndpoint(values.endpoint, "--endpoint", "or leave --endpoint out to use AWS's own endpoints");
  else if (env.AWS_ENDPOINT_URL) checkEndpoint(env.AWS_ENDPOINT_URL, "AWS_ENDPOINT_URL", "or unset it to use AWS's own endpoints");
  const timeout = values.awsTimeout !== undefined ? { text: values.awsTimeout, name: "--aws-timeout" } : env[AWS_TIMEOUT_ENV] ? { text: env[AWS_TIMEOUT_ENV]!, name: AWS_TIMEOUT_ENV } : undefined;
  return { awsTimeoutMs: timeout === undefined ? undefined : awsTimeout(timeout.text, timeout.name) };
}

function checkRegion(region: string, name: string, alternative: string): void {
  if (region.trim() === "") throw new UsageError(`${name} is empty; give an AWS region such as us-east-1, ${alternative}.`);
  const problem = regionNameProblem(region);
  if (problem !== undefined) throw new UsageError(`Invalid ${name} ${JSON.stringify(region)}: ${problem}; give an AWS region such as us-east-1 (aws ec2 describe-regions lists them), ${alternative}.`);
}

function checkEndpoint(endpoint: string, name: string, alternative: string): void {
  const example = "e.g. http://localhost:5000 or https://rds.us-east-1.amazonaws.com";
  if (endpoint.trim() === "") throw new UsageError(`${name} is empty; give the endpoint's URL (${example}), ${alternative}.`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`Invalid ${name} ${JSON.stringify(endpoint)}: it is not a URL; give one with its scheme (${example}), ${alternative}.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`Invalid ${name} ${JSON.stringify(endpoint)}: it does not start with http:// or https:// (${example}), ${alternative}.`);
  }
  if (url.hostname === "") throw new UsageError(`Invalid ${name} ${JSON.stringify(endpoint)}: it names no host (${example}), ${alternative}.`);
}

function awsTimeout(text: string, name: string): number {
  const problem = durationProblem(text) ?? outOfRange(parseDuration(text, name));
  if (problem !== undefined) {
    throw new UsageError(`Invalid ${name} ${JSON.stringify(text)}: ${problem}; give how long an AWS endpoint may stay silent before a request is retried (3 attempts in all), 1s to 5m, e.g. 30s.`);
  }
  return parseDuration(text, name);
}

function outOfRange(ms: number): string | undefined {
  return ms < MIN_AWS_TIMEOUT_MS || ms > MAX_AWS_TIMEOUT_MS ? "it is not from 1s to 5m" : undefined;
}
