import { expect } from "chai";
import * as vm from "node:vm";
import { keepHeapSmall } from "../../../automation/assets/heap";

describe("assets/heap", () => {
  it("reaches V8's full collection from a running process, and stops when told", () => {
    const stop = keepHeapSmall(60_000);
    const gc = vm.runInNewContext("gc") as unknown;
    expect(typeof gc, "the collection the keeper calls").to.equal("function");
    const before = process.memoryUsage().heapUsed;
    let garbage: unknown[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `x${i}` }));
    expect(garbage.length).to.equal(200_000);
    garbage = undefined;
    (gc as () => void)();
    expect(process.memoryUsage().heapUsed, "the garbage is gone after it").to.be.below(before + 8 * 1024 * 1024);
    stop();
  });
});
