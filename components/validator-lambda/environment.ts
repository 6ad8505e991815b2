/**
 * The bundled validator's environment variables: written by ../validator.ts,
 * read by handler.ts. A module of its own so that the component (loaded by the restore
 * program) does not load the handler's SQL driver and SDK client.
 */
export const ValidatorEnvironment = {
  /** The checks, as encodeSqlChecks wrote them. */
  checks: "GAMETRACKER_VALIDATION_CHECKS",
  /** Milliseconds to wait for the TCP/TLS/login handshake; default 15000. */
  connectTimeoutMs: "GAMETRACKER_VALIDATION_CONNECT_TIMEOUT_MS",
} as const;
