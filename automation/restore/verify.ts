import { promises as dns } from "node:dns";
import { RDSClient } from "@aws-sdk/client-rds";
import { Clock } from "../clock";
import { waitFor } from "../wait";
import { RestorePurpose, TagKeys } from "../../contracts/tags";
import type { RestoreSpec } from "./spec";
import { describeInstanceFacts, InstanceFacts } from "./rds-facts";
import type { RestoredDatabase } from "./restore-stack";
import { errorMessage } from "../../contracts/text";

/**
 * Is the restored instance what we asked for? The wait and the look-ups call AWS; the
 * verdict of each check is a pure function of what AWS answered, so it is tested
 * without an emulator and reported check by check.
 */

export type CheckStatus = "pass" | "fail";

export interface Check {
  /** Stable id, e.g. `engine-version`. */
  id: string;
  /** What is checked, for humans. */
  name: string;
  status: CheckStatus;
  expected: string;
  actual: string;
}

/** The id of every check `evaluateRestoredInstance` makes; report consumers key on these. */
export const CheckIds = {
  available: "available",
  engine: "engine",
  engineVersion: "engine-version",
  storage: "storage",
  backupRetention: "backup-retention",
  subnetGroup: "subnet-group",
  securityGroups: "security-groups",
  deletionProtection: "deletion-protection",
  drillTags: "drill-tags",
  endpointResolves: "endpoint-resolves",
} as const;
export type CheckId = (typeof CheckIds)[keyof typeof CheckIds];

/** The checks a restored instance of this purpose gets, in report order (a drill's tags are checked, a cut-over target's are not). */
export function checkIdsFor(purpose: RestorePurpose): CheckId[] {
  const all: CheckId[] = Object.values(CheckIds);
  return purpose === "drill" ? all : all.filter((id) => id !== CheckIds.drillTags);
}

export interface VerifyExpectations {
  identifier: string;
  engine: string;
  engineVersion: string;
  minStorageGiB: number;
  /** The environment's subnet group; the restore must not fall back to the default one. */
  subnetGroupName: string | undefined;
  securityGroupIds: string[];
  purpose: RestorePurpose;
  drillId?: string;
  recoveryPoint: string;
}

/** What the restored instance must look like, from the restore's spec. Pure. */
export function verifyExpectations(spec: RestoreSpec, restored: RestoredDatabase | undefined): VerifyExpectations {
  return {
    identifier: restored?.identifier ?? spec.targetIdentifier,
    engine: spec.point.engine,
    engineVersion: spec.point.engineVersion,
    minStorageGiB: spec.point.minStorageGiB,
    subnetGroupName: spec.dbSubnetGroupName,
    securityGroupIds: spec.securityGroupIds,
    purpose: spec.purpose,
    ...(spec.drillId !== undefined ? { drillId: spec.drillId } : {}),
    recoveryPoint: spec.point.label,
  };
}

/** Resolves a host name; injectable because emulator endpoints don't resolve. */
export interface HostResolver {
  /** Said in the report, so nobody mistakes a test resolver for DNS. */
  readonly name: string;
  resolve(host: string): Promise<string[]>;
}

export const systemResolver: HostResolver = {
  name: "system DNS",
  async resolve(host) {
    const addresses = await dns.lookup(host, { all: true });
    return addresses.map((a) => a.address);
  },
};

export type DnsAnswer = { host: string; resolver: string } & ({ addresses: string[] } | { error: string });

/** Statuses from which an instance never becomes `available` by itself. */
const TERMINAL_STATUSES = new Set([
  "failed",
  "incompatible-restore",
  "incompatible-parameters",
  "incompatible-network",
  "incompatible-option-group",
  "inaccessible-encryption-credentials",
  "storage-full",
  "deleting",
  "stopped",
]);

function isTerminalStatus(status: string): boolean {
  return TERMINAL_STATUSES.has(status);
}

const show = (v: string | undefined) => (v === undefined || v === "" ? "(none)" : v);
const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

