/**
 * The one shared Pulumi mocks module. Each `setMocks` call replaces the last, so every
 * test that evaluates a Pulumi program goes through `runProgram`, which installs fresh
 * mocks, runs the program, waits for every registration and returns what was
 * registered — inputs *and* resource options (protect, retainOnDelete, parent), which
 * the public mocks API does not expose.
 */
import * as pulumi from "@pulumi/pulumi";
import type { MockCallArgs, MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime";

// Internal but stable: waits until every outstanding RPC (registration, output) is done.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  waitForRPCs(): Promise<void>;
  getMonitor(): any;
};

export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "us-east-1";

export interface RegisteredResource {
  type: string;
  name: string;
  urn: string;
  /** The id the mocks (or a behaviour) gave the resource. */
  id: string;
  inputs: Record<string, any>;
  /** The state the mocks returned (inputs plus computed outputs). */
  state: Record<string, any>;
  custom: boolean;
  /** URN of the parent resource ("" for the stack). */
  parent: string;
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  provider: string;
  /** URNs the registration depends on (dependsOn and the resources its inputs came from), as the engine receives them. */
  dependencies: string[];
}

/** The resource options of a registration, as far as the engine would see them. */
export type RegistrationOptions = Pick<RegisteredResource, "parent" | "protect" | "retainOnDelete" | "ignoreChanges" | "dependencies">;

/**
 * A hook that computes the state of a resource (or returns undefined to fall through to
 * the defaults). The in-memory stacks use it to create real instances in moto. `options`
 * (absent for reads such as StackReference) lets it honour ignoreChanges/protect the way
 * the engine does.
 */
export type ResourceBehaviour = (
  args: MockResourceArgs,
  options?: RegistrationOptions,
) => Promise<MockResourceResult | undefined> | MockResourceResult | undefined;

export interface RunOptions {
  project?: string;
  stack?: string;
  /** What pulumi.getOrganization() returns; default "organization", as for an individual account (bare setMocks would make it throw). */
  organization?: string;
  /** Config as `key: value` without the project prefix (`"databaseSource": "primary"`), or fully qualified (`"aws:region"`). */
  config?: Record<string, string | number | boolean | object>;
  preview?: boolean;
  /** Outputs of stacks read through StackReference, by fully qualified name (`organization/gametracker-restore/dev-drill-1`). */
  stackReferences?: Record<string, Record<string, unknown>>;
  behaviours?: ResourceBehaviour[];
}

export interface ProgramRun<T> {
  resources: RegisteredResource[];
  /** The program's return value with every Output resolved. */
  outputs: T extends void ? undefined : Resolved<T>;
  /** Resources of one type token. */
  ofType(type: string): RegisteredResource[];
  /** The single resource of a type; throws when there are none or several. */
  one(type: string): RegisteredResource;
  /** The registered resources `resource` depends on. */
  dependsOn(resource: RegisteredResource): RegisteredResource[];
}

export type Resolved<T> = T extends pulumi.Output<infer U> ? U : T extends object ? { [K in keyof T]: Resolved<T[K]> } : T;

/** Default computed state for the resource types our programs use. */
function defaultState(args: MockResourceArgs): MockResourceResult {
  const { type, name, inputs } = args;
  const id = `${name}-id`;
  const arnOf = (service: string, resource: string) => `arn:aws:${service}:${MOCK_REGION}:${MOCK_ACCOUNT}:${resource}`;
  switch (type) {
    case "pulumi:pulumi:StackReference":
      return { id: inputs.name, state: { name: inputs.name, outputs: {}, secretOutputNames: [] } };
    case "aws:rds/instance:Instance": {
      const identifier = inputs.identifier ?? `${name}-generated`;
      const address = `${identifier}.abc123xyz.${MOCK_REGION}.rds.amazonaws.com`;
      return {
        id: identifier,
        state: {
          ...inputs,
          identifier,
          arn: arnOf("rds", `db:${identifier}`),
          address,
          port: inputs.port ?? 1433,
          endpoint: `${address}:${inputs.port ?? 1433}`,
          resourceId: `db-${identifier.toUpperCase()}`,
          masterUserSecrets: inputs.manageMasterUserPassword
            ? [{ secretArn: arnOf("secretsmanager", `secret:rds!db-${identifier}-AbCdEf`), secretStatus: "active", kmsKeyId: "" }]
            : [],
        },
      };
    }
    case "aws:rds/subnetGroup:SubnetGroup":
      return { id: inputs.name ?? name, state: { ...inputs, name: inputs.name ?? name, arn: arnOf("rds", `subgrp:${inputs.name ?? name}`) } };
    case "aws:rds/snapshot:Snapshot":
      return { id: inputs.dbSnapshotIdentifier, state: { ...inputs, dbSnapshotArn: arnOf("rds", `snapshot:${inputs.dbSnapshotIdentifier}`), status: "available" } };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = inputs.bucket ?? `${name}-generated`;
      return { id: bucket, state: { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}` } };
    }
    case "aws:lambda/function:Function": {
      const fn = inputs.name ?? `${name}-generated`;
      return { id: fn, state: { ...inputs, name: fn, arn: arnOf("lambda", `function:${fn}`), invokeArn: `invoke:${fn}` } };
    }
    case "aws:iam/role:Role": {
      const role = inputs.name ?? `${name}-generated`;
      return { id: role, state: { ...inputs, name: role, arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${role}` } };
    }
    case "aws:iam/policy:Policy":
      return { id: name, state: { ...inputs, arn: `arn:aws:iam::${MOCK_ACCOUNT}:policy/${inputs.name ?? name}` } };
    case "aws:ec2/securityGroup:SecurityGroup":
      return { id: `sg-${name}`, state: { ...inputs, arn: arnOf("ec2", `security-group/sg-${name}`) } };
    case "awsx:ec2:Vpc":
      return {
        id: `vpc-${name}`,
        state: {
          ...inputs,
          vpcId: `vpc-${name}`,
          privateSubnetIds: [`subnet-${name}-private-a`, `subnet-${name}-private-b`],
          publicSubnetIds: [`subnet-${name}-public-a`, `subnet-${name}-public-b`],
          isolatedSubnetIds: [],
        },
      };
    default:
      return { id, state: { ...inputs, arn: inputs.arn ?? arnOf("mock", `${type}/${name}`) } };
  }
}

