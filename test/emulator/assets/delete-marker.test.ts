import { expect } from "chai";
import { OperationError } from "../../../automation/errors";
import { hideKey, removeDeleteMarker } from "../../../automation/assets/delete-marker";
import { DeleteMarker, ObjectVersion } from "../../../automation/assets/history";
import { keyHistory } from "../../../automation/assets/listing";
import { describeOnS3Emulators } from "../../support/s3-emulators";
import { census, censusDiff } from "../../support/bucket-history";

const BUCKET = "gametracker-assets-safety";

describeOnS3Emulators("assets/delete-marker", (emulator) => {
  it("removeDeleteMarker never deletes a real version, however it is passed", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    await history.apply([{ put: "k.png", body: "precious" }, { put: "old.png", body: "old" }, { delete: "old.png" }]);
    const [version] = (await keyHistory(s3, BUCKET, "k.png")).entries as ObjectVersion[];
    const [, below] = (await keyHistory(s3, BUCKET, "old.png")).entries as ObjectVersion[];
    const before = await census(s3, BUCKET);

    let error: unknown;
    await removeDeleteMarker(s3, BUCKET, version as unknown as DeleteMarker).catch((e) => (error = e));
    expect((error as Error).message).to.contain("it is an object version");

    // Typed as a marker, current or under a marker: S3's HEAD of its version id says it is a version.
    for (const disguised of [version!, below!]) {
      error = undefined;
      await removeDeleteMarker(s3, BUCKET, { ...disguised, kind: "delete-marker" } as unknown as DeleteMarker).catch((e) => (error = e));
      expect(error).to.be.instanceOf(OperationError);
      expect((error as Error).message).to.contain("not a delete marker").and.to.contain("nothing was deleted");
    }
    expect(censusDiff(before, await census(s3, BUCKET))).to.deep.equal({ versionsLost: [], versionsAdded: 0, markersAdded: 0, markersRemoved: 0 });
  });

  it("removeDeleteMarker removes a marker once and then reports it already gone; hideKey adds a marker, only over the version it was given", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    await history.apply([{ put: "k.png", body: "v1" }]);
    const [current] = (await keyHistory(s3, BUCKET, "k.png")).entries as ObjectVersion[];
    expect(await hideKey(s3, BUCKET, { ...current!, etag: '"0123456789abcdef0123456789abcdef"' }), "another ETag: S3's conditional delete refuses").to.equal("changed");
    const markerId = await hideKey(s3, BUCKET, current!);
    const [marker] = (await keyHistory(s3, BUCKET, "k.png")).entries as DeleteMarker[];
    expect(marker!.kind).to.equal("delete-marker");
    expect(marker!.versionId).to.equal(markerId);
    expect(await removeDeleteMarker(s3, BUCKET, marker!)).to.equal("removed");
    expect(await removeDeleteMarker(s3, BUCKET, marker!)).to.equal("already-gone");
    const after = await keyHistory(s3, BUCKET, "k.png");
    expect(after.entries.map((e) => e.kind)).to.deep.equal(["version"]);
  });

  it("removeDeleteMarker leaves a marker alone that is no longer the key's current entry", async () => {
    const s3 = emulator.clients().s3;
    const history = await emulator.history(s3, BUCKET);
    await history.apply([{ put: "k.png", body: "v1" }, { delete: "k.png" }]);
    const [marker] = (await keyHistory(s3, BUCKET, "k.png")).entries as DeleteMarker[];
    await history.apply([{ put: "k.png", body: "written since" }]);
    expect(await removeDeleteMarker(s3, BUCKET, marker!)).to.equal("changed");
    const after = (await keyHistory(s3, BUCKET, "k.png")).entries;
    expect(after[0]!.kind, "the application's version stays current").to.equal("version");
    expect(after.filter((e) => e.kind === "delete-marker").map((e) => e.versionId), "the marker is still there").to.deep.equal([marker!.versionId]);
  });
});
