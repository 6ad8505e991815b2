// TEST DOUBLE: one AWS SDK client class per module, required lazily by ../clients.ts (ESM import, so esbuild tree-shakes it).
export { STSClient } from "@aws-sdk/client-sts";
