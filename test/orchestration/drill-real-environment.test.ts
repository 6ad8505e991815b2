import { expect } from "chai";
import { primaryFingerprint } from "../support/rds-fixtures";
import { FakeInterrupts } from "../support/interrupts";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { DrillReport } from "../../automation/drill/report";
import { RestoreResult } from "../../automation/restore/restore";
import { plainOutput } from "../../automation/stacks/port";
import { EnvironmentOutputNames, ENVIRONMENT_PROJECT, RESTORE_PROJECT } from "../../contracts/stacks";
import { useEmulator } from "../support/emulator";
import { deployEnvironment, lambdaEnvironment, newWorld, World } from "./cutover-fixtures";
import { rdsEndpointDns } from "../support/rds-dns";
import { CliRunOptions, runCli } from "../support/cli";
import { GetFunctionConfigurationCommand, FunctionConfiguration } from "@aws-sdk/client-lambda";
import { AwsClients } from "../../automation/aws/clients";
import { drillStackName } from "../../contracts/stacks";
import { newRunId } from "../../automation/restore/naming";
import { MotoLambdaRuntime } from "../support/lambda-runtime";

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
  // Runs the Lambda functions the stacks deploy into moto (moto cannot without Docker).
  let runtime: MotoLambdaRuntime;
  let clients: AwsClients;

  beforeEach(async () => {
    runtime = new MotoLambdaRuntime(() => clients.lambda);
    clients = emulator.clients({ middleware: runtime.middleware });
    world = newWorld(clients);
    outputs = await deployEnvironment(world.stacks);
    primary = String(plainOutput(outputs, EnvironmentOutputNames.databaseIdentifier));
    world.clock.advance(1000);
    world.stacks.clearHistory();
  });
  afterEach(() => {
    world.moto.destroy();
    runtime.cleanup();
  });

  const run = (argv: string[], extra: Partial<CliRunOptions> = {}) =>
    runCli(argv, { clients: (o) => emulator.clients({ ...o, middleware: runtime.middleware }), stacks: () => world.stacks, clock: world.clock, random: () => 0.25, ...extra });

  it("a drill restores the newest point onto the environment's own subnet group and security group, verifies, and cleans up", async () => {
    const { rds } = emulator.clients();
    const before = await primaryFingerprint(rds, primary);
    const result = await run(["drill", "--stack", "dev", "--json"], { resolver: rdsEndpointDns(rds), onInterrupt: new FakeInterrupts().install });
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
    const restored = await run(["restore", "--stack", "dev", "--yes", "--json"], { resolver: rdsEndpointDns(emulator.clients().rds) });
    expect(restored.code, restored.stderr).to.equal(0);
    const result = JSON.parse(restored.stdout) as RestoreResult;
    expect(result.passed).to.equal(true);
    const cut = await run(["cutover", "--stack", "dev", "--to", result.stackName, "--yes"], {});
    expect(cut.code, cut.stderr + cut.stdout).to.equal(0);
    const fn = String(plainOutput(outputs, EnvironmentOutputNames.apiFunctionName));
    const env = await lambdaEnvironment(emulator.clients(), fn);
    expect(env.SPRING_DATASOURCE_URL).to.contain(`//${result.endpoint!.address}:`);
  });

  it("the weekly drill (no flags) of an environment configured for the bundled validator deploys it into the environment's own private subnets with the API's group", async () => {
    // pulumi config set validationWith bundled; pulumi config set --path 'validationMinRows[0]' 'dbo.Players>=1000'; pulumi up
    outputs = await deployEnvironment(world.stacks, "dev", { validationWith: "bundled", validationMinRows: '["dbo.Players>=1000"]' });
    world.stacks.clearHistory();
    const { rds } = emulator.clients();
    // The CLI's random source is fixed at 0.25 here, so the drill's id (and its stack's name) is known.
    const stack = drillStackName("dev", newRunId(world.clock.now(), () => 0.25));
    const name = `${stack}-validator`;
    let deployed: FunctionConfiguration | undefined;
    // Seen while the drill's stack exists: after it, the validator is destroyed with it.
    world.stacks.beforeNext(stack, "destroy", async () => {
      deployed = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    });
    const result = await run(["drill", "--stack", "dev", "--json"], { resolver: rdsEndpointDns(rds), onInterrupt: new FakeInterrupts().install });
    const report = JSON.parse(result.stdout) as DrillReport;
    expect(result.code, result.stderr).to.equal(1);
    expect(report.failedStep, report.error).to.equal("validate");
    expect(report.validation?.hook).to.equal(`the bundled SQL validator (Lambda function ${name})`);
    expect(runtime.invocations.map((i) => i.functionName)).to.deep.equal([name]);
    // In the subnets and with the security group the environment program made for the API.
    expect(deployed?.VpcConfig?.SubnetIds?.slice().sort()).to.deep.equal((plainOutput(outputs, EnvironmentOutputNames.apiSubnetIds) as string[]).slice().sort());
    expect(deployed?.VpcConfig?.SecurityGroupIds).to.deep.equal([plainOutput(outputs, EnvironmentOutputNames.apiSecurityGroupId)]);
    // It read the restored instance's secret, then could not reach the emulator's endpoint; the drill cleaned up.
    expect(report.checks.find((c) => c.name.startsWith(`connect to ${report.endpoint!.address}:1433`))?.actual).to.match(/ENOTFOUND/);
    expect(report.cleanup.status).to.equal("destroyed");
    expect(world.stacks.mutations({ project: ENVIRONMENT_PROJECT, stack: "dev" })).to.deep.equal([]);
  });
});
