/**
 * The kill matrix (issue 18 §5), restore-prefix mid-apply: `bin/gametracker-dr.js assets
 * restore-prefix` as an OS process against moto, through the crash tier's proxy, killed
 * (SIGKILL to every process of the run) once its copies are under way and the rest of them
 * hang unanswered; the next run of the same command must bring the prefix back to the
 * moment exactly, lose no version and copy nothing twice (versions added = the copies the
 * plan needed). A multipart copy killed half-way leaves an upload open: the next run must
 * not leave it, nor the killed run's temp plan files.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, ListMultipartUploadsCommand, S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { createAwsClients } from "../../../automation/aws/clients";
import { AwsProxy } from "../../support/aws-proxy";
import { BucketHistory, census, censusDiff, currentEtags, etagsOf, sortedEntries, underPrefix } from "../../support/bucket-history";

import { crashAll, gametrackerDr } from "../../support/engine/dr-process";
import { useEngine } from "../../support/engine/harness";

const P = "characters/";
const KEYS = 24;
const MiB = 1024 * 1024;

describe("crash tier: assets restore-prefix killed mid-apply, then run again (moto)", function () {
  this.timeout(3 * 60_000);
  const engine = useEngine({ scope: "suite" });
  let proxy: AwsProxy;
  let endpoint: string;
  let s3: S3Client;
  let tmp: string;
  before(async () => {
    proxy = new AwsProxy(engine.motoEndpoint);
    endpoint = await proxy.listen();
    s3 = createAwsClients({ endpoint: engine.motoEndpoint, region: "us-east-1" }).s3;
  });
  beforeEach(() => {
    // The CLI's temp dir, to see what a run leaves there.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gametracker-crash-tmp-"));
  });
  afterEach(async () => {
    await crashAll();
    proxy.clear();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  after(async () => {
    await proxy?.close();
    s3?.destroy();
  });
  const restorePrefix = (bucket: string, at: Date) =>
    gametrackerDr(engine, ["assets", "restore-prefix", "--bucket", bucket, "--prefix", P, "--at", at.toISOString(), "--delete-new", "--yes", "--json"], { endpoint, env: { TMPDIR: tmp } });

  it(`killed once ${KEYS} copies are under way (the 7th and every later one unanswered): the next run brings the prefix back exactly, loses no version, copies nothing twice`, async () => {
    const bucket = "gametracker-crash-assets";
    const history = await BucketHistory.create(s3, bucket);
    await history.apply(Array.from({ length: KEYS }, (_, i) => ({ put: `${P}${i}/portrait.png`, body: `before-${i}` })));
    const moment = await history.checkpoint();
    await history.apply(Array.from({ length: KEYS }, (_, i) => ({ put: `${P}${i}/portrait.png`, body: `overwritten-${i}` })));
    const before = await census(s3, bucket);

    const hung = proxy.hang({ service: "s3", action: "CopyObject", skip: 6 });
    const killed = restorePrefix(bucket, moment);
    await hung.reached(120_000);
    await killed.crash();
    proxy.clear();

    const next = await restorePrefix(bucket, moment).done;
    expect(next.code, next.stderr).to.equal(0);
    expect(sortedEntries(await currentEtags(s3, bucket, P))).to.deep.equal(sortedEntries(etagsOf(underPrefix(history.stateAt(moment), P))));
    expect(censusDiff(before, await census(s3, bucket))).to.deep.equal({ versionsLost: [], versionsAdded: KEYS, markersAdded: 0, markersRemoved: 0 });
    const again = await restorePrefix(bucket, moment).done;
    expect(again.code, again.stderr).to.equal(0);
    expect(again.json<{ plan: { writes: number } }>().plan.writes, "a third run has nothing left to write").to.equal(0);
  });

  it("killed half-way through a multipart copy: the next run finishes, and leaves neither the open upload nor the killed run's temp plan files", async () => {
    const bucket = "gametracker-crash-multipart";
    const history = await BucketHistory.create(s3, bucket);
    const key = `${P}big/atlas.png`;
    // A version uploaded in two parts: its copy back is a multipart copy (it keeps the source's part layout and ETag).
    const upload = (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId!;
    const parts = [];
    for (const [n, fill] of [[1, "a"], [2, "b"]] as const) parts.push({ PartNumber: n, ETag: (await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: upload, PartNumber: n, Body: Buffer.alloc(5 * MiB, fill) }))).ETag! });
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: upload, MultipartUpload: { Parts: parts } }));
    const moment = await history.checkpoint();
    await history.apply([{ put: key, body: "overwritten" }]);

    const hung = proxy.hang({ service: "s3", action: "UploadPartCopy", skip: 1 });
    const killed = restorePrefix(bucket, moment);
    await hung.reached(120_000);
    await killed.crash();
    proxy.clear();
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? [], "the killed run left its upload open").to.have.length(1);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith("gametracker-dr-plan-")), "the killed run left its plan files").to.not.deep.equal([]);

    const next = await restorePrefix(bucket, moment).done;
    expect(next.code, next.stderr).to.equal(0);
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).to.deep.equal([]);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith("gametracker-dr-plan-"))).to.deep.equal([]);
  });
});
