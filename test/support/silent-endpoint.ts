/**
 * An AWS endpoint that accepts every connection and never answers: what a half-dead VPC
 * endpoint, a proxy that lost its upstream or a firewall that drops replies look like to the
 * SDK. It reads what it is sent (so each request is counted), and holds the socket open
 * until the client gives up. `route` sends one client's requests here instead of to their
 * endpoint, for a hang of one service while the others answer.
 */
import * as net from "node:net";
import type { MiddlewareStack } from "@smithy/types";

export class SilentEndpoint {
  /** One entry per request received: its request line (`GET /?Action=DescribeDBInstances… HTTP/1.1`). */
  readonly requests: string[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<SilentEndpoint> {
    let endpoint: SilentEndpoint | undefined;
    const server = net.createServer((socket) => {
      endpoint!.sockets.add(socket);
      let head = "";
      socket.on("data", (chunk: Buffer) => {
        // A request's head ends at its first blank line; a retry comes on a new connection.
        if (head.includes("\r\n\r\n")) return;
        head += chunk.toString("latin1");
        if (head.includes("\r\n\r\n")) endpoint!.requests.push(head.slice(0, head.indexOf("\r\n")));
      });
      socket.on("error", () => undefined);
      socket.on("close", () => endpoint!.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = new SilentEndpoint(server, `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    return endpoint;
  }

  /** A client middleware that sends the requests of the clients named (`RDSClient`, `LambdaClient`, …) here. */
  route(...clientNames: string[]): (stack: MiddlewareStack<any, any>) => void {
    const { hostname, port } = new URL(this.url);
    return (stack) =>
      stack.add(
        (next: any, context: any) => async (args: any) => {
          if (clientNames.includes(String(context.clientName))) Object.assign(args.request, { protocol: "http:", hostname, port: Number(port) });
          return next(args);
        },
        { step: "finalizeRequest", name: "routeToSilentEndpoint", priority: "low" },
      );
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port nothing listens on: connections to it are refused at once. */
export async function refusingEndpoint(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
