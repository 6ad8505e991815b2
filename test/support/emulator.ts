/**
 * For tests that talk to an emulator: skips them when it is off, resets its state before
 * each test, and builds clients through the production factory.
 */
import { AwsClientOptions, AwsClients, createAwsClients } from "../../automation/aws/clients";

export function motoEndpoint(): string | undefined {
  return process.env.GAMETRACKER_TEST_MOTO;
}

export interface EmulatorHandle {
  clients(options?: AwsClientOptions): AwsClients;
  endpoint(): string;
}

/** Call at the top of a describe(): resets the server at `endpoint()` (POST `resetPath`) before each test and closes clients after. */
export function useServer(endpoint: () => string | undefined, resetPath: string, defaults: AwsClientOptions = {}): EmulatorHandle {
  const created: AwsClients[] = [];
  before(function () {
    if (endpoint() === undefined) this.skip();
  });
  beforeEach(async () => {
    const response = await fetch(`${endpoint()}${resetPath}`, { method: "POST" });
    if (!response.ok) throw new Error(`emulator reset (${resetPath}) failed: ${response.status}`);
  });
  afterEach(() => {
    for (const c of created.splice(0)) c.destroy();
  });
  return {
    endpoint: () => endpoint()!,
    clients(options = {}) {
      const c = createAwsClients({ endpoint: endpoint()!, region: "us-east-1", ...defaults, ...options });
      created.push(c);
      return c;
    },
  };
}

/** moto, for every AWS service the tool calls. */
export function useEmulator(): EmulatorHandle {
  return useServer(motoEndpoint, "/moto-api/reset");
}
