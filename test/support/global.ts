/**
 * Mocha global fixtures: one moto server for the whole run, its endpoint published
 * through AWS_ENDPOINT_URL so that the real client factory reaches it, and versitygw
 * (GAMETRACKER_TEST_VERSITYGW) for the asset tests that run on both. Set
 * GAMETRACKER_TEST_NO_EMULATOR=1 to run only the tests that need no emulator.
 */
import { MotoServer, startMoto } from "./moto";
import { startVersitygwForTests } from "./versitygw";

let moto: MotoServer | undefined;
let versitygw: { stop(): Promise<void> } | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  // Fake credentials and a fixed region: nothing in the tests may reach a real account.
  process.env.AWS_ACCESS_KEY_ID = "testing";
  process.env.AWS_SECRET_ACCESS_KEY = "testing";
  process.env.AWS_SESSION_TOKEN = "testing";
  process.env.AWS_REGION = "us-east-1";
  delete process.env.AWS_PROFILE;
  if (process.env.GAMETRACKER_TEST_NO_EMULATOR === "1") return;
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.GAMETRACKER_TEST_MOTO = moto.endpoint;
  // The engine tier (its own process, see scripts/test.js) runs no asset tests.
  if (process.env.GAMETRACKER_TEST_NO_VERSITYGW !== "1") versitygw = await startVersitygwForTests();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await moto?.stop();
  await versitygw?.stop();
}
