/**
 * `pulumi up` as the README says, on the production path: `pulumi up -s <stack>` in a
 * checkout (checkout.ts), index.ts run by the Node.js language host with Pulumi.yaml's
 * runtime options (`nodeargs: --require ./register-ts.js`, `typescript: false`;
 * language-host.ts), from the repository's own stack files, through the stand-in
 * providers into moto — then `pulumi preview --expect-no-changes` (no perpetual diff).
 * Here prod-dr as the region-loss runbook prepares it, then prod replicating into it; dev is deployed the same
 * way by the crash tier's world, and checked there (test/engine/crash/cutover-kills.test.ts,
 * with the cut-over and rollback through bin/gametracker-dr.js on this path).
 */
import { expect } from "chai";
import { DescribeDBInstancesCommand, DescribeDBSubnetGroupsCommand } from "@aws-sdk/client-rds";
import { GetBucketReplicationCommand, GetBucketVersioningCommand, GetObjectLockConfigurationCommand } from "@aws-sdk/client-s3";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { createAwsClients } from "../../automation/aws/clients";
import { restoreProgram } from "../../automation/restore/program";
import { RestoreResult } from "../../automation/restore/restore";
import { configureRestoreStack, readRestoreSpec } from "../../automation/restore/restore-stack";
import { EnvironmentOutputNames, RESTORE_PROJECT } from "../../contracts/stacks";
import { environmentProgram } from "../../environment-program";
import { runCli } from "../support/cli";
import { pulumiPreview, pulumiUp } from "../support/engine/dr-process";
import { ENVIRONMENT_EXPECTATIONS, expectEnvironmentAsConfigured } from "../support/engine/environment-checks";
import { useEngine } from "../support/engine/harness";
import { MotoLambdaRuntime } from "../support/lambda-runtime";
import { applyS3MotoGaps } from "../support/moto-gaps";
import { rdsEndpointDns } from "../support/rds-dns";
import { uploadedCodeDir } from "./standin/control";

