import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One request a sink received. */
export interface SinkRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Raw header pairs in wire order and case, for byte-exact checks. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  /** 1-based attempt number for this request's `ce-id` (or for the sink, without one). */
  readonly attempt: number;
  readonly receivedAt: number;
}

/** How the sink answers: a reply, or "hang" (never answer), or "drop" (destroy the connection). */
export type SinkAction = SinkReply | "hang" | "drop";

export interface SinkReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Answer after this many ms (to model slow sinks; tests never assert on time). */
  readonly delayMs?: number;
}

export type SinkResponder = (request: SinkRequest) => SinkAction | Promise<SinkAction>;

export interface RecordingSink {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order (hung and dropped ones included). */
  readonly requests: readonly SinkRequest[];
  /** Resolves once `count` requests (matching `predicate`, if given) arrived; rejects after timeoutMs. */
  waitFor(
    count: number,
    options?: { timeoutMs?: number; predicate?: (r: SinkRequest) => boolean },
  ): Promise<SinkRequest[]>;
  respond(responder: SinkResponder): void;
  close(): Promise<void>;
}

export interface RecordingSinkOptions {
  readonly respond?: SinkResponder;
  readonly port?: number;
  readonly host?: string;
}

/** Answers 202 with no body: a sink that accepts everything. */
export const accept: SinkResponder = () => ({ status: 202 });

/** Fails the first `times` attempts of each event with `status` (or drops the connection), then accepts. */
export function failTimes(times: number, status: number | "drop" = 500, body?: string): SinkResponder {
  return (request) => {
    if (request.attempt > times) return { status: 202 };
    if (status === "drop") return "drop";
    return body === undefined ? { status } : { status, body };
  };
}

/** Always answers `status` (with an optional body). */
export function always(status: number, body?: string, headers?: Record<string, string>): SinkResponder {
  return () => ({
    status,
    ...(body === undefined ? {} : { body }),
    ...(headers === undefined ? {} : { headers }),
  });
}

/** Never answers. */
export const hang: SinkResponder = () => "hang";

/** Starts a loopback HTTP server that records every request and answers as scripted. */
export async function startRecordingSink(options: RecordingSinkOptions = {}): Promise<RecordingSink> {
  let responder: SinkResponder = options.respond ?? accept;
  const requests: SinkRequest[] = [];
  const attempts = new Map<string, number>();
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const idHeader = req.headers["ce-id"];
      const key = typeof idHeader === "string" ? `id:${idHeader}` : "(no id)";
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const request: SinkRequest = {
        method: req.method ?? "",
        path: req.url ?? "/",
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
        attempt,
        receivedAt: Date.now(),
      };
      requests.push(request);
      for (const wake of waiters) wake();
      void Promise.resolve(responder(request)).then(
        (action) => answer(res, action),
        () => answer(res, { status: 500, body: "responder threw" }),
      );
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  function answer(res: ServerResponse, action: SinkAction): void {
    if (action === "hang") {
      hung.add(res);
      return;
    }
    if (action === "drop") {
      res.socket?.destroy();
      return;
    }
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(action.status, action.headers);
      res.end(action.body);
    };
    if (action.delayMs) setTimeout(send, action.delayMs).unref();
    else send();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    requests,
    respond(next) {
      responder = next;
    },
    waitFor(count, { timeoutMs = 10_000, predicate } = {}) {
      const matching = () => (predicate ? requests.filter(predicate) : requests.slice());
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = matching();
          if (found.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `sink ${port}: expected ${count} requests, got ${matching().length} after ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const res of hung) res.socket?.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
