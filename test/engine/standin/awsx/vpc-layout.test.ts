/**
 * The stand-in awsx's subnet layout and NAT placement, pinned to awsx 3.x's own numbers
 * (subnetDistributorLegacy.ts generateDefaultSubnets, vpc.ts shouldCreateNatGateway).
 */
import { expect } from "chai";
import { cidrSubnetV4, creationOrder, legacyDefaultLayout, resolvedLayout, shouldCreateNatGateway } from "./vpc-layout";

describe("stand-in awsx: default Vpc layout (Legacy strategy)", () => {
  it("splits 10.20.0.0/16 over two zones into a private /18 and a public /19 per zone", () => {
    const layout = legacyDefaultLayout("network-vpc", "10.20.0.0/16", ["us-east-1a", "us-east-1b"]);
    expect(layout.map((s) => `${s.subnetName} ${s.azName} ${s.cidrBlock}`)).to.deep.equal([
      "network-vpc-private-1 us-east-1a 10.20.0.0/18",
      "network-vpc-private-2 us-east-1b 10.20.128.0/18",
      "network-vpc-public-1 us-east-1a 10.20.64.0/19",
      "network-vpc-public-2 us-east-1b 10.20.192.0/19",
    ]);
    expect(resolvedLayout(layout)).to.deep.equal([
      { type: "Private", cidrMask: 18 },
      { type: "Public", cidrMask: 19 },
    ]);
  });

  it("gives three zones a quarter of the VPC each, and registers each zone's public subnet first", () => {
    const zones = ["a", "b", "c"];
    const layout = legacyDefaultLayout("v", "10.0.0.0/16", zones);
    expect(layout.filter((s) => s.type === "Private").map((s) => s.cidrBlock)).to.deep.equal(["10.0.0.0/19", "10.0.64.0/19", "10.0.128.0/19"]);
    expect(layout.filter((s) => s.type === "Public").map((s) => s.cidrBlock)).to.deep.equal(["10.0.32.0/20", "10.0.96.0/20", "10.0.160.0/20"]);
    expect(creationOrder(layout, zones).map((s) => s.subnetName)).to.deep.equal(["v-public-1", "v-private-1", "v-public-2", "v-private-2", "v-public-3", "v-private-3"]);
  });

  it("places NAT gateways per strategy", () => {
    expect([0, 1, 2].map((i) => shouldCreateNatGateway("Single", i === 0 ? 0 : 1, i))).to.deep.equal([true, false, false]);
    expect([0, 1, 2].map((i) => shouldCreateNatGateway("OnePerAz", i, i))).to.deep.equal([true, true, true]);
    expect(shouldCreateNatGateway("None", 0, 0)).to.equal(false);
    expect(() => cidrSubnetV4("10.0.0.0/30", 4, 0)).to.throw("only 2 are available");
  });
});
