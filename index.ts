/**
 * `pulumi up -s <env>`: the GameTracker environment. Pulumi.yaml runs this file through
 * register-ts.js (esbuild, transpile only); type checking happens in `npm test`. The
 * program's return value becomes the stack outputs.
 */
import { environmentProgram } from "./environment-program";

export = environmentProgram();
