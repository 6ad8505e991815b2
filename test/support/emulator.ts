/**
 * For tests that talk to moto: skips them when the emulator is off, resets its state
 * before each test, and builds clients through the production factory.
 */
import { AwsClientOptions, AwsClients, createAwsClients } from "../../automation/aws/clients";

export function motoEndpoint(): string | undefined {
  return process.env.GAMETRACKER_TEST_MOTO;
}

/** Call at the top of a describe(): resets moto before each test and closes clients after. */
export function useEmulator(): { clients(options?: AwsClientOptions): AwsClients; endpoint(): string } {
  const created: AwsClients[] = [];
  before(function () {
    if (motoEndpoint() === undefined) this.skip();
  });
  beforeEach(async () => {
    const response = await fetch(`${motoEndpoint()}/moto-api/reset`, { method: "POST" });
    if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
  });
  afterEach(() => {
    for (const c of created.splice(0)) c.destroy();
  });
  return {
    endpoint: () => motoEndpoint()!,
    clients(options = {}) {
      const c = createAwsClients({ endpoint: motoEndpoint()!, region: "us-east-1", ...options });
      created.push(c);
      return c;
    },
  };
}
