import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { decodeHttp, encodeBinary } from "@sluice/codec";
import {
  type CloudEvent,
  type Destination,
  type HttpHandler,
  type HttpResponse,
  type HttpRouteOptions,
  type HttpRouter,
  isSluiceError,
  type Logger,
  type Source,
  type SourceContext,
  silentLogger,
  withAttributes,
} from "@sluice/core";
import { Agent, request } from "undici";
import { failTimes, type RecordingSink, type SinkRequest, startRecordingSink } from "./recording-sink.js";

/** The options of `@sluice/runtime`'s createSourceContext that the suite uses. */
export interface SourceContextFactoryOptions {
  readonly sink: Destination;
  readonly ceOverrides: Readonly<Record<string, string>>;
  readonly logger?: Logger;
  readonly stateDir?: string;
  readonly http?: HttpRouter;
  readonly retry?: {
    readonly attempts: number;
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
  };
}

export type ClosableSourceContext = SourceContext & { close(): Promise<void> };
export type SourceContextFactory = (options: SourceContextFactoryOptions) => ClosableSourceContext;

export interface TestSourceContext extends ClosableSourceContext {
  /** Every setHealth call, in order. */
  readonly health: readonly { readonly healthy: boolean; readonly reason: string | undefined }[];
}

const RETRYABLE = new Set([404, 408, 409, 429]);

/**
 * A minimal SourceContext for source tests: emit applies ceOverrides and POSTs the event in binary
 * mode to the sink URL, retrying network errors, 404/408/409/429 and 5xx with exponential backoff.
 * close() aborts the signal and releases its connections. Test code; the runtime has the real one.
 */
export function createTestSourceContext(options: SourceContextFactoryOptions): TestSourceContext {
  const controller = new AbortController();
  const agent = new Agent({ keepAliveTimeout: 1_000 });
  const retry = options.retry ?? { attempts: 5, initialDelayMs: 10, maxDelayMs: 100 };
  const overrides = options.ceOverrides;
  const health: { healthy: boolean; reason: string | undefined }[] = [];
  let closed: Promise<void> | undefined;

  const sendOnce = async (event: CloudEvent): Promise<void> => {
    const { headers, body } = encodeBinary(event);
    const response = await request(options.sink.url, {
      method: "POST",
      headers,
      body: body === undefined ? null : Buffer.from(body),
      dispatcher: agent,
      signal: controller.signal,
    });
    await response.body.dump();
    if (response.statusCode >= 200 && response.statusCode < 300) return;
    const retryable = response.statusCode >= 500 || RETRYABLE.has(response.statusCode);
    throw Object.assign(new Error(`sink answered ${response.statusCode}`), { retryable });
  };

  return {
    logger: options.logger ?? silentLogger,
    signal: controller.signal,
    stateDir: options.stateDir,
    http: options.http,
    health,
    setHealth(healthy, reason) {
      health.push({ healthy, reason });
    },
    async emit(event) {
      const final = Object.keys(overrides).length === 0 ? event : withAttributes(event, overrides);
      let delay = retry.initialDelayMs;
      for (let attempt = 1; ; attempt++) {
        try {
          return await sendOnce(final);
        } catch (error) {
          const retryable = (error as { retryable?: boolean }).retryable !== false;
          if (controller.signal.aborted || !retryable || attempt >= retry.attempts) throw error;
          await sleep(delay, undefined, { signal: controller.signal }).catch(() => undefined);
          delay = Math.min(delay * 2, retry.maxDelayMs);
        }
      }
    },
    close() {
      controller.abort();
      closed ??= agent.close();
      return closed;
    },
  };
}

