import { expect } from "chai";
import { validateCutoverTargetName } from "../../../automation/cutover/target";
import { UsageError } from "../../../automation/errors";

describe("cutover: target names", () => {
  const refused = (to: string) => {
    try {
      validateCutoverTargetName("dev", to);
    } catch (error) {
      expect(error).to.be.instanceOf(UsageError);
      return (error as Error).message;
    }
    return undefined;
  };
  it("accepts a restore stack of the environment", () => {
    expect(refused("dev-restore-0930")).to.equal(undefined);
  });
  it("refuses primary, drill stacks, other environments' stacks and garbage, saying what to do", () => {
    expect(refused("primary")).to.contain("gametracker-dr rollback --stack dev");
    expect(refused("dev-drill-7f3a")).to.contain("is a drill stack");
    expect(refused("prod-restore-1")).to.contain("is not a restore stack of environment dev");
    expect(refused("dev-restore-")).to.contain("dev-restore-<id>");
    expect(refused("DEV-RESTORE-1")).to.contain("is not a restore stack");
  });
});

