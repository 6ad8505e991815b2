import { expect } from "chai";
import { DeleteDBInstanceCommand, RestoreDBInstanceToPointInTimeCommand, RDSClient } from "@aws-sdk/client-rds";
import { ManualClock } from "../support/manual-clock";
import { UsageError } from "../../automation/errors";
import { planRestore } from "../../automation/restore/plan";
import { requireInstance } from "../../automation/aws/rds";
import { RecoveryRequest } from "../../automation/restore/recovery-request";
import { gatherRecoveryFacts } from "../../automation/restore/rds-facts";
import { HostResolver, verifyRestoredInstance, VerifyExpectations } from "../../automation/restore/verify";
import { useEmulator } from "../support/emulator";
import { FaultInjector } from "../support/faults";
import { combineMiddleware, createManualSnapshot, createSqlServerInstance, PendingStatus, SQLSERVER_ENGINE_VERSION } from "../support/rds-fixtures";
import { createDbNetwork, DbNetwork } from "../support/rds-fixtures";
import { rdsEndpointDns } from "../support/rds-dns";
import { drillExpectations } from "../support/verify-fixtures";
import { DeployedEnvironment } from "../../automation/deployed-environment";

const SOURCE = "gametracker-mssql";
const TARGET = "gametracker-mssql-drill-202611251200abcd";

async function restoreInMoto(rds: RDSClient, network: DbNetwork | undefined, tags: Record<string, string>): Promise<void> {
  await rds.send(
    new RestoreDBInstanceToPointInTimeCommand({
      SourceDBInstanceIdentifier: SOURCE,
      TargetDBInstanceIdentifier: TARGET,
      UseLatestRestorableTime: true,
      ...(network ? { DBSubnetGroupName: network.subnetGroupName, VpcSecurityGroupIds: [network.securityGroupId] } : {}),
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}

function expectations(network: DbNetwork): VerifyExpectations {
  return drillExpectations({
    identifier: TARGET,
    engineVersion: SQLSERVER_ENGINE_VERSION,
    subnetGroupName: network.subnetGroupName,
    securityGroupIds: [network.securityGroupId],
    recoveryPoint: "latest-restorable",
  });
}

const DRILL_TAGS = { "gametracker:drill-id": "202611251200abcd", "gametracker:recovery-point": "latest-restorable" };

describe("verify a restored instance (moto)", () => {
  const emulator = useEmulator();
  let network: DbNetwork;

  beforeEach(async () => {
    const { rds } = emulator.clients();
    // moto copies DeletionProtection from the source on restore and ignores `false`; a
    // source without it lets the drill's "deletion protection off" check be exercised.
    await createSqlServerInstance(rds, { deletionProtection: false });
    network = await createDbNetwork(rds, emulator.endpoint());
  });

  const verify = (rds: RDSClient, clock: ManualClock, resolver: HostResolver, progress: string[] = [], exp?: VerifyExpectations) =>
    verifyRestoredInstance({ rds, clock, random: () => 0.5, resolver, timeoutMs: 3_600_000, onProgress: (m) => progress.push(m) }, exp ?? expectations(network));

  it("passes every check for an instance restored on the environment's network with the drill tags", async () => {
    const { rds } = emulator.clients();
    await restoreInMoto(rds, network, DRILL_TAGS);
    const resolver = rdsEndpointDns(emulator.clients().rds);
    const result = await verify(rds, new ManualClock(), resolver);
    expect(result.checks.filter((c) => c.status === "fail"), JSON.stringify(result.checks, null, 1)).to.deep.equal([]);
    expect(result.passed).to.equal(true);
    expect(result.instance?.address).to.match(/^gametracker-mssql-drill-202611251200abcd\./);
    expect(resolver.asked).to.deep.equal([result.instance!.address]);
  });

  it("waits (never faster than every 5 s, with progress) while the instance is being created", async () => {
    const pending = new PendingStatus("DescribeDBInstances", "creating", 3);
    const faults = new FaultInjector();
    const { rds } = emulator.clients({ middleware: combineMiddleware(pending.middleware, faults.middleware) });
    await restoreInMoto(rds, network, DRILL_TAGS);
    const clock = new ManualClock();
    const progress: string[] = [];
    const result = await verify(rds, clock, rdsEndpointDns(emulator.clients().rds), progress);
    expect(result.passed).to.equal(true);
    expect(pending.rewritten).to.equal(3);
    expect(faults.count("DescribeDBInstances")).to.equal(4);
    expect(clock.sleeps).to.have.length(3);
    for (const ms of clock.sleeps) expect(ms).to.be.at.least(5000);
    expect(progress[0]).to.equal(`waiting for DB instance ${TARGET} to be available (0s, status creating)`);
  });

  it("stops waiting at a status that never becomes available, and fails the check", async () => {
    const pending = new PendingStatus("DescribeDBInstances", "incompatible-restore", Infinity);
    const { rds } = emulator.clients({ middleware: pending.middleware });
    await restoreInMoto(rds, network, DRILL_TAGS);
    const clock = new ManualClock();
    const result = await verify(rds, clock, rdsEndpointDns(emulator.clients().rds));
    expect(clock.sleeps).to.deep.equal([]);
    expect(result.passed).to.equal(false);
    expect(result.checks.find((c) => c.id === "available")).to.deep.include({ status: "fail", actual: "incompatible-restore" });
  });

  it("catches a restore that fell back to the default subnet group and security group", async () => {
    const { rds } = emulator.clients();
    await restoreInMoto(rds, undefined, DRILL_TAGS);
    const result = await verify(rds, new ManualClock(), rdsEndpointDns(emulator.clients().rds));
    const failed = result.checks.filter((c) => c.status === "fail").map((c) => c.id);
    expect(failed).to.deep.equal(["subnet-group", "security-groups"]);
    expect(result.passed).to.equal(false);
  });

  it("rides out throttling of DescribeDBInstances", async () => {
    const faults = new FaultInjector().add({ operation: "DescribeDBInstances", kind: "throttle", times: 2 });
    const { rds } = emulator.clients({ middleware: faults.middleware });
    await restoreInMoto(rds, network, DRILL_TAGS);
    const result = await verify(rds, new ManualClock(), rdsEndpointDns(emulator.clients().rds));
    expect(result.passed).to.equal(true);
    expect(faults.count("DescribeDBInstances")).to.equal(3);
  });

  it("the emulator's RDS DNS answers only while the instance exists: a deleted instance's endpoint fails the check", async () => {
    const { rds } = emulator.clients();
    await restoreInMoto(rds, network, DRILL_TAGS);
    const dns = rdsEndpointDns(emulator.clients().rds);
    const first = await verify(rds, new ManualClock(), dns);
    const address = first.instance!.address!;
    expect(await dns.resolve(address)).to.have.length(1);
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: TARGET, SkipFinalSnapshot: true }));
    let error: unknown;
    try {
      await dns.resolve(address);
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).to.equal("ENOTFOUND");
    expect(await dns.resolve("gametracker-mssql.abc123.us-east-1.rds.amazonaws.com").catch((e: { code?: string }) => e.code)).to.equal("ENOTFOUND");
  });

  it("reports an endpoint that does not resolve, naming the resolver that was asked", async () => {
    const { rds } = emulator.clients();
    await restoreInMoto(rds, network, DRILL_TAGS);
    const nxdomain: HostResolver = {
      name: "system DNS",
      resolve: async (host) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
      },
    };
    const result = await verify(rds, new ManualClock(), nxdomain);
    expect(result.passed).to.equal(false);
    expect(result.checks.find((c) => c.id === "endpoint-resolves")).to.deep.include({ status: "fail", actual: "not resolved: ENOTFOUND" });
    expect(result.checks.find((c) => c.id === "endpoint-resolves")!.expected).to.contain("(system DNS)");
  });
});

