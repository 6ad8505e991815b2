/**
 * The stand-in's Check refuses what the real provider refuses at preview: every input rule
 * of the schema table (terraform-provider-aws's ValidateFunc and ConflictsWith of the
 * attributes the programs set) has a case here with a value the provider refuses and the
 * provider's own message, and a test fails when a rule is added to the table without one.
 */
import { expect } from "chai";
import { parseEnvironmentConfig } from "../../../../config";
import { InvalidConfigError } from "../../../../components/errors";
import { checkInputs, CheckFailure, inputRuleFailures } from "./check";
import { AttrSpec, AWS_SCHEMA } from "./schema";
import type { Props } from "../protocol/wire";
import { UNKNOWN } from "../protocol/wire";

const T = {
  instance: "aws:rds/instance:Instance",
  replication: "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
  subnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  lambda: "aws:lambda/function:Function",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  bucket: "aws:s3/bucket:Bucket",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  bucketReplication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
} as const;

/** What each type needs besides the value under test (its required arguments), all valid. */
const BASE: Record<string, Props> = {
  [T.instance]: { instanceClass: "db.t3.micro" },
  [T.replication]: { sourceDbInstanceArn: "arn:aws:rds:us-east-1:123456789012:db:gametracker-mssql" },
  [T.subnetGroup]: { subnetIds: ["subnet-a", "subnet-b"] },
  [T.lambda]: { role: "arn:aws:iam::123456789012:role/api-role" },
  [T.logGroup]: {},
  [T.role]: { assumeRolePolicy: "{}" },
  [T.rolePolicy]: { role: "api-role", policy: "{}" },
  [T.attachment]: { role: "api-role", policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole" },
  [T.bucket]: {},
  [T.versioning]: { bucket: "assets", versioningConfiguration: { status: "Enabled" } },
  [T.encryption]: { bucket: "assets", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
  [T.ownership]: { bucket: "assets", rule: { objectOwnership: "BucketOwnerEnforced" } },
  [T.bucketPolicy]: { bucket: "assets", policy: "{}" },
  [T.objectLock]: { bucket: "assets-dr" },
  [T.bucketReplication]: { bucket: "assets", role: "arn:aws:iam::123456789012:role/replication", rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::assets-dr" } }] },
  [T.securityGroup]: {},
};

function check(type: string, set: Props): CheckFailure[] {
  return checkInputs(AWS_SCHEMA[type]!, { type, name: "x", olds: {}, news: { ...BASE[type], ...set }, randomSeed: new Uint8Array(), providerRegion: "us-east-1" }).failures;
}

interface Case {
  /** `<type> <property path> <rule>`, as ruleIds() names the table's rules. */
  rule: string;
  set: Props;
  property: string;
  reason: string;
}

const long = (n: number, c = "a") => c.repeat(n);
const rfc3339 = (v: string) => `must be in RFC3339 time format "2006-01-02T15:04:05Z07:00". Example: parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05Z07:00"`;

const CASES: Case[] = [
  // aws_db_instance (internal/service/rds/instance.go, validate.go)
  { rule: `${T.instance} identifier rds.validIdentifier`, set: { identifier: "GameTracker" }, property: "identifier", reason: 'only lowercase alphanumeric characters and hyphens allowed in "identifier"' },
  { rule: `${T.instance} identifier rds.validIdentifier`, set: { identifier: "1gametracker" }, property: "identifier", reason: 'first character of "identifier" must be a letter' },
  { rule: `${T.instance} identifier rds.validIdentifier`, set: { identifier: "game--tracker" }, property: "identifier", reason: '"identifier" cannot contain two consecutive hyphens' },
  { rule: `${T.instance} identifier rds.validIdentifier`, set: { identifier: "gametracker-" }, property: "identifier", reason: '"identifier" cannot end with a hyphen' },
  { rule: `${T.instance} backupRetentionPeriod validation.IntBetween`, set: { backupRetentionPeriod: 36 }, property: "backupRetentionPeriod", reason: "expected backup_retention_period to be in the range (0 - 35), got 36" },
  { rule: `${T.instance} backupRetentionPeriod validation.IntBetween`, set: { backupRetentionPeriod: -1 }, property: "backupRetentionPeriod", reason: "expected backup_retention_period to be in the range (0 - 35), got -1" },
  { rule: `${T.instance} backupWindow verify.ValidOnceADayWindowFormat`, set: { backupWindow: "3:00-4:00" }, property: "backupWindow", reason: '(3:00-4:00) must satisfy the format of "hh24:mi-hh24:mi"' },
  { rule: `${T.instance} backupWindow verify.ValidOnceADayWindowFormat`, set: { backupWindow: "03:00-24:00" }, property: "backupWindow", reason: '(03:00-24:00) must satisfy the format of "hh24:mi-hh24:mi"' },
  { rule: `${T.instance} finalSnapshotIdentifier validation.StringMatch`, set: { finalSnapshotIdentifier: "1-final" }, property: "finalSnapshotIdentifier", reason: "invalid value for final_snapshot_identifier (must begin with alphabetic character)" },
  { rule: `${T.instance} finalSnapshotIdentifier validation.StringMatch`, set: { finalSnapshotIdentifier: "final_1" }, property: "finalSnapshotIdentifier", reason: "invalid value for final_snapshot_identifier (must only contain alphanumeric characters and hyphens)" },
  { rule: `${T.instance} finalSnapshotIdentifier validation.StringDoesNotMatch`, set: { finalSnapshotIdentifier: "final--1" }, property: "finalSnapshotIdentifier", reason: "invalid value for final_snapshot_identifier (cannot contain two consecutive hyphens)" },
  { rule: `${T.instance} finalSnapshotIdentifier validation.StringDoesNotMatch`, set: { finalSnapshotIdentifier: "final-" }, property: "finalSnapshotIdentifier", reason: "invalid value for final_snapshot_identifier (cannot end in a hyphen)" },
  { rule: `${T.instance} kmsKeyId verify.ValidARN`, set: { kmsKeyId: "alias/aws/rds" }, property: "kmsKeyId", reason: '"kms_key_id" (alias/aws/rds) is an invalid ARN: arn: invalid prefix' },
  { rule: `${T.instance} kmsKeyId verify.ValidARN`, set: { kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" }, property: "kmsKeyId", reason: '"kms_key_id" (1234abcd-12ab-34cd-56ef-1234567890ab) is an invalid ARN: arn: invalid prefix' },
  { rule: `${T.instance} kmsKeyId verify.ValidARN`, set: { kmsKeyId: "arn:aws:kms:us-east-1" }, property: "kmsKeyId", reason: '"kms_key_id" (arn:aws:kms:us-east-1) is an invalid ARN: arn: not enough sections' },
  { rule: `${T.instance} kmsKeyId verify.ValidARN`, set: { kmsKeyId: "arn:aws:kms:us-east-1:1234:key/k" }, property: "kmsKeyId", reason: '"kms_key_id" (arn:aws:kms:us-east-1:1234:key/k) is an invalid ARN: invalid account ID value (expecting to match regular expression: ^(aws|aws-managed|third-party|\\d{12}|cw.{10})$)' },
  { rule: `${T.instance} maintenanceWindow verify.ValidOnceAWeekWindowFormat`, set: { maintenanceWindow: "Sunday:05:00-Sunday:06:00" }, property: "maintenanceWindow", reason: '(sunday:05:00-sunday:06:00) must satisfy the format of "ddd:hh24:mi-ddd:hh24:mi"' },
  { rule: `${T.instance} manageMasterUserPassword conflictsWith password`, set: { manageMasterUserPassword: true, password: "hunter22" }, property: "manageMasterUserPassword", reason: '"manage_master_user_password": conflicts with password' },
  { rule: `${T.instance} restoreToPointInTime conflictsWith snapshotIdentifier`, set: { restoreToPointInTime: { sourceDbInstanceIdentifier: "db", useLatestRestorableTime: true }, snapshotIdentifier: "snap" }, property: "restoreToPointInTime", reason: '"restore_to_point_in_time": conflicts with snapshot_identifier' },
  { rule: `${T.instance} restoreToPointInTime conflictsWith replicateSourceDb`, set: { restoreToPointInTime: { sourceDbInstanceIdentifier: "db", useLatestRestorableTime: true }, replicateSourceDb: "db" }, property: "restoreToPointInTime", reason: '"restore_to_point_in_time": conflicts with replicate_source_db' },
  { rule: `${T.instance} restoreToPointInTime.restoreTime verify.ValidUTCTimestamp`, set: { restoreToPointInTime: { sourceDbInstanceIdentifier: "db", restoreTime: "2025-06-01 12:34:56" } }, property: "restoreToPointInTime.restoreTime", reason: rfc3339("2025-06-01 12:34:56") },
  { rule: `${T.instance} restoreToPointInTime.restoreTime verify.ValidUTCTimestamp`, set: { restoreToPointInTime: { sourceDbInstanceIdentifier: "db", restoreTime: "2025-02-30T00:00:00Z" } }, property: "restoreToPointInTime.restoreTime", reason: rfc3339("2025-02-30T00:00:00Z") },
  { rule: `${T.instance} restoreToPointInTime.restoreTime conflictsWith useLatestRestorableTime`, set: { restoreToPointInTime: { sourceDbInstanceIdentifier: "db", restoreTime: "2025-06-01T12:34:56Z", useLatestRestorableTime: true } }, property: "restoreToPointInTime.restoreTime", reason: '"restore_to_point_in_time.0.restore_time": conflicts with restore_to_point_in_time.0.use_latest_restorable_time' },
  { rule: `${T.instance} restoreToPointInTime.useLatestRestorableTime conflictsWith restoreTime`, set: { restoreToPointInTime: { sourceDbInstanceIdentifier: "db", restoreTime: "2025-06-01T12:34:56Z", useLatestRestorableTime: true } }, property: "restoreToPointInTime.useLatestRestorableTime", reason: '"restore_to_point_in_time.0.use_latest_restorable_time": conflicts with restore_to_point_in_time.0.restore_time' },
  { rule: `${T.instance} username conflictsWith replicateSourceDb`, set: { username: "gtadmin", replicateSourceDb: "db" }, property: "username", reason: '"username": conflicts with replicate_source_db' },
  // aws_db_instance_automated_backups_replication
  { rule: `${T.replication} kmsKeyId verify.ValidARN`, set: { kmsKeyId: "alias/dr-backups" }, property: "kmsKeyId", reason: '"kms_key_id" (alias/dr-backups) is an invalid ARN: arn: invalid prefix' },
  { rule: `${T.replication} sourceDbInstanceArn verify.ValidARN`, set: { sourceDbInstanceArn: "gametracker-mssql" }, property: "sourceDbInstanceArn", reason: '"source_db_instance_arn" (gametracker-mssql) is an invalid ARN: arn: invalid prefix' },
  // aws_db_subnet_group
  { rule: `${T.subnetGroup} name rds.validSubnetGroupName`, set: { name: "GameTracker-Subnets" }, property: "name", reason: 'only lowercase alphanumeric characters, hyphens, underscores, periods, and spaces allowed in "name"' },
  { rule: `${T.subnetGroup} name rds.validSubnetGroupName`, set: { name: long(256) }, property: "name", reason: '"name" cannot be longer than 255 characters' },
  { rule: `${T.subnetGroup} name rds.validSubnetGroupName`, set: { name: "default" }, property: "name", reason: '"Default" is not allowed as "name"' },
  // aws_lambda_function (internal/service/lambda/function.go, validate.go)
  { rule: `${T.lambda} name lambda.validFunctionName`, set: { name: "gametracker dev api" }, property: "name", reason: "invalid value for function_name (must be valid function name or function ARN)" },
  { rule: `${T.lambda} name lambda.validFunctionName`, set: { name: long(65) }, property: "name", reason: `expected length of the Lambda function name to be less than or equal to 64, got ${long(65)} (65 characters)` },
  { rule: `${T.lambda} runtime validation.StringInSlice`, set: { runtime: "java22" }, property: "runtime", reason: "expected runtime to be one of [" },
  { rule: `${T.lambda} handler validation.StringLenBetween`, set: { handler: long(129) }, property: "handler", reason: `expected length of handler to be in the range (1 - 128), got ${long(129)}` },
  { rule: `${T.lambda} memorySize validation.IntBetween`, set: { memorySize: 64 }, property: "memorySize", reason: "expected memory_size to be in the range (128 - 10240), got 64" },
  { rule: `${T.lambda} timeout validation.IntBetween`, set: { timeout: 901 }, property: "timeout", reason: "expected timeout to be in the range (1 - 900), got 901" },
  { rule: `${T.lambda} role verify.ValidARN`, set: { role: "api-role" }, property: "role", reason: '"role" (api-role) is an invalid ARN: arn: invalid prefix' },
  // aws_cloudwatch_log_group (internal/service/logs/group.go, validate.go)
  { rule: `${T.logGroup} name logs.validLogGroupName`, set: { name: "/aws/lambda/gametracker dev" }, property: "name", reason: '"name" isn\'t a valid log group name (alphanumeric characters, underscores, hyphens, slashes, hash signs and dots are allowed): "/aws/lambda/gametracker dev"' },
  { rule: `${T.logGroup} name logs.validLogGroupName`, set: { name: long(513) }, property: "name", reason: `"name" cannot be longer than 512 characters: "${long(513)}"` },
  { rule: `${T.logGroup} retentionInDays validation.IntInSlice`, set: { retentionInDays: 2 }, property: "retentionInDays", reason: "expected retention_in_days to be one of [0 1 3 5 7 14 30 60 90 120 150 180 365 400 545 731 1096 1827 2192 2557 2922 3288 3653], got 2" },
  // aws_iam_role, aws_iam_role_policy, aws_iam_role_policy_attachment (internal/service/iam)
  { rule: `${T.role} assumeRolePolicy verify.ValidIAMPolicyJSON`, set: { assumeRolePolicy: "[]" }, property: "assumeRolePolicy", reason: '"assume_role_policy" contains an invalid JSON policy: contains a JSON array, not a JSON object' },
  { rule: `${T.role} assumeRolePolicy verify.ValidIAMPolicyJSON`, set: { assumeRolePolicy: ' {"Version":"2012-10-17"}' }, property: "assumeRolePolicy", reason: '"assume_role_policy" contains an invalid JSON policy: leading space characters are not allowed' },
  { rule: `${T.role} description validation.StringLenBetween`, set: { description: long(1001) }, property: "description", reason: `expected length of description to be in the range (0 - 1000), got ${long(1001)}` },
  { rule: `${T.role} description validation.StringDoesNotMatch`, set: { description: "Runs the “API”" }, property: "description", reason: "invalid value for description (cannot contain specially formatted single or double quotes: [“‘])" },
  { rule: `${T.rolePolicy} policy verify.ValidIAMPolicyJSON`, set: { policy: '"{}"' }, property: "policy", reason: '"policy" contains an invalid JSON policy: contains a JSON-encoded string, not a JSON-encoded object' },
  { rule: `${T.rolePolicy} policy verify.ValidIAMPolicyJSON`, set: { policy: '{"Statement": [' }, property: "policy", reason: '"policy" contains an invalid JSON policy: ' },
  { rule: `${T.attachment} policyArn verify.ValidARN`, set: { policyArn: "AWSLambdaVPCAccessExecutionRole" }, property: "policyArn", reason: '"policy_arn" (AWSLambdaVPCAccessExecutionRole) is an invalid ARN: arn: invalid prefix' },
  // S3 (internal/service/s3)
  { rule: `${T.bucket} bucket validation.StringLenBetween`, set: { bucket: long(64) }, property: "bucket", reason: `expected length of bucket to be in the range (0 - 63), got ${long(64)}` },
  { rule: `${T.bucket} bucket validation.StringDoesNotMatch`, set: { bucket: "assets--use1-az4--x-s3" }, property: "bucket", reason: "invalid value for bucket (must not be in the format [bucket_name]--[azid]--x-s3. Use the aws_s3_directory_bucket resource to manage S3 Express buckets)" },
  { rule: `${T.versioning} bucket validation.StringLenBetween`, set: { bucket: "" }, property: "bucket", reason: "expected length of bucket to be in the range (1 - 63), got " },
  { rule: `${T.versioning} versioningConfiguration.status validation.StringInSlice`, set: { versioningConfiguration: { status: "On" } }, property: "versioningConfiguration.status", reason: "expected versioning_configuration.0.status to be one of [Enabled Suspended Disabled], got On" },
  { rule: `${T.encryption} rules.applyServerSideEncryptionByDefault.sseAlgorithm validation.StringInSlice`, set: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES-256" } }] }, property: "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm", reason: "expected rule.0.apply_server_side_encryption_by_default.0.sse_algorithm to be one of [" },
  { rule: `${T.ownership} rule.objectOwnership validation.StringInSlice`, set: { rule: { objectOwnership: "BucketOwner" } }, property: "rule.objectOwnership", reason: "expected rule.0.object_ownership to be one of [" },
  { rule: `${T.bucketPolicy} policy verify.ValidIAMPolicyJSON`, set: { policy: "" }, property: "policy", reason: '"policy" is an empty string, which is not a valid JSON value' },
  // aws_security_group (internal/service/ec2/vpc_security_group.go)
  { rule: `${T.objectLock} bucket validation.StringLenBetween`, set: { bucket: "" }, property: "bucket", reason: "expected length of bucket to be in the range (1 - 63), got " },
  { rule: `${T.objectLock} objectLockEnabled validation.StringInSlice`, set: { objectLockEnabled: "On" }, property: "objectLockEnabled", reason: "expected object_lock_enabled to be one of [Enabled], got On" },
  { rule: `${T.objectLock} rule.defaultRetention.mode validation.StringInSlice`, set: { rule: { defaultRetention: { mode: "LOCKED", days: 1 } } }, property: "rule.defaultRetention.mode", reason: "expected rule.0.default_retention.0.mode to be one of [COMPLIANCE GOVERNANCE], got LOCKED" },
  { rule: `${T.objectLock} rule.defaultRetention.days conflictsWith years`, set: { rule: { defaultRetention: { mode: "COMPLIANCE", days: 1, years: 1 } } }, property: "rule.defaultRetention.days", reason: '"rule.0.default_retention.0.days": conflicts with rule.0.default_retention.0.years' },
  { rule: `${T.objectLock} rule.defaultRetention.years conflictsWith days`, set: { rule: { defaultRetention: { mode: "COMPLIANCE", days: 1, years: 1 } } }, property: "rule.defaultRetention.years", reason: '"rule.0.default_retention.0.years": conflicts with rule.0.default_retention.0.days' },
  { rule: `${T.bucketReplication} bucket validation.StringLenBetween`, set: { bucket: long(64) }, property: "bucket", reason: `expected length of bucket to be in the range (1 - 63), got ${long(64)}` },
  { rule: `${T.bucketReplication} role verify.ValidARN`, set: { role: "replication" }, property: "role", reason: '"role" (replication) is an invalid ARN: arn: invalid prefix' },
  { rule: `${T.bucketReplication} rules.status validation.StringInSlice`, set: { rules: [{ status: "On", destination: { bucket: "arn:aws:s3:::assets-dr" } }] }, property: "rules[0].status", reason: "expected rule.0.status to be one of [Disabled Enabled], got On" },
  { rule: `${T.bucketReplication} rules.deleteMarkerReplication.status validation.StringInSlice`, set: { rules: [{ ...{ status: "Enabled", destination: { bucket: "arn:aws:s3:::assets-dr" } }, deleteMarkerReplication: { status: "On" } }] }, property: "rules[0].deleteMarkerReplication.status", reason: "expected rule.0.delete_marker_replication.0.status to be one of [Disabled Enabled], got On" },
  {
    rule: `${T.bucketReplication} rules.sourceSelectionCriteria.sseKmsEncryptedObjects.status validation.StringInSlice`,
    set: { rules: [{ ...{ status: "Enabled", destination: { bucket: "arn:aws:s3:::assets-dr" } }, sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "On" } } }] },
    property: "rules[0].sourceSelectionCriteria.sseKmsEncryptedObjects.status",
    reason: "expected rule.0.source_selection_criteria.0.sse_kms_encrypted_objects.0.status to be one of [Disabled Enabled], got On",
  },
  { rule: `${T.bucketReplication} rules.destination.bucket verify.ValidARN`, set: { rules: [{ status: "Enabled", destination: { bucket: "assets-dr" } }] }, property: "rules[0].destination.bucket", reason: '"rule.0.destination.0.bucket" (assets-dr) is an invalid ARN: arn: invalid prefix' },
  {
    rule: `${T.bucketReplication} rules.destination.encryptionConfiguration.replicaKmsKeyId verify.ValidARN`,
    set: { rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::assets-dr", encryptionConfiguration: { replicaKmsKeyId: "alias/replicas" } } }] },
    property: "rules[0].destination.encryptionConfiguration.replicaKmsKeyId",
    reason: '"rule.0.destination.0.encryption_configuration.0.replica_kms_key_id" (alias/replicas) is an invalid ARN: arn: invalid prefix',
  },
  { rule: `${T.bucketReplication} rules.destination.metrics.status validation.StringInSlice`, set: { rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::assets-dr", metrics: { status: "On" } } }] }, property: "rules[0].destination.metrics.status", reason: "expected rule.0.destination.0.metrics.0.status to be one of [Disabled Enabled], got On" },
  {
    rule: `${T.bucketReplication} rules.destination.replicationTime.status validation.StringInSlice`,
    set: { rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::assets-dr", replicationTime: { status: "On", time: { minutes: 15 } } } }] },
    property: "rules[0].destination.replicationTime.status",
    reason: "expected rule.0.destination.0.replication_time.0.status to be one of [Disabled Enabled], got On",
  },
  { rule: `${T.securityGroup} name validation.StringLenBetween`, set: { name: long(256) }, property: "name", reason: `expected length of name to be in the range (0 - 255), got ${long(256)}` },
  { rule: `${T.securityGroup} description validation.StringLenBetween`, set: { description: long(256) }, property: "description", reason: `expected length of description to be in the range (0 - 255), got ${long(256)}` },
];

/** Every rule in the table, named as the cases name them. */
function ruleIds(): string[] {
  const ids: string[] = [];
  const walk = (type: string, attrs: Readonly<Record<string, AttrSpec>>, prefix: string) => {
    for (const [name, spec] of Object.entries(attrs)) {
      const path = `${prefix}${name}`;
      for (const rule of spec.validate ?? []) ids.push(`${type} ${path} ${rule.fn}`);
      for (const other of spec.conflictsWith ?? []) ids.push(`${type} ${path} conflictsWith ${other}`);
      if (spec.nested !== undefined) walk(type, spec.nested, `${path}.`);
    }
  };
  for (const [type, schema] of Object.entries(AWS_SCHEMA)) walk(type, schema.attrs, "");
  return [...new Set(ids)].sort();
}

describe("stand-in aws provider: Check applies the provider's input rules", () => {
  it("has a refused value for every rule of the table", () => {
    expect([...new Set(CASES.map((c) => c.rule))].sort()).to.deep.equal(ruleIds());
  });

  for (const c of CASES) {
    it(`${c.rule}: refuses ${JSON.stringify(c.set).slice(0, 90)}`, () => {
      const failures = check(c.rule.split(" ")[0]!, c.set);
      const mine = failures.filter((f) => f.property === c.property);
      expect(mine.some((f) => f.reason.startsWith(c.reason)), JSON.stringify(failures)).to.equal(true);
      // The same type with its valid base inputs passes: the failure is this rule's.
      expect(check(c.rule.split(" ")[0]!, {})).to.deep.equal([]);
    });
  }

  it("accepts an alias ARN as a KMS key, as the provider does (only an ARN's shape is checked; config.ts asks for the key ARN)", () => {
    expect(check(T.instance, { kmsKeyId: "arn:aws:kms:us-east-1:123456789012:alias/gametracker" })).to.deep.equal([]);
    expect(check(T.replication, { kmsKeyId: "arn:aws:kms:us-west-2:123456789012:alias/dr" })).to.deep.equal([]);
  });

  it("accepts what the provider accepts at the edges: an empty window, an upper-case weekday, a time with an offset, 0 and 35 days", () => {
    for (const set of [
      { backupWindow: "" },
      { maintenanceWindow: "SUN:05:00-SUN:06:00" },
      { backupRetentionPeriod: 0 },
      { backupRetentionPeriod: 35 },
      { restoreToPointInTime: { sourceDbInstanceIdentifier: "db", restoreTime: "2025-06-01T14:34:56.5+02:00" } },
    ]) {
      expect(check(T.instance, set), JSON.stringify(set)).to.deep.equal([]);
    }
    expect(check(T.lambda, { runtime: "java21", handler: "com.gametracker.StreamLambdaHandler::handleRequest", memorySize: 10240, timeout: 900, name: "gametracker-dev-api" })).to.deep.equal([]);
  });

  it("leaves a value unknown at preview for the apply, and names conflicts only with known values", () => {
    expect(inputRuleFailures(AWS_SCHEMA[T.instance]!.attrs, { backupRetentionPeriod: UNKNOWN, kmsKeyId: UNKNOWN, identifier: UNKNOWN })).to.deep.equal([]);
    expect(inputRuleFailures(AWS_SCHEMA[T.instance]!.attrs, { manageMasterUserPassword: true, password: UNKNOWN })).to.deep.equal([]);
  });

  it("validates what the program set, not the defaults it fills in", () => {
    const { inputs, failures } = checkInputs(AWS_SCHEMA[T.lambda]!, { type: T.lambda, name: "api", olds: {}, news: BASE[T.lambda]!, randomSeed: new Uint8Array([1]), providerRegion: "us-east-1" });
    expect(failures).to.deep.equal([]);
    expect(inputs).to.include({ memorySize: 128, timeout: 3 });
  });

  /**
   * A config key whose value reaches one of these attributes is refused by config.ts before
   * anything is registered, with a sentence naming the key, for every value the provider
   * would refuse at preview (and sometimes more: a retention of 0 turns backups off).
   */
  describe("config.ts refuses first what the provider would refuse", () => {
    const ENCRYPTED = { databaseEdition: "standard" };
    const REACHES: Array<{ key: string; value: string; extra?: Record<string, string>; type: string; attr: Props }> = [
      { key: "databaseIdentifier", value: "GameTracker", type: T.instance, attr: { identifier: "GameTracker" } },
      { key: "databaseIdentifier", value: "1gametracker", type: T.instance, attr: { identifier: "1gametracker" } },
      { key: "databaseIdentifier", value: "game--tracker", type: T.instance, attr: { identifier: "game--tracker" } },
      { key: "databaseIdentifier", value: "gametracker-", type: T.instance, attr: { identifier: "gametracker-" } },
      { key: "databaseBackupRetentionDays", value: "36", type: T.instance, attr: { backupRetentionPeriod: 36 } },
      { key: "databaseBackupWindow", value: "3:00-4:00", type: T.instance, attr: { backupWindow: "3:00-4:00" } },
      { key: "databaseMaintenanceWindow", value: "sunday:05:00-sunday:06:00", type: T.instance, attr: { maintenanceWindow: "sunday:05:00-sunday:06:00" } },
      { key: "databaseKmsKeyId", value: "alias/gametracker", extra: ENCRYPTED, type: T.instance, attr: { kmsKeyId: "alias/gametracker" } },
      { key: "databaseKmsKeyId", value: "1234abcd-12ab-34cd-56ef-1234567890ab", extra: ENCRYPTED, type: T.instance, attr: { kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" } },
      {
        key: "databaseBackupReplicationKmsKeyId",
        value: "alias/dr",
        extra: { ...ENCRYPTED, databaseBackupReplicationRegion: "us-west-2" },
        type: T.replication,
        attr: { kmsKeyId: "alias/dr" },
      },
      { key: "apiRuntime", value: "java22", type: T.lambda, attr: { runtime: "java22" } },
      { key: "apiHandler", value: `com.gametracker.${"h".repeat(113)}`, extra: { apiArtifactPath: "build/api.zip" }, type: T.lambda, attr: { handler: `com.gametracker.${"h".repeat(113)}` } },
      { key: "apiMemorySize", value: "64", type: T.lambda, attr: { memorySize: 64 } },
      { key: "apiTimeoutSeconds", value: "901", type: T.lambda, attr: { timeout: 901 } },
      { key: "apiLogRetentionDays", value: "2", type: T.logGroup, attr: { retentionInDays: 2 } },
      { key: "assetsBucketName", value: "g".repeat(64), type: T.bucket, attr: { bucket: "g".repeat(64) } },
      { key: "assetsBucketName", value: "assets--use1-az4--x-s3", type: T.bucket, attr: { bucket: "assets--use1-az4--x-s3" } },
    ];

    const refusal = (raw: Record<string, string>): InvalidConfigError | undefined => {
      try {
        parseEnvironmentConfig(raw, "dev");
        return undefined;
      } catch (error) {
        if (error instanceof InvalidConfigError) return error;
        throw error;
      }
    };

    for (const r of REACHES) {
      it(`gametracker:${r.key} ${JSON.stringify(r.value).slice(0, 40)}`, () => {
        expect(check(r.type, r.attr), "the provider refuses it").to.not.deep.equal([]);
        const error = refusal({ ...r.extra, [r.key]: r.value });
        expect(error?.message, "config.ts refuses it").to.be.a("string");
        expect(error!.message).to.match(new RegExp(`^gametracker:${r.key} `));
      });
    }

    it("an alias ARN: the provider lets it through (then plans a replacement on every preview), config.ts refuses both alias forms", () => {
      const aliasArn = "arn:aws:kms:us-east-1:123456789012:alias/gametracker";
      expect(check(T.instance, { kmsKeyId: aliasArn })).to.deep.equal([]);
      expect(refusal({ ...ENCRYPTED, databaseKmsKeyId: aliasArn })?.message).to.contain("but it is an alias ARN, and it must be the key's ARN");
      expect(refusal({ ...ENCRYPTED, databaseKmsKeyId: "alias/gametracker" })?.message).to.contain("but it is an alias, and it must be the key's ARN");
      const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      expect(refusal({ ...ENCRYPTED, databaseKmsKeyId: key })).to.equal(undefined);
    });
  });
});
