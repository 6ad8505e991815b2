import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { backendInfo, lockDirectory, pendingOperationsOf, readFileLocks, removeFileLock, resolvePendingIn } from "../../../automation/stacks/pulumi-state";

const ID = { project: "gametracker-restore", stack: "dev-drill-202612071922k3x9" };
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
const STACK_URN = "urn:pulumi:dev-drill-x::gametracker-restore::pulumi:pulumi:Stack::gametracker-restore-dev-drill-x";
const PROVIDER = "urn:pulumi:dev-drill-x::gametracker-restore::pulumi:providers:aws::default_7_48_0";
const COMPONENT = "urn:pulumi:dev-drill-x::gametracker-restore::gametracker:index:Database::restored";
const INSTANCE = "urn:pulumi:dev-drill-x::gametracker-restore::gametracker:index:Database$aws:rds/instance:Instance::restored-instance";
const FUNCTION = "urn:pulumi:dev-drill-x::gametracker-restore::aws:lambda/function:Function::validator-function";

/** The shape `pulumi stack export` gives after a kill during the instance's create (measured with CLI 3.274.1). */
function killedDeployment() {
  return {
    manifest: { time: "2026-12-07T19:16:41Z", magic: "m", version: "v3.274.1" },
    secrets_providers: { type: "passphrase", state: { salt: "s" } },
    resources: [
      { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack" },
      { urn: PROVIDER, custom: true, id: "fc30bb20", type: "pulumi:providers:aws", inputs: {}, outputs: {} },
      { urn: COMPONENT, custom: false, type: "gametracker:index:Database", parent: STACK_URN },
      { urn: FUNCTION, custom: true, id: "old-fn", type: "aws:lambda/function:Function", parent: STACK_URN, inputs: { name: "v" }, outputs: { name: "v" } },
    ],
    pending_operations: [
      {
        resource: {
          urn: INSTANCE,
          custom: true,
          type: "aws:rds/instance:Instance",
          inputs: { __defaults: ["applyImmediately"], identifier: "gametracker-mssql-drill-x", region: "us-east-1", password: SECRET, tags: { a: "b" } },
          parent: COMPONENT,
          provider: `${PROVIDER}::fc30bb20`,
          dependencies: [],
        },
        type: "creating",
      },
      { resource: { urn: FUNCTION, custom: true, id: "old-fn", type: "aws:lambda/function:Function", inputs: { name: "v" } }, type: "updating" },
    ],
    metadata: {},
  };
}

describe("the real adapter's reading of the backend's formats", () => {
  it("lists pending operations with their inputs, secrets left out", () => {
    expect(pendingOperationsOf(killedDeployment())).to.deep.equal([
      { urn: INSTANCE, type: "aws:rds/instance:Instance", operation: "creating", id: undefined, inputs: { __defaults: ["applyImmediately"], identifier: "gametracker-mssql-drill-x", region: "us-east-1", tags: { a: "b" } } },
      { urn: FUNCTION, type: "aws:lambda/function:Function", operation: "updating", id: "old-fn", inputs: { name: "v" } },
    ]);
    expect(pendingOperationsOf({ resources: [] })).to.deep.equal([]);
  });

  it("an import puts the create into the state after its parent and provider, with the prior as inputs and outputs, secret inputs kept encrypted", () => {
    const prior = { __defaults: ["applyImmediately"], identifier: "gametracker-mssql-drill-x", region: "us-east-1", tags: { a: "b" } };
    const { deployment, refresh } = resolvePendingIn(killedDeployment(), [
      { urn: INSTANCE, action: "import", id: "db-ABC", prior },
      { urn: FUNCTION, action: "clear" },
    ]);
    const resources = deployment.resources as Array<Record<string, unknown>>;
    expect(resources.map((r) => r.urn)).to.deep.equal([STACK_URN, PROVIDER, COMPONENT, FUNCTION, INSTANCE]);
    const imported = resources[4]!;
    expect(imported).to.deep.include({ id: "db-ABC", custom: true, parent: COMPONENT, provider: `${PROVIDER}::fc30bb20` });
    expect(imported.inputs).to.deep.equal({ ...prior, password: SECRET });
    expect(imported.outputs, "no engine meta keys among the outputs").to.deep.equal({ identifier: "gametracker-mssql-drill-x", region: "us-east-1", tags: { a: "b" }, password: SECRET });
    expect(deployment).not.to.have.property("pending_operations");
    expect(refresh).to.deep.equal([INSTANCE, FUNCTION]);
    expect(deployment.manifest, "the rest of the deployment is kept").to.deep.equal(killedDeployment().manifest);
  });

  it("a clear drops the create; a create that was replacing a resource of the same URN marks the old one for deletion", () => {
    const cleared = resolvePendingIn(killedDeployment(), [
      { urn: INSTANCE, action: "clear" },
      { urn: FUNCTION, action: "clear" },
    ]);
    expect((cleared.deployment.resources as Array<{ urn: string }>).map((r) => r.urn)).to.not.include(INSTANCE);
    expect(cleared.refresh).to.deep.equal([FUNCTION]);
    const replacing = killedDeployment();
    replacing.pending_operations = [{ resource: { ...replacing.resources[3]!, inputs: { name: "v2" } } as never, type: "creating" }];
    const { deployment } = resolvePendingIn(replacing, [{ urn: FUNCTION, action: "import", id: "new-fn", prior: { name: "v2" } }]);
    const functions = (deployment.resources as Array<{ urn: string; id: string; delete?: boolean }>).filter((r) => r.urn === FUNCTION);
    expect(functions.map((f) => [f.id, f.delete ?? false])).to.deep.equal([
      ["old-fn", true],
      ["new-fn", false],
    ]);
  });

  it("refuses to resolve only some of the pending operations (the import drops the rest)", () => {
    expect(() => resolvePendingIn(killedDeployment(), [{ urn: INSTANCE, action: "clear" }])).to.throw(/pending updating of .*validator-function has no resolution/);
  });

  it("knows the kind of backend a whoami URL names, and a file backend's directory", () => {
    expect(backendInfo("file:///tmp/b", "/home/u")).to.deep.equal({ url: "file:///tmp/b", kind: "file", root: "/tmp/b" });
    expect(backendInfo("file://~/states", "/home/u").root).to.equal("/home/u/states");
    expect(backendInfo("https://api.pulumi.com", "/home/u").kind).to.equal("cloud");
    expect(backendInfo("s3://bucket/prefix?region=us-east-1", "/home/u").kind).to.equal("object-store");
  });

  describe("a file backend's lock files", () => {
    let root: string;
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-state-"));
      fs.mkdirSync(path.join(root, ".pulumi"));
      fs.writeFileSync(path.join(root, ".pulumi", "meta.yaml"), "version: 1\n");
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("reads who holds the lock, as the backend wrote it (pid, user, host, time)", () => {
      expect(readFileLocks(root, ID)).to.deep.equal({ state: "free" });
      const dir = lockDirectory(root, ID);
      expect(path.relative(root, dir)).to.equal(".pulumi/locks/organization/gametracker-restore/dev-drill-202612071922k3x9");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "4b408d67-db4c.json"), JSON.stringify({ pid: 5187, username: "root", hostname: "vm", timestamp: "2026-12-07T19:16:37.009152781Z" }));
      fs.writeFileSync(path.join(dir, "4b408d67-db4c.json.attrs"), "{}");
      expect(readFileLocks(root, ID)).to.deep.equal({
        state: "held",
        holders: [{ pid: 5187, username: "root", hostname: "vm", since: new Date("2026-12-07T19:16:37.009Z"), lockId: "4b408d67-db4c" }],
      });
      removeFileLock(root, ID, "4b408d67-db4c");
      expect(fs.readdirSync(dir)).to.deep.equal([]);
      expect(readFileLocks(root, ID)).to.deep.equal({ state: "free" });
      expect(() => removeFileLock(root, ID, "../../stacks/x")).to.throw(/is not a lock id/);
    });

    it("a backend layout this tool does not know says nothing", () => {
      fs.writeFileSync(path.join(root, ".pulumi", "meta.yaml"), "version: 0\n");
      expect(readFileLocks(root, ID)).to.deep.equal({ state: "unknown" });
    });
  });
});
