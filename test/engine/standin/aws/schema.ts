/**
 * TEST DOUBLE DATA: the replacement and default rules of the real AWS provider for every
 * resource type the GameTracker programs register — ONE home for them. The stand-in `aws`
 * plugin's Check and Diff read nothing else, and MemoryStacks takes its replace-on-change
 * lists from here (`forceNewProperties`).
 *
 * Facts come from terraform-provider-aws (the provider pulumi-aws 7.x bridges; TF v6), one
 * schema file per type, named in `source`. Property names are Pulumi's (camelCase, MaxItems=1
 * blocks flattened to objects, renames such as function_name -> name, filename -> code,
 * master_user_secret -> masterUserSecrets). What each flag reproduces of the bridge's diff:
 *
 * - `forceNew`: a change replaces the resource (ForceNew / RequiresReplace).
 * - `computed`: Optional+Computed — left unset by the program, the state's value stays
 *   (no diff). Unset and NOT computed: compared with the type's zero value, so a state value
 *   the program no longer sets is a change (a replacement if also forceNew), e.g.
 *   `storageEncrypted` after a restore from an encrypted snapshot.
 * - `default`: schema Default; Check fills it in (and lists it in `__defaults`) as the bridge does.
 * - `set`: TypeSet, order-insensitive. `json`: a policy document compared by meaning.
 *   `lower`: StateFunc lower-cases it. `map`: per-key diffs (`tags["k"]`). `asset`: compared by hash.
 * - `region`: every regional type has the v6 top-level `region`, Optional+Computed+ForceNew
 *   ("Changing the value of region will force resource replacement", website/docs/guides/
 *   enhanced-region-support.html.markdown); IAM is global and has none.
 *
 * - `validate`: the attribute's ValidateFunc / ValidateDiagFunc, as data naming the function
 *   of terraform-provider-aws (or of terraform-plugin-sdk's helper/validation) it reproduces;
 *   Check applies each to a known value with that function's message (check.ts).
 *   `conflictsWith`: ConflictsWith, the sibling inputs that may not be set beside it. `tf`:
 *   the Terraform name where it is not the snake_case of Pulumi's (function_name, rule), for
 *   the messages, which name attributes as the provider does.
 *
 * Only attributes a program may set need listing; Check refuses any other input so a new
 * argument in a program cannot slip past the table. `outputs` are the computed-only
 * attributes, unknown during a create preview.
 */
import {
  DeleteMarkerReplicationStatus,
  MetricsStatus,
  ObjectLockEnabled,
  ObjectLockRetentionMode,
  ObjectOwnership,
  ReplicationRuleStatus,
  ReplicationTimeStatus,
  ServerSideEncryption,
  SseKmsEncryptedObjectsStatus,
} from "@aws-sdk/client-s3";
import { Runtime } from "@aws-sdk/client-lambda";

/**
 * A plan-time input rule of the real provider. `fn` names the Go function; its arguments
 * are those in the provider's schema. Enum validations (enum.Validate[T]) are StringInSlice
 * over the API model's enum values, which the AWS SDK for JavaScript carries too.
 */
export type Validation =
  | { fn: "validation.IntBetween"; min: number; max: number }
  | { fn: "validation.IntInSlice"; values: readonly number[] }
  | { fn: "validation.StringInSlice"; values: readonly string[]; enum?: string }
  | { fn: "validation.StringLenBetween"; min: number; max: number }
  | { fn: "validation.StringMatch"; pattern: RegExp; message: string }
  | { fn: "validation.StringDoesNotMatch"; pattern: RegExp; message: string }
  | { fn: "verify.ValidARN" }
  | { fn: "verify.ValidOnceADayWindowFormat" }
  | { fn: "verify.ValidOnceAWeekWindowFormat" }
  | { fn: "verify.ValidUTCTimestamp" }
  | { fn: "verify.ValidIAMPolicyJSON" }
  | { fn: "rds.validIdentifier" }
  | { fn: "rds.validSubnetGroupName" }
  | { fn: "logs.validLogGroupName" }
  | { fn: "lambda.validFunctionName" };

