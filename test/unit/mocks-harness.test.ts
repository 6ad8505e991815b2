import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { runProgram } from "../support/pulumi-mocks";

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
