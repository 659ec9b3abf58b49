import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { DEFAULT_DELIVERY_FIELDS, type DeliveryPolicy } from "@sluice/core";
import type { AttemptInfo } from "../src/types.js";

/** A policy with fast backoff for tests; override what the case is about. */
export function policy(overrides: Partial<DeliveryPolicy> = {}): DeliveryPolicy {
  return {
    ...DEFAULT_DELIVERY_FIELDS,
    backoffDelayMs: 1,
    timeoutMs: 5_000,
    deadLetterSink: undefined,
    ...overrides,
  };
}

/** Collects onAttempt reports. */
export function attemptLog(): {
  readonly attempts: AttemptInfo[];
  readonly onAttempt: (a: AttemptInfo) => void;
} {
  const attempts: AttemptInfo[] = [];
  return { attempts, onAttempt: (a) => attempts.push(a) };
}

/** A URL on which nothing listens (a port that was just free). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/gone?token=secret`;
}

export interface RawServer {
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** A loopback server with a hand-written handler, for answers the recording sink cannot script. */
export async function startRawServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<RawServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(req, res));
  });
  server.on("connection", (socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get connections() {
      return connections;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A header of a recorded request as one string. */
export function header(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
