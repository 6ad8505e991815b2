import { expect } from "chai";

/** Runs `fn`, expects it to throw an instance of `kind`, and returns the message for further assertions. */
export function messageOf(fn: () => unknown, kind: abstract new (...args: any[]) => Error): string {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(kind);
    return (error as Error).message;
  }
  return expect.fail(`expected a ${kind.name}`);
}
