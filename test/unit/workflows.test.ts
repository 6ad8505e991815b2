import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { main } from "../../automation/cli/main";
import { ManualClock } from "../support/manual-clock";
import { parseDuration } from "../../automation/duration";
import { deadlineProblem, DEFAULT_CLEANUP_MARGIN } from "../../automation/drill/deadline";
import { DEFAULT_RECOVERY_WAIT_MS } from "../../automation/recovery/finish";

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS = path.join(ROOT, ".github/workflows");
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  bin?: Record<string, string>;
  dependencies: Record<string, string>;
};

/**
 * The project's own commands: the bins of the packages it holds itself (`file:` dependencies),
 * which npm links into node_modules/.bin, where npx finds them without installing anything.
 */
function ownCommands(): Record<string, string> {
  const local = Object.values(packageJson.dependencies).filter((spec) => spec.startsWith("file:"));
  return Object.assign({}, ...local.map((spec) => (JSON.parse(fs.readFileSync(path.join(ROOT, spec.slice("file:".length), "package.json"), "utf8")) as { bin?: Record<string, string> }).bin ?? {}));
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  "continue-on-error"?: unknown;
  "timeout-minutes"?: number;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
  strategy?: { matrix?: Record<string, unknown> };
  env?: Record<string, string>;
  steps: Step[];
  "continue-on-error"?: unknown;
  "timeout-minutes"?: number;
}
interface Workflow {
  on: Record<string, any>;
  permissions?: Record<string, string> | string;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}

function load(file: string): Workflow {
  return parse(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;
}

const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const workflows = Object.fromEntries(files.map((f) => [f, load(f)])) as Record<string, Workflow>;
const allJobs = () => Object.entries(workflows).flatMap(([file, wf]) => Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job })));

/** The action a `uses:` names, without its version. */
const action = (step: Step) => step.uses?.split("@")[0];
const stepsUsing = (job: Job, name: string) => job.steps.filter((s) => action(s) === name);
/** The one step of the job using action `name` (for pulumi/actions: the one that runs a command, not the CLI install). */
const oneStepUsing = (job: Job, name: string) => {
  const found = stepsUsing(job, name).filter((s) => name !== "pulumi/actions" || s.with?.["command"] !== undefined);
  expect(found, `steps using ${name}`).to.have.length(1);
  return found[0]!;
};
const runsNpm = (step: Step) => /(^|\s|&&|;)(npm|npx)\s/m.test(step.run ?? "");
const assumesRole = (job: Job) => stepsUsing(job, "aws-actions/configure-aws-credentials").some((s) => s.with?.["role-to-assume"] !== undefined);
const commentsOnPr = (job: Job) => stepsUsing(job, "pulumi/actions").some((s) => s.with?.["comment-on-pr"] === true);

/** Major versions checked to exist (github.com/<action>/releases). */
/** Whose actions the workflows may run: GitHub's own, AWS's and Pulumi's (a third-party action runs with the job's token). */
const TRUSTED_OWNERS = ["actions", "aws-actions", "pulumi"];

