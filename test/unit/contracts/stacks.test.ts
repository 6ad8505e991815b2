import { expect } from "chai";
import { crossRegionSourceProblem } from "../../../contracts/stacks";

describe("contracts/stacks: what the programs and the driver agree on", () => {
  it("an environment's API never uses a restore stack's database of another region; unknown regions decide nothing", () => {
    expect(crossRegionSourceProblem("prod", "us-east-1", "prod-restore-1", "us-east-1")).to.equal(undefined);
    expect(crossRegionSourceProblem("prod", undefined, "prod-restore-1", "us-west-2")).to.equal(undefined);
    expect(crossRegionSourceProblem("prod", "us-east-1", "prod-restore-1", undefined)).to.equal(undefined);
    expect(crossRegionSourceProblem("prod", "us-east-1", "prod-restore-1", "us-west-2")).to.equal(
      "Restore stack prod-restore-1 holds a database in us-west-2, but environment prod runs its API in us-east-1; the API's Lambda reaches only databases in its own region's VPC and may read only that region's database secrets, so it is never cut over across regions — after a region loss, cut over the standby (DR) stack of us-west-2 to a restore stack of its own (README: region loss).",
    );
  });
});
