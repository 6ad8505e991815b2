/**
 * DNS for moto's RDS endpoints in a real `bin/gametracker-dr.js` process, from outside the
 * product: loaded with `--require` through NODE_OPTIONS (dr-process.ts), it answers the
 * system resolver's lookups of `*.rds.amazonaws.com` names as Route 53 answers them for
 * RDS (rds-dns.ts: the record exists while its instance does, NXDOMAIN otherwise) and
 * passes every other name to the real resolver. `verify` keeps calling `dns.promises.lookup`
 * (automation/restore/verify.ts, systemResolver) and reports "system DNS", as on a user's
 * machine.
 *
 * It asks moto itself (GAMETRACKER_TEST_MOTO), never the endpoint the process was given:
 * DNS is not RDS, so a test's hang of RDS (aws-proxy.ts) leaves DNS answering. It removes
 * itself from NODE_OPTIONS, so the processes the CLI starts (pulumi, the language host,
 * the plugins) run without it.
 */
// The module object itself (not an import namespace, whose bindings are read-only): patched in place.
import dns = require("node:dns");
import type { RDSClient } from "@aws-sdk/client-rds";

const RDS_NAME = /\.([a-z]{2}(?:-[a-z]+)+-\d)\.rds\.amazonaws\.com\.?$/i;

// NODE_OPTIONS as it was before dr-process.ts added this preload.
const before = process.env.GAMETRACKER_TEST_NODE_OPTIONS ?? "";
if (before === "") delete process.env.NODE_OPTIONS;
else process.env.NODE_OPTIONS = before;
delete process.env.GAMETRACKER_TEST_NODE_OPTIONS;

const clients = new Map<string, RDSClient>();
function rdsIn(region: string): RDSClient {
  let client = clients.get(region);
  if (client === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RDSClient: Client } = require("@aws-sdk/client-rds") as typeof import("@aws-sdk/client-rds");
    client = new Client({ region, endpoint: process.env.GAMETRACKER_TEST_MOTO, maxAttempts: 1 });
    clients.set(region, client);
  }
  return client;
}

async function answer(host: string, region: string): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { rdsEndpointDns } = require("../rds-dns") as typeof import("../rds-dns");
  return rdsEndpointDns(rdsIn(region)).resolve(host);
}

type LookupOptions = { all?: boolean; family?: number | string } | number | undefined;
const wantsAll = (options: LookupOptions) => typeof options === "object" && options?.all === true;

const realPromisesLookup = dns.promises.lookup;
dns.promises.lookup = async function lookup(host: string, options?: LookupOptions) {
  const region = RDS_NAME.exec(host)?.[1];
  if (region === undefined || process.env.GAMETRACKER_TEST_MOTO === undefined) return (realPromisesLookup as Function).call(dns.promises, host, options);
  const addresses = await answer(host, region);
  return wantsAll(options) ? addresses.map((address) => ({ address, family: 4 })) : { address: addresses[0]!, family: 4 };
} as typeof dns.promises.lookup;

const realLookup = dns.lookup;
// The callback API too, for completeness.
dns.lookup = function lookup(host: string, ...rest: unknown[]) {
  const callback = rest[rest.length - 1] as (error: Error | null, address?: unknown, family?: number) => void;
  const options = (rest.length > 1 ? rest[0] : undefined) as LookupOptions;
  const region = RDS_NAME.exec(host)?.[1];
  if (region === undefined || process.env.GAMETRACKER_TEST_MOTO === undefined) return (realLookup as Function).call(dns, host, ...rest);
  answer(host, region).then(
    (addresses) => (wantsAll(options) ? callback(null, addresses.map((address) => ({ address, family: 4 }))) : callback(null, addresses[0], 4)),
    (error: Error) => callback(error),
  );
} as typeof dns.lookup;