const drillJob = () => workflows["drill.yml"]!.jobs["drill"]!;
function drillStep(): Step {
  const found = drillJob().steps.filter((s) => /gametracker-dr drill/.test(s.run ?? ""));
  expect(found).to.have.length(1);
  return found[0]!;
}
/** The drill command line as shell words, with the job's env references left in. */
const drillArgs = () => drillStep().run!.trim().split(/\s+/).map((w) => w.replace(/^"(.*)"$/, "$1"));
/** The step that cleans up after the drill, and its `gametracker-dr cleanup` line as shell words. */
function cleanupStep(): Step {
  const found = drillJob().steps.filter((s) => /gametracker-dr cleanup/.test(s.run ?? ""));
  expect(found).to.have.length(1);
  return found[0]!;
}
const cleanupArgs = () =>
  cleanupStep()
    .run!.split("\n")
    .find((l) => /gametracker-dr cleanup/.test(l))!
    .trim()
    .match(/"\$\(cat "[^"]+"\)"|"[^"]*"|\S+/g)!
    .map((w) => w.replace(/^"(.*)"$/, "$1"));

describe("GitHub workflows", () => {
  it("are exactly preview, deploy and drill, and all parse", () => {
    expect(files.sort()).to.deep.equal(["deploy.yml", "drill.yml", "preview.yml"]);
    for (const [file, wf] of Object.entries(workflows)) expect(Object.keys(wf.jobs), file).to.not.be.empty;
  });

  it("have the required triggers", () => {
    expect(Object.keys(workflows["preview.yml"]!.on)).to.deep.equal(["pull_request"]);
    expect(Object.keys(workflows["deploy.yml"]!.on)).to.deep.equal(["push"]);
    expect(workflows["deploy.yml"]!.on["push"].branches).to.deep.equal(["main"]);
    const drill = workflows["drill.yml"]!.on;
    expect(Object.keys(drill).sort()).to.deep.equal(["schedule", "workflow_dispatch"]);
    const cron: string = drill["schedule"][0].cron;
    // Weekly: a fixed minute, hour and day of week; every day of the month and month.
    expect(cron.split(/\s+/)).to.have.length(5);
    const [minute, hour, dom, month, dow] = cron.split(/\s+/);
    expect([minute, hour, dow].every((f) => /^\d+$/.test(f!)), cron).to.equal(true);
    expect([dom, month]).to.deep.equal(["*", "*"]);
    expect(Object.keys(drill["workflow_dispatch"].inputs).sort()).to.deep.equal(["from", "stack"]);
    expect(drill["workflow_dispatch"].inputs.stack.options).to.deep.equal(["dev", "prod", "prod-dr"]);
  });

  describe("permissions are least-privilege", () => {
    it("every workflow grants only contents: read at the top", () => {
      for (const [file, wf] of Object.entries(workflows)) expect(wf.permissions, file).to.deep.equal({ contents: "read" });
    });

    it("jobs raise only pull-requests: write (where they comment) and id-token: write (where they assume a role)", () => {
      for (const { file, id, job } of allJobs()) {
        const where = `${file} ${id}`;
        const permissions = job.permissions ?? { contents: "read" };
        expect(permissions, where).to.be.an("object");
        const granted = permissions as Record<string, string>;
        for (const [scope, level] of Object.entries(granted)) {
          if (level === "read" || level === "none") continue;
          expect(level, where).to.equal("write");
          expect(["pull-requests", "id-token"], `${where} raises ${scope}`).to.include(scope);
        }
        expect(granted["pull-requests"] === "write", `${where} pull-requests: write iff it comments`).to.equal(commentsOnPr(job));
        expect(granted["id-token"] === "write", `${where} id-token: write iff it assumes a role`).to.equal(assumesRole(job));
      }
    });

    it("only the PR preview comments, and only jobs that reach AWS assume a role", () => {
      const commenting = allJobs().filter(({ job }) => commentsOnPr(job)).map(({ file, id }) => `${file}:${id}`);
      expect(commenting).to.deep.equal(["preview.yml:preview"]);
      const assuming = allJobs().filter(({ job }) => assumesRole(job)).map(({ file, id }) => `${file}:${id}`).sort();
      expect(assuming).to.deep.equal(["deploy.yml:dev", "deploy.yml:prod", "drill.yml:drill", "preview.yml:preview"]);
    });
  });

  it("every job that runs npm or npx sets up Node 22 first", () => {
    let checked = 0;
    for (const { file, id, job } of allJobs()) {
      const firstNpm = job.steps.findIndex(runsNpm);
      if (firstNpm < 0) continue;
      checked++;
      const setup = job.steps.findIndex((s) => action(s) === "actions/setup-node");
      expect(setup, `${file} ${id} sets up node`).to.be.within(0, firstNpm - 1);
      expect(String(job.steps[setup]!.with?.["node-version"]), `${file} ${id}`).to.equal("22");
    }
    expect(checked).to.equal(5);
  });

  it("runs only actions of trusted owners, each pinned to a major version tag (never a branch)", () => {
    // Whether a tag exists is GitHub's to say; this checks the policy a reviewer would.
    for (const { file, id, job } of allJobs()) {
      for (const step of job.steps.filter((s) => s.uses)) {
        const [name, version] = step.uses!.split("@");
        expect(TRUSTED_OWNERS, `${file} ${id} uses ${step.uses}`).to.include(name!.split("/")[0]);
        expect(version, `${file} ${id} ${name}`).to.match(/^v\d+$/);
      }
    }
  });

  it("never splices secrets, inputs or event data into shell scripts (they go through env)", () => {
    for (const { file, id, job } of allJobs()) {
      for (const step of job.steps.filter((s) => s.run)) {
        expect(step.run, `${file} ${id}`).not.to.match(/\$\{\{\s*(secrets|inputs|github\.event)\./);
      }
    }
  });

  it("installs the Pulumi CLI the ordinary way (pulumi/actions) and Go before the test command, so CI never builds the CLI", () => {
    const testJobs = [workflows["preview.yml"]!.jobs["test"]!, workflows["deploy.yml"]!.jobs["dev"]!];
    for (const job of testJobs) {
      const npmTest = job.steps.findIndex((s) => s.run === "npm test");
      const install = job.steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.["command"] === undefined);
      expect(install, "a pulumi/actions step without a command (install only)").to.be.greaterThan(-1);
      expect(job.steps[install]!.with?.["pulumi-version"], "pinned like the version the tests build").to.match(/^3\.\d+\.\d+$/);
      expect(install).to.be.lessThan(npmTest);
      expect(job.steps.findIndex((s) => s.uses?.startsWith("actions/setup-go@"))).to.be.within(0, npmTest);
    }
  });

  describe("preview", () => {
    const wf = () => workflows["preview.yml"]!;

    it("tests with the README's test command before previewing", () => {
      const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
      expect(readme).to.contain("npm test");
      const test = wf().jobs["test"]!;
      expect(test.steps.map((s) => s.run).filter(Boolean)).to.deep.equal(["npm ci", "npm test"]);
      expect(wf().jobs["preview"]!.needs).to.equal("test");
    });

    it("previews each environment stack with a diff, the policy pack, and one self-updating PR comment per stack", () => {
      const job = wf().jobs["preview"]!;
      expect(job.strategy?.matrix?.["stack"]).to.deep.equal(["dev", "prod"]);
      expect(job.steps.some((s) => s.run === "npm ci")).to.equal(true);
      const pulumi = oneStepUsing(job, "pulumi/actions");
      expect(pulumi.with).to.include({
        command: "preview",
        "stack-name": "${{ matrix.stack }}",
        diff: true,
        "comment-on-pr": true,
        "edit-pr-comment": true,
        policyPacks: "policy",
      });
      expect(fs.existsSync(path.join(ROOT, String(pulumi.with!["policyPacks"]), "PulumiPolicy.yaml"))).to.equal(true);
    });

    it("gets AWS credentials through OIDC, the backend from a repository variable and the passphrase from a secret", () => {
      const job = wf().jobs["preview"]!;
      const aws = oneStepUsing(job, "aws-actions/configure-aws-credentials");
      expect(String(aws.with!["role-to-assume"])).to.match(/^\$\{\{ vars\.[A-Z_]+ \}\}$/);
      expect(aws.with).not.to.have.any.keys("aws-access-key-id", "aws-secret-access-key");
      const pulumi = oneStepUsing(job, "pulumi/actions");
      expect(pulumi.with!["cloud-url"]).to.equal("${{ vars.PULUMI_BACKEND_URL }}");
      expect(pulumi.env!["PULUMI_CONFIG_PASSPHRASE"]).to.equal("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
      expect(job.steps.indexOf(aws)).to.be.lessThan(job.steps.indexOf(pulumi));
    });
  });

  describe("deploy", () => {
    const jobs = () => workflows["deploy.yml"]!.jobs;

    it("runs pulumi up on dev, then on prod after dev and behind the production environment's approval", () => {
      const { dev, prod } = jobs();
      expect(oneStepUsing(dev!, "pulumi/actions").with).to.include({ command: "up", "stack-name": "dev", policyPacks: "policy" });
      expect(oneStepUsing(prod!, "pulumi/actions").with).to.include({ command: "up", "stack-name": "prod", policyPacks: "policy" });
      expect(prod!.needs).to.equal("dev");
      expect(prod!.environment).to.equal("production");
      expect(dev!.steps.map((s) => s.run).filter(Boolean)).to.deep.equal(["npm ci", "npm test"]);
    });

    it("never runs two updates of one stack at once and never cancels a running one", () => {
      const groups = Object.values(jobs()).map((job) => job.concurrency as { group: string; "cancel-in-progress": boolean });
      expect(groups.map((g) => g.group)).to.deep.equal(["deploy-dev", "deploy-prod"]);
      for (const g of groups) expect(g["cancel-in-progress"]).to.equal(false);
    });
  });

  describe("drill", () => {
    const job = drillJob;

    it("installs the Pulumi CLI and the packages before it drills", () => {
      const steps = job().steps;
      const install = steps.findIndex((s) => action(s) === "pulumi/actions" && s.with?.["command"] === undefined);
      expect(install, "pulumi/actions without a command installs the CLI").to.be.greaterThan(-1);
      const npmCi = steps.findIndex((s) => s.run === "npm ci");
      expect(npmCi).to.be.greaterThan(-1);
      const drill = steps.indexOf(drillStep());
      expect(Math.max(install, npmCi)).to.be.lessThan(drill);
    });

    it("runs gametracker-dr drill on the chosen stack and recovery point, with --json and a report dir", () => {
      const args = drillArgs();
      expect(args.slice(0, 3)).to.deep.equal(["exec", "./node_modules/.bin/gametracker-dr", "drill"]);
      expect(args[args.indexOf("--stack") + 1]).to.equal("$STACK");
      expect(args[args.indexOf("--from") + 1]).to.equal("$FROM");
      expect(args).to.include("--json");
      expect(args[args.indexOf("--report-dir") + 1]).to.equal("reports");
      expect(job().env!["STACK"]).to.equal("${{ matrix.stack }}");
      expect(job().env!["FROM"]).to.equal("${{ inputs.from || (matrix.stack == 'prod-dr' && 'replica:latest') || 'latest' }}");
      expect(String(job().strategy!.matrix!["stack"])).to.contain("inputs.stack").and.to.contain('["dev","prod","prod-dr"]');
      // Every stack the workflow drills has its stack file.
      for (const stack of ["dev", "prod", "prod-dr"]) expect(fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)), stack).to.equal(true);
    });

    it("fails the job when the drill fails: no continue-on-error anywhere on the way", () => {
      expect(job()).not.to.have.property("continue-on-error");
      expect(drillStep()).not.to.have.property("continue-on-error");
      expect(drillStep()).not.to.have.property("if");
      expect(drillStep().run).not.to.match(/\|\|\s*true|;\s*exit 0|set \+e/);
    });

    it("writes the Markdown report to the step summary and uploads the JSON, also when the drill failed", () => {
      const steps = job().steps;
      const drill = steps.indexOf(drillStep());
      const summary = steps.find((s) => /GITHUB_STEP_SUMMARY/.test(s.run ?? ""))!;
      expect(summary.if).to.equal("always()");
      expect(summary.run).to.contain("reports/*.md");
      expect(steps.indexOf(summary)).to.be.greaterThan(drill);
      const upload = oneStepUsing(job(), "actions/upload-artifact");
      expect(upload.if).to.equal("always()");
      expect(String(upload.with!["path"])).to.contain("reports/*.json");
      expect(steps.indexOf(upload)).to.be.greaterThan(drill);
    });

    it("runs the drill as the step's own process (exec of the bin npm ci links), so GitHub's SIGINT and SIGTERM reach it: a shell or npx would not pass them on", () => {
      const run = drillStep().run!.trim();
      expect(run.split("\n")).to.have.length(1);
      expect(run).to.match(/^exec \.\/node_modules\/\.bin\/gametracker-dr drill /);
      expect(fs.realpathSync(path.join(ROOT, "node_modules", ".bin", "gametracker-dr"))).to.equal(path.join(ROOT, "bin", "gametracker-dr.js"));
    });

    it("stops the drill in time to clean up in-process: a --deadline the drill accepts, shorter than the drill step's timeout, and the drill's and cleanup's steps within the job's", () => {
      const args = drillArgs();
      const deadline = { ms: parseDuration(args[args.indexOf("--deadline") + 1]!, "--deadline"), marginMs: parseDuration(DEFAULT_CLEANUP_MARGIN) };
      expect(deadlineProblem(deadline), "the deadline leaves the drill time to run").to.equal(undefined);
      const drillTimeout = drillStep()["timeout-minutes"]!;
      const cleanupTimeout = cleanupStep()["timeout-minutes"]!;
      // GitHub's SIGINT at the step's timeout comes after the deadline, so the drill is done (or cleaning up) by then.
      expect(deadline.ms).to.be.lessThan(drillTimeout * 60_000);
      // A step's timeout, not the job's: GitHub ends what still runs of a cancelled (or timed-out) job 5 minutes later.
      expect(drillTimeout + cleanupTimeout).to.be.lessThan(job()["timeout-minutes"]!);
      expect(cleanupTimeout * 60_000, "the cleanup step outlasts a recovery's wait for an RDS create").to.be.greaterThan(DEFAULT_RECOVERY_WAIT_MS);
    });

    it("ends with a step that always runs cleanup of this drill's stack and instance only, by the id the drill wrote before creating anything", () => {
      const steps = job().steps;
      const cleanup = cleanupStep();
      expect(steps.indexOf(cleanup), "the last step").to.equal(steps.length - 1);
      expect(cleanup.if).to.equal("always()");
      const idFile = drillArgs()[drillArgs().indexOf("--id-file") + 1];
      expect(idFile).to.equal("$RUNNER_TEMP/drill-id");
      const args = cleanupArgs();
      expect(args.slice(0, 3)).to.deep.equal(["npx", "gametracker-dr", "cleanup"]);
      expect(args[args.indexOf("--stack") + 1]).to.equal("$STACK");
      expect(args[args.indexOf("--drill") + 1]).to.equal(`$(cat "${idFile}")`);
      expect(args).to.include("--yes");
      // Never another run's stack or a kept restore: no age-based sweep, no --dry-run that would hide a failure.
      expect(args).not.to.include("--older-than");
      expect(args).not.to.include("--dry-run");
      // No id file: the drill created nothing, and there is nothing to remove.
      expect(cleanup.run).to.contain(`if [ -s "${idFile}" ]`);
    });

    it("never runs two drills of one stack at once", () => {
      const concurrency = job().concurrency as { group: string; "cancel-in-progress": boolean };
      expect(concurrency.group).to.equal("drill-${{ matrix.stack }}");
      expect(concurrency["cancel-in-progress"]).to.equal(false);
    });

    it("gets the backend and passphrase from a variable and a secret, and AWS through OIDC", () => {
      expect(job().env).to.include({ PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}", PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" });
      expect(String(oneStepUsing(job(), "aws-actions/configure-aws-credentials").with!["role-to-assume"])).to.match(/^\$\{\{ vars\.[A-Z_]+ \}\}$/);
    });
  });

  describe("the commands the workflows run exist", () => {
    const runLines = () =>
      allJobs()
        .flatMap(({ job }) => job.steps)
        .flatMap((s) => (s.run ?? "").split("\n"))
        .map((l) => l.trim())
        .filter((l) => /^(npm|npx)\s/.test(l));

    it("npm scripts are in package.json and npx binaries are the package's own", () => {
      const lines = runLines();
      expect(lines).to.include("npm test");
      for (const line of lines) {
        const [tool, first, second] = line.split(/\s+/);
        if (tool === "npm" && first === "run") expect(packageJson.scripts, line).to.have.property(second!);
        else if (tool === "npm" && first !== "ci") expect(packageJson.scripts, line).to.have.property(first!);
        if (tool === "npx") expect(ownCommands(), line).to.have.property(first!);
      }
    });

    it("gametracker-dr is linked from a local package, not the root's bin, so npx neither installs the project into its cache nor asks a registry", () => {
      // npx runs a bin of the root package by installing the project into ~/.npm/_npx first,
      // which checks the project's engines against the Node running npm (libnpmexec's
      // "self-execution of a local bin"); a dependency's bin it runs from node_modules/.bin.
      expect(packageJson.bin).to.equal(undefined);
      expect(ownCommands()).to.deep.equal({ "gametracker-dr": "gametracker-dr.js" });
      expect(packageJson.dependencies["gametracker-dr-bin"]).to.equal("file:bin");
      expect(fs.realpathSync(path.join(ROOT, "node_modules", ".bin", "gametracker-dr"))).to.equal(path.join(ROOT, "bin", "gametracker-dr.js"));
    });

    /** Fails unless `gametracker-dr <command> --help` exits 0 and lists every one of `options`. */
    async function expectHelpLists(command: string, options: string[]): Promise<void> {
      const out: string[] = [];
      const code = await main([command, "--help"], {
        stdout: { write: (t: string) => void out.push(t) },
        stderr: { write: () => undefined },
        clock: new ManualClock(),
        ask: undefined,
      });
      expect(code).to.equal(0);
      const help = out.join("");
      for (const option of options) expect(help, `gametracker-dr ${command} --help lists ${option}`).to.match(new RegExp(`(^|\\s)${option}(\\s|$)`, "m"));
    }

    it("gametracker-dr drill accepts every option the drill workflow passes, and cleanup every option of the workflow's cleanup step", async () => {
      const drillOptions = drillArgs().filter((w) => w.startsWith("--"));
      expect(drillOptions).to.include.members(["--deadline", "--id-file"]).and.to.have.length.greaterThan(5);
      await expectHelpLists("drill", drillOptions);
      const cleanupOptions = cleanupArgs().filter((w) => w.startsWith("--"));
      expect(cleanupOptions).to.deep.equal(["--stack", "--drill", "--yes"]);
      await expectHelpLists("cleanup", cleanupOptions);
    });
  });
});
