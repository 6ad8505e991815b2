/**
 * The Lambda deployed when no Spring Boot artifact is configured: it answers which
 * database host it is configured for, so a fresh environment deploys and a cut-over can
 * be checked by invoking the function. Kept as source text so that what the tests run is
 * byte for byte what is uploaded (a transpiled function's toString() is not).
 */
export const HEALTH_HANDLER_FILE = "index.js";
export const HEALTH_HANDLER_ENTRY = "index.handler";
export const HEALTH_HANDLER_RUNTIME = "nodejs22.x";

export const HEALTH_HANDLER_SOURCE = `"use strict";
// GameTracker health handler: reports the database this function is configured for.
function target(url) {
  const m = /^jdbc:sqlserver:\\/\\/([^:;/\\\\]+)(?::(\\d+))?/.exec(url || "");
  return m ? { host: m[1], port: m[2] ? Number(m[2]) : 1433 } : null;
}
exports.target = target;
exports.handler = async function handler() {
  const db = target(process.env.SPRING_DATASOURCE_URL);
  return {
    statusCode: db ? 200 : 500,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      status: db ? "ok" : "no-database-configured",
      databaseHost: db ? db.host : null,
      databasePort: db ? db.port : null,
      databaseSource: process.env.GAMETRACKER_DATABASE_SOURCE || null,
      assetsBucket: process.env.ASSETS_BUCKET || null,
    }),
  };
};
`;
