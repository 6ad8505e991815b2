/** What the engine benchmarks share: a moto of their own, an engine session on it (test/support/engine/harness.ts), and a median. */
import { EngineSession } from "../../test/support/engine/harness";
import { MotoServer, startMoto } from "../../test/support/moto";

/** Runs `action` on a fresh engine session over a moto of its own; prints why and returns when the engine tier can't run here. */
export async function withEngineSession(action: (session: EngineSession, moto: MotoServer) => Promise<void>): Promise<void> {
  process.env.AWS_ACCESS_KEY_ID ??= "testing";
  process.env.AWS_SECRET_ACCESS_KEY ??= "testing";
  process.env.AWS_REGION ??= "us-east-1";
  const moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.GAMETRACKER_TEST_MOTO = moto.endpoint;
  try {
    const session = await EngineSession.start((l) => console.log(l));
    if ("unavailable" in session) return void console.log(`skipped: ${session.unavailable}`);
    try {
      await action(session, moto);
    } finally {
      session.cleanup();
    }
  } finally {
    await moto.stop();
  }
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
