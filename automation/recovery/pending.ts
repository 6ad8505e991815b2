/**
 * What to do with each operation an interrupted update left in a stack's state: pure.
 *
 * A pending create means the engine asked the provider to create something and never heard
 * back. Left alone, the next `up` creates it again: RDS answers "DB instance already exists"
 * for a restored instance (its identifier is fixed), and a resource with a generated name
 * gets a twin while the first is orphaned. So each pending create is either imported (the
 * resource exists: it enters the state with the id its provider knows it by, and the next
 * `up` applies whatever the interruption skipped) or cleared (it was never made), and never
 * created a second time:
 *
 * - `aws:rds/instance:Instance` is looked up by its planned identifier in its region (its
 *   id is the DbiResourceId, which only RDS knows). An instance of that name that is not
 *   the one the stack asked for (other tags, created before the run, being deleted, failed)
 *   is neither imported nor cleared: the run stops with a sentence.
 * - Types whose id is their physical name (the bundled validator's function, log group,
 *   role and policies) are imported by that name; the provider's read then decides: it
 *   keeps what exists and drops what does not from the state.
 * - Any other type is cleared, and the note names what may be left without a stack.
 *
 * An interrupted update, delete or read is cleared: the resource is still in the state, and
 * reading it from its provider gives its real state (gone: dropped).
 *
 * An import records the create's own inputs as the resource's prior state, except the
 * attributes a provider's read leaves as they are in the state when AWS shows nothing: for
 * an RDS instance `manageMasterUserPassword`, which terraform-provider-aws's read sets only
 * when the instance has a managed secret. Recorded as asked, an instance killed before its
 * follow-up ModifyDBInstance would keep it true in the state and never get its secret
 * (test/engine/rds.test.ts pins that behaviour of the bridge).
 */
import type { PendingOperation, PendingResolution } from "../stacks/port";
import { isoSeconds } from "./lock";

export const RDS_INSTANCE_TYPE = "aws:rds/instance:Instance";

/** What RDS says about the instance a pending create planned. */
export interface FoundInstance {
  identifier: string;
  /** The DbiResourceId: pulumi-aws's id of an `aws.rds.Instance`. */
  resourceId: string | undefined;
  status: string;
  tags: Record<string, string>;
  createdAt: Date | undefined;
}

/** An AWS look-up a pending create needs before it can be decided. */
export interface InstanceLookup {
  identifier: string;
  /** The resource's own `region` input (pulumi-aws v7 fills it in from its provider). */
  region: string | undefined;
}

export type PendingDecision =
  | { action: "import"; resolution: PendingResolution; note: string; waitUntilAvailable: boolean }
  | { action: "clear"; resolution: PendingResolution; note: string; leftBehind?: string }
  | { action: "refuse"; reason: string };

export interface PendingContext {
  /** The stack's name as the CLI takes it, for sentences. */
  stack: string;
  /** When the interrupted run started: an instance created before it is not that run's. */
  notBefore?: Date;
}

/** How much an instance's creation time may precede the run's recorded start (clock skew between machines). */
export const CREATED_BEFORE_TOLERANCE_MS = 5 * 60_000;

/** Statuses in which an instance is going away or broken: it is neither imported nor cleared. */
const UNUSABLE_STATUSES = new Set(["deleting", "failed", "incompatible-restore", "incompatible-parameters", "incompatible-network", "incompatible-option-group", "inaccessible-encryption-credentials"]);

/** Attributes left out of an import's prior state, per type (see the header). */
export const LEFT_TO_THE_PROVIDER: Readonly<Record<string, readonly string[]>> = {
  [RDS_INSTANCE_TYPE]: ["manageMasterUserPassword"],
};

/** Import ids of types whose id is their physical name, from the create's inputs (pulumi-aws's documented import formats). */
const IMPORT_ID_FROM_INPUTS: Readonly<Record<string, (inputs: Record<string, unknown>) => string | undefined>> = {
  "aws:lambda/function:Function": (i) => text(i.name),
  "aws:cloudwatch/logGroup:LogGroup": (i) => text(i.name),
  "aws:iam/role:Role": (i) => text(i.name),
  "aws:iam/rolePolicy:RolePolicy": (i) => both(text(i.role), text(i.name), ":"),
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (i) => both(text(i.role), text(i.policyArn), "/"),
};

/** The RDS look-up a pending operation needs, if any. */
export function lookupFor(op: PendingOperation): InstanceLookup | undefined {
  if (op.operation !== "creating" || op.type !== RDS_INSTANCE_TYPE) return undefined;
  const identifier = text(op.inputs.identifier);
  return identifier === undefined ? undefined : { identifier, region: text(op.inputs.region) };
}

/** The logical name at the end of a URN (`restored-instance`). */
export function resourceName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/**
 * The decision for one pending operation. `found` is RDS's answer for a `lookupFor`
 * operation (undefined: no such instance); it is ignored for the others.
 */
