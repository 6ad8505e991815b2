/**
 * `npm run bench [-- name…]`: runs every bench/*.bench.ts (or those whose file name
 * contains one of the arguments), one after another so they don't compete for the CPU.
 * Each benchmark prints its own figures side by side with what it is compared against.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Benchmark {
  /** One line saying what is measured and against what. */
  title: string;
  run(): Promise<void>;
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  if (files.length === 0) throw new Error(`No benchmark matches ${filters.join(", ")}; available: ${fs.readdirSync(__dirname).filter((f) => f.endsWith(".bench.ts")).join(", ")}`);
  console.log(`node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString()}`);
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bench = (require(path.join(__dirname, file)) as { default: Benchmark }).default;
    console.log(`\n== ${file.replace(/\.bench\.ts$/, "")}: ${bench.title}`);
    await bench.run();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
