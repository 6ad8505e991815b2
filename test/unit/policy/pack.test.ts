import { expect } from "chai";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { PACK_NAME, policies, resourceRules, stackRules } from "../../../policy/pack";

/** What the engine sends for a value it can't know during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
// The SDK wraps props in this proxy before a rule sees them; exported at runtime, not in its typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy, UnknownValueError } = require("@pulumi/policy") as {
  unknownCheckingProxy<T>(props: T): T;
  UnknownValueError: new (...args: never[]) => Error;
};

const RDS = "aws:rds/instance:Instance";
const LAMBDA = "aws:lambda/function:Function";
const goodInstance = {
  identifier: "gametracker-mssql",
  engine: "sqlserver-ex",
  backupRetentionPeriod: 7,
  copyTagsToSnapshot: true,
  deletionProtection: true,
  skipFinalSnapshot: false,
  finalSnapshotIdentifier: "gametracker-mssql-final-x",
  publiclyAccessible: false,
  storageEncrypted: false,
};
const badInstance = { ...goodInstance, backupRetentionPeriod: 0, publiclyAccessible: true, deletionProtection: false };

function byName(name: string) {
  const policy = policies.find((p) => p.name === name);
  if (!policy) throw new Error(`no policy ${name}`);
  return policy;
}

/** Runs one resource policy the way the SDK's server does: proxied props, a reportViolation callback. */
async function validate(name: string, type: string, props: Record<string, unknown>): Promise<{ violations: string[]; notApplicable?: string }> {
  const violations: string[] = [];
  const policy = byName(name) as ResourceValidationPolicy;
  const validation = policy.validateResource as Exclude<ResourceValidationPolicy["validateResource"], undefined | unknown[]>;
  class NotApplicable extends Error {}
  try {
    await validation(
      {
        type,
        name: "r",
        urn: `urn:pulumi:dev::gametracker::${type}::r`,
        props: unknownCheckingProxy(props),
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: (reason?: string) => {
          throw new NotApplicable(reason);
        },
      },
      (message) => violations.push(message),
    );
  } catch (error) {
    if (error instanceof NotApplicable) return { violations, notApplicable: error.message };
    throw error;
  }
  return { violations };
}

describe("policy pack wiring", () => {
  it("serves every rule as a mandatory policy with a unique name, a description and remediation steps", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).to.equal(names.length);
    expect(names).to.have.length(resourceRules.length + stackRules.length);
    for (const policy of policies) {
      expect(policy.enforcementLevel, policy.name).to.equal("mandatory");
      expect(policy.description.length, policy.name).to.be.greaterThan(20);
      expect(policy.remediationSteps, policy.name).to.be.a("string").and.not.empty;
    }
  });

  it("reports a resource rule's violations through the SDK's proxy", async () => {
    expect(await validate("rds-backup-retention", RDS, goodInstance)).to.deep.equal({ violations: [] });
    const result = await validate("rds-backup-retention", RDS, badInstance);
    expect(result.violations).to.have.length(1);
    expect(result.violations[0]).to.contain("backupRetentionPeriod 0");
  });

  it("declares itself not applicable to other resource types", async () => {
    expect((await validate("rds-backup-retention", LAMBDA, {})).notApplicable).to.contain(RDS);
  });

  it("turns a value unknown during preview into the SDK's UnknownValueError (an advisory note), not a pass or a failure", async () => {
    let thrown: unknown;
    try {
      await validate("rds-backup-retention", RDS, { ...goodInstance, backupRetentionPeriod: UNKNOWN });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(UnknownValueError);
    expect((thrown as Error).message).to.contain(".backupRetentionPeriod can't be known during preview");
  });

  it("still reports known violations when other values are unknown", async () => {
    const result = await validate("lambda-no-plaintext-secrets", LAMBDA, { environment: { variables: { SPRING_DATASOURCE_URL: UNKNOWN, DB_PASSWORD: "plain" } } });
    expect(result.violations).to.have.length(1);
    expect(result.violations[0]).to.contain('"DB_PASSWORD"');
  });

  it("gives a stack rule the resources with their property dependencies as URNs", async () => {
    const bucketUrn = "urn:pulumi:dev::gametracker::aws:s3/bucket:Bucket::assets-bucket";
    const resourceOf = (type: string, name: string, props: Record<string, unknown>, deps: Record<string, PolicyResource[]> = {}) =>
      ({ type, name, urn: type === "aws:s3/bucket:Bucket" ? bucketUrn : `urn:${name}`, props: unknownCheckingProxy(props), propertyDependencies: deps }) as unknown as PolicyResource;
    const bucket = resourceOf("aws:s3/bucket:Bucket", "assets-bucket", { bucket: UNKNOWN, tags: { "gametracker:role": "assets" } });
    const versioning = resourceOf("aws:s3/bucketVersioning:BucketVersioning", "v", { bucket: UNKNOWN, versioningConfiguration: { status: "Enabled" } }, { bucket: [bucket] });
    const reported: Array<[string, string | undefined]> = [];
    const policy = byName("s3-assets-versioning-enabled") as StackValidationPolicy;
    const args = { resources: [bucket, versioning], stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable: () => undefined as never };
    await policy.validateStack(args, (message, urn) => reported.push([message, urn]));
    expect(reported).to.deep.equal([]);
    await policy.validateStack({ ...args, resources: [bucket] }, (message, urn) => reported.push([message, urn]));
    expect(reported).to.have.length(1);
    expect(reported[0]![1]).to.equal(bucketUrn);
  });
});

