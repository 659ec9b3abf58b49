import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { CodecErrors, decodeHttp } from "@sluice/codec";
import {
  CoreErrors,
  DEFAULT_BROKER_TTL,
  type EventEnvelope,
  type HttpHandler,
  type HttpRouteOptions,
  isSluiceError,
  type Logger,
  SluiceError,
  TTL_EXTENSION,
  withAttributes,
} from "@sluice/core";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { BrokerHost } from "./broker-host.js";
import { RuntimeErrors } from "./errors.js";
import type { RuntimeLimits } from "./limits.js";
import type { RuntimeMetrics } from "./runtime-metrics.js";

export interface Readiness {
  readonly ready: boolean;
  readonly problems: readonly string[];
}

export interface IngressOptions {
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  readonly limits: RuntimeLimits;
  readonly metrics: RuntimeMetrics;
  readonly lookup: (namespace: string, name: string) => BrokerHost | undefined;
  readonly readiness: () => Readiness;
}

interface SourceRoute {
  readonly handler: HttpHandler;
  readonly bodyLimit: number;
}

const ALLOW = "POST, OPTIONS";
const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

/**
 * The HTTP front door (fastify): broker addresses `/<namespace>/<broker>` with the status table
 * of PRODUCT.md §4, webhook routes mounted by sources, `/healthz`, `/readyz` and `/metrics`.
 * Bodies are read raw (no JSON parsing) with the limit of the route they target, so data passes
 * through byte for byte and an oversized body is refused before it is buffered whole.
 */
export class Ingress {
  readonly #o: IngressOptions;
  readonly #app: FastifyInstance;
  readonly #routes = new Map<string, SourceRoute>();
  #closing = false;
  #url: string | undefined;

  constructor(options: IngressOptions) {
    this.#o = options;
    this.#app = Fastify({ logger: false, forceCloseConnections: "idle", return503OnClosing: true });
    this.#setup();
  }

