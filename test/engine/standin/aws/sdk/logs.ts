// TEST DOUBLE: one AWS SDK client class per module, required lazily by ../clients.ts (ESM import, so esbuild tree-shakes it).
export { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
