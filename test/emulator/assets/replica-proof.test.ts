/**
 * The drill's assets proof (automation/assets/replica-proof.ts) on both emulators: a source
 * bucket, its locked replica filled by the replication double as S3 would (replicas with the
 * source's version ids and creation times), the comparison that gives the assets RPO, and
 * the sample prefix checked as of a moment — with home answering, with home down, and with
 * a replica whose bytes don't match what S3 stored for them.
 */
import { expect } from "chai";
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, PutObjectLockConfigurationCommand, S3Client } from "@aws-sdk/client-s3";
import type { MiddlewareStack } from "@smithy/types";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { proveReplica } from "../../../automation/assets/replica-proof";
import { describeOnS3Emulators } from "../../support/s3-emulators";
import { applyS3MotoGaps, s3MotoGapMiddleware } from "../../support/moto-gaps";
import { componentReplicationConfiguration, S3ReplicationDouble } from "../../support/s3-replication";

const SOURCE = "gt-assets-home";
const REPLICA = "gt-assets-standby";

describeOnS3Emulators("assets: the drill's proof of the replica (read-only)", (emulator) => {
  const onMoto = emulator.name === "moto";
  let state: string;
  beforeEach(() => (state = fs.mkdtempSync(path.join(os.tmpdir(), "proof-"))));
  afterEach(() => fs.rmSync(state, { recursive: true, force: true }));
  const pause = () => new Promise((r) => setTimeout(r, onMoto ? 1100 : 30));

  async function world() {
    const raw = emulator.clients().s3;
    if (onMoto) applyS3MotoGaps(raw, state);
    for (const bucket of [SOURCE, REPLICA]) {
      await raw.send(new CreateBucketCommand({ Bucket: bucket }));
      await raw.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    }
    await raw.send(new PutObjectLockConfigurationCommand({ Bucket: REPLICA, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 1 } } } }));
    const double = new S3ReplicationDouble({ s3: raw, configuration: onMoto ? "emulator" : "double" });
    await double.putConfiguration(SOURCE, componentReplicationConfiguration({ destinationBucket: REPLICA, destinationRegion: "us-west-2", replicaKmsKeyId: undefined, replicationTimeControl: false }, "arn:aws:iam::123456789012:role/r"));
    const seen = (extra?: (stack: MiddlewareStack<any, any>) => void) =>
      emulator.clients({
        middleware: (stack) => {
          if (onMoto) s3MotoGapMiddleware(state)(stack);
          double.middleware(stack);
          extra?.(stack);
        },
      }).s3;
    const put = (key: string, body: string) => seen().send(new PutObjectCommand({ Bucket: SOURCE, Key: key, Body: body }));
    // A history: written and replicated, then a moment, then more — some of it not replicated yet.
    for (const [key, body] of [
      ["characters/1.png", "c1"],
      ["characters/2.png", "c2"],
      ["maps/a.png", "m1"],
    ]) {
      await put(key!, body!);
    }
    await double.replicate();
    await pause();
    const at = new Date();
    await pause();
    await put("characters/1.png", "c1-new");
    await put("maps/b.png", "m2");
    await double.replicate({ hold: (key) => key === "maps/b.png" });
    return { raw, double, seen, at };
  }

  const target = (source: S3Client, replica: S3Client, at: Date, now = new Date(Date.now() + 60_000)) => ({
    replica: { bucket: REPLICA, region: "us-west-2", s3: replica },
    source: { bucket: SOURCE, region: "us-east-1", s3: source },
    at,
    now,
    random: () => 0,
  });

  it("measures the assets RPO from the oldest current object at home the replica lacks, and verifies the sample as of the moment, writing nothing", async () => {
    const { seen, at } = await world();
    const now = new Date(Date.now() + 60_000);
    const proof = await proveReplica(target(seen(), seen(), at, now));
    expect(proof.passed).to.equal(true);
    const c = proof.comparison;
    if (!c.reachable) expect.fail(c.reason);
    expect(c).to.deep.include({ sourceKeys: 4, replicated: 3, missing: 1 });
    expect(c.oldestMissing?.key).to.equal("maps/b.png");
    expect(c.rpoSeconds).to.equal(Math.round((now.getTime() - Date.parse(c.oldestMissing!.lastModified)) / 1000));
    // The first top-level prefix (random() = 0): its keys as of the moment, the old characters/1.png among them.
    expect(proof.sample.prefix).to.equal("characters/");
    expect(proof.sample.checks.map((x) => [x.key, x.outcome])).to.deep.equal([
      ["characters/1.png", "verified"],
      ["characters/2.png", "verified"],
    ]);
    expect(proof.sample.checks[0]!.detail).to.contain("MD5 = ETag").and.contain("same as at home");
    expect(proof.cleanup).to.equal("nothing to clean up: the sample was read in place, nothing was written");
  });

  it("with the home region down, says the RPO is not measured and still verifies the sample from the replica alone", async () => {
    const { seen, at } = await world();
    const down = seen((stack) =>
      stack.add(
        () => async () => {
          throw Object.assign(new Error("connect ECONNREFUSED (us-east-1 is down)"), { code: "ECONNREFUSED" });
        },
        { step: "initialize", name: "homeDown", priority: "high" },
      ),
    );
    const proof = await proveReplica(target(down, seen(), at));
    expect(proof.comparison.reachable).to.equal(false);
    if (!proof.comparison.reachable) expect(proof.comparison.reason).to.match(/^s3:\/\/gt-assets-home in us-east-1 did not answer \(/);
    expect(proof.passed).to.equal(true);
    expect(proof.sample.checks.every((x) => x.outcome === "verified" && !x.detail.includes("home"))).to.equal(true);
  });

  it("fails when the replica's bytes are not what S3 stored for them", async () => {
    const { seen, at } = await world();
    // The replica serves other bytes for one key than its ETag (an MD5) records.
    const corrupt = seen((stack) =>
      stack.add(
        (next: any, context: any) => async (args: any) => {
          const result = await next(args);
          if (context.commandName === "GetObjectCommand" && String(args.input?.Key) === "characters/2.png") {
            const body = Buffer.from(await (result.output.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
            body[0] = body[0]! ^ 0xff;
            result.output.Body = (async function* () {
              yield body;
            })();
          }
          return result;
        },
        { step: "initialize", name: "corruptReplica" },
      ),
    );
    const proof = await proveReplica(target(seen(), corrupt, at));
    expect(proof.passed).to.equal(false);
    const bad = proof.sample.checks.find((x) => x.key === "characters/2.png")!;
    expect(bad.outcome).to.equal("mismatch");
    expect(bad.detail).to.match(/^the bytes' MD5 is [0-9a-f]{32}, the ETag "[0-9a-f]{32}"/);
  });
});
