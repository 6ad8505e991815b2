import { expect } from "chai";
import { choosePartSize, conditionFor, copyMethod, MAX_PARTS, partRanges, SINGLE_COPY_LIMIT } from "../../../automation/assets/copy";
import { latest, m, v } from "../../support/object-versions";

const MiB = 1024 * 1024;

describe("assets/copy", () => {
  it("copies part by part over the single-copy limit or when the source was uploaded in parts", () => {
    expect(copyMethod({ size: SINGLE_COPY_LIMIT, etag: '"abc"' })).to.equal("single");
    expect(copyMethod({ size: SINGLE_COPY_LIMIT + 1, etag: '"abc-2"' })).to.equal("multipart");
    expect(copyMethod({ size: 10, etag: '"abc-2"' })).to.equal("multipart");
    expect(copyMethod({ size: 2 * MiB, etag: '"abc"' }, MiB)).to.equal("multipart");
  });

  it("mirrors the source's part size when it explains the ETag's part count", () => {
    expect(choosePartSize(11 * MiB, 3, 5 * MiB, 512 * MiB)).to.equal(5 * MiB);
    expect(choosePartSize(11 * MiB, 2, 5 * MiB, 512 * MiB)).to.equal(512 * MiB);
    expect(choosePartSize(11 * MiB, undefined, undefined, 5 * MiB)).to.equal(5 * MiB);
  });

  it("never needs more than 10,000 parts", () => {
    const size = 5 * 1024 * 1024 * MiB; // 5 TiB
    const part = choosePartSize(size, undefined, undefined, 8 * MiB);
    expect(Math.ceil(size / part)).to.be.at.most(MAX_PARTS);
  });

  it("covers every byte once with inclusive ranges", () => {
    expect(partRanges(11, 5)).to.deep.equal([
      { partNumber: 1, first: 0, last: 4 },
      { partNumber: 2, first: 5, last: 9 },
      { partNumber: 3, first: 10, last: 10 },
    ]);
    expect(partRanges(10, 5).map((r) => r.last)).to.deep.equal([4, 9]);
    expect(partRanges(0, 5)).to.deep.equal([{ partNumber: 1, first: 0, last: -1 }]);
  });

  it("writes only while the current entry is the one the plan saw: its ETag, or no current version", () => {
    expect(conditionFor(latest(v("v2", 30, '"bbb"')))).to.deep.equal({ ifMatch: '"bbb"' });
    expect(conditionFor(latest(m("m", 30)))).to.deep.equal({ ifNoneMatch: "*" });
    expect(conditionFor(undefined)).to.deep.equal({ ifNoneMatch: "*" });
  });
});