describe("recovery facts and restore plan (moto)", () => {
  const emulator = useEmulator();

  const environment = (network: DbNetwork): DeployedEnvironment & { stack: string } => ({
    stack: "dev",
    dbInstanceIdentifier: SOURCE,
    bucketName: undefined,
    apiFunctionName: undefined,
    dbSubnetGroupName: network.subnetGroupName,
    dbSecurityGroupIds: [network.securityGroupId],
    backupRetentionDays: 7,
    declaredManualSnapshots: [],
    activeDatabase: "primary",
    region: "us-east-1",
    role: "primary",
    backupReplicationRegion: undefined,
    snapshotCopyRegions: [],
    engine: undefined,
    instanceClass: undefined,
    multiAz: undefined,
  });

  it("gathers snapshots of both types, the restore window and a snapshot looked up by id", async () => {
    const { rds } = emulator.clients();
    await createSqlServerInstance(rds);
    await createManualSnapshot(rds, SOURCE, "gametracker-manual-backup-v1");
    await createSqlServerInstance(rds, { identifier: "other-instance" });
    await createManualSnapshot(rds, "other-instance", "other-snap");
    const source = await requireInstance({ rds, region: "us-east-1" }, SOURCE);

    const gather = (request: RecoveryRequest) => gatherRecoveryFacts(rds, { region: "us-east-1", instanceIdentifier: SOURCE, primary: source, expectedEngine: undefined, request });
    const facts = await gather({ kind: "latest-restorable" });
    expect(facts.snapshots.map((s) => s.type).sort()).to.deep.equal(["automated", "manual"]);
    expect(facts.snapshots.every((s) => s.instanceIdentifier === SOURCE)).to.equal(true);
    const automated = facts.snapshots.find((s) => s.type === "automated")!;
    // moto reports no RestoreWindow: the oldest automated snapshot is the lower bound.
    expect(facts.primary!.earliestRestorableTime?.getTime()).to.equal(automated.createdAt!.getTime());
    expect(facts.primary!.latestRestorableTime).to.be.instanceOf(Date);
    // moto lists the live instance's own automated backups as active; nothing retained or replicated.
    expect(facts.backups.map((b) => [b.instanceIdentifier, b.status])).to.deep.equal([[SOURCE, "active"]]);

    const other = await gather({ kind: "snapshot", snapshotIdentifier: "other-snap" });
    expect(other.requestedSnapshot).to.deep.include({ identifier: "other-snap", instanceIdentifier: "other-instance", status: "available" });
    const missing = await gather({ kind: "snapshot", snapshotIdentifier: "no-such-snapshot" });
    expect(missing.requestedSnapshot).to.equal(null);
  });

  it("plans a restore of the newest point (the live primary's latest restorable time) on the environment's network, with Describe calls only", async () => {
    const setup = emulator.clients();
    await createSqlServerInstance(setup.rds);
    await createManualSnapshot(setup.rds, SOURCE, "newest-manual");
    const network = await createDbNetwork(setup.rds, emulator.endpoint());
    const faults = new FaultInjector();
    const { rds, ec2 } = emulator.clients({ middleware: faults.middleware });
    const spec = await planRestore({
      rds,
      ec2,
      region: "us-east-1",
      environment: environment(network),
      request: { kind: "latest" },
      purpose: "drill",
      targetIdentifier: TARGET,
      drillId: "202611251200abcd",
      now: new Date(),
      random: () => 0.5,
    });
    expect(spec.point).to.deep.include({ kind: "latest-restorable", label: "latest-restorable", source: { kind: "primary", instanceIdentifier: SOURCE } });
    expect(spec).to.deep.include({ dbSubnetGroupName: network.subnetGroupName, securityGroupIds: [network.securityGroupId], instanceClass: "db.t3.micro", multiAz: false });
    expect([...faults.attempts.keys()].every((op) => op.startsWith("Describe")), [...faults.attempts.keys()].join(",")).to.equal(true);
  });

  it("refuses a target identifier that is taken, a source with nothing to restore, and a placement the region lacks, before creating anything", async () => {
    const { rds, ec2 } = emulator.clients();
    await createSqlServerInstance(rds);
    await createSqlServerInstance(rds, { identifier: "gametracker-mssql-restore" });
    const network = await createDbNetwork(rds, emulator.endpoint());
    const plan = (env: DeployedEnvironment & { stack: string }, target: string) =>
      planRestore({ rds, ec2, region: "us-east-1", environment: env, request: { kind: "latest" }, purpose: "cutover", targetIdentifier: target, now: new Date(), random: () => 0.5 });
    let taken: unknown;
    try {
      await plan(environment(network), "gametracker-mssql-restore");
    } catch (e) {
      taken = e;
    }
    expect(taken).to.be.instanceOf(UsageError);
    expect((taken as Error).message).to.equal(
      "DB instance gametracker-mssql-restore already exists (status available); pass another --target-id, or delete or cut over to the existing one first.",
    );
    let unknown: unknown;
    try {
      await plan({ ...environment(network), dbInstanceIdentifier: "no-such-db" }, "x-restore");
    } catch (e) {
      unknown = e;
    }
    expect(unknown).to.be.instanceOf(UsageError);
    expect((unknown as Error).message).to.equal(
      "us-east-1 has no recovery point of no-such-db: no available snapshot or copy, no automated backups with a restore window; take a snapshot with gametracker-dr snapshots create, or copy one here with gametracker-dr snapshots copy --to-region us-east-1.",
    );
    // The stack's outputs name groups the region does not have (e.g. a stale stack): refused, not left to RDS.
    let stale: unknown;
    try {
      await plan({ ...environment(network), dbSecurityGroupIds: ["sg-0123456789abcdef0"] }, "x-restore");
    } catch (e) {
      stale = e;
    }
    expect((stale as Error).message).to.equal(
      "Security group sg-0123456789abcdef0 (stack dev's) does not exist in us-east-1, where this restore runs; deploy stack dev in us-east-1 (pulumi up -s dev) so its network exists there, or restore with the stack of the region the source is in.",
    );
  });
});