/** The checks of a restored instance: a pure verdict over what RDS and the resolver answered. */
export function evaluateRestoredInstance(actual: InstanceFacts | undefined, expected: VerifyExpectations, answer: DnsAnswer | undefined): Check[] {
  const check = (id: CheckId, name: string, ok: boolean, exp: string, act: string): Check => ({ id, name, status: ok ? "pass" : "fail", expected: exp, actual: act });
  if (actual === undefined) {
    return [check(CheckIds.available, `instance ${expected.identifier} is available`, false, "available", "does not exist")];
  }
  const checks: Check[] = [
    check(CheckIds.available, `instance ${expected.identifier} is available`, actual.status === "available", "available", actual.status),
    check(CheckIds.engine, "engine equals the source's", actual.engine === expected.engine, expected.engine, show(actual.engine)),
    check(CheckIds.engineVersion, "engine version equals the source's", actual.engineVersion === expected.engineVersion, expected.engineVersion, show(actual.engineVersion)),
    check(
      CheckIds.storage,
      "allocated storage at least the recovery point's",
      actual.allocatedStorageGiB >= expected.minStorageGiB,
      `>= ${expected.minStorageGiB} GiB`,
      `${actual.allocatedStorageGiB} GiB`,
    ),
    check(CheckIds.backupRetention, "automated backups on", actual.backupRetentionDays > 0, ">= 1 day", `${actual.backupRetentionDays} days`),
    check(
      CheckIds.subnetGroup,
      "on the environment's subnet group",
      (actual.subnetGroupName ?? "") === (expected.subnetGroupName ?? ""),
      show(expected.subnetGroupName),
      show(actual.subnetGroupName),
    ),
    check(
      CheckIds.securityGroups,
      "on the environment's security groups",
      sameSet(actual.securityGroupIds, expected.securityGroupIds),
      show(expected.securityGroupIds.join(", ")),
      show(actual.securityGroupIds.join(", ")),
    ),
  ];
  if (expected.purpose === "drill") {
    checks.push(
      check(CheckIds.deletionProtection, "deletion protection off (a drill must be able to clean up)", !actual.deletionProtection, "off", actual.deletionProtection ? "on" : "off"),
      check(
        CheckIds.drillTags,
        `tagged ${TagKeys.drillId} and ${TagKeys.recoveryPoint}`,
        actual.tags[TagKeys.drillId] === expected.drillId && actual.tags[TagKeys.recoveryPoint] === expected.recoveryPoint,
        `${expected.drillId ?? "?"}, ${expected.recoveryPoint}`,
        `${show(actual.tags[TagKeys.drillId])}, ${show(actual.tags[TagKeys.recoveryPoint])}`,
      ),
    );
  } else {
    checks.push(check(CheckIds.deletionProtection, "deletion protection on (cut-over target is production)", actual.deletionProtection, "on", actual.deletionProtection ? "on" : "off"));
  }
  checks.push(dnsCheck(actual, answer));
  return checks;
}

function dnsCheck(actual: InstanceFacts, answer: DnsAnswer | undefined): Check {
  const name = "endpoint resolves";
  if (actual.address === undefined || answer === undefined) {
    return { id: CheckIds.endpointResolves, name, status: "fail", expected: "an address", actual: "no endpoint reported" };
  }
  if ("error" in answer) {
    return { id: CheckIds.endpointResolves, name, status: "fail", expected: `${answer.host} resolves (${answer.resolver})`, actual: `not resolved: ${answer.error}` };
  }
  const ok = answer.addresses.length > 0;
  return {
    id: CheckIds.endpointResolves,
    name,
    status: ok ? "pass" : "fail",
    expected: `${answer.host} resolves (${answer.resolver})`,
    actual: ok ? answer.addresses.join(", ") : "no addresses",
  };
}

export interface VerifyDeps {
  rds: RDSClient;
  clock: Clock;
  random: () => number;
  resolver: HostResolver;
  onProgress?: (message: string) => void;
  /** How long to wait for `available`; restores of large databases take hours. */
  timeoutMs: number;
}

export interface Verification {
  instance: InstanceFacts | undefined;
  checks: Check[];
  passed: boolean;
}

/** Waits until the instance is available (or can no longer become so), then checks it. */
export async function verifyRestoredInstance(deps: VerifyDeps, expected: VerifyExpectations): Promise<Verification> {
  const instance = await waitFor<InstanceFacts | undefined>({
    what: `DB instance ${expected.identifier} to be available`,
    clock: deps.clock,
    random: deps.random,
    timeoutMs: deps.timeoutMs,
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    probe: async () => {
      const found = await describeInstanceFacts(deps.rds, expected.identifier);
      if (found === undefined || found.status === "available" || isTerminalStatus(found.status)) return { done: true, value: found };
      return { done: false, status: found.status };
    },
  });
  let answer: DnsAnswer | undefined;
  if (instance?.address !== undefined) {
    try {
      answer = { host: instance.address, resolver: deps.resolver.name, addresses: await deps.resolver.resolve(instance.address) };
    } catch (error) {
      const code = (error as { code?: string }).code;
      answer = { host: instance.address, resolver: deps.resolver.name, error: code ?? (errorMessage(error)) };
    }
  }
  const checks = evaluateRestoredInstance(instance, expected, answer);
  return { instance, checks, passed: checks.every((c) => c.status === "pass") };
}
