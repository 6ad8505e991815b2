/**
 * Every resource type the environment registers, through the engine and the stand-ins at
 * once: the product's real components (Network with its awsx Vpc, Database, AssetsBucket,
 * Api) wired as environment.ts wires them (test/support/engine/programs.ts). An up lands in
 * moto as the components intend; the next preview changes nothing — no perpetual diff for
 * any of them; and `destroy` is refused because the primary instance is protected.
 */
import { expect } from "chai";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetBucketVersioningCommand, GetPublicAccessBlockCommand, S3Client } from "@aws-sdk/client-s3";
import { useEngine } from "../support/engine/harness";
import { componentsProgram } from "../support/engine/programs";
import { formatTiming } from "../support/engine/timings";

const PROJECT = "engine-components";

describe("engine tier: the environment's components", function () {
  this.timeout(240_000);
  const engine = useEngine({ scope: "suite" });
  const settings = { identifier: "gt-engine", bucketName: "gt-engine-assets", functionName: "gt-engine-api" };
  let stack: Awaited<ReturnType<ReturnType<typeof engine.stacks>["createOrSelect"]>>;

  before(async () => {
    stack = await engine.stacks({ inlinePrograms: { [PROJECT]: componentsProgram(() => settings) } }).createOrSelect({ project: PROJECT, stack: "dev" });
    await stack.setConfig("aws:region", "us-east-1");
  });

  it("up applies every type to moto as the components intend", async () => {
    const { result: up, timing } = await engine.timed(() => stack.up());
    process.stdout.write(`      ${formatTiming(`up of ${up.changeSummary.create} resources`, timing)}\n`);
    expect(up.changeSummary.create).to.be.greaterThan(40);
    const config = { region: "us-east-1", endpoint: engine.motoEndpoint };
    const rds = new RDSClient(config);
    const lambda = new LambdaClient(config);
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    try {
      const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: settings.identifier }))).DBInstances![0]!;
      expect([db.DeletionProtection, db.BackupRetentionPeriod, db.PubliclyAccessible, db.DBSubnetGroup?.DBSubnetGroupName]).to.deep.equal([true, 7, false, "gt-engine-subnets"]);
      expect(up.outputs.databaseSecretArn!.value).to.equal(db.MasterUserSecret?.SecretArn);
      const fn = (await lambda.send(new GetFunctionCommand({ FunctionName: settings.functionName }))).Configuration!;
      expect(fn.Environment?.Variables?.SPRING_DATASOURCE_URL).to.contain(`jdbc:sqlserver://${db.Endpoint!.Address}:1433`);
      expect(fn.VpcConfig?.SubnetIds).to.have.members(up.outputs.privateSubnetIds!.value as string[]);
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: settings.bucketName }))).Status).to.equal("Enabled");
      expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: settings.bucketName }))).PublicAccessBlockConfiguration).to.deep.equal({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    } finally {
      [rds, lambda, s3].forEach((c) => c.destroy());
    }
  });

  it("the next preview changes nothing, for every type", async () => {
    const { result: preview, timing } = await engine.timed(() => stack.preview());
    process.stdout.write(`      ${formatTiming("preview", timing)}\n`);
    expect(preview.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()} ${s.detailedPaths.join(",")}`)).to.deep.equal([]);
  });

  it("destroy is refused by the engine: the primary instance is protected", async () => {
    let error: unknown;
    await stack.destroy().catch((e) => (error = e));
    expect(String(error)).to.match(/protect/);
  });
});