describe("engine tier, production path: pulumi up -s prod and -s prod-dr through the Node.js language host", function () {
  this.timeout(5 * 60_000);
  const engine = useEngine();
  before(function () {
    if (engine.languageHostUnavailable !== undefined) {
      process.stderr.write(`production-path tests skipped: ${engine.languageHostUnavailable}\n`);
      this.skip();
    }
  });
  const noChanges = async (stack: string) => {
    const preview = await pulumiPreview(engine, stack);
    expect(preview.code, `pulumi preview -s ${stack} --expect-no-changes:\n${preview.stdout}\n${preview.stderr}`).to.equal(0);
  };

  it("prod-dr, its standby in us-west-2, then prod: up makes each as its stack file says (prod replicating its assets into prod-dr's locked bucket), the next previews change nothing, and an encrypted restore (its data validated by the bundled validator, failing honestly at the connection) plans nothing next", async () => {
    // prod-dr first, as the runbook prepares it (S3 refuses a replication rule whose
    // destination doesn't exist or isn't versioned): no database of its own, its DB subnet
    // group and an API waiting for one (databaseSource none), in us-west-2.
    const outputs = await pulumiUp(engine, "prod-dr");
    const dr = (key: string) => outputs[key];
    const west = createAwsClients({ endpoint: engine.motoEndpoint, region: "us-west-2" });
    try {
      expect(dr(EnvironmentOutputNames.awsRegion)).to.equal("us-west-2");
      expect(dr(EnvironmentOutputNames.databaseRole)).to.equal("standby");
      expect((await west.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).to.deep.equal([]);
      const groups = (await west.rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: String(dr(EnvironmentOutputNames.dbSubnetGroupName)) }))).DBSubnetGroups ?? [];
      expect(groups.map((g) => g.DBSubnetGroupName)).to.deep.equal([dr(EnvironmentOutputNames.dbSubnetGroupName)]);
      const api = await west.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: String(dr(EnvironmentOutputNames.apiFunctionName)) }));
      expect(api.Environment?.Variables?.SPRING_DATASOURCE_URL).to.equal("");
      expect((await west.s3.send(new GetBucketVersioningCommand({ Bucket: "gametracker-assets-prod-dr-example" }))).Status).to.equal("Enabled");
    } finally {
      west.destroy();
    }
    await noChanges("prod-dr");

    await expectEnvironmentAsConfigured(engine, "prod", await pulumiUp(engine, "prod"));
    // prod's rule names prod-dr's bucket, which prod-dr locked (replicas take its default
    // retention). S3 as the stand-in plugins see it: moto with its gaps, on the state they share.
    const east = createAwsClients({ endpoint: engine.motoEndpoint, region: "us-east-1" });
    applyS3MotoGaps(east.s3, engine.envVars.GAMETRACKER_STANDIN_GAP_STATE);
    try {
      const replica = "gametracker-assets-prod-dr-example";
      const rules = (await east.s3.send(new GetBucketReplicationCommand({ Bucket: ENVIRONMENT_EXPECTATIONS.prod.bucket }))).ReplicationConfiguration?.Rules ?? [];
      expect(rules.map((r) => [r.Status, r.Destination?.Bucket, r.DeleteMarkerReplication?.Status, r.Destination?.ReplicationTime?.Status])).to.deep.equal([["Enabled", `arn:aws:s3:::${replica}`, "Enabled", "Enabled"]]);
      const lock = (await east.s3.send(new GetObjectLockConfigurationCommand({ Bucket: replica }))).ObjectLockConfiguration;
      expect(lock).to.deep.include({ ObjectLockEnabled: "Enabled" });
      expect(lock?.Rule?.DefaultRetention).to.deep.include({ Mode: "COMPLIANCE", Days: 30 });
    } finally {
      east.destroy();
    }
    await noChanges("prod");

    // An encrypted backup restores encrypted; the restore stack declares it, so its next
    // update plans nothing (storageEncrypted and kmsKeyId force a replacement when they differ).
    // In-process: the bundled validator the engine deploys runs from the code the stand-in
    // uploaded, in the test-only Lambda runtime, which sits in the CLI's AWS clients.
    const aws = createAwsClients({ endpoint: engine.motoEndpoint, region: "us-east-1" });
    const runtime = new MotoLambdaRuntime(() => aws.lambda, { uploadedCodeDir: uploadedCodeDir(engine.levers.dir) });
    try {
      const world = () => engine.stacks({ environmentProgram: async () => environmentProgram(), inlinePrograms: { [RESTORE_PROJECT]: async () => restoreProgram() } });
      const restored = await runCli(["restore", "--stack", "prod", "--from", "snapshot:gametracker-manual-backup-v1", "--yes", "--json"], {
        clients: (o) => createAwsClients({ endpoint: engine.motoEndpoint, region: "us-east-1", ...o, middleware: runtime.middleware }),
        stacks: world,
        resolver: rdsEndpointDns(aws.rds),
      });
      const result = restored.json<RestoreResult>();
      // Pulumi.prod.yaml's validationWith bundled: the SQL validator ran beside the restored
      // instance with prod's checks and, with no SQL Server to reach here, failed honestly
      // at the connection; every other check passed and the instance is kept (exit 1).
      expect(restored.code, restored.stderr).to.equal(1);
      expect(runtime.invocations.map((i) => i.functionName)).to.deep.equal([`${result.stackName}-validator`]);
      const failed = result.checks.filter((c) => c.status === "fail");
      expect(failed.map((c) => c.name.replace(/ \(Lambda function .*\)$/, "")), JSON.stringify(result.checks)).to.deep.equal([
        "data validated by the bundled SQL validator",
        `connect to ${result.endpoint!.address}:1433 over TLS with the master user`,
      ]);
      expect(failed[1]!.actual).to.match(/ENOTFOUND/);
      const instance = (await aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: result.targetInstance }))).DBInstances![0]!;
      expect(instance.StorageEncrypted).to.equal(true);
      // From a fresh process, as the next `restore --resume` or a reviewer would run it.
      const restoreStack = await world().select({ project: RESTORE_PROJECT, stack: result.stackName });
      await configureRestoreStack(restoreStack, await readRestoreSpec(restoreStack));
      const planned = (await restoreStack.preview()).steps.filter((step) => step.op !== "same");
      expect(planned, JSON.stringify(planned, null, 1)).to.deep.equal([]);
    } finally {
      runtime.cleanup();
      aws.destroy();
    }
  });
});
