import { expect } from "chai";
import { at, toPlain, Unknown } from "../../../policy/values";
import { tagValue } from "../../../policy/tags";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy } = require("@pulumi/policy") as { unknownCheckingProxy<T>(props: T): T };

describe("policy: plain props", () => {
  it("copies the SDK's proxied props, replacing each value unknown during preview with an Unknown at its path", () => {
    const props = unknownCheckingProxy({
      identifier: "db",
      tags: { a: "1", b: UNKNOWN },
      environment: { variables: { URL: UNKNOWN, BUCKET: "b" } },
      list: ["x", UNKNOWN],
      endpoint: UNKNOWN,
    });
    const plain = toPlain(props) as Record<string, any>;
    expect(plain.identifier).to.equal("db");
    expect(plain.tags.a).to.equal("1");
    expect(plain.tags.b).to.be.instanceOf(Unknown);
    expect(plain.tags.b.path).to.deep.equal(["tags", "b"]);
    expect(plain.environment.variables.URL.toString()).to.equal(".environment.variables.URL");
    expect(plain.environment.variables.BUCKET).to.equal("b");
    expect(plain.list[0]).to.equal("x");
    expect((plain.list[1] as Unknown).path).to.deep.equal(["list", "1"]);
    expect((plain.endpoint as Unknown).path).to.deep.equal(["endpoint"]);
  });

  it("keeps class instances (assets, archives) as they are", () => {
    class Archive {
      constructor(readonly path: string) {}
    }
    const code = new Archive("./app.zip");
    expect((toPlain({ code }) as { code: unknown }).code).to.equal(code);
  });

  it("reads nested values, stopping at an Unknown or a missing step", () => {
    const unknown = new Unknown(["environment"]);
    expect(at({ environment: unknown }, "environment", "variables")).to.equal(unknown);
    expect(at({}, "environment", "variables")).to.equal(undefined);
    expect(at({ environment: { variables: { A: "1" } } }, "environment", "variables")).to.deep.equal({ A: "1" });
  });

  it("reads only the resource's own tags, never tagsAll (a provider's default tags can't waive a rule)", () => {
    expect(tagValue({ tags: { k: "v" } }, "k")).to.equal("v");
    expect(tagValue({ tagsAll: { k: "v" } }, "k")).to.equal(undefined);
    const unknown = new Unknown(["tags"]);
    expect(tagValue({ tags: unknown }, "k")).to.equal(unknown);
  });
});