export function decidePending(op: PendingOperation, found: FoundInstance | undefined, context: PendingContext): PendingDecision {
  const name = resourceName(op.urn);
  if (op.operation !== "creating") {
    const what = op.operation === "deleting" ? "delete" : op.operation === "updating" ? "update" : op.operation === "reading" ? "read" : "import";
    const then = op.operation === "deleting" ? "reading it from AWS drops it from the state if it is gone" : "reading it from AWS records its real state";
    return { action: "clear", resolution: { urn: op.urn, action: "clear" }, note: `cleared the interrupted ${what} of ${name} (${op.type}); ${then}` };
  }
  const prior = priorState(op);
  const lookup = lookupFor(op);
  if (lookup !== undefined) return decideInstance(op, lookup, found, prior, context);

  const id = IMPORT_ID_FROM_INPUTS[op.type]?.(op.inputs);
  if (id !== undefined) {
    return {
      action: "import",
      resolution: { urn: op.urn, action: "import", id, prior },
      note: `imported the interrupted create of ${name} (${op.type} ${id}); reading it from AWS keeps it if it was made and drops it if not`,
      waitUntilAvailable: false,
    };
  }
  const physical = text(op.inputs.name) ?? text(op.inputs.identifier) ?? text(op.inputs.bucket);
  return {
    action: "clear",
    resolution: { urn: op.urn, action: "clear" },
    note: `cleared the interrupted create of ${name} (${op.type}); the next update creates it`,
    leftBehind: `the interrupted create of ${name} (${op.type}${physical !== undefined ? ` ${physical}` : ""}) may have made it in AWS before it was cleared; if so, it is outside every stack: find it${physical !== undefined ? ` by that name` : " by its tags"} and delete it`,
  };
}

function decideInstance(op: PendingOperation, lookup: InstanceLookup, found: FoundInstance | undefined, prior: Record<string, unknown>, context: PendingContext): PendingDecision {
  const where = lookup.region === undefined ? "" : ` in ${lookup.region}`;
  const { identifier } = lookup;
  if (found === undefined) {
    return {
      action: "clear",
      resolution: { urn: op.urn, action: "clear" },
      note: `cleared the interrupted create of DB instance ${identifier}: RDS has no such instance${where}, so the next update creates it`,
    };
  }
  const remove = `aws rds delete-db-instance --db-instance-identifier ${identifier} --skip-final-snapshot${lookup.region !== undefined ? ` --region ${lookup.region}` : ""}`;
  const notOurs = (why: string): PendingDecision => ({
    action: "refuse",
    reason: `Stack ${context.stack} was interrupted while creating DB instance ${identifier}, and an instance of that name exists${where}, but ${why}, so it is not the stack's and was neither imported nor created again; check that instance, and remove it (${remove}) only if nothing uses it, then run this command again.`,
  });
  const expectedTags = stringMap(op.inputs.tags);
  const differing = Object.entries(expectedTags).find(([key, value]) => found.tags[key] !== value);
  if (differing !== undefined) {
    const [key, value] = differing;
    return notOurs(`its tag ${key} is ${found.tags[key] === undefined ? "missing" : JSON.stringify(found.tags[key])}, not ${JSON.stringify(value)}`);
  }
  if (context.notBefore !== undefined && found.createdAt !== undefined && found.createdAt.getTime() < context.notBefore.getTime() - CREATED_BEFORE_TOLERANCE_MS) {
    return notOurs(`it was created at ${isoSeconds(found.createdAt)}, before the interrupted run started (${isoSeconds(context.notBefore)})`);
  }
  if (UNUSABLE_STATUSES.has(found.status)) {
    const why = found.status === "deleting" ? "it is being deleted; wait until it is gone" : `its create failed at RDS (status ${found.status}); delete it (${remove})`;
    return {
      action: "refuse",
      reason: `Stack ${context.stack} was interrupted while creating DB instance ${identifier}, which${where} ${found.status === "deleting" ? "is being deleted" : "RDS could not finish"}, so it was neither imported nor created again; ${why}, then run this command again.`,
    };
  }
  if (found.resourceId === undefined) {
    return { action: "refuse", reason: `Stack ${context.stack} was interrupted while creating DB instance ${identifier}, which exists${where} but RDS reports no resource id for it, so it cannot be imported; run this command again in a minute.` };
  }
  return {
    action: "import",
    resolution: { urn: op.urn, action: "import", id: found.resourceId, prior },
    note: `imported the interrupted create of DB instance ${identifier} (${found.resourceId}, ${found.status}${where}); the next update applies what the interruption skipped`,
    waitUntilAvailable: found.status !== "available",
  };
}

/** The create's inputs as an import's prior state, without what the provider must decide from AWS. */
export function priorState(op: PendingOperation): Record<string, unknown> {
  const omitted = LEFT_TO_THE_PROVIDER[op.type] ?? [];
  return Object.fromEntries(Object.entries(op.inputs).filter(([key]) => !omitted.includes(key)));
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function both(a: string | undefined, b: string | undefined, separator: string): string | undefined {
  return a === undefined || b === undefined ? undefined : `${a}${separator}${b}`;
}

function stringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === "string"));
}
