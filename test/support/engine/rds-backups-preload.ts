/**
 * RDS's automated backups for a real `bin/gametracker-dr.js` process, from outside the
 * product: loaded with `--require` through NODE_OPTIONS (dr-process.ts), it puts the named
 * behaviour that answers where moto falls short (test/support/moto-rds-backups.ts: every
 * instance's own DbiResourceId, retained and replicated backups, restores from them) on
 * every RDS client the process makes, on the state file the stand-in plugins share
 * (GAMETRACKER_STANDIN_RDS_BACKUPS). So the CLI sees the RDS the engine's resources see,
 * as the in-process tiers' clients do (deployed-environment.ts); without it, the CLI would
 * see moto's one DbiResourceId for every instance while the plugins see each its own.
 *
 * It sits where the stand-in puts it (test/engine/standin/aws/clients.ts): as middleware of
 * the client, added when a client first sends, for the client's own region. Its own calls
 * to RDS go where the process's do (AWS_ENDPOINT_URL), so a test's hang of RDS hangs them too.
 */
import Module = require("node:module");
import type { RDSClient } from "@aws-sdk/client-rds";
import type { MiddlewareStack } from "@smithy/types";
import type { MotoRdsBackups } from "../moto-rds-backups";

const stateFile = process.env.GAMETRACKER_STANDIN_RDS_BACKUPS;
const endpoint = process.env.AWS_ENDPOINT_URL;

type Middleware = (next: (args: unknown) => Promise<unknown>, context: unknown) => (args: unknown) => Promise<unknown>;

let behaviour: MotoRdsBackups | undefined;
const byRegion = new Map<string, Middleware>();

/** The behaviour's middleware for one region, as it would add it to a client of that region. */
function middlewareIn(region: string): Middleware {
  let found = byRegion.get(region);
  if (found === undefined) {
    if (behaviour === undefined) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { MotoRdsBackups: Behaviour } = require("../moto-rds-backups") as typeof import("../moto-rds-backups");
      behaviour = new Behaviour(endpoint!, { stateFile: stateFile! });
    }
    behaviour.middleware({ add: (mw: Middleware) => void (found = mw) } as unknown as MiddlewareStack<any, any>, region);
    byRegion.set(region, found!);
  }
  return found!;
}

function withBehaviour(client: RDSClient): void {
  client.middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>, context: unknown) => async (args: unknown) => middlewareIn(await client.config.region())(next, context)(args)) as never,
    { step: "initialize", name: "gametrackerMotoRdsBackups", priority: "low" },
  );
}

if (stateFile !== undefined && endpoint !== undefined) {
  const patched = new WeakSet<object>();
  const given = new WeakSet<object>();
  const moduleLoader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const load = moduleLoader._load;
  moduleLoader._load = function (request: string, parent: unknown, isMain: boolean) {
    const exports = load.call(this, request, parent, isMain) as { RDSClient?: { prototype: RDSClient } };
    const proto = request === "@aws-sdk/client-rds" ? exports.RDSClient?.prototype : undefined;
    if (proto !== undefined && !patched.has(proto)) {
      patched.add(proto);
      const send = proto.send as (...args: unknown[]) => Promise<unknown>;
      proto.send = function (this: RDSClient, ...args: unknown[]) {
        if (!given.has(this)) {
          given.add(this);
          withBehaviour(this);
        }
        return send.apply(this, args);
      } as RDSClient["send"];
    }
    return exports;
  };
}
