import * as v8 from "node:v8";
import * as vm from "node:vm";

/**
 * Keeps a long listing near its live memory. Under a high allocation rate (a page of a
 * thousand entries parsed every few milliseconds, for millions of entries) V8 grows the
 * heap rather than collecting it: the pipeline's live memory stays at some tens of MB, but
 * the process grew to ~490 MiB for a million versions (bench/assets.bench.ts). A full
 * collection every few seconds holds it near the live size, for a fraction of a percent
 * of the time. `gc` is only reachable once the flag that exposes it is set.
 */
export function keepHeapSmall(everyMs = 2_000): () => void {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as (() => void) | undefined;
  if (typeof gc !== "function") return () => undefined;
  const timer = setInterval(gc, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
