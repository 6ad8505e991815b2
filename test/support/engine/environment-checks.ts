/**
 * What an environment deployed from the repository's stack files must be in moto, checked
 * the same way whichever path deployed it (production-paths.test.ts, the crash tier's world).
 */
import { expect } from "chai";
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from "@aws-sdk/client-rds";
import { GetBucketVersioningCommand } from "@aws-sdk/client-s3";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { createAwsClients } from "../../../automation/aws/clients";
import { EnvironmentOutputNames, ENVIRONMENT_PROJECT } from "../../../contracts/stacks";
import type { Engine } from "./harness";

/** What Pulumi.<stack>.yaml says, as moto must show it. */
export const ENVIRONMENT_EXPECTATIONS = {
  dev: { engine: "sqlserver-ex", encrypted: false, retention: 7, multiAz: false, bucket: "gametracker-assets-dev-example" },
  prod: { engine: "sqlserver-se", encrypted: true, retention: 14, multiAz: true, bucket: "gametracker-assets-prod-example" },
} as const;

/** The primary, its manual snapshot, the bucket and the API in moto as the stack file says; the primary protected in the backend. */
export async function expectEnvironmentAsConfigured(engine: Engine, stack: keyof typeof ENVIRONMENT_EXPECTATIONS, outputs: Record<string, unknown>): Promise<void> {
  const expected = ENVIRONMENT_EXPECTATIONS[stack];
  const out = (key: string) => outputs[key];
  const aws = createAwsClients({ endpoint: engine.motoEndpoint, region: "us-east-1" });
  try {
    const db = (await aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: String(out(EnvironmentOutputNames.databaseIdentifier)) }))).DBInstances![0]!;
    expect(db).to.deep.include({ Engine: expected.engine, BackupRetentionPeriod: expected.retention, MultiAZ: expected.multiAz, DeletionProtection: true, StorageEncrypted: expected.encrypted });
    expect(db.DBSubnetGroup?.DBSubnetGroupName).to.equal(out(EnvironmentOutputNames.dbSubnetGroupName));
    expect(db.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).to.deep.equal([out(EnvironmentOutputNames.dbSecurityGroupId)]);
    expect(db.Endpoint?.Address).to.equal(out(EnvironmentOutputNames.databaseEndpoint));
    expect(out(EnvironmentOutputNames.databaseSecretArn)).to.equal(db.MasterUserSecret?.SecretArn);
    const snapshots = (await aws.rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: db.DBInstanceIdentifier, SnapshotType: "manual" }))).DBSnapshots ?? [];
    expect(snapshots.map((x) => x.DBSnapshotIdentifier)).to.include("gametracker-manual-backup-v1");
    expect((await aws.s3.send(new GetBucketVersioningCommand({ Bucket: expected.bucket }))).Status).to.equal("Enabled");
    const fn = await aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: String(out(EnvironmentOutputNames.apiFunctionName)) }));
    expect(fn.Environment?.Variables?.SPRING_DATASOURCE_URL).to.contain(`jdbc:sqlserver://${db.Endpoint?.Address}:1433;`);
    expect(out(EnvironmentOutputNames.awsRegion)).to.equal("us-east-1");
    expect(out(EnvironmentOutputNames.activeDatabase)).to.equal("primary");
  } finally {
    aws.destroy();
  }
  const state = await engine.exportStack(ENVIRONMENT_PROJECT, stack);
  expect(state.resources.find((r) => r.type === "aws:rds/instance:Instance")?.protect).to.equal(true);
}
