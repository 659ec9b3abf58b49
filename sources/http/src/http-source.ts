import { CodecErrors, claimsCloudEvent, decodeHttp } from "@sluice/codec";
import {
  type CloudEvent,
  CoreErrors,
  type HttpRequest,
  type HttpResponse,
  isSluiceError,
  SluiceError,
  type Source,
  type SourceContext,
  type SourceResource,
} from "@sluice/core";
import { headerValue } from "./attribute-rule.js";
import { type Authenticator, createAuthenticator } from "./authenticator.js";
import { HttpSourceErrors } from "./errors.js";
import { eventFromRequest } from "./request-event.js";
import type { HttpSourceSpec } from "./spec.js";

/** Seconds a sender should wait before retrying when the sink did not take the event. */
export const RETRY_AFTER_SECONDS = 5;

export function createHttpSource(resource: SourceResource<HttpSourceSpec>): Source {
  return new HttpSource(resource);
}

type Outcome = "sent" | "failed" | "stopped";

/**
 * A webhook endpoint: mounts `spec.path` on the ingress router and answers each request only
 * after the sink took its events (202), so a sender that sees 202 may forget the request.
 * Owns no timers or sockets (the ingress does); close() makes further and in-flight requests
 * answer 503 at once.
 */
class HttpSource implements Source {
  readonly #resource: SourceResource<HttpSourceSpec>;
  readonly #authenticate: Authenticator;
  readonly #allow: string;
  #state: "new" | "running" | "closed" = "new";
  #ctx: SourceContext | undefined;
  #stop!: () => void;
  readonly #stopped = new Promise<"stopped">((resolve) => {
    this.#stop = () => resolve("stopped");
  });

  constructor(resource: SourceResource<HttpSourceSpec>) {
    this.#resource = resource;
    this.#authenticate = createAuthenticator(resource.spec.auth, "sluice");
    this.#allow = [...resource.spec.methods, "OPTIONS"].join(", ");
  }

  async start(ctx: SourceContext): Promise<void> {
    if (this.#state === "closed") throw new SluiceError(CoreErrors.CLOSED, "the HTTP source is closed");
    if (this.#state === "running") {
      throw new SluiceError(
        HttpSourceErrors.ALREADY_STARTED,
        `HttpSource ${this.#resource.id} is already started`,
      );
    }
    if (ctx.http === undefined) {
      throw new SluiceError(
        HttpSourceErrors.NO_INGRESS,
        `HttpSource ${this.#resource.id} needs the ingress port`,
      );
    }
    const { path, maxBodySize } = this.#resource.spec;
    ctx.http.route(path, (request) => this.#handle(request), { bodyLimit: maxBodySize });
    this.#ctx = ctx;
    this.#state = "running";
    if (ctx.signal.aborted) return this.close();
    ctx.signal.addEventListener("abort", () => void this.close(), { once: true });
  }

  async close(): Promise<void> {
    this.#state = "closed";
    this.#stop();
  }

  async #handle(request: HttpRequest): Promise<HttpResponse> {
    if (this.#state !== "running") return unavailable("the source is stopping");
    if (request.method === "OPTIONS") return this.#handshake(request);
    if (!this.#resource.spec.methods.includes(request.method)) {
      return answer(405, HttpSourceErrors.METHOD_NOT_ALLOWED, `${request.method} is not accepted here`, {
        allow: this.#allow,
      });
    }
    const verdict = this.#authenticate(request);
    if (!verdict.ok) {
      return verdict.status === 401
        ? answer(
            401,
            HttpSourceErrors.UNAUTHENTICATED,
            "authentication required",
            challenge(verdict.challenge),
          )
        : answer(403, HttpSourceErrors.FORBIDDEN, "authentication failed");
    }
    let events: readonly CloudEvent[];
    try {
      events = claimsCloudEvent(request.headers)
        ? decodeHttp(request.headers, request.body).events
        : [eventFromRequest(request, this.#resource.spec.event, Date.now())];
    } catch (error) {
      if (!isSluiceError(error)) throw error;
      const status = error.code === CodecErrors.UNSUPPORTED_FORMAT ? 415 : 400;
      return answer(status, error.code, error.message);
    }
    for (const event of events) {
      const outcome = await this.#emit(event);
      if (outcome === "stopped") return unavailable("the source is stopping");
      if (outcome === "failed") return unavailable("the event could not be delivered; try again later");
    }
    return { status: 202 };
  }

  /** Sends one event; "stopped" when the source closes first (the emit may still finish). */
  async #emit(event: CloudEvent): Promise<Outcome> {
    const ctx = this.#ctx as SourceContext;
    return Promise.race([
      ctx.emit(event).then(
        (): Outcome => "sent",
        (error: unknown): Outcome => {
          if (this.#state !== "running" || ctx.signal.aborted) return "stopped";
          ctx.logger.warn("webhook event not delivered", { id: event.attributes.get("id"), error });
          return "failed";
        },
      ),
      this.#stopped,
    ]);
  }

  /** CloudEvents Webhook spec §4.1 abuse protection: consent to any origin that asks. */
  #handshake(request: HttpRequest): HttpResponse {
    const headers: Record<string, string> = { allow: this.#allow };
    const origin = headerValue(request, "webhook-request-origin");
    if (origin !== undefined) headers["webhook-allowed-origin"] = origin;
    if (headerValue(request, "webhook-request-rate") !== undefined) headers["webhook-allowed-rate"] = "*";
    return { status: 200, headers };
  }
}

function challenge(value: string | undefined): Record<string, string> | undefined {
  return value === undefined ? undefined : { "www-authenticate": value };
}

function unavailable(message: string): HttpResponse {
  return answer(503, HttpSourceErrors.SINK_UNAVAILABLE, message, {
    "retry-after": String(RETRY_AFTER_SECONDS),
  });
}

/** The ingress's error shape: `{"error":{"code","message"}}`. */
function answer(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): HttpResponse {
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ error: { code, message } }),
  };
}
