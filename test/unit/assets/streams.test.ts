import { expect } from "chai";
import { inOrder, ReadAhead, Semaphore } from "../../../automation/assets/streams";
import { inFlightCounter } from "../../support/in-flight";

const tick = () => new Promise((r) => setImmediate(r));
/** Everything a stream gives before it ends or fails, and its failure. */
async function drain<T>(stream: AsyncIterable<T>): Promise<{ seen: T[]; error: unknown }> {
  const seen: T[] = [];
  try {
    for await (const x of stream) seen.push(x);
    return { seen, error: undefined };
  } catch (error) {
    return { seen, error };
  }
}

describe("assets/streams", () => {
  it("Semaphore runs at most its permits at once, first come first served", async () => {
    const semaphore = new Semaphore(3);
    const active = inFlightCounter();
    const order: number[] = [];
    await Promise.all(
      [...Array(12).keys()].map((i) =>
        semaphore.use(async () => {
          active.enter();
          order.push(i);
          await tick();
          active.leave();
        }),
      ),
    );
    expect(active.peak).to.equal(3);
    expect(order).to.deep.equal([...Array(12).keys()]);
  });

  it("ReadAhead reads ahead up to its capacity, and raises the source's failure where it is reached", async () => {
    let produced = 0;
    async function* source() {
      for (let i = 0; i < 10; i++) {
        produced++;
        yield i;
      }
      throw new Error("source failed");
    }
    const ahead = new ReadAhead(source(), 4);
    for (let i = 0; i < 20; i++) await tick();
    expect(produced, "read ahead before anyone asked, but no further than the buffer").to.equal(4);
    const { seen, error } = await drain(ahead);
    expect(seen).to.deep.equal([...Array(10).keys()]);
    expect((error as Error).message).to.equal("source failed");
  });

  it("inOrder gives every part's items in the parts' order while the next parts are read in parallel", async () => {
    const started: number[] = [];
    let concurrent = 0;
    let peak = 0;
    async function* part(n: number) {
      started.push(n);
      concurrent++;
      peak = Math.max(peak, concurrent);
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, (5 - n) % 3));
        yield `${n}.${i}`;
      }
      concurrent--;
    }
    async function* parts() {
      for (let n = 0; n < 6; n++) yield n;
    }
    const { seen: items } = await drain(inOrder(parts(), 3, 10, part));
    expect(items).to.deep.equal([0, 1, 2, 3, 4, 5].flatMap((n) => [0, 1, 2].map((i) => `${n}.${i}`)));
    expect(peak, "parts overlap, within the window").to.be.within(2, 3);
  });

  it("inOrder stops reading ahead when the consumer stops, and passes a part's failure on", async () => {
    let opened = 0;
    async function* endless() {
      for (let n = 0; ; n++) yield n;
    }
    const stream = inOrder(endless(), 2, 2, async function* (n: number) {
      opened++;
      yield n;
      if (n === 3) throw new Error(`part ${n} failed`);
    });
    const { seen, error } = await drain(stream);
    expect(seen).to.deep.equal([0, 1, 2, 3]);
    expect((error as Error).message).to.equal("part 3 failed");
    const openedAtFailure = opened;
    for (let i = 0; i < 20; i++) await tick();
    expect(opened).to.equal(openedAtFailure);
    expect(opened).to.be.at.most(6);
  });
});