export interface AttrSpec {
  forceNew?: true;
  computed?: true;
  required?: true;
  default?: unknown;
  set?: true;
  json?: true;
  lower?: true;
  map?: true;
  asset?: true;
  sensitive?: true;
  /** A nested block: an object (MaxItems=1) or, with `list`, a list/set of objects. */
  nested?: Record<string, AttrSpec>;
  list?: true;
  validate?: readonly Validation[];
  conflictsWith?: readonly string[];
  tf?: string;
}

export interface ResourceSchema {
  /** The Terraform resource type. */
  tf: string;
  /** Where its schema lives in hashicorp/terraform-provider-aws. */
  source: string;
  /** Applied to moto, or echoed (the reason says which API moto lacks). */
  moto: true | { echo: string };
  regional: boolean;
  /** pulumi-aws auto-naming (provider/autonaming.go: every input `name`; resources.go overrides). */
  autoName?: { property: string; maxLength: number; lower?: boolean };
  attrs: Record<string, AttrSpec>;
  outputs: readonly string[];
}

const tags: AttrSpec = { map: true };
const region: AttrSpec = { computed: true, forceNew: true };

const arn: readonly Validation[] = [{ fn: "verify.ValidARN" }];
const policyJson: readonly Validation[] = [{ fn: "verify.ValidIAMPolicyJSON" }];
const enumOf = (name: string, values: Record<string, string>): readonly Validation[] => [{ fn: "validation.StringInSlice", values: Object.values(values), enum: name }];

const ec2 = "internal/service/ec2";
const rds = "internal/service/rds";
const s3 = "internal/service/s3";
const iam = "internal/service/iam";

