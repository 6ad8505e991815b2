/** The IAM evaluation double against the rules of the IAM User Guide it follows, including where it says no. */
import { expect } from "chai";
import { evaluate, PolicyDocument, trusts, wildcardMatch } from "./iam-policy";

describe("iam-policy (test double): identity policy evaluation", () => {
  const allowRead: PolicyDocument = { Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:List*"], Resource: "arn:aws:s3:::assets/*" }] };

  it("matches actions case-insensitively and resources with * and ?", () => {
    expect(wildcardMatch("s3:Get*", "S3:getobject", true)).to.equal(true);
    expect(wildcardMatch("arn:aws:s3:::asset?/*", "arn:aws:s3:::assets/a/b.png")).to.equal(true);
    expect(wildcardMatch("arn:aws:s3:::assets/*", "arn:aws:s3:::assets-dr/a.png")).to.equal(false);
    expect(evaluate([allowRead], "s3:getobject", "arn:aws:s3:::assets/k.png")).to.equal("allow");
    expect(evaluate([allowRead], "s3:ListBucketVersions", "arn:aws:s3:::assets/k.png")).to.equal("allow");
  });

  it("denies what no statement allows, and an explicit Deny wins over an Allow", () => {
    expect(evaluate([allowRead], "s3:DeleteObjectVersion", "arn:aws:s3:::assets/k.png")).to.equal("implicit-deny");
    const deny: PolicyDocument = { Statement: { Effect: "Deny", Action: "s3:*", Resource: "*" } };
    expect(evaluate([allowRead, deny], "s3:GetObject", "arn:aws:s3:::assets/k.png")).to.equal("explicit-deny");
    const notAction: PolicyDocument = { Statement: [{ Effect: "Allow", NotAction: "s3:Delete*", Resource: "*" }] };
    expect(evaluate([notAction], "s3:DeleteObject", "arn:aws:s3:::assets/k.png")).to.equal("implicit-deny");
  });

  it("judges String and Arn conditions over the context given, and never matches one it can't judge or a missing key", () => {
    const kms: PolicyDocument = { Statement: [{ Effect: "Allow", Action: "kms:Encrypt", Resource: "*", Condition: { StringLike: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } } }] };
    expect(evaluate([kms], "kms:Encrypt", "arn:aws:kms:us-west-2:1:key/k", { "kms:ViaService": "s3.us-west-2.amazonaws.com" })).to.equal("allow");
    expect(evaluate([kms], "kms:Encrypt", "arn:aws:kms:us-west-2:1:key/k", { "kms:ViaService": "s3.us-east-1.amazonaws.com" })).to.equal("implicit-deny");
    expect(evaluate([kms], "kms:Encrypt", "arn:aws:kms:us-west-2:1:key/k")).to.equal("implicit-deny");
    const unknown: PolicyDocument = { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }] };
    expect(evaluate([unknown], "s3:GetObject", "arn:aws:s3:::assets/k", { "aws:SourceIp": "10.0.0.1" })).to.equal("implicit-deny");
  });

  it("reads who may assume a role from its trust policy", () => {
    const trust: PolicyDocument = { Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    expect(trusts(trust, "s3.amazonaws.com")).to.equal(true);
    expect(trusts(trust, "lambda.amazonaws.com")).to.equal(false);
  });
});
