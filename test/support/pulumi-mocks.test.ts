import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { runProgram } from "./pulumi-mocks";

describe("pulumi mocks harness", () => {
  it("records inputs, options and outputs of a program", async () => {
    const run = await runProgram(() => {
      const cfg = new pulumi.Config();
      const bucket = new aws.s3.Bucket("b", { bucket: cfg.require("name") }, { protect: true, retainOnDelete: true });
      return { arn: bucket.arn };
    }, { config: { name: "harness-bucket" } });
    const b = run.one("aws:s3/bucket:Bucket");
    expect(b.inputs.bucket).to.equal("harness-bucket");
    expect(b.protect).to.equal(true);
    expect(b.retainOnDelete).to.equal(true);
    expect(run.outputs.arn).to.equal("arn:aws:s3:::harness-bucket");
  });
});

describe("pulumi mocks harness: failures", () => {
  it("rejects (instead of hanging) when an output of the program rejects", async () => {
    let error: Error | undefined;
    try {
      await runProgram(() => {
        const bucket = new aws.s3.Bucket("b", { bucket: "x-bucket" });
        return { broken: bucket.bucket.apply((): string => { throw new Error("apply failed on purpose"); }) };
      });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.contain("apply failed on purpose");
  });
});