/**
 * The pack as `pulumi preview --policy-pack policy` starts it: the nodejs language host
 * resolves @pulumi/pulumi/cmd/run-policy-pack from the pack directory (so from the
 * repository's node_modules), runs it with node in that directory, and talks gRPC to the
 * port it prints. Here this test plays the engine.
 */
describe("policy pack, started the way the Pulumi CLI starts it", function () {
  let pack: ChildProcess | undefined;
  let client: AnalyzerClient;
  const packDir = path.resolve(__dirname, "../../../policy");
  const stderr: string[] = [];

  before(async function () {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    pack = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
    pack.stderr!.on("data", (d: Buffer) => stderr.push(String(d)));
    const port = await new Promise<string>((resolve, reject) => {
      pack!.stdout!.once("data", (d: Buffer) => resolve(String(d).trim()));
      pack!.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr.join("")}`)));
    });
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    pack?.kill();
  });

  const call = <Req, Res>(method: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, req: Req) =>
    new Promise<Res>((resolve, reject) => method.call(client, req, (e, r) => (e ? reject(e) : resolve(r))));

  const options = () => new analyzer.AnalyzerResourceOptions().setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());

  function analyzeRequest(type: string, name: string, props: Record<string, unknown>) {
    return new analyzer.AnalyzeRequest()
      .setType(type)
      .setName(name)
      .setUrn(`urn:pulumi:dev::gametracker::${type}::${name}`)
      .setProperties(Struct.fromJavaScript(props as never))
      .setOptions(options());
  }

  it("announces the pack and its policies, all mandatory", async () => {
    const info = await call<Empty, analyzer.AnalyzerInfo>(client.getAnalyzerInfo, new Empty());
    expect(info.getName()).to.equal(PACK_NAME);
    expect(info.getVersion()).to.equal("0.1.0");
    const served = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]);
    expect(served).to.deep.equal(policies.map((p) => [p.name, analyzer.EnforcementLevel.MANDATORY]));
  });

  it("passes a hardened instance and blocks a bad one with one mandatory diagnostic per broken rule", async () => {
    const ok = await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(client.analyze, analyzeRequest(RDS, "db", goodInstance));
    expect(ok.getDiagnosticsList()).to.have.length(0);
    const bad = await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(client.analyze, analyzeRequest(RDS, "db", badInstance));
    const diagnostics = bad.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel()]);
    expect(diagnostics).to.have.deep.members([
      ["rds-backup-retention", analyzer.EnforcementLevel.MANDATORY],
      ["rds-deletion-protection", analyzer.EnforcementLevel.MANDATORY],
      ["rds-not-publicly-accessible", analyzer.EnforcementLevel.MANDATORY],
    ]);
  });

  it("during preview, notes a Lambda environment it can't see yet as advisory instead of failing it", async () => {
    const response = await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(
      client.analyze,
      analyzeRequest(LAMBDA, "api", { environment: { variables: { SPRING_DATASOURCE_URL: UNKNOWN, ASSETS_BUCKET: "gametracker-assets" } } }),
    );
    const diagnostics = response.getDiagnosticsList();
    expect(diagnostics).to.have.length(1);
    expect(diagnostics[0]!.getEnforcementlevel()).to.equal(analyzer.EnforcementLevel.ADVISORY);
    expect(diagnostics[0]!.getMessage()).to.contain("environment.variables.SPRING_DATASOURCE_URL can't be known during preview");
  });

  it("pairs a new bucket (unknown name) with its versioning and public access block through property dependencies", async () => {
    const bucketUrn = "urn:pulumi:dev::gametracker::gametracker:assets:AssetsBucket$aws:s3/bucket:Bucket::assets-bucket";
    const resource = (type: string, name: string, urn: string, props: Record<string, unknown>, bucketDependency: boolean) => {
      const r = new analyzer.AnalyzerResource().setType(type).setName(name).setUrn(urn).setProperties(Struct.fromJavaScript(props as never)).setOptions(options());
      if (bucketDependency) r.getPropertydependenciesMap().set("bucket", new analyzer.AnalyzerPropertyDependencies().setUrnsList([bucketUrn]));
      return r;
    };
    const bucket = resource("aws:s3/bucket:Bucket", "assets-bucket", bucketUrn, { bucket: UNKNOWN, tags: { "gametracker:role": "assets" } }, false);
    const versioning = resource("aws:s3/bucketVersioning:BucketVersioning", "assets-versioning", "urn:v", { bucket: UNKNOWN, versioningConfiguration: { status: "Enabled" } }, true);
    const block = resource(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "assets-public-access",
      "urn:b",
      { bucket: UNKNOWN, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: false },
      true,
    );
    const stack = (resources: analyzer.AnalyzerResource[]) =>
      call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(client.analyzeStack, new analyzer.AnalyzeStackRequest().setResourcesList(resources));

    const response = await stack([bucket, versioning, block]);
    const found = response.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel(), d.getUrn()]);
    expect(found).to.deep.equal([["s3-assets-public-access-blocked", analyzer.EnforcementLevel.MANDATORY, bucketUrn]]);
    expect(response.getDiagnosticsList()[0]!.getMessage()).to.contain("restrictPublicBuckets not true");

    const withoutVersioning = await stack([bucket, block]);
    expect(withoutVersioning.getDiagnosticsList().map((d) => d.getPolicyname())).to.include("s3-assets-versioning-enabled");

    // A versioning resource whose target is unknown and untraceable: neither a pass nor a failure yet.
    const untraceable = resource("aws:s3/bucketVersioning:BucketVersioning", "mystery", "urn:m", { bucket: UNKNOWN, versioningConfiguration: { status: "Enabled" } }, false);
    const undecided = (await stack([bucket, untraceable])).getDiagnosticsList().filter((d) => d.getPolicyname() === "s3-assets-versioning-enabled");
    expect(undecided.map((d) => d.getEnforcementlevel())).to.deep.equal([analyzer.EnforcementLevel.ADVISORY]);
    expect(undecided[0]!.getMessage()).to.contain(".bucket can't be known during preview");
  });
});
