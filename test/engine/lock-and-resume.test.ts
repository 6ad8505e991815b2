/**
 * What the engine itself guarantees between processes: an update in progress holds the
 * stack's lock, so a second update (another adapter, as another process would be) is
 * refused and changes nothing, and the recovery of interrupted runs refuses that live
 * holder in one sentence; an update that fails half-way keeps what it created, and a
 * fresh workspace later finds it in the backend and finishes the job. The stand-in's
 * levers hold and fail provider operations to make both happen on demand.
 */
import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { DescribeSecurityGroupsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import * as os from "node:os";
import { systemClock } from "../../automation/clock";
import { finishInterruptedRun } from "../../automation/recovery/finish";
import { StackLockedError } from "../../automation/recovery/lock";
import { ConcurrentUpdateError } from "../../automation/stacks/port";
import { useEngine } from "../support/engine/harness";
import { pulumiProcesses } from "../support/engine/kill";

const PROJECT = "engine-lock";
const program = async () => {
  const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.70.0.0/16", tags: { Name: "locked" } });
  const sg = new aws.ec2.SecurityGroup("sg", { vpcId: vpc.id, description: "second" });
  return { vpcId: vpc.id, sgId: sg.id };
};

describe("engine tier: the engine's lock and resuming from the backend", function () {
  this.timeout(120_000);
  const engine = useEngine();
  let ec2: EC2Client;
  before(() => {
    ec2 = new EC2Client({ region: "us-east-1", endpoint: engine.motoEndpoint });
  });
  after(() => ec2?.destroy());
  const vpcs = async () => ((await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Name", Values: ["locked"] }] }))).Vpcs ?? []).length;
  const open = async () => {
    const stack = await engine.stacks({ inlinePrograms: { [PROJECT]: program } }).createOrSelect({ project: PROJECT, stack: "dev" });
    await stack.setConfig("aws:region", "us-east-1");
    return stack;
  };

  it("refuses a second update while the first holds the stack's lock; the first then finishes alone", async () => {
    const first = await open();
    const hold = engine.levers.hold({ op: "create", type: "aws:ec2/securityGroup:SecurityGroup", preview: false });
    const running = first.up();
    running.catch(() => undefined);
    await hold.reached();

    const second = await open();
    let refused: unknown;
    await second.up().catch((e) => (refused = e));
    // The DIY backend's lock ("the stack is currently locked"), which the Automation API and the adapter translate.
    expect(refused).to.be.instanceOf(ConcurrentUpdateError);
    expect((refused as Error).message).to.contain(`Stack ${PROJECT}/dev has an update in progress`);
    // The recovery of interrupted runs reads the lock file and refuses a live holder in one
    // sentence: who (this host, the running pulumi's pid), since when, the command that works.
    const [pid] = pulumiProcesses();
    const name = `organization/${PROJECT}/dev`;
    const recovery = await finishInterruptedRun({ rdsIn: () => ({ rds: undefined as never }), clock: systemClock, waitTimeoutMs: 1000 }, second).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(recovery).to.be.instanceOf(StackLockedError);
    expect((recovery as Error).message).to.match(
      new RegExp(`^Stack ${name} is locked by an update of [^@]+@${os.hostname()} \\(pid ${pid}\\) since \\d{4}-[\\d-]+T[\\d:]+Z that is still running on this host; wait for it to finish, or stop it and run pulumi cancel --yes -s ${name}, then run this command again — nothing was changed\\.$`),
    );
    hold.release();
    const done = await running;
    expect(done.changeSummary).to.deep.equal({ create: 3 });
    expect(await vpcs()).to.equal(1);
  });

  it("an update that fails half-way keeps what it created; a new workspace resumes and creates only the rest", async () => {
    const first = await open();
    engine.levers.fail({ op: "create", type: "aws:ec2/securityGroup:SecurityGroup" }, "injected: the security group could not be created");
    let failed: unknown;
    await first.up().catch((e) => (failed = e));
    expect(String(failed)).to.contain("injected: the security group could not be created");
    expect(await vpcs()).to.equal(1);
    const state = await engine.exportStack(PROJECT, "dev");
    expect(state.resources.map((r) => r.type)).to.include("aws:ec2/vpc:Vpc").and.not.include("aws:ec2/securityGroup:SecurityGroup");

    const resumed = await open();
    const preview = await resumed.preview();
    expect(preview.changeSummary).to.deep.equal({ same: 2, create: 1 });
    const up = await resumed.up();
    expect(await vpcs()).to.equal(1);
    const sg = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [up.outputs.sgId!.value as string] }));
    expect(sg.SecurityGroups![0]!.VpcId).to.equal(up.outputs.vpcId!.value);
  });
});
