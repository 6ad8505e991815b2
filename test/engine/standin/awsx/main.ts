/**
 * TEST DOUBLE entry point: `pulumi-resource-awsx` for the engine tests — NOT the real
 * pulumi-awsx. awsx is a component provider, so @pulumi/pulumi/provider's server is enough
 * here (Construct only); its children are registered with the engine and applied by the
 * stand-in aws plugin. The version is the @pulumi/awsx the programs use.
 */
import * as provider from "@pulumi/pulumi/provider";
import * as pulumi from "@pulumi/pulumi";
import { beforeOperation } from "../control";
import { writeRecord } from "../metrics";
import { StandinVpc, VPC_TYPE } from "./vpc";
import { errorMessage } from "../../../../contracts/text";

class AwsxStandIn implements provider.Provider {
  readonly version = "3.9.0";

  async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<provider.ConstructResult> {
    if (type !== VPC_TYPE) throw new Error(`The stand-in awsx provider implements only ${VPC_TYPE}, not ${type}.`);
    const start = Date.now();
    const started = performance.now();
    let error: string | undefined;
    try {
      await beforeOperation({ op: "construct", type, name, preview: pulumi.runtime.isDryRun() });
      const vpc = new StandinVpc(name, inputs, options);
      return { urn: vpc.urn, state: await vpc.ready };
    } catch (e) {
      error = errorMessage(e);
      throw e;
    } finally {
      writeRecord({ plugin: "awsx", op: "construct", type, name, preview: pulumi.runtime.isDryRun(), start, ms: performance.now() - started, motoMs: 0, motoCalls: 0, motoIntervals: [], ...(error ? { error } : {}) });
    }
  }
}

provider.main(new AwsxStandIn(), process.argv.slice(2)).then(() => writeRecord({ plugin: "awsx", op: "startup", ms: performance.now(), start: Math.round(performance.timeOrigin) }));