function defaultCall(args: MockCallArgs, region: string): Record<string, any> {
  switch (args.token) {
    case "aws:index/getRegion:getRegion":
      // The provider answers with the region it is configured for: the stack's aws:region.
      return { name: region, region, id: region };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/test`, userId: "AIDTEST", id: MOCK_ACCOUNT };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: [`${region}a`, `${region}b`], zoneIds: ["az1", "az2"].map((z) => `${region.replace(/-/g, "")}-${z}`), id: region };
    default:
      return args.inputs;
  }
}

/** Runs a Pulumi program under fresh mocks and returns what it registered. */
export async function runProgram<T>(program: () => T | Promise<T>, options: RunOptions = {}): Promise<ProgramRun<T>> {
  const project = options.project ?? "gametracker";
  const stack = options.stack ?? "dev";
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.config ?? {})) {
    const qualified = key.includes(":") ? key : `${project}:${key}`;
    config[qualified] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(config, []);

  const records = new Map<string, RegisteredResource>();
  const pendingOptions = new Map<string, Partial<RegisteredResource>>();
  const references = options.stackReferences ?? {};

  await pulumi.runtime.setMocks(
    {
      async newResource(args: MockResourceArgs): Promise<MockResourceResult> {
        let result: MockResourceResult | undefined;
        if (args.type === "pulumi:pulumi:StackReference" && references[args.inputs.name] !== undefined) {
          result = { id: args.inputs.name, state: { name: args.inputs.name, outputs: references[args.inputs.name], secretOutputNames: [] } };
        }
        for (const behaviour of options.behaviours ?? []) {
          if (result !== undefined) break;
          result = await behaviour(args, pendingOptions.get(`${args.type}::${args.name}`) as RegistrationOptions | undefined);
        }
        result ??= defaultState(args);
        const key = `${args.type}::${args.name}`;
        records.set(key, {
          type: args.type,
          name: args.name,
          urn: "",
          id: result.id ?? "",
          inputs: args.inputs,
          state: result.state,
          custom: args.custom ?? true,
          parent: "",
          protect: false,
          retainOnDelete: false,
          ignoreChanges: [],
          provider: args.provider ?? "",
          dependencies: [],
          ...pendingOptions.get(key),
        });
        return result;
      },
      call: (args: MockCallArgs) => defaultCall(args, config["aws:region"] ?? MOCK_REGION),
    },
    project,
    stack,
    options.preview ?? false,
    options.organization ?? "organization",
  );

  // Resource options never reach Mocks.newResource; read them off the request.
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) => {
    const key = `${req.getType()}::${req.getName()}`;
    pendingOptions.set(key, {
      parent: req.getParent(),
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      ignoreChanges: req.getIgnorechangesList(),
      dependencies: req.getDependenciesList(),
    });
    return register(req, (err: unknown, response: any) => {
      const record = records.get(key);
      if (record && response) record.urn = response.getUrn();
      callback(err, response);
    });
  };

  const value = await program();
  const outputs = await resolveDeep(value);
  await settings.waitForRPCs();
  const resources = [...records.values()];
  return {
    resources,
    outputs: outputs as ProgramRun<T>["outputs"],
    ofType: (type) => resources.filter((r) => r.type === type),
    one(type) {
      const found = resources.filter((r) => r.type === type);
      if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
      return found[0]!;
    },
    dependsOn: (resource) => resources.filter((r) => r.urn !== "" && resource.dependencies.includes(r.urn)),
  };
}

/** Resolves every Output inside a value (objects, arrays) to its plain value. */
export async function resolveDeep(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    // Output.promise() is internal but, unlike apply(), rejects when the Output does, so a
    // program failing inside an apply fails its test instead of hanging until the timeout.
    return resolveDeep(await (value as unknown as { promise(): Promise<unknown> }).promise());
  }
  if (value instanceof Promise) return resolveDeep(await value);
  if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
  if (value !== null && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/** Resolves one Output (or plain value). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return resolveDeep(output) as Promise<T>;
}