  get url(): string {
    if (this.#url === undefined) throw new SluiceError(CoreErrors.CLOSED, "ingress is not listening");
    return this.#url;
  }

  async listen(): Promise<string> {
    await this.#app.listen({ host: this.#o.host, port: this.#o.port });
    const address = this.#app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : this.#o.port;
    const host = this.#o.host.includes(":") ? `[${this.#o.host}]` : this.#o.host;
    this.#url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
    return this.#url;
  }

  /** Mounts a webhook route; the route goes away when `signal` aborts. */
  route(path: string, handler: HttpHandler, options: HttpRouteOptions = {}, signal?: AbortSignal): void {
    if (!path.startsWith("/") || ["/healthz", "/readyz", "/metrics"].includes(path)) {
      throw new SluiceError(RuntimeErrors.ROUTE_CONFLICT, `path ${path} is reserved or invalid`);
    }
    if (this.#routes.has(path))
      throw new SluiceError(RuntimeErrors.ROUTE_CONFLICT, `path ${path} is already taken`);
    const [ns, name] = splitBrokerPath(path) ?? [];
    if (ns !== undefined && name !== undefined && this.#o.lookup(ns, name) !== undefined) {
      throw new SluiceError(
        RuntimeErrors.ROUTE_CONFLICT,
        `path ${path} is the address of broker ${ns}/${name}`,
      );
    }
    const route = { handler, bodyLimit: options.bodyLimit ?? this.#o.limits.bodyLimit };
    this.#routes.set(path, route);
    signal?.addEventListener("abort", () => {
      if (this.#routes.get(path) === route) this.#routes.delete(path);
    });
  }

  hasRoute(path: string): boolean {
    return this.#routes.has(path);
  }

  /** Stops accepting requests and waits for those in progress. Idempotent. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await this.#app.close();
  }

  #setup(): void {
    const app = this.#app;
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", (request, payload, done) => {
      readBody(payload, this.#limitFor(request.url), request.headers["content-length"]).then(
        (body) => done(null, body),
        (error: Error) => done(error),
      );
    });
    app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
      const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
      const code =
        status === 413
          ? RuntimeErrors.BODY_TOO_LARGE
          : status < 500
            ? RuntimeErrors.BAD_REQUEST
            : RuntimeErrors.INTERNAL;
      if (status >= 500) this.#o.logger.error("ingress request failed", { error });
      sendError(reply, status, code, error.message);
    });
    app.get("/healthz", (_req, reply) => reply.code(200).send({ status: "ok" }));
    app.get("/readyz", (_req, reply) => {
      const { ready, problems } = this.#o.readiness();
      reply.code(ready ? 200 : 503).send(ready ? { status: "ready" } : { status: "not ready", problems });
    });
    app.get("/metrics", (_req, reply) =>
      reply
        .code(200)
        .header("content-type", "text/plain; version=0.0.4")
        .send(this.#o.metrics.registry.render()),
    );
    const handler = (request: FastifyRequest, reply: FastifyReply) => this.#dispatch(request, reply);
    app.route({ method: [...METHODS], url: "/", handler });
    app.route({ method: [...METHODS], url: "/*", handler });
  }

  #limitFor(url: string): number {
    const route = this.#routes.get(pathOf(url));
    return route?.bodyLimit ?? this.#o.limits.bodyLimit;
  }

  async #dispatch(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const path = pathOf(request.url);
    const route = this.#routes.get(path);
    if (route !== undefined) return this.#serveRoute(route, path, request, reply);
    const parts = splitBrokerPath(path);
    if (parts === undefined) {
      sendError(
        reply,
        404,
        RuntimeErrors.NOT_FOUND,
        `nothing at ${path}; broker addresses look like /<namespace>/<broker>`,
      );
      return;
    }
    return this.#serveBroker(parts[0], parts[1], request, reply);
  }

  async #serveBroker(
    namespace: string,
    name: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const broker = this.#o.lookup(namespace, name);
    const id = broker === undefined ? "(unknown)" : broker.resource.id;
    const status = await this.#answerBroker(broker, namespace, name, request, reply);
    this.#o.metrics.request(id, status);
  }

  async #answerBroker(
    broker: BrokerHost | undefined,
    namespace: string,
    name: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<number> {
    reply.header("allow", ALLOW);
    if (request.method === "OPTIONS") {
      // CloudEvents webhook abuse protection handshake (http-webhook.md §4).
      const origin = request.headers["webhook-request-origin"];
      reply.header("webhook-allowed-origin", typeof origin === "string" ? origin : "*");
      reply.header("webhook-allowed-rate", "*");
      reply.code(200).send();
      return 200;
    }
    if (request.method !== "POST") {
      return sendError(
        reply,
        405,
        RuntimeErrors.METHOD_NOT_ALLOWED,
        `${request.method} is not allowed; send events with POST`,
      );
    }
    if (broker === undefined) {
      return sendError(
        reply,
        404,
        RuntimeErrors.BROKER_NOT_FOUND,
        `no broker "${name}" in namespace "${namespace}"`,
      );
    }
    if (this.#closing) {
      reply.header("retry-after", String(this.#o.limits.retryAfterUnavailableSeconds));
      return sendError(reply, 503, RuntimeErrors.SHUTTING_DOWN, "the broker is shutting down");
    }
    const body = (request.body as Buffer | undefined) ?? EMPTY;
    let envelopes: EventEnvelope[];
    try {
      envelopes = toEnvelopes(request.raw, body);
    } catch (error) {
      if (!isSluiceError(error)) throw error;
      const status = error.code === CodecErrors.UNSUPPORTED_FORMAT ? 415 : 400;
      return sendError(reply, status, error.code, error.message);
    }
    try {
      await broker.ingest(envelopes);
    } catch (error) {
      return this.#storeFailure(reply, error, broker.resource.id);
    }
    reply.code(202).send();
    return 202;
  }

  #storeFailure(reply: FastifyReply, error: unknown, broker: string): number {
    if (isSluiceError(error) && error.code === CoreErrors.BACKEND_FULL) {
      reply.header("retry-after", String(this.#o.limits.retryAfterFullSeconds));
      const trigger = error.details.trigger;
      return sendError(
        reply,
        429,
        RuntimeErrors.BACKLOG_FULL,
        typeof trigger === "string"
          ? `broker ${broker}: trigger ${trigger} is over its backlog bound (its subscriber is not keeping up); retry later`
          : `broker ${broker} is over its backlog bound; retry later`,
      );
    }
    reply.header("retry-after", String(this.#o.limits.retryAfterUnavailableSeconds));
    if (!isSluiceError(error) || error.code !== CoreErrors.BACKEND_UNAVAILABLE) {
      this.#o.logger.error("storing an event failed unexpectedly", { broker, error });
    }
    const reason = error instanceof Error ? error.message : String(error);
    return sendError(
      reply,
      503,
      RuntimeErrors.STORAGE_UNAVAILABLE,
      `broker ${broker} cannot store events right now: ${reason}`,
    );
  }

  async #serveRoute(
    route: SourceRoute,
    path: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const url = request.url;
    const q = url.indexOf("?");
    const response = await route.handler({
      method: request.method,
      path,
      query: q === -1 ? "" : url.slice(q + 1),
      headers: eventHeaders(request.raw),
      body: (request.body as Buffer | undefined) ?? EMPTY,
    });
    reply.code(response.status);
    if (response.headers) reply.headers(response.headers);
    reply.send(response.body);
  }
}

const EMPTY = Buffer.alloc(0);

/** Decodes the request into envelopes; the reply-loop guard is moved out of the attributes. */
function toEnvelopes(raw: IncomingMessage, body: Buffer): EventEnvelope[] {
  const { events } = decodeHttp(eventHeaders(raw), body);
  const traceparent = headerValue(raw.headers.traceparent);
  const tracestate = headerValue(raw.headers.tracestate);
  const acceptedAt = Date.now();
  const envelopes: EventEnvelope[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    let event = events[i] as EventEnvelope["event"];
    let ttl = DEFAULT_BROKER_TTL;
    const given = event.attributes.get(TTL_EXTENSION);
    if (given !== undefined) {
      // Knative decrements a TTL that arrives with the event (a re-entry) and refuses it at 0.
      ttl = Number(given) - 1;
      if (!/^\d+$/.test(given) || ttl <= 0) {
        throw new SluiceError(
          RuntimeErrors.TTL_EXHAUSTED,
          `${TTL_EXTENSION} ${JSON.stringify(given)} is exhausted or not a positive integer: the event is in a routing loop`,
        );
      }
      event = withAttributes(event, { [TTL_EXTENSION]: undefined });
    }
    envelopes[i] = { event, ttl, traceparent, tracestate, acceptedAt };
  }
  return envelopes;
}

/**
 * The request's headers, with a repeated `ce-` header or Content-Type kept as the list of its
 * values. node:http joins the values of a repeated unknown header with ", " (and keeps the first
 * Content-Type), so `ce-id: a` + `ce-id: b` would read as the id "a, b"; as a list, the codec
 * refuses it as a duplicate attribute (400). Only when some header repeats (the raw list is
 * longer than the parsed one) does this look further, so the common request costs one count.
 */
function eventHeaders(raw: IncomingMessage): IncomingHttpHeaders {
  const headers = raw.headers;
  if (raw.rawHeaders.length === 2 * Object.keys(headers).length) return headers;
  let out: IncomingHttpHeaders | undefined;
  const distinct = raw.headersDistinct;
  for (const name of Object.keys(distinct)) {
    const values = distinct[name];
    if (values === undefined || values.length < 2) continue;
    if (name.startsWith("ce-") || name === "content-type") {
      out ??= { ...headers };
      out[name] = values;
    }
  }
  return out ?? headers;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sendError(reply: FastifyReply, status: number, code: string, message: string): number {
  reply
    .code(status)
    .header("content-type", "application/json; charset=utf-8")
    .send(JSON.stringify({ error: { code, message } }));
  return status;
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/** `/<ns>/<name>` or `/<ns>/<name>/` → [ns, name]. */
export function splitBrokerPath(path: string): [string, string] | undefined {
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  const slash = trimmed.indexOf("/", 1);
  if (slash === -1 || trimmed.indexOf("/", slash + 1) !== -1) return undefined;
  const ns = trimmed.slice(1, slash);
  const name = trimmed.slice(slash + 1);
  if (ns === "" || name === "") return undefined;
  return [decodeURIComponentSafe(ns), decodeURIComponentSafe(name)];
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function readBody(stream: Readable, limit: number, contentLength: string | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (contentLength !== undefined && Number(contentLength) > limit) {
      stream.resume();
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stream.removeAllListeners("data");
        stream.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    stream.on("end", () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)),
    );
    stream.on("error", reject);
  });
}

function tooLarge(limit: number): Error {
  return Object.assign(new Error(`request body is larger than the limit of ${limit} bytes`), {
    statusCode: 413,
  });
}
