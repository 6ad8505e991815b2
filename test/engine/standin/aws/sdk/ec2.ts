// TEST DOUBLE: one AWS SDK client class per module, required lazily by ../clients.ts (ESM import, so esbuild tree-shakes it).
export { EC2Client } from "@aws-sdk/client-ec2";
