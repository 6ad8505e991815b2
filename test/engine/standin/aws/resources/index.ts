/**
 * TEST DOUBLE: which handler applies each resource type of the schema table. A test keeps
 * the two in step (every table entry has a handler and the other way round).
 */
import * as ec2 from "./ec2";
import * as iam from "./iam";
import * as lambda from "./lambda";
import * as rds from "./rds";
import * as s3 from "./s3";
import type { ResourceHandler } from "./types";

export const HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  "aws:ec2/vpc:Vpc": ec2.vpc,
  "aws:ec2/subnet:Subnet": ec2.subnet,
  "aws:ec2/routeTable:RouteTable": ec2.routeTable,
  "aws:ec2/routeTableAssociation:RouteTableAssociation": ec2.routeTableAssociation,
  "aws:ec2/route:Route": ec2.route,
  "aws:ec2/internetGateway:InternetGateway": ec2.internetGateway,
  "aws:ec2/eip:Eip": ec2.eip,
  "aws:ec2/natGateway:NatGateway": ec2.natGateway,
  "aws:ec2/securityGroup:SecurityGroup": ec2.securityGroup,
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ec2.securityGroupIngressRule,
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ec2.securityGroupEgressRule,
  "aws:rds/subnetGroup:SubnetGroup": rds.subnetGroup,
  "aws:rds/instance:Instance": rds.instance,
  "aws:rds/snapshot:Snapshot": rds.snapshot,
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": rds.automatedBackupsReplication,
  "aws:s3/bucket:Bucket": s3.bucket,
  "aws:s3/bucketVersioning:BucketVersioning": s3.bucketVersioning,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": s3.bucketEncryption,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": s3.bucketPublicAccessBlock,
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": s3.bucketOwnershipControls,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": s3.bucketLifecycle,
  "aws:s3/bucketPolicy:BucketPolicy": s3.bucketPolicy,
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": s3.bucketObjectLock,
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": s3.bucketReplication,
  "aws:iam/role:Role": iam.role,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": iam.rolePolicyAttachment,
  "aws:iam/rolePolicy:RolePolicy": iam.rolePolicy,
  "aws:cloudwatch/logGroup:LogGroup": lambda.logGroup,
  "aws:lambda/function:Function": lambda.lambdaFunction,
};
