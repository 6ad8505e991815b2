/**
 * TEST DOUBLE entry point: `pulumi-resource-aws` for the engine tests — NOT the real
 * pulumi-aws. The engine starts it with its own address as the argument and reads the gRPC
 * port this process prints on stdout (the plugin protocol); everything else goes to stderr.
 */
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { writeRecord } from "../metrics";
import { AwsStandIn, STANDIN_NOTICE } from "./provider";

async function main(): Promise<void> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(ResourceProviderService, new AwsStandIn().service());
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  process.stdout.write(`${port}\n`);
  if (process.env.GAMETRACKER_STANDIN_VERBOSE === "1") process.stderr.write(`${STANDIN_NOTICE} Listening on 127.0.0.1:${port}.\n`);
  writeRecord({ plugin: "aws", op: "startup", ms: performance.now(), start: Math.round(performance.timeOrigin) });
}

main().catch((error: unknown) => {
  process.stderr.write(`stand-in aws provider failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
