/**
 * TEST DOUBLE support (pure): the subnet layout awsx 3.x gives a Vpc without subnetSpecs
 * under its default "Legacy" strategy (pulumi/pulumi-awsx awsx/ec2/subnetDistributorLegacy.ts,
 * generateDefaultSubnets), its NAT gateway placement (vpc.ts shouldCreateNatGateway) and
 * creation order (vpc.ts compareSubnetSpecs: public before private in each zone). Internal;
 * exported for testing.
 */

export type SubnetType = "Private" | "Public";
export type NatGatewayStrategy = "None" | "Single" | "OnePerAz";

export interface SubnetSpec {
  type: SubnetType;
  azName: string;
  /** 0-based zone index. */
  azIndex: number;
  cidrBlock: string;
  /** `${vpcName}-private-1` and so on: also the logical names of the subnet, its route table and association. */
  subnetName: string;
}

function parseCidr(cidr: string): { address: number; prefix: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) throw new Error(`Not an IPv4 CIDR block: ${cidr}`);
  const address = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  return { address, prefix: Number(m[5]) };
}

function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** awsx's cidrSubnetV4: the `netNum`-th block `newBits` smaller than `range`, counted from its (unmasked) address. */
export function cidrSubnetV4(range: string, newBits: number, netNum: number): string {
  const { address, prefix } = parseCidr(range);
  const mask = prefix + newBits;
  if (mask > 32) throw new Error(`Requested ${newBits} new bits, but only ${32 - prefix} are available.`);
  return `${formatAddress(address + 2 ** (32 - mask) * netNum)}/${mask}`;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** generateDefaultSubnets: the VPC split evenly between zones; per zone a private half-block, then a public quarter-block after it. */
export function legacyDefaultLayout(vpcName: string, vpcCidr: string, azNames: readonly string[]): SubnetSpec[] {
  const newBitsPerAz = Math.log2(nextPow2(azNames.length));
  const bases = azNames.map((_, i) => cidrSubnetV4(vpcCidr, newBitsPerAz, i));
  const privates = azNames.map((azName, i) => ({ type: "Private" as const, azName, azIndex: i, cidrBlock: cidrSubnetV4(bases[i]!, 1, 0), subnetName: `${vpcName}-private-${i + 1}` }));
  const publics = azNames.map((azName, i) => ({
    type: "Public" as const,
    azName,
    azIndex: i,
    cidrBlock: cidrSubnetV4(cidrSubnetV4(privates[i]!.cidrBlock, 0, 1), 1, 0),
    subnetName: `${vpcName}-public-${i + 1}`,
  }));
  return [...privates, ...publics];
}

/** The order awsx registers a zone's subnets in: public first, so a private route can name its NAT gateway. */
export function creationOrder(specs: readonly SubnetSpec[], azNames: readonly string[]): SubnetSpec[] {
  const rank = (t: SubnetType) => (t === "Public" ? 0 : 1);
  return azNames.flatMap((az) => specs.filter((s) => s.azName === az).sort((a, b) => rank(a.type) - rank(b.type)));
}

export function shouldCreateNatGateway(strategy: NatGatewayStrategy, existing: number, azIndex: number): boolean {
  switch (strategy.toLowerCase()) {
    case "none":
      return false;
    case "single":
      return existing < 1;
    case "oneperaz":
      return existing < azIndex + 1;
    default:
      throw new Error(`Unknown NatGatewayStrategy "${strategy}"`);
  }
}

/** awsx's `subnetLayout` output for a default layout: the first zone's subnets as "Auto" specs. */
export function resolvedLayout(specs: readonly SubnetSpec[]): Array<{ type: SubnetType; cidrMask: number }> {
  return specs.filter((s) => s.azIndex === 0).map((s) => ({ type: s.type, cidrMask: parseCidr(s.cidrBlock).prefix }));
}
