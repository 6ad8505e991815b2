import { expect } from "chai";
import { decodeSwitch, encodeSwitch, settleSwitch, SwitchInFlight } from "../../../automation/cutover/switch-in-flight";

const inFlight: SwitchInFlight = { from: "primary", to: "dev-restore-202612071922k3x9", was: "primary", host: "gametracker-mssql-restore.abc.us-east-1.rds.amazonaws.com", at: "2026-12-07T19:22:01.000Z" };

describe("a switch of databaseSource left in flight by a killed cut-over", () => {
  it("is recorded in one stack tag (at most 256 characters) and read back; anything else reads as none", () => {
    expect(decodeSwitch(encodeSwitch(inFlight))).to.deep.equal(inFlight);
    expect(decodeSwitch(encodeSwitch({ ...inFlight, was: null }))?.was).to.equal(null);
    const long = { ...inFlight, to: `dev-restore-${"x".repeat(60)}`, from: `dev-restore-${"y".repeat(60)}`, host: "h".repeat(120) };
    expect(encodeSwitch(long).length).to.be.at.most(256);
    expect(decodeSwitch(encodeSwitch(long))).to.deep.include({ to: long.to, from: long.from, at: undefined });
    for (const bad of [undefined, "", "not json", "{}", '{"to":1}']) expect(decodeSwitch(bad), String(bad)).to.equal(undefined);
  });

  it("that reached the API's Lambda is finished: the config keeps (or gets) the target", () => {
    expect(settleSwitch(inFlight, inFlight.to, true)).to.deep.equal({
      action: "finish",
      setConfig: undefined,
      note: "an interrupted switch of databaseSource from primary to dev-restore-202612071922k3x9 (started 2026-12-07T19:22:01.000Z) had already reached the API's Lambda; it is finished: databaseSource is dev-restore-202612071922k3x9 and the stack is applied again",
    });
    expect(settleSwitch(inFlight, "primary", true)).to.deep.include({ action: "finish", setConfig: inFlight.to });
  });

  it("that never reached it is undone: the config goes back to what it was (unset stays unset), unless someone changed it since", () => {
    expect(settleSwitch(inFlight, inFlight.to, false)).to.deep.include({ action: "undo", restore: { value: "primary" } });
    expect(settleSwitch({ ...inFlight, was: null }, inFlight.to, false)).to.deep.include({ action: "undo", restore: { value: null } });
    const changed = settleSwitch(inFlight, "dev-restore-other", false);
    expect(changed).to.deep.include({ action: "undo", restore: undefined });
    expect(changed.note).to.contain("databaseSource was changed since (it is dev-restore-other) and is left as it is");
  });
});
