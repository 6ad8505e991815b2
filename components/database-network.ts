/**
 * Where a database sits: its own DB subnet group on the private subnets and a security
 * group open on 1433 to the API only. The Database component makes these for the primary;
 * a standby (DR) stack, which owns no database, makes them alone so that a restore in its
 * region lands on them instead of on RDS's defaults (the default VPC and its group).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { TagKeys } from "../contracts/tags";
import { SQLSERVER_PORT, validateIdentifier } from "./database-rules";

export interface DatabaseNetworkArgs {
  /** The database identifier the groups are named after (`<identifier>-subnets`, `<identifier>-db`). */
  readonly identifier: string;
  /** VPC of the security group. */
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets of the DB subnet group (at least two AZs). */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups allowed to connect on 1433 (the API's). */
  readonly allowedSecurityGroupIds: pulumi.Input<string>[];
  readonly tags?: Record<string, string>;
}

export interface DatabaseNetworkResources {
  dbSubnetGroupName: pulumi.Output<string>;
  securityGroupId: pulumi.Output<string>;
}

/**
 * The subnet group, the security group and its ingress rules, as children of `parent`
 * named from `name`. Shared by Database (its own networking) and DatabaseNetwork, so both
 * place a database the same way; the children keep the names the Database component
 * always gave them, so existing stacks see no change.
 */
export function databaseNetworkResources(name: string, args: DatabaseNetworkArgs, tags: Record<string, string>, parent: pulumi.Resource): DatabaseNetworkResources {
  const child = { parent };
  const subnetGroup = new aws.rds.SubnetGroup(
    `${name}-subnet-group`,
    { name: `${args.identifier}-subnets`, description: `Private subnets of ${args.identifier}`, subnetIds: args.subnetIds, tags },
    child,
  );
  const securityGroup = new aws.ec2.SecurityGroup(
    `${name}-sg`,
    { name: `${args.identifier}-db`, description: `SQL Server ${args.identifier}: port ${SQLSERVER_PORT} from the API only`, vpcId: args.vpcId, tags },
    child,
  );
  args.allowedSecurityGroupIds.forEach((source, i) => {
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-ingress-${i}`,
      {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: source,
        ipProtocol: "tcp",
        fromPort: SQLSERVER_PORT,
        toPort: SQLSERVER_PORT,
        description: "SQL Server from the API",
        tags,
      },
      child,
    );
  });
  return { dbSubnetGroupName: subnetGroup.name, securityGroupId: securityGroup.id };
}

/** A database's subnet group and security group without a database: what a standby (DR) stack offers its restores. */
export class DatabaseNetwork extends pulumi.ComponentResource {
  readonly dbSubnetGroupName: pulumi.Output<string>;
  readonly securityGroupIds: pulumi.Output<string[]>;

  constructor(name: string, args: DatabaseNetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    validateIdentifier(args.identifier, "DatabaseNetworkArgs.identifier");
    super("gametracker:database:DatabaseNetwork", name, {}, opts);
    const made = databaseNetworkResources(name, args, { ...args.tags, [TagKeys.component]: "database-network" }, this);
    this.dbSubnetGroupName = made.dbSubnetGroupName;
    this.securityGroupIds = made.securityGroupId.apply((id) => [id]);
    this.registerOutputs({ dbSubnetGroupName: this.dbSubnetGroupName, securityGroupIds: this.securityGroupIds });
  }
}