export interface TestHttpRouter extends HttpRouter {
  /** `http://127.0.0.1:<port>` (no trailing slash); append a route's path. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A loopback HttpRouter with the ingress's route semantics: exact path match (query ignored), any
 * method, 413 before the handler for bodies over the route's limit (default 1 MiB), 404 elsewhere.
 */
export async function startTestRouter(): Promise<TestHttpRouter> {
  const routes = new Map<string, { handler: HttpHandler; bodyLimit: number }>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const route = routes.get(path);
    if (route === undefined) return finish(res, 404, "no route");
    void readBody(req, route.bodyLimit).then(async (body) => {
      if (body === undefined) return finish(res, 413, "body too large");
      const method = req.method ?? "GET";
      const query = q === -1 ? "" : url.slice(q + 1);
      const answer: HttpResponse = await route
        .handler({ method, path, query, headers: req.headers, body })
        .catch(() => ({ status: 500, body: "handler threw" }));
      res.writeHead(answer.status, { ...answer.headers });
      res.end(answer.body);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    route(path: string, handler: HttpHandler, options: HttpRouteOptions = {}) {
      if (routes.has(path)) throw new Error(`path ${path} is already taken`);
      routes.set(path, { handler, bodyLimit: options.bodyLimit ?? 1_048_576 });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function finish(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain", connection: "close" });
  res.end(text);
}

/** The body, or undefined once it is over `limit` (the rest is drained, not buffered). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (Number(req.headers["content-length"] ?? 0) > limit) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** What a source under contract test is aimed at. */
export interface SourceTarget {
  readonly name: string;
  readonly sink: Destination;
  readonly ceOverrides: Readonly<Record<string, string>>;
}

export interface SourceHarness {
  readonly source: Source;
  /** The loopback router given as ctx.http (when `http: true`). */
  readonly router: TestHttpRouter | undefined;
}

export interface SourceContractOptions {
  /** Creates the source under test, sending to `target.sink` with `target.ceOverrides`. */
  create(target: SourceTarget): Source | Promise<Source>;
  /**
   * Makes a started source produce one event (POST to its route, advance its clock). Omit for
   * sources that produce on their own. Also called after close, where it must not throw.
   */
  stimulate?(harness: SourceHarness): Promise<void>;
  /** The source needs ctx.http: the suite gives it a loopback router. */
  readonly http?: boolean;
  /** Builds contexts; defaults to createTestSourceContext. Wire `@sluice/runtime`'s createSourceContext here. */
  readonly createContext?: SourceContextFactory;
}

const CONTRACT_EXTENSION = "contractext";

/**
 * The behaviour every Source must show (packages/core/src/source.ts), as node:test cases, run by
 * each source package as connect-es runs one conformance suite on every adapter. Decisions it
 * pins down: a second start() rejects with a SluiceError, as does start() after close(); close()
 * is idempotent and harmless before start; aborting the context's signal stops the source.
 */
export function runSourceContract(name: string, options: SourceContractOptions): void {
  const createContext = options.createContext ?? createTestSourceContext;

  const launch = async (t: TestContext, sink: RecordingSink, overrides: Record<string, string> = {}) => {
    const router = options.http ? await startTestRouter() : undefined;
    const stateDir = await mkdtemp(join(tmpdir(), "sluice-source-contract-"));
    const target: SourceTarget = { name: "contract", sink: { url: sink.url }, ceOverrides: overrides };
    const source = await options.create(target);
    const ctx = createContext({
      sink: target.sink,
      ceOverrides: overrides,
      stateDir,
      retry: { attempts: 5, initialDelayMs: 10, maxDelayMs: 50 },
      ...(router === undefined ? {} : { http: router }),
    });
    const harness: SourceHarness = { source, router };
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= stopAll());
    const stopAll = async () => {
      await source.close();
      await ctx.close();
      await router?.close();
      await rm(stateDir, { recursive: true, force: true });
    };
    t.after(stop);
    return { source, ctx, harness, stop };
  };

  const sinkFor = async (t: TestContext): Promise<RecordingSink> => {
    const sink = await startRecordingSink();
    t.after(() => sink.close());
    return sink;
  };

  describe(`source contract: ${name}`, () => {
    it("starts once, closes idempotently, refuses to start again", async (t) => {
      const sink = await sinkFor(t);
      const unused = await options.create({ name: "contract", sink: { url: sink.url }, ceOverrides: {} });
      await unused.close();
      await unused.close();
      const { source, ctx } = await launch(t, sink);
      await source.start(ctx);
      await assert.rejects(source.start(ctx), (error) => isSluiceError(error), "a second start rejects");
      await source.close();
      await source.close();
      await assert.rejects(source.start(ctx), (error) => isSluiceError(error), "start after close rejects");
    });

    it("delivers valid CloudEvents to the sink", async (t) => {
      const sink = await sinkFor(t);
      const { source, ctx, harness } = await launch(t, sink);
      await source.start(ctx);
      await options.stimulate?.(harness);
      const [first] = await sink.waitFor(1);
      const { events } = decodeHttp(first!.headers, first!.body);
      assert.equal(events.length, 1);
      assert.equal(first!.method, "POST");
    });

    it("applies ceOverrides extensions", async (t) => {
      const sink = await sinkFor(t);
      const { source, ctx, harness } = await launch(t, sink, { [CONTRACT_EXTENSION]: "applied" });
      await source.start(ctx);
      await options.stimulate?.(harness);
      const [first] = await sink.waitFor(1);
      const [event] = decodeHttp(first!.headers, first!.body).events;
      assert.equal(event!.attributes.get(CONTRACT_EXTENSION), "applied");
    });

    it("retries an event the sink refuses, then delivers it", async (t) => {
      const sink = await sinkFor(t);
      sink.respond(failTimes(2, 503));
      const { source, ctx, harness } = await launch(t, sink);
      await source.start(ctx);
      await options.stimulate?.(harness);
      const [, , third] = await sink.waitFor(3, { predicate: sameIdAsFirst(sink) });
      assert.equal(third!.attempt, 3, "the same event id arrives a third time");
    });

    it("leaves no timers, handles or processes after close, and sends nothing more", async (t) => {
      await settle();
      const before = resourceCounts();
      const sink = await startRecordingSink();
      const { source, ctx, harness, stop } = await launch(t, sink);
      await source.start(ctx);
      await options.stimulate?.(harness);
      await sink.waitFor(1);
      await sleep(50); // let the source settle into waiting (timers armed, processes running)
      await source.close();
      const count = sink.requests.length;
      await options.stimulate?.(harness).catch(() => undefined);
      await sleep(200);
      assert.equal(sink.requests.length, count, "no request after close");
      await stop();
      await sink.close();
      await assertNoLeaks(before);
    });

    it("stops when the context's signal aborts", async (t) => {
      const sink = await sinkFor(t);
      const { source, ctx, harness } = await launch(t, sink);
      await source.start(ctx);
      await options.stimulate?.(harness);
      await sink.waitFor(1);
      await ctx.close();
      assert.ok(ctx.signal.aborted);
      await sleep(50);
      const count = sink.requests.length;
      await options.stimulate?.(harness).catch(() => undefined);
      await sleep(200);
      assert.equal(sink.requests.length, count, "no request after the signal aborted");
      await source.close();
    });
  });
}

function sameIdAsFirst(sink: RecordingSink): (request: SinkRequest) => boolean {
  return (request) => request.headers["ce-id"] === sink.requests[0]?.headers["ce-id"];
}

function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Timers must be gone at once (a timer left armed would fire later and vanish, hiding the leak);
 * sockets and process handles get a moment to finish closing (a hang guard, not a timing assertion).
 */
async function assertNoLeaks(before: ReadonlyMap<string, number>): Promise<void> {
  await settle();
  const timers = resourceCounts().get("Timeout") ?? 0;
  assert.ok(timers <= (before.get("Timeout") ?? 0), `${timers} timer(s) still armed after close`);
  let extra: string[] = [];
  for (let i = 0; i < 150; i++) {
    const now = resourceCounts();
    extra = [...now].filter(([type, n]) => n > (before.get(type) ?? 0)).map(([type, n]) => `${type} x${n}`);
    if (extra.length === 0) return;
    await sleep(20);
  }
  assert.fail(`resources left after close: ${extra.join(", ")} (before: ${JSON.stringify([...before])})`);
}
