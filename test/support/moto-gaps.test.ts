/**
 * Each moto gap of test/support/moto-gaps.ts, shown twice against the emulator: the bare
 * client meets moto's behaviour (so the day moto fixes it, this fails and the behaviour
 * can go), the client with the gap layer meets the documented AWS rule.
 */
import { expect } from "chai";
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateVpcCommand, DescribeSecurityGroupRulesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient, ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import {
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  CreateDBSnapshotCommand,
  DBInstance,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
} from "@aws-sdk/client-rds";
import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { applyEc2MotoGaps, applyIamMotoGaps, applyMotoGaps, applyS3MotoGaps, defaultRdsKeyArn, MOTO_GAPS } from "./moto-gaps";
import { useEmulator } from "./emulator";

const region = "us-east-1";

describe("moto gaps and the behaviours that restore the AWS rules", function () {
  this.timeout(30_000);
  const emulator = useEmulator();
  const made: Array<{ destroy(): void }> = [];
  const client = <T extends { destroy(): void }>(c: T) => (made.push(c), c);
  afterEach(() => made.splice(0).forEach((c) => c.destroy()));
  const config = () => ({ region, endpoint: emulator.endpoint() });

  it("documents each behaviour with the rule it restores", () => {
    for (const gap of MOTO_GAPS) expect(gap.restores, gap.name).to.match(/API Reference|User Guide/);
  });

  async function protectedSnapshot(rds: RDSClient) {
    await rds.send(
      new CreateDBInstanceCommand({ DBInstanceIdentifier: "src", Engine: "sqlserver-ex", DBInstanceClass: "db.t3.micro", AllocatedStorage: 20, MasterUsername: "a", MasterUserPassword: "password1", DeletionProtection: true, CopyTagsToSnapshot: true }),
    );
    await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: "src", DBSnapshotIdentifier: "snap" }));
  }

  it("rds-restore-takes-request-values: DeletionProtection=false on restore", async () => {
    const bare = client(new RDSClient(config()));
    await protectedSnapshot(bare);
    const restore = (rds: RDSClient, id: string) => rds.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: id, DBSnapshotIdentifier: "snap", DeletionProtection: false }));
    const fromMoto = (await restore(bare, "bare")).DBInstance!;
    expect([fromMoto.DeletionProtection, fromMoto.CopyTagsToSnapshot], "moto copies the source's").to.deep.equal([true, true]);
    const gapped = client(new RDSClient(config()));
    applyMotoGaps(gapped, region);
    const fixed = (await restore(gapped, "fixed")).DBInstance!;
    expect([fixed.DeletionProtection, fixed.CopyTagsToSnapshot]).to.deep.equal([false, false]);
    const described = (await bare.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "fixed" }))).DBInstances![0]!;
    expect(described.DeletionProtection, "the instance in moto, not just the answer").to.equal(false);
  });

  it("rds-restore-without-managed-secret: a restored instance has no managed secret until it is modified to have one", async () => {
    const bare = client(new RDSClient(config()));
    await bare.send(
      new CreateDBInstanceCommand({ DBInstanceIdentifier: "managed", Engine: "sqlserver-ex", DBInstanceClass: "db.t3.micro", AllocatedStorage: 20, MasterUsername: "a", ManageMasterUserPassword: true }),
    );
    await bare.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: "managed", DBSnapshotIdentifier: "managed-snap" }));
    const restore = (rds: RDSClient, id: string) => rds.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: id, DBSnapshotIdentifier: "managed-snap" }));
    expect((await restore(bare, "bare-copy")).DBInstance!.MasterUserSecret, "moto gives it a secret").not.to.equal(undefined);
    const gapped = client(new RDSClient(config()));
    applyMotoGaps(gapped, region);
    expect((await restore(gapped, "fixed-copy")).DBInstance!.MasterUserSecret).to.equal(undefined);
    const modified = await gapped.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: "fixed-copy", ManageMasterUserPassword: true, ApplyImmediately: true }));
    expect(modified.DBInstance!.MasterUserSecret?.SecretArn).to.be.a("string");
  });

  it("rds-default-kms-key-arn: an instance encrypted with the default key names it by its key ARN, and so do its snapshots and restores", async () => {
    const create = (rds: RDSClient, id: string) =>
      rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: id, Engine: "sqlserver-se", DBInstanceClass: "db.m5.large", AllocatedStorage: 20, MasterUsername: "a", MasterUserPassword: "password1", StorageEncrypted: true, BackupRetentionPeriod: 7 }));
    const bare = client(new RDSClient(config()));
    expect((await create(bare, "bare-encrypted")).DBInstance!.KmsKeyId, "moto's placeholder").to.equal("default_kms_key_id");
    const gapped = client(new RDSClient(config()));
    applyMotoGaps(gapped, region);
    const key = (await create(gapped, "encrypted")).DBInstance!.KmsKeyId!;
    expect(key).to.match(/^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(key).to.equal(defaultRdsKeyArn("us-east-1", "123456789012"));
    // Stored in moto: a client without the gap reads the same ARN, and it travels with the data.
    await bare.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: "encrypted", DBSnapshotIdentifier: "encrypted-snap" }));
    expect((await bare.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: "encrypted-snap" }))).DBSnapshots![0]!.KmsKeyId).to.equal(key);
    const restored = await bare.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: "encrypted-copy", DBSnapshotIdentifier: "encrypted-snap" }));
    expect(restored.DBInstance!.KmsKeyId).to.equal(key);
    // A key the request names is left alone, as is an unencrypted instance.
    const named = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-8444-555555555555";
    const own = await gapped.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: "own-key", Engine: "sqlserver-se", DBInstanceClass: "db.m5.large", AllocatedStorage: 20, MasterUsername: "a", MasterUserPassword: "password1", StorageEncrypted: true, KmsKeyId: named }));
    expect(own.DBInstance!.KmsKeyId).to.equal(named);
    const plain = await gapped.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: "plain", Engine: "sqlserver-ex", DBInstanceClass: "db.t3.micro", AllocatedStorage: 20, MasterUsername: "a", MasterUserPassword: "password1" }));
    expect(plain.DBInstance!.KmsKeyId).to.equal(undefined);
  });

  it("rds-point-in-time-restore-is-no-replica: an instance restored to a point in time is standalone; a real read replica stays one", async () => {
    const bare = client(new RDSClient(config()));
    await bare.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: "live", Engine: "sqlserver-ex", DBInstanceClass: "db.t3.micro", AllocatedStorage: 20, MasterUsername: "a", MasterUserPassword: "password1", BackupRetentionPeriod: 7 }));
    const restored = await bare.send(new RestoreDBInstanceToPointInTimeCommand({ SourceDBInstanceIdentifier: "live", TargetDBInstanceIdentifier: "pit", UseLatestRestorableTime: true }));
    expect(restored.DBInstance!.ReadReplicaSourceDBInstanceIdentifier, "moto's answer").to.equal("live");
    await bare.send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: "replica", SourceDBInstanceIdentifier: "live" }));
    const gapped = client(new RDSClient(config()));
    applyMotoGaps(gapped, region);
    const source = (id: string) => gapped.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })).then((r) => r.DBInstances![0]!.ReadReplicaSourceDBInstanceIdentifier);
    expect(await source("pit")).to.equal(undefined);
    expect(await source("replica")).to.equal("live");
    const all = (await gapped.send(new DescribeDBInstancesCommand({}))).DBInstances!.map((d) => [d.DBInstanceIdentifier, d.ReadReplicaSourceDBInstanceIdentifier ?? "-"]);
    expect(all.sort()).to.deep.equal([["live", "-"], ["pit", "-"], ["replica", "live"]]);
    const again = await gapped.send(new RestoreDBInstanceToPointInTimeCommand({ SourceDBInstanceIdentifier: "live", TargetDBInstanceIdentifier: "pit-2", UseLatestRestorableTime: true }));
    expect(again.DBInstance!.ReadReplicaSourceDBInstanceIdentifier, "the restore's own answer").to.equal(undefined);
  });

  it("rds-pending-modifications: with ApplyImmediately false the window's settings wait in PendingModifiedValues, the rest applies at once; a refusal defers nothing; ApplyImmediately true applies the queue", async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "moto-gaps-"));
    const create = (rds: RDSClient, id: string) =>
      rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: id, Engine: "sqlserver-ex", DBInstanceClass: "db.t3.micro", AllocatedStorage: 20, MasterUsername: "a", MasterUserPassword: "password1", BackupRetentionPeriod: 7 }));
    const deferrable = { DBInstanceClass: "db.t3.small", AllocatedStorage: 30, MultiAZ: true, PreferredBackupWindow: "01:00-01:30", BackupRetentionPeriod: 14, ApplyImmediately: false };
    const bare = client(new RDSClient(config()));
    await create(bare, "bare-db");
    const fromMoto = (await bare.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: "bare-db", ...deferrable }))).DBInstance!;
    expect([fromMoto.DBInstanceClass, fromMoto.AllocatedStorage, fromMoto.MultiAZ, fromMoto.PendingModifiedValues], "moto applies at once").to.deep.equal(["db.t3.small", 30, true, undefined]);

    const gapped = client(new RDSClient(config()));
    applyMotoGaps(gapped, region, state);
    await create(gapped, "db");
    const answered = (await gapped.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: "db", ...deferrable }))).DBInstance!;
    const shape = (d: DBInstance) => ({ class: d.DBInstanceClass, storage: d.AllocatedStorage, multiAz: d.MultiAZ, backupWindow: d.PreferredBackupWindow, retention: d.BackupRetentionPeriod, pending: d.PendingModifiedValues });
    const waiting = { class: "db.t3.micro", storage: 20, multiAz: false, backupWindow: "01:00-01:30", retention: 14, pending: { DBInstanceClass: "db.t3.small", AllocatedStorage: 30, MultiAZ: true } };
    expect(shape(answered)).to.deep.equal(waiting);
    // Another process with the same state reads the same; moto itself holds the old values.
    const elsewhere = client(new RDSClient(config()));
    applyMotoGaps(elsewhere, region, state);
    const describe = async (rds: RDSClient, id = "db") => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
    expect(shape(await describe(elsewhere))).to.deep.equal(waiting);
    expect(shape(await describe(bare))).to.deep.equal({ ...waiting, pending: undefined });

    // Retention from a nonzero value to 0 waits for the window too; a later request for a pending setting replaces its value.
    await gapped.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: "db", BackupRetentionPeriod: 0, DBInstanceClass: "db.t3.medium" }));
    expect((await describe(gapped)).PendingModifiedValues).to.deep.equal({ DBInstanceClass: "db.t3.medium", AllocatedStorage: 30, MultiAZ: true, BackupRetentionPeriod: 0 });

    // RDS says no (a maintenance window that is no window): the whole request is refused, and nothing of it waits.
    let refused: unknown;
    await gapped.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: "db", DBInstanceClass: "db.m5.large", PreferredMaintenanceWindow: "someday" })).catch((e) => (refused = e));
    expect((refused as Error).name).to.equal("InvalidParameterValue");
    expect((await describe(gapped)).PendingModifiedValues?.DBInstanceClass).to.equal("db.t3.medium");

    // ApplyImmediately true: the request and the queue, now.
    const applied = (await gapped.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: "db", CopyTagsToSnapshot: true, ApplyImmediately: true }))).DBInstance!;
    expect({ ...shape(applied), copyTags: applied.CopyTagsToSnapshot }).to.deep.equal({ class: "db.t3.medium", storage: 30, multiAz: true, backupWindow: "01:00-01:30", retention: 0, pending: undefined, copyTags: true });
    expect((await describe(elsewhere)).PendingModifiedValues).to.equal(undefined);

    // What waits dies with its instance: a namesake starts with nothing pending.
    await gapped.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: "db", DBInstanceClass: "db.t3.large" }));
    await gapped.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: "db", SkipFinalSnapshot: true }));
    await create(gapped, "db");
    expect((await describe(gapped)).PendingModifiedValues).to.equal(undefined);
    fs.rmSync(state, { recursive: true, force: true });
  });

  it("rds-unique-dbi-resource-id: every instance its own id, and the dbi-resource-id filter finds one", async () => {
    const bare = client(new RDSClient(config()));
    await protectedSnapshot(bare);
    await bare.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: "copy", DBSnapshotIdentifier: "snap" }));
    const ids = (await bare.send(new DescribeDBInstancesCommand({}))).DBInstances!.map((d) => d.DbiResourceId);
    expect(new Set(ids).size, "moto's constant").to.equal(1);
    const gapped = client(new RDSClient(config()));
    applyMotoGaps(gapped, region);
    const instances = (await gapped.send(new DescribeDBInstancesCommand({}))).DBInstances!;
    expect(new Set(instances.map((d) => d.DbiResourceId)).size).to.equal(2);
    const copy = instances.find((d) => d.DBInstanceIdentifier === "copy")!;
    const found = await gapped.send(new DescribeDBInstancesCommand({ Filters: [{ Name: "dbi-resource-id", Values: [copy.DbiResourceId!] }] }));
    expect(found.DBInstances!.map((d) => d.DBInstanceIdentifier)).to.deep.equal(["copy"]);
  });

  it("ec2-rule-description-of-group-reference", async () => {
    const bare = client(new EC2Client(config()));
    const vpc = (await bare.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }))).Vpc!.VpcId!;
    const a = (await bare.send(new CreateSecurityGroupCommand({ GroupName: "a", Description: "a", VpcId: vpc }))).GroupId!;
    const b = (await bare.send(new CreateSecurityGroupCommand({ GroupName: "b", Description: "b", VpcId: vpc }))).GroupId!;
    const rule = (
      await bare.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: a, IpPermissions: [{ IpProtocol: "tcp", FromPort: 1433, ToPort: 1433, UserIdGroupPairs: [{ GroupId: b, Description: "SQL Server from the API" }] }] }))
    ).SecurityGroupRules![0]!.SecurityGroupRuleId!;
    const describe = (ec2: EC2Client) => ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [rule] })).then((r) => r.SecurityGroupRules![0]!.Description);
    expect(await describe(bare)).to.equal(undefined);
    const gapped = client(new EC2Client(config()));
    applyEc2MotoGaps(gapped);
    expect(await describe(gapped)).to.equal("SQL Server from the API");
  });

  it("s3-lifecycle-newer-noncurrent-versions", async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "moto-gaps-"));
    const bare = client(new S3Client({ ...config(), forcePathStyle: true }));
    await bare.send(new CreateBucketCommand({ Bucket: "lifecycle-gap" }));
    const gapped = client(new S3Client({ ...config(), forcePathStyle: true }));
    applyS3MotoGaps(gapped, state);
    await gapped.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: "lifecycle-gap",
        LifecycleConfiguration: { Rules: [{ ID: "keep-3", Status: "Enabled", Filter: { Prefix: "" }, NoncurrentVersionExpiration: { NoncurrentDays: 30, NewerNoncurrentVersions: 3 } }] },
      }),
    );
    const read = (s3: S3Client) => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: "lifecycle-gap" })).then((r) => r.Rules![0]!.NoncurrentVersionExpiration);
    expect(await read(bare)).to.deep.equal({ NoncurrentDays: 30 });
    expect(await read(gapped)).to.deep.equal({ NoncurrentDays: 30, NewerNoncurrentVersions: 3 });
    fs.rmSync(state, { recursive: true, force: true });
  });

  it("s3-replication-destination-checked: a destination that doesn't exist, then one not versioned, then one that is", async () => {
    const bare = client(new S3Client({ ...config(), forcePathStyle: true }));
    await bare.send(new CreateBucketCommand({ Bucket: "replication-source" }));
    await bare.send(new PutBucketVersioningCommand({ Bucket: "replication-source", VersioningConfiguration: { Status: "Enabled" } }));
    const put = (s3: S3Client) =>
      s3.send(
        new PutBucketReplicationCommand({
          Bucket: "replication-source",
          ReplicationConfiguration: { Role: "arn:aws:iam::123456789012:role/r", Rules: [{ ID: "r", Priority: 1, Status: "Enabled", Filter: {}, DeleteMarkerReplication: { Status: "Enabled" }, Destination: { Bucket: "arn:aws:s3:::replication-replica" } }] },
        }),
      );
    await put(bare);
    const gapped = client(new S3Client({ ...config(), forcePathStyle: true }));
    applyS3MotoGaps(gapped, undefined);
    const refusal = (s3: S3Client) => put(s3).then(() => "accepted", (e: Error) => `${e.name}: ${e.message}`);
    expect(await refusal(gapped)).to.equal("InvalidRequest: Destination bucket must exist.");
    await bare.send(new CreateBucketCommand({ Bucket: "replication-replica" }));
    expect(await refusal(gapped)).to.equal("InvalidRequest: Destination bucket must have versioning enabled.");
    await bare.send(new PutBucketVersioningCommand({ Bucket: "replication-replica", VersioningConfiguration: { Status: "Enabled" } }));
    expect(await refusal(gapped)).to.equal("accepted");
  });

  it("s3-replication-configuration-read-back", async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "moto-gaps-"));
    const bare = client(new S3Client({ ...config(), forcePathStyle: true }));
    for (const bucket of ["read-back-source", "read-back-replica"]) {
      await bare.send(new CreateBucketCommand({ Bucket: bucket }));
      await bare.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    }
    const gapped = client(new S3Client({ ...config(), forcePathStyle: true }));
    applyS3MotoGaps(gapped, state);
    const rule = {
      ID: "r",
      Priority: 1,
      Status: "Enabled" as const,
      Filter: { Prefix: "characters/" },
      DeleteMarkerReplication: { Status: "Enabled" as const },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" as const } },
      Destination: { Bucket: "arn:aws:s3:::read-back-replica", EncryptionConfiguration: { ReplicaKmsKeyID: "arn:aws:kms:us-west-2:123456789012:key/k" } },
    };
    await gapped.send(new PutBucketReplicationCommand({ Bucket: "read-back-source", ReplicationConfiguration: { Role: "arn:aws:iam::123456789012:role/r", Rules: [rule] } }));
    const read = (s3: S3Client) => s3.send(new GetBucketReplicationCommand({ Bucket: "read-back-source" })).then((r) => r.ReplicationConfiguration!.Rules![0]!);
    expect(await read(bare)).to.deep.include({ DeleteMarkerReplication: { Status: "Disabled" }, Filter: { Prefix: "" } }).and.not.have.property("SourceSelectionCriteria");
    expect(await read(gapped)).to.deep.include({ DeleteMarkerReplication: rule.DeleteMarkerReplication, Filter: rule.Filter, SourceSelectionCriteria: rule.SourceSelectionCriteria, Destination: rule.Destination });
    fs.rmSync(state, { recursive: true, force: true });
  });

  it("s3-bucket-policy-conditions: the TLS-only Deny refuses every object request on moto; with the gap, a request is judged as one over TLS and the policy reads back whole", async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "moto-gaps-"));
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::tls-only", "arn:aws:s3:::tls-only/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
    });
    const put = (s3: S3Client) => s3.send(new PutObjectCommand({ Bucket: "tls-only", Key: "k", Body: "x" })).then(() => "written", (e: Error & { $metadata?: { httpStatusCode?: number } }) => String(e.$metadata?.httpStatusCode));
    const bare = client(new S3Client({ ...config(), forcePathStyle: true }));
    await bare.send(new CreateBucketCommand({ Bucket: "tls-only" }));
    await bare.send(new PutBucketPolicyCommand({ Bucket: "tls-only", Policy: policy }));
    expect(await put(bare)).to.equal("403");
    const gapped = client(new S3Client({ ...config(), forcePathStyle: true }));
    applyS3MotoGaps(gapped, state);
    await gapped.send(new PutBucketPolicyCommand({ Bucket: "tls-only", Policy: policy }));
    expect(await put(gapped)).to.equal("written");
    expect(JSON.parse((await gapped.send(new GetBucketPolicyCommand({ Bucket: "tls-only" }))).Policy!)).to.deep.equal(JSON.parse(policy));
    fs.rmSync(state, { recursive: true, force: true });
  });

  it("iam-aws-managed-policies: attach an AWS managed policy, read it back by its AWS ARN", async () => {
    const arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
    const bare = client(new IAMClient(config()));
    await bare.send(new CreateRoleCommand({ RoleName: "api", AssumeRolePolicyDocument: "{}" }));
    let error: unknown;
    await bare.send(new AttachRolePolicyCommand({ RoleName: "api", PolicyArn: arn })).catch((e) => (error = e));
    expect((error as Error).name).to.equal("NoSuchEntityException");
    const gapped = client(new IAMClient(config()));
    applyIamMotoGaps(gapped);
    await gapped.send(new AttachRolePolicyCommand({ RoleName: "api", PolicyArn: arn }));
    const attached = await gapped.send(new ListAttachedRolePoliciesCommand({ RoleName: "api" }));
    expect(attached.AttachedPolicies!.map((p) => p.PolicyArn)).to.deep.equal([arn]);
  });
});
