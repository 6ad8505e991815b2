import { expect } from "chai";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { main } from "../../automation/cli/main";
import { CliCommand, CliCommandGroup } from "../../automation/cli/command";
import { createDrillCommand } from "../../automation/commands/drill";
import { createRestoreCommand } from "../../automation/commands/restore";
import { cutoverCommand } from "../../automation/commands/cutover";
import { DrillReport } from "../../automation/drill/report";
import { RestoreResult } from "../../automation/restore/restore";
import { plainOutput } from "../../automation/stacks/port";
import { EnvironmentOutputNames, ENVIRONMENT_PROJECT, RESTORE_PROJECT } from "../../contracts/stacks";
import { useEmulator } from "../support/emulator";
import { deployEnvironment, lambdaEnvironment, newWorld, World } from "./cutover-fixtures";
import { FakeInterrupts, primaryFingerprint } from "./restore-fixtures";
import { rdsEndpointDns } from "../support/rds-dns";

/**
 * The drill and the restore against an environment deployed by the REAL environment
 * program (VPC, subnet group, security group, primary, declared snapshot, API Lambda in
 * moto): proves the environment's outputs and the restore program fit together, and that
 * a restore's stack is what `cutover --to` takes.
 */
describe("drill and restore on an environment deployed by the real program (in-memory stacks + moto)", () => {
  const emulator = useEmulator();
  let world: World;
  let primary: string;
  let outputs: Awaited<ReturnType<typeof deployEnvironment>>;

  beforeEach(async () => {
    world = newWorld(emulator.clients());
    outputs = await deployEnvironment(world.stacks);
    primary = String(plainOutput(outputs, EnvironmentOutputNames.databaseIdentifier));
    world.clock.advance(1000);
    world.stacks.clearHistory();
  });
  afterEach(() => world.moto.destroy());

  async function run(argv: string[], commands: Array<CliCommand | CliCommandGroup>): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      argv,
      {
        stdout: { write: (t) => void out.push(t) },
        stderr: { write: (t) => void err.push(t) },
        clock: world.clock,
        ask: undefined,
        random: () => 0.25,
        awsClients: (o) => emulator.clients(o),
        stacks: () => world.stacks,
      },
      commands,
    );
    return { code, stdout: out.join(""), stderr: err.join("") };
  }

  it("a drill restores the newest point onto the environment's own subnet group and security group, verifies, and cleans up", async () => {
    const { rds } = emulator.clients();
    const before = await primaryFingerprint(rds, primary);
    const result = await run(["drill", "--stack", "dev", "--json"], [createDrillCommand({ resolver: rdsEndpointDns(rds), onInterrupt: new FakeInterrupts().install })]);
    expect(result.code, result.stderr).to.equal(0);
    const report = JSON.parse(result.stdout) as DrillReport;
    expect(report.outcome).to.equal("passed");
    expect(report.checks.find((c) => c.id === "subnet-group")?.actual).to.equal(plainOutput(outputs, EnvironmentOutputNames.dbSubnetGroupName));
    expect(report.checks.find((c) => c.id === "security-groups")?.actual).to.equal(plainOutput(outputs, EnvironmentOutputNames.dbSecurityGroupId));
    expect(world.stacks.mutations({ project: ENVIRONMENT_PROJECT, stack: "dev" })).to.deep.equal([]);
    expect(world.stacks.history.filter((e) => e.project === RESTORE_PROJECT && e.verb === "remove")).to.have.length(1);
    const left = ((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((i) => i.DBInstanceIdentifier);
    expect(left).to.deep.equal([primary]);
    expect(await primaryFingerprint(rds, primary)).to.deep.equal(before);
  });

  it("a restore makes the stack that cutover --to takes, and the API then points at the restored endpoint", async () => {
    const restored = await run(["restore", "--stack", "dev", "--yes", "--json"], [createRestoreCommand({ resolver: rdsEndpointDns(emulator.clients().rds) })]);
    expect(restored.code, restored.stderr).to.equal(0);
    const result = JSON.parse(restored.stdout) as RestoreResult;
    expect(result.passed).to.equal(true);
    const cut = await run(["cutover", "--stack", "dev", "--to", result.stackName, "--yes"], [cutoverCommand]);
    expect(cut.code, cut.stderr + cut.stdout).to.equal(0);
    const fn = String(plainOutput(outputs, EnvironmentOutputNames.apiFunctionName));
    const env = await lambdaEnvironment(emulator.clients(), fn);
    expect(env.SPRING_DATASOURCE_URL).to.contain(`//${result.endpoint!.address}:`);
  });
});
