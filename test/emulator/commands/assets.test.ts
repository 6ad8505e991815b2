import { expect } from "chai";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { StackNotFoundError, Stacks } from "../../../automation/stacks/port";
import { describeOnS3Emulators } from "../../support/s3-emulators";
import { runCli, runCliJson } from "../../support/assets-cli";
import { conditionalCopyRule } from "../../support/s3-rules";
import { census, censusDiff, currentEtags, md5 } from "../../support/bucket-history";

const BUCKET = "gametracker-assets-cmd";
const KEY = "characters/42/portrait 1.png";

describeOnS3Emulators("assets versions / restore / undelete", (emulator) => {
  const cli = (argv: string[], ask?: (q: string) => Promise<boolean>, stacks?: Stacks) => runCli(emulator, argv, { ...(ask ? { ask } : {}), ...(stacks ? { stacks } : {}) });
  const json = (argv: string[]) => runCliJson(emulator, argv);
  const body = async (key: string) => {
    const o = await emulator.clients().s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return o.Body!.transformToString();
  };

  /**
   * KEY: null version "v0", then v1, v2, then (a second later, so that moto's whole-second
   * stamps can't tie a marker with a version) deleted twice. Undeleting above a null
   * version makes versitygw serve the null version (S3Behaviours.nullVersions), so
   * the undelete tests leave it out there.
   */
  async function seed(nullVersion = true) {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET, { beforeVersioning: nullVersion ? [{ key: KEY, body: "v0" }] : [] });
    await history.apply([{ put: KEY, body: "v1" }, { put: KEY, body: "v2" }, { markerOnly: "characters/ghost.png" }]);
    await history.checkpoint();
    await history.apply([{ delete: KEY }, { delete: KEY }]);
    const versions = (await json(["assets", "versions", KEY, "--bucket", BUCKET])).versions as Array<{ versionId: string; kind: string; etag: string | null; isLatest: boolean }>;
    return { s3, history, versions };
  }

  it("versions lists versions and delete markers newest first, the null version included", async () => {
    const { versions } = await seed();
    expect(versions.map((v) => v.kind)).to.deep.equal(["delete-marker", "delete-marker", "version", "version", "version"]);
    expect(versions[0]!.isLatest).to.equal(true);
    expect(versions.slice(2).map((v) => v.etag)).to.deep.equal(["v2", "v1", "v0"].map((b) => `"${md5(b)}"`));
    expect(versions.at(-1)).to.deep.include({ versionId: "null", kind: "version", etag: `"${md5("v0")}"` });
    const human = await cli(["assets", "versions", KEY, "--bucket", BUCKET]);
    expect(human.stdout).to.contain("VERSION ID").and.to.contain("delete marker").and.to.contain("latest").and.to.contain(`s3://${BUCKET}/${KEY}, newest first:`);
  });

  it("undelete removes the markers above the newest version and nothing else; again, it is a no-op", async () => {
    const { s3, versions } = await seed(emulator.supports.nullVersions);
    const before = await census(s3, BUCKET);
    const r = await json(["assets", "undelete", KEY, "--bucket", BUCKET, "--yes"]);
    expect(r.removedMarkers).to.deep.equal(versions.filter((v) => v.kind === "delete-marker").map((v) => v.versionId));
    expect(await body(KEY)).to.equal("v2");
    expect(censusDiff(before, await census(s3, BUCKET))).to.deep.equal({ versionsLost: [], versionsAdded: 0, markersAdded: 0, markersRemoved: 2 });
    const again = await cli(["assets", "undelete", KEY, "--bucket", BUCKET, "--yes"]);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.contain("Nothing to do").and.to.contain("is not deleted");
  });

  it("undelete stops, and says so, when the application re-created the key after its history was read", async () => {
    const { s3 } = await seed(emulator.supports.nullVersions);
    const r = await cli(["assets", "undelete", KEY, "--bucket", BUCKET], async () => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: "app" }));
      return true;
    });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(`s3://${BUCKET}/${KEY} changed since its history was read`).and.to.contain("left as it is");
    expect(await body(KEY)).to.equal("app");
  });

  it("undelete refuses a key that has only delete markers, and an unknown key", async () => {
    const { s3 } = await seed();
    const before = await census(s3, BUCKET);
    const ghost = await cli(["assets", "undelete", "characters/ghost.png", "--bucket", BUCKET, "--yes"]);
    expect(ghost.code).to.equal(2);
    expect(ghost.stderr).to.contain("has only delete markers");
    const unknown = await cli(["assets", "undelete", "characters/nope.png", "--bucket", BUCKET, "--yes"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain("has no versions at all");
    expect(censusDiff(before, await census(s3, BUCKET)).markersRemoved).to.equal(0);
  });

  it("restore --version-id copies that version over the current one (the null version too), then says it's a no-op", async () => {
    const { s3, versions } = await seed();
    const v1 = versions.find((v) => v.etag === `"${md5("v1")}"`)!;
    const before = await census(s3, BUCKET);
    let asked = "";
    const r = await cli(["assets", "restore", KEY, "--bucket", BUCKET, "--version-id", v1.versionId], async (q) => ((asked = q), true));
    expect(r.code, r.stderr).to.equal(0);
    expect(asked).to.contain(`version ${v1.versionId}`).and.to.contain("delete marker");
    expect(await body(KEY)).to.equal("v1");
    expect(censusDiff(before, await census(s3, BUCKET))).to.deep.equal({ versionsLost: [], versionsAdded: 1, markersAdded: 0, markersRemoved: 0 });

    const again = await json(["assets", "restore", KEY, "--bucket", BUCKET, "--version-id", v1.versionId]);
    expect(again.changed).to.equal(false);
    const nullVersion = await json(["assets", "restore", KEY, "--bucket", BUCKET, "--version-id", "null", "--yes"]);
    expect(nullVersion.changed).to.equal(true);
    expect(await body(KEY)).to.equal("v0");
  });

  it("restore --at brings back the version current at that moment", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    await history.apply([{ put: KEY, body: "first" }]);
    const t = await history.checkpoint();
    await history.apply([{ put: KEY, body: "second" }]);
    const before = await cli(["assets", "restore", KEY, "--bucket", BUCKET, "--at", new Date(t.getTime() - 5_000).toISOString(), "--yes"]);
    expect(before.code).to.equal(2);
    expect(before.stderr).to.contain("did not exist yet");
    const r = await json(["assets", "restore", KEY, "--bucket", BUCKET, "--at", t.toISOString(), "--yes"]);
    expect(r.changed).to.equal(true);
    expect(await body(KEY)).to.equal("first");
    expect((await json(["assets", "restore", KEY, "--bucket", BUCKET, "--at", t.toISOString(), "--yes"])).changed, "same content: no new version").to.equal(false);
  });

  it("restore does not overwrite a write the application made after the key's history was read", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    await history.apply([{ put: KEY, body: "first" }, { put: KEY, body: "second" }]);
    const [, first] = (await json(["assets", "versions", KEY, "--bucket", BUCKET])).versions;
    const r = await runCli(emulator, ["assets", "restore", KEY, "--bucket", BUCKET, "--version-id", first.versionId], {
      ask: async () => {
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: "app" }));
        return true;
      },
      middleware: [conditionalCopyRule(emulator.clients().s3)],
    });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("changed since its history was read");
    expect(await body(KEY)).to.equal("app");
  });

  it("finds the bucket in the environment stack's assetsBucketName output", async () => {
    await seed();
    const selected: string[] = [];
    const stacks = {
      async select(id: { project: string; stack: string }) {
        selected.push(`${id.project}/${id.stack}`);
        if (id.stack !== "dev") throw new StackNotFoundError(id);
        return {
          outputs: async () => ({
            databaseIdentifier: { value: "gametracker-mssql", secret: false },
            assetsBucketName: { value: BUCKET, secret: false },
          }),
        };
      },
    } as unknown as Stacks;
    const r = await cli(["assets", "versions", KEY, "--stack", "dev", "--json"], undefined, stacks);
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.include({ bucket: BUCKET, key: KEY });
    expect(selected).to.deep.equal(["gametracker/dev"]);
    const unknown = await cli(["assets", "versions", KEY, "--stack", "nope"], undefined, stacks);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain("Unknown environment stack nope");
  });

  it("refuses bad input with exit 2 and changes nothing", async () => {
    const { s3, versions } = await seed();
    await s3.send(new CreateBucketCommand({ Bucket: "plain-unversioned" }));
    await emulator.history(s3, "suspended-bucket", { versioning: "Suspended" });
    const marker = versions.find((v) => v.kind === "delete-marker")!.versionId;
    const before = await census(s3, BUCKET);
    const cases: Array<[string[], string]> = [
      [["assets", "restore", KEY, "--bucket", BUCKET, "--version-id", "no-such-version"], "has no version no-such-version"],
      [["assets", "restore", KEY, "--bucket", BUCKET, "--version-id", marker], "is a delete marker"],
      [["assets", "restore", KEY, "--bucket", BUCKET], "exactly one of --version-id"],
      [["assets", "restore", KEY, "--bucket", BUCKET, "--version-id", "null", "--at", "2026-01-01T00:00:00Z"], "exactly one of --version-id"],
      [["assets", "restore", KEY, "--bucket", BUCKET, "--at", "2026-01-01 00:00"], "no time zone"],
      [["assets", "restore", KEY, "--bucket", BUCKET, "--at", "2999-01-01T00:00:00Z"], "in the future"],
      [["assets", "restore", KEY, "--bucket", "no-such-bucket", "--version-id", "null"], "Bucket no-such-bucket does not exist"],
      [["assets", "restore", KEY, "--bucket", "plain-unversioned", "--version-id", "null"], "is not versioned"],
      [["assets", "restore-prefix", "--bucket", "suspended-bucket", "--at", "2026-01-01T00:00:00Z"], "versioning suspended"],
      [["assets", "versions", KEY, "--bucket", "Bad_Bucket"], 'Invalid --bucket "Bad_Bucket"'],
      [["assets", "versions", KEY], "No bucket given"],
      [["assets", "undelete", ""], "key is empty"],
    ];
    for (const [argv, message] of cases) {
      const r = await cli([...argv, "--yes"]);
      expect(r.code, argv.join(" ")).to.equal(2);
      expect(r.stderr, argv.join(" ")).to.contain(message);
      expect(r.stderr.trim().split("\n"), "one line").to.have.length(1);
    }
    expect(censusDiff(before, await census(s3, BUCKET))).to.deep.equal({ versionsLost: [], versionsAdded: 0, markersAdded: 0, markersRemoved: 0 });
    expect((await currentEtags(s3, BUCKET)).size).to.equal(0);
  });
});