export const AWS_SCHEMA: Readonly<Record<string, ResourceSchema>> = {
  // -------------------------------------------------------------------------------- EC2 / VPC
  "aws:ec2/vpc:Vpc": {
    tf: "aws_vpc",
    source: `${ec2}/vpc_.go`,
    moto: true,
    regional: true,
    attrs: {
      region,
      cidrBlock: { computed: true, forceNew: true },
      instanceTenancy: { default: "default" },
      enableDnsHostnames: { computed: true },
      enableDnsSupport: { default: true },
      enableNetworkAddressUsageMetrics: { computed: true },
      assignGeneratedIpv6CidrBlock: {},
      ipv4IpamPoolId: { forceNew: true },
      ipv4NetmaskLength: { forceNew: true },
      ipv6CidrBlock: { computed: true },
      ipv6CidrBlockNetworkBorderGroup: { computed: true },
      ipv6IpamPoolId: {},
      ipv6NetmaskLength: {},
      tags,
    },
    outputs: ["arn", "defaultNetworkAclId", "defaultRouteTableId", "defaultSecurityGroupId", "dhcpOptionsId", "ipv6AssociationId", "mainRouteTableId", "ownerId", "tagsAll"],
  },
  "aws:ec2/subnet:Subnet": {
    tf: "aws_subnet",
    source: `${ec2}/vpc_subnet.go`,
    moto: true,
    regional: true,
    attrs: {
      region,
      vpcId: { required: true, forceNew: true },
      cidrBlock: { forceNew: true },
      availabilityZone: { computed: true, forceNew: true },
      availabilityZoneId: { computed: true, forceNew: true },
      mapPublicIpOnLaunch: { default: false },
      assignIpv6AddressOnCreation: { default: false },
      enableDns64: { default: false },
      enableResourceNameDnsARecordOnLaunch: { default: false },
      enableResourceNameDnsAaaaRecordOnLaunch: { default: false },
      enableLniAtDeviceIndex: { computed: true },
      privateDnsHostnameTypeOnLaunch: { computed: true },
      ipv6CidrBlock: {},
      ipv6Native: { forceNew: true, default: false },
      outpostArn: { forceNew: true },
      customerOwnedIpv4Pool: {},
      mapCustomerOwnedIpOnLaunch: {},
      tags,
    },
    outputs: ["arn", "ipv6CidrBlockAssociationId", "ownerId", "tagsAll"],
  },
  "aws:ec2/routeTable:RouteTable": {
    tf: "aws_route_table",
    source: `${ec2}/vpc_route_table.go`,
    moto: true,
    regional: true,
    attrs: {
      region,
      vpcId: { required: true, forceNew: true },
      // ConfigMode attr + Computed: unset means "whatever routes the table has" (aws_route manages them).
      routes: { computed: true, set: true },
      propagatingVgws: { computed: true, set: true },
      tags,
    },
    outputs: ["arn", "ownerId", "tagsAll"],
  },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": {
    tf: "aws_route_table_association",
    source: `${ec2}/vpc_route_table_association.go`,
    moto: true,
    regional: true,
    attrs: {
      region,
      subnetId: { forceNew: true },
      gatewayId: { forceNew: true },
      // Updated in place with ReplaceRouteTableAssociation.
      routeTableId: { required: true },
    },
    outputs: [],
  },
  "aws:ec2/route:Route": {
    tf: "aws_route",
    source: `${ec2}/vpc_route.go`,
    moto: true,
    regional: true,
    attrs: {
      region,
      routeTableId: { required: true, forceNew: true },
      destinationCidrBlock: { forceNew: true },
      destinationIpv6CidrBlock: { forceNew: true },
      destinationPrefixListId: { forceNew: true },
      // Targets are changed in place with ReplaceRoute.
      gatewayId: {},
      natGatewayId: {},
      carrierGatewayId: {},
      coreNetworkArn: {},
      egressOnlyGatewayId: {},
      localGatewayId: {},
      networkInterfaceId: { computed: true },
      transitGatewayId: {},
      vpcEndpointId: {},
      vpcPeeringConnectionId: {},
    },
    outputs: ["instanceId", "instanceOwnerId", "origin", "state"],
  },
  "aws:ec2/internetGateway:InternetGateway": {
    tf: "aws_internet_gateway",
    source: `${ec2}/vpc_internet_gateway.go`,
    moto: true,
    regional: true,
    attrs: { region, vpcId: {}, tags },
    outputs: ["arn", "ownerId", "tagsAll"],
  },
  "aws:ec2/eip:Eip": {
    tf: "aws_eip",
    source: `${ec2}/ec2_eip.go`,
    moto: true,
    regional: true,
    attrs: {
      region,
      domain: { computed: true, forceNew: true },
      address: { forceNew: true },
      associateWithPrivateIp: {},
      customerOwnedIpv4Pool: {},
      instance: { computed: true },
      ipamPoolId: { computed: true, forceNew: true },
      networkBorderGroup: { computed: true, forceNew: true },
      networkInterface: { computed: true },
      publicIpv4Pool: { computed: true, forceNew: true },
      tags,
    },
    outputs: ["allocationId", "arn", "associationId", "carrierIp", "customerOwnedIp", "privateDns", "privateIp", "ptrRecord", "publicDns", "publicIp", "tagsAll"],
  },
  "aws:ec2/natGateway:NatGateway": {
    tf: "aws_nat_gateway",
    source: `${ec2}/vpc_nat_gateway.go`,
    moto: true,
    regional: true,
    attrs: {
      region,
      allocationId: { forceNew: true },
      connectivityType: { forceNew: true, default: "public" },
      subnetId: { forceNew: true },
      privateIp: { computed: true, forceNew: true },
      secondaryAllocationIds: { set: true },
      secondaryPrivateIpAddressCount: { computed: true },
      secondaryPrivateIpAddresses: { computed: true, set: true },
      tags,
    },
    outputs: ["associationId", "networkInterfaceId", "publicIp", "tagsAll"],
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    tf: "aws_security_group",
    source: `${ec2}/vpc_security_group.go`,
    moto: true,
    regional: true,
    autoName: { property: "name", maxLength: 255 },
    attrs: {
      region,
      name: { computed: true, forceNew: true, validate: [{ fn: "validation.StringLenBetween", min: 0, max: 255 }] },
      namePrefix: { computed: true, forceNew: true },
      // TF's default is "Managed by Terraform"; pulumi-aws overrides it (resources.go).
      description: { forceNew: true, default: "Managed by Pulumi", validate: [{ fn: "validation.StringLenBetween", min: 0, max: 255 }] },
      vpcId: { computed: true, forceNew: true },
      ingress: { computed: true, set: true },
      egress: { computed: true, set: true },
      revokeRulesOnDelete: { default: false },
      tags,
    },
    outputs: ["arn", "ownerId", "tagsAll"],
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    tf: "aws_vpc_security_group_ingress_rule",
    source: `${ec2}/vpc_security_group_ingress_rule.go (Plugin Framework; RequiresReplace on security_group_id only)`,
    moto: true,
    regional: true,
    attrs: {
      region,
      securityGroupId: { required: true, forceNew: true },
      ipProtocol: { required: true },
      fromPort: {},
      toPort: {},
      cidrIpv4: {},
      cidrIpv6: {},
      prefixListId: {},
      referencedSecurityGroupId: {},
      description: {},
      tags,
    },
    outputs: ["arn", "securityGroupRuleId", "tagsAll"],
  },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
    tf: "aws_vpc_security_group_egress_rule",
    source: `${ec2}/vpc_security_group_egress_rule.go (shares vpc_security_group_ingress_rule.go's schema)`,
    moto: true,
    regional: true,
    attrs: {
      region,
      securityGroupId: { required: true, forceNew: true },
      ipProtocol: { required: true },
      fromPort: {},
      toPort: {},
      cidrIpv4: {},
      cidrIpv6: {},
      prefixListId: {},
      referencedSecurityGroupId: {},
      description: {},
      tags,
    },
    outputs: ["arn", "securityGroupRuleId", "tagsAll"],
  },

  // -------------------------------------------------------------------------------- RDS
  "aws:rds/subnetGroup:SubnetGroup": {
    tf: "aws_db_subnet_group",
    source: `${rds}/subnet_group.go`,
    moto: true,
    regional: true,
    autoName: { property: "name", maxLength: 255, lower: true },
    attrs: {
      region,
      name: { computed: true, forceNew: true, validate: [{ fn: "rds.validSubnetGroupName" }] },
      namePrefix: { computed: true, forceNew: true },
      description: { default: "Managed by Pulumi" },
      subnetIds: { required: true, set: true },
      tags,
    },
    outputs: ["arn", "supportedNetworkTypes", "vpcId", "tagsAll"],
  },
  "aws:rds/instance:Instance": {
    tf: "aws_db_instance",
    source: `${rds}/instance.go`,
    moto: true,
    regional: true,
    autoName: { property: "identifier", maxLength: 255, lower: true },
    attrs: {
      region,
      // Renamed in place (ModifyDBInstance NewDBInstanceIdentifier) since TF v5: NOT ForceNew.
      identifier: { computed: true, validate: [{ fn: "rds.validIdentifier" }] },
      identifierPrefix: { computed: true },
      allocatedStorage: { computed: true },
      allowMajorVersionUpgrade: {},
      applyImmediately: { default: false },
      autoMinorVersionUpgrade: { default: true },
      availabilityZone: { computed: true, forceNew: true },
      backupRetentionPeriod: { computed: true, validate: [{ fn: "validation.IntBetween", min: 0, max: 35 }] },
      backupTarget: { computed: true, forceNew: true },
      backupWindow: { computed: true, validate: [{ fn: "verify.ValidOnceADayWindowFormat" }] },
      caCertIdentifier: { computed: true },
      characterSetName: { computed: true, forceNew: true },
      copyTagsToSnapshot: { default: false },
      customIamInstanceProfile: { forceNew: true },
      customerOwnedIpEnabled: {},
      dbName: { computed: true, forceNew: true },
      dbSubnetGroupName: { computed: true },
      deleteAutomatedBackups: { default: true },
      deletionProtection: {},
      domain: {},
      domainIamRoleName: {},
      enabledCloudwatchLogsExports: { set: true },
      engine: { computed: true, forceNew: true, lower: true },
      engineVersion: { computed: true },
      finalSnapshotIdentifier: {
        validate: [
          { fn: "validation.StringMatch", pattern: /^[A-Za-z]/, message: "must begin with alphabetic character" },
          { fn: "validation.StringMatch", pattern: /^[0-9A-Za-z-]+$/, message: "must only contain alphanumeric characters and hyphens" },
          { fn: "validation.StringDoesNotMatch", pattern: /--/, message: "cannot contain two consecutive hyphens" },
          { fn: "validation.StringDoesNotMatch", pattern: /-$/, message: "cannot end in a hyphen" },
        ],
      },
      iamDatabaseAuthenticationEnabled: {},
      instanceClass: { required: true },
      iops: { computed: true },
      // Any ARN passes, an alias ARN too; RDS reports the key ARN back, which then differs (config.ts asks for the key ARN).
      kmsKeyId: { computed: true, forceNew: true, validate: arn },
      licenseModel: { computed: true },
      maintenanceWindow: { computed: true, lower: true, validate: [{ fn: "verify.ValidOnceAWeekWindowFormat" }] },
      manageMasterUserPassword: { conflictsWith: ["password"] },
      masterUserSecretKmsKeyId: { computed: true },
      maxAllocatedStorage: {},
      monitoringInterval: { default: 0 },
      monitoringRoleArn: { computed: true },
      multiAz: { computed: true },
      ncharCharacterSetName: { computed: true, forceNew: true },
      networkType: { computed: true },
      optionGroupName: { computed: true },
      parameterGroupName: { computed: true },
      password: { sensitive: true },
      performanceInsightsEnabled: { default: false },
      performanceInsightsKmsKeyId: { computed: true },
      performanceInsightsRetentionPeriod: { computed: true },
      port: { computed: true },
      publiclyAccessible: { default: false },
      replicaMode: { computed: true },
      replicateSourceDb: {},
      restoreToPointInTime: {
        forceNew: true,
        conflictsWith: ["snapshotIdentifier", "replicateSourceDb"],
        nested: {
          restoreTime: { validate: [{ fn: "verify.ValidUTCTimestamp" }], conflictsWith: ["useLatestRestorableTime"] },
          sourceDbInstanceAutomatedBackupsArn: {},
          sourceDbInstanceIdentifier: {},
          sourceDbiResourceId: {},
          useLatestRestorableTime: { conflictsWith: ["restoreTime"] },
        },
      },
      skipFinalSnapshot: { default: false },
      snapshotIdentifier: { computed: true, forceNew: true },
      // Optional, ForceNew and NOT Computed: unset after an encrypted restore means "false", a replacement.
      storageEncrypted: { forceNew: true },
      storageThroughput: { computed: true },
      storageType: { computed: true },
      tags,
      timezone: { computed: true, forceNew: true },
      username: { computed: true, forceNew: true, conflictsWith: ["replicateSourceDb"] },
      vpcSecurityGroupIds: { computed: true, set: true },
    },
    outputs: ["address", "arn", "endpoint", "engineVersionActual", "hostedZoneId", "latestRestorableTime", "listenerEndpoints", "masterUserSecrets", "replicas", "resourceId", "status", "tagsAll"],
  },
  "aws:rds/snapshot:Snapshot": {
    tf: "aws_db_snapshot",
    source: `${rds}/snapshot.go`,
    moto: true,
    regional: true,
    attrs: {
      region,
      dbInstanceIdentifier: { required: true, forceNew: true },
      dbSnapshotIdentifier: { required: true, forceNew: true },
      sharedAccounts: { set: true },
      tags,
    },
    outputs: [
      "allocatedStorage",
      "availabilityZone",
      "dbSnapshotArn",
      "encrypted",
      "engine",
      "engineVersion",
      "iops",
      "kmsKeyId",
      "licenseModel",
      "optionGroupName",
      "port",
      "snapshotType",
      "sourceDbSnapshotIdentifier",
      "sourceRegion",
      "status",
      "storageType",
      "vpcId",
      "tagsAll",
    ],
  },
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": {
    tf: "aws_db_instance_automated_backups_replication",
    source: `${rds}/instance_automated_backups_replication.go`,
    moto: {
      echo: "moto 5.2 has no StartDBInstanceAutomatedBackupsReplication / StopDBInstanceAutomatedBackupsReplication: applied through the backups behaviour (test/support/moto-rds-backups.ts) when the harness shares its state (GAMETRACKER_STANDIN_RDS_BACKUPS), echoed otherwise",
    },
    regional: true,
    attrs: {
      region,
      sourceDbInstanceArn: { required: true, forceNew: true, validate: arn },
      kmsKeyId: { computed: true, forceNew: true, validate: arn },
      preSignedUrl: { forceNew: true },
      retentionPeriod: { forceNew: true, default: 7 },
    },
    outputs: [],
  },

  // -------------------------------------------------------------------------------- S3
  "aws:s3/bucket:Bucket": {
    tf: "aws_s3_bucket",
    source: `${s3}/bucket.go`,
    moto: true,
    regional: true,
    autoName: { property: "bucket", maxLength: 63, lower: true },
    attrs: {
      region,
      bucket: {
        computed: true,
        forceNew: true,
        validate: [
          { fn: "validation.StringLenBetween", min: 0, max: 63 },
          {
            fn: "validation.StringDoesNotMatch",
            pattern: /^(?:[0-9a-z.-]+)--(?:[0-9a-za-z]+(?:-[0-9a-za-z]+)+)--x-s3$/,
            message: "must not be in the format [bucket_name]--[azid]--x-s3. Use the aws_s3_directory_bucket resource to manage S3 Express buckets",
          },
        ],
      },
      bucketPrefix: { computed: true, forceNew: true },
      forceDestroy: { default: false },
      objectLockEnabled: { computed: true, forceNew: true },
      tags,
    },
    outputs: ["arn", "bucketDomainName", "bucketRegion", "bucketRegionalDomainName", "hostedZoneId", "tagsAll"],
  },
  "aws:s3/bucketVersioning:BucketVersioning": {
    tf: "aws_s3_bucket_versioning",
    source: `${s3}/bucket_versioning.go`,
    moto: true,
    regional: true,
    attrs: {
      region,
      bucket: { required: true, forceNew: true, validate: [{ fn: "validation.StringLenBetween", min: 1, max: 63 }] },
      expectedBucketOwner: { forceNew: true },
      mfa: {},
      versioningConfiguration: {
        required: true,
        nested: { status: { required: true, validate: [{ fn: "validation.StringInSlice", values: ["Enabled", "Suspended", "Disabled"] }] }, mfaDelete: { computed: true } },
      },
    },
    outputs: [],
  },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
    tf: "aws_s3_bucket_server_side_encryption_configuration",
    source: `${s3}/bucket_server_side_encryption_configuration.go`,
    moto: true,
    regional: true,
    attrs: {
      region,
      bucket: { required: true, forceNew: true },
      expectedBucketOwner: { forceNew: true },
      rules: {
        required: true,
        list: true,
        set: true,
        tf: "rule",
        nested: {
          applyServerSideEncryptionByDefault: { nested: { sseAlgorithm: { required: true, validate: enumOf("types.ServerSideEncryption", ServerSideEncryption) }, kmsMasterKeyId: {} } },
          bucketKeyEnabled: {},
        },
      },
    },
    outputs: [],
  },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
    tf: "aws_s3_bucket_public_access_block",
    source: `${s3}/bucket_public_access_block.go`,
    moto: true,
    regional: true,
    attrs: {
      region,
      bucket: { required: true, forceNew: true },
      blockPublicAcls: { default: false },
      blockPublicPolicy: { default: false },
      ignorePublicAcls: { default: false },
      restrictPublicBuckets: { default: false },
      skipDestroy: {},
    },
    outputs: [],
  },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
    tf: "aws_s3_bucket_ownership_controls",
    source: `${s3}/bucket_ownership_controls.go`,
    moto: true,
    regional: true,
    attrs: {
      region,
      bucket: { required: true, forceNew: true },
      rule: { required: true, nested: { objectOwnership: { required: true, validate: enumOf("types.ObjectOwnership", ObjectOwnership) } } },
    },
    outputs: [],
  },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    tf: "aws_s3_bucket_lifecycle_configuration",
    source: `${s3}/bucket_lifecycle_configuration.go (Plugin Framework; RequiresReplace on bucket and expected_bucket_owner)`,
    moto: true,
    regional: true,
    attrs: {
      region,
      bucket: { required: true, forceNew: true },
      expectedBucketOwner: { computed: true, forceNew: true },
      transitionDefaultMinimumObjectSize: { computed: true },
      rules: {
        list: true,
        nested: {
          id: { required: true },
          status: { required: true },
          filter: { nested: { prefix: {}, objectSizeGreaterThan: {}, objectSizeLessThan: {}, tag: {}, and: {} } },
          prefix: {},
          expiration: {},
          transitions: {},
          noncurrentVersionTransitions: {},
          noncurrentVersionExpiration: { nested: { noncurrentDays: {}, newerNoncurrentVersions: {} } },
          abortIncompleteMultipartUpload: { nested: { daysAfterInitiation: {} } },
        },
      },
    },
    outputs: [],
  },
  "aws:s3/bucketPolicy:BucketPolicy": {
    tf: "aws_s3_bucket_policy",
    source: `${s3}/bucket_policy.go`,
    moto: true,
    regional: true,
    attrs: { region, bucket: { required: true, forceNew: true }, policy: { required: true, json: true, validate: policyJson } },
    outputs: [],
  },
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": {
    tf: "aws_s3_bucket_object_lock_configuration",
    source: `${s3}/bucket_object_lock_configuration.go (object_lock_enabled Default "Enabled" and ForceNew; rule MaxItems 1 with default_retention MaxItems 1; delete puts the configuration back without a rule)`,
    moto: true,
    regional: true,
    attrs: {
      region,
      bucket: { required: true, forceNew: true, validate: [{ fn: "validation.StringLenBetween", min: 1, max: 63 }] },
      expectedBucketOwner: { forceNew: true },
      objectLockEnabled: { forceNew: true, default: "Enabled", validate: enumOf("ObjectLockEnabled", ObjectLockEnabled) },
      rule: {
        nested: {
          defaultRetention: {
            required: true,
            tf: "default_retention",
            nested: {
              days: { conflictsWith: ["years"] },
              mode: { validate: enumOf("ObjectLockRetentionMode", ObjectLockRetentionMode) },
              years: { conflictsWith: ["days"] },
            },
          },
        },
      },
      token: { sensitive: true },
    },
    outputs: [],
  },
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": {
    tf: "aws_s3_bucket_replication_configuration",
    source: `${s3}/bucket_replication_configuration.go (bucket ForceNew; role Required, updated in place; rule a TypeSet, compared here element by element: the programs declare one)`,
    moto: true,
    regional: true,
    attrs: {
      region,
      bucket: { required: true, forceNew: true, validate: [{ fn: "validation.StringLenBetween", min: 1, max: 63 }] },
      role: { required: true, validate: [{ fn: "verify.ValidARN" }] },
      token: { sensitive: true },
      rules: {
        required: true,
        list: true,
        tf: "rule",
        nested: {
          id: {},
          status: { required: true, validate: enumOf("ReplicationRuleStatus", ReplicationRuleStatus) },
          priority: {},
          prefix: {},
          filter: { nested: { prefix: {}, tag: {}, and: {} } },
          deleteMarkerReplication: { nested: { status: { required: true, validate: enumOf("DeleteMarkerReplicationStatus", DeleteMarkerReplicationStatus) } } },
          existingObjectReplication: { nested: { status: { required: true } } },
          sourceSelectionCriteria: {
            nested: {
              replicaModifications: { nested: { status: { required: true } } },
              sseKmsEncryptedObjects: { nested: { status: { required: true, validate: enumOf("SseKmsEncryptedObjectsStatus", SseKmsEncryptedObjectsStatus) } } },
            },
          },
          destination: {
            required: true,
            nested: {
              bucket: { required: true, validate: [{ fn: "verify.ValidARN" }] },
              account: {},
              storageClass: {},
              accessControlTranslation: { nested: { owner: { required: true } } },
              encryptionConfiguration: { nested: { replicaKmsKeyId: { required: true, validate: [{ fn: "verify.ValidARN" }] } } },
              metrics: { nested: { status: { required: true, validate: enumOf("MetricsStatus", MetricsStatus) }, eventThreshold: { nested: { minutes: { required: true } } } } },
              replicationTime: { nested: { status: { required: true, validate: enumOf("ReplicationTimeStatus", ReplicationTimeStatus) }, time: { required: true, nested: { minutes: { required: true } } } } },
            },
          },
        },
      },
    },
    outputs: [],
  },

  // -------------------------------------------------------------------------------- IAM (global: no region)
  "aws:iam/role:Role": {
    tf: "aws_iam_role",
    source: `${iam}/role.go`,
    moto: true,
    regional: false,
    autoName: { property: "name", maxLength: 64 },
    attrs: {
      name: { computed: true, forceNew: true },
      namePrefix: { computed: true, forceNew: true },
      path: { forceNew: true, default: "/" },
      assumeRolePolicy: { required: true, json: true, validate: policyJson },
      description: {
        validate: [
          { fn: "validation.StringLenBetween", min: 0, max: 1000 },
          { fn: "validation.StringDoesNotMatch", pattern: /[“‘]/, message: "cannot contain specially formatted single or double quotes: [“‘]" },
        ],
      },
      forceDetachPolicies: { default: false },
      managedPolicyArns: { computed: true, set: true },
      inlinePolicies: { computed: true, set: true },
      maxSessionDuration: { default: 3600 },
      permissionsBoundary: {},
      tags,
    },
    outputs: ["arn", "createDate", "uniqueId", "tagsAll"],
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    tf: "aws_iam_role_policy_attachment",
    source: `${iam}/role_policy_attachment.go`,
    moto: true,
    regional: false,
    attrs: { role: { required: true, forceNew: true }, policyArn: { required: true, forceNew: true, validate: arn } },
    outputs: [],
  },
  "aws:iam/rolePolicy:RolePolicy": {
    tf: "aws_iam_role_policy",
    source: `${iam}/role_policy.go`,
    moto: true,
    regional: false,
    autoName: { property: "name", maxLength: 128 },
    attrs: {
      name: { computed: true, forceNew: true },
      namePrefix: { forceNew: true },
      policy: { required: true, json: true, validate: policyJson },
      role: { required: true, forceNew: true },
    },
    outputs: [],
  },

  // -------------------------------------------------------------------------------- Lambda, Logs
  "aws:cloudwatch/logGroup:LogGroup": {
    tf: "aws_cloudwatch_log_group",
    source: "internal/service/logs/group.go",
    moto: true,
    regional: true,
    autoName: { property: "name", maxLength: 512 },
    attrs: {
      region,
      name: { computed: true, forceNew: true, validate: [{ fn: "logs.validLogGroupName" }] },
      namePrefix: { computed: true, forceNew: true },
      kmsKeyId: {},
      logGroupClass: { computed: true, forceNew: true },
      retentionInDays: {
        default: 0,
        validate: [{ fn: "validation.IntInSlice", values: [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] }],
      },
      skipDestroy: { default: false },
      tags,
    },
    outputs: ["arn", "tagsAll"],
  },
  "aws:lambda/function:Function": {
    tf: "aws_lambda_function",
    source: "internal/service/lambda/function.go",
    moto: true,
    regional: true,
    autoName: { property: "name", maxLength: 64 },
    attrs: {
      region,
      // function_name: Required+ForceNew in TF; optional in Pulumi only because it is auto-named.
      name: { forceNew: true, tf: "function_name", validate: [{ fn: "lambda.validFunctionName" }] },
      role: { required: true, validate: arn },
      runtime: { validate: enumOf("awstypes.Runtime", Runtime) },
      handler: { validate: [{ fn: "validation.StringLenBetween", min: 1, max: 128 }] },
      // filename, an asset archive in Pulumi: a new archive hash is a change.
      code: { asset: true },
      s3Bucket: {},
      s3Key: {},
      s3ObjectVersion: {},
      imageUri: {},
      sourceCodeHash: { computed: true },
      packageType: { forceNew: true, default: "Zip" },
      architectures: { computed: true },
      description: {},
      environment: { nested: { variables: { map: true } } },
      vpcConfig: { nested: { subnetIds: { set: true, required: true }, securityGroupIds: { set: true, required: true }, ipv6AllowedForDualStack: { default: false } } },
      memorySize: { default: 128, validate: [{ fn: "validation.IntBetween", min: 128, max: 10240 }] },
      timeout: { default: 3, validate: [{ fn: "validation.IntBetween", min: 1, max: 900 }] },
      publish: { default: false },
      layers: {},
      kmsKeyArn: {},
      reservedConcurrentExecutions: { default: -1 },
      tracingConfig: { computed: true },
      ephemeralStorage: { computed: true },
      loggingConfig: { computed: true },
      skipDestroy: { default: false },
      tags,
    },
    outputs: ["arn", "codeSha256", "invokeArn", "lastModified", "qualifiedArn", "qualifiedInvokeArn", "signingJobArn", "signingProfileVersionArn", "sourceCodeSize", "version", "tagsAll"],
  },
};

/** The table entry of a type, or a sentence saying the stand-in does not know it. */
export function schemaOf(type: string): ResourceSchema {
  const schema = AWS_SCHEMA[type];
  if (schema === undefined) {
    throw new Error(`The stand-in aws provider has no schema table entry for ${type}; add it to test/engine/standin/aws/schema.ts from terraform-provider-aws before a program uses it.`);
  }
  return schema;
}

/** Top-level properties whose change replaces a resource of `type` (empty for unknown types). */
export function forceNewProperties(type: string): string[] {
  const schema = AWS_SCHEMA[type];
  if (schema === undefined) return [];
  return Object.entries(schema.attrs)
    .filter(([, spec]) => spec.forceNew)
    .map(([name]) => name);
}
